"""Flask CLI commands of SPEC section 8, one click group per file."""
from __future__ import annotations

import importlib

import click

# Each module exports the command objects listed here.
COMMAND_MODULES = {
    "demo": ["seed_demo"],
    "users": ["users_cli"],
    "api_keys": ["api_keys_cli"],
    "complaints": ["complaints_cli"],
    "deadlines": ["deadlines_cli"],
    "contacts": ["contacts_cli"],
    "audit": ["audit_cli"],
    "jobs": ["jobs_cli"],
    "alerts": ["alerts_cli"],
    "reports": ["reports_cli"],
}


def all_groups() -> list[click.Command]:
    commands = []
    for module_name, names in COMMAND_MODULES.items():
        module = importlib.import_module(f"{__name__}.{module_name}")
        commands.extend(getattr(module, name) for name in names)
    return commands
