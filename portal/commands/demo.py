"""`flask seed-demo`: demo data and staff accounts for a laptop run."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Seed demo complaints, contact logs and staff accounts (once)."""
    from ..demo import seed

    created = seed()
    click.echo(created)
