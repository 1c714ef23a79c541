"""`flask contacts` commands."""
from __future__ import annotations

from flask.cli import AppGroup

contacts_cli = AppGroup("contacts", help="contacts commands")
