"""`flask users` commands (SPEC section 8)."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from .. import admin_log
from ..extensions import db
from ..models import ROLES
from ..staff_accounts import StaffAccountError, create_staff

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--name", "display_name", default=None)
@click.option("--language", type=click.Choice(["en", "zh_Hans"]), default=None)
def create(email: str, role: str, password_stdin: bool, display_name: str | None, language: str | None) -> None:
    """Create a staff account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        staff = create_staff(email, role, password, display_name, language)
        admin_log.staff_created(staff, None, password_chosen=True)
        db.session.commit()
    except StaffAccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(f"created {staff.role} {staff.email}")
