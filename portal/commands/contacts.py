"""`flask contacts` commands: import contact-log files (SPEC section 8)."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

contacts_cli = AppGroup("contacts", help="Contact logs of collection agencies.")


@contacts_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source", default=None, help="Fills source only where a row has none.")
@click.option("--jurisdiction", default=None,
              help="Profile id the logs belong to, for rows with no jurisdiction of their own "
                   "(without it: the profile whose zones hold the row's consumer_tz).")
def import_command(file: Path, source: str | None, jurisdiction: str | None) -> None:
    """Import FILE (.csv with a header of field names, or .jsonl).

    Prints {"imported", "duplicates", "rejected"} as one JSON line and writes
    every rejected row, with its line number and the reason, to
    FILE.rejects.csv. Each batch of rows is committed on its own: if the
    import stops part-way, run it again to complete it.
    """
    from classifiers.redaction import mask_sensitive

    from ..contacts.importer import ImportFailed, ImportFileError, import_file

    if not file.is_file():
        raise click.ClickException(f"{file}: no such file")
    if source is not None and not source.strip():
        raise click.ClickException("--source must not be empty")
    if jurisdiction is not None:
        from ..domain.profiles import ProfileError, load_profile

        try:
            jurisdiction = load_profile(jurisdiction.strip()).id
        except ProfileError as error:
            raise click.ClickException(f"--jurisdiction: {error}") from None
    try:
        result = import_file(file, source=source, channel="cli", jurisdiction=jurisdiction)
    except ImportFileError as error:
        raise click.ClickException(mask_sensitive(f"{file.name}: {error}").text) from None
    except ImportFailed as error:
        click.echo(json.dumps(error.result.summary()))
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(result.summary()))
