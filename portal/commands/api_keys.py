"""`flask api-keys` commands (SPEC section 8): create, list, revoke."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..api_keys import ApiKeyError, all_keys, create_api_key, revoke_api_key
from .. import admin_log
from ..extensions import db

api_keys_cli = AppGroup("api-keys", help="Manage keys for the JSON API.")


def _when(value) -> str:
    return value.isoformat(timespec="seconds") if value else "-"


@api_keys_cli.command("create")
@click.argument("name")
def create(name: str) -> None:
    """Make a key for NAME and print it once (only its hash is stored)."""
    try:
        new = create_api_key(name)
        admin_log.api_key_changed("api_key.created", new.api_key, None)
        db.session.commit()
    except ApiKeyError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(new.secret)
    click.echo(
        f"Key {new.api_key.prefix}… for {new.api_key.name!r} created. Store it now: it cannot be shown again.",
        err=True,
    )


@api_keys_cli.command("list")
def list_keys() -> None:
    """List keys: prefix, name, created, last used, revoked (never the key)."""
    keys = all_keys()
    if not keys:
        click.echo("no API keys")
        return
    click.echo(f"{'prefix':<14} {'status':<8} {'created':<26} {'last used':<26} name")
    for key in keys:
        status = "revoked" if key.revoked_at else "active"
        click.echo(
            f"{key.prefix:<14} {status:<8} {_when(key.created_at):<26} {_when(key.last_used_at):<26} {key.name}"
        )


@api_keys_cli.command("revoke")
@click.argument("name_or_prefix")
def revoke(name_or_prefix: str) -> None:
    """Revoke the active key with this NAME or PREFIX; it stops working at once."""
    try:
        key = revoke_api_key(name_or_prefix)
        admin_log.api_key_changed("api_key.revoked", key, None)
        db.session.commit()
    except ApiKeyError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(f"revoked {key.prefix} {key.name}")
