"""`flask reports export`: regulator reports (SPEC section 8, "regulator reports")."""
from __future__ import annotations

import datetime as dt
import sys

import click
from flask.cli import AppGroup

reports_cli = AppGroup("reports", help="Regulator reports by jurisdiction profile.")


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-30", param_hint=name) from None


@reports_cli.command("export")
@click.option("--profile", "profile_id", required=True, help="us-cfpb, cn-nfra or uk-fca.")
@click.option("--from", "date_from", required=True, help="First day (YYYY-MM-DD, the profile's time zone).")
@click.option("--to", "date_to", required=True, help="Last day, inclusive.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
def export_command(profile_id: str, date_from: str, date_to: str, fmt: str, output: str | None) -> None:
    """Write the profile's regulator report for the period (CSV to stdout by default)."""
    from ..models.types import utcnow
    from ..oversight.reports import ReportError, build_report, report_csv, report_xlsx

    try:
        report = build_report(profile_id, _date(date_from, "--from"), _date(date_to, "--to"), utcnow())
    except ReportError as error:
        raise click.ClickException(str(error)) from None
    if fmt == "xlsx":
        data = report_xlsx(report)
        if output:
            with open(output, "wb") as fh:
                fh.write(data)
        elif sys.stdout.isatty():
            raise click.ClickException("XLSX is binary: give --output FILE or redirect standard output")
        else:
            click.get_binary_stream("stdout").write(data)
        return
    text = "".join(report_csv(report))
    if output:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        click.echo(text, nl=False)
