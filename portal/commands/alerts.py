"""`flask alerts run`: systemic-issue alerts (SPEC section 8, "alerts")."""
from __future__ import annotations

import datetime as dt
import json

import click
from flask.cli import AppGroup

alerts_cli = AppGroup("alerts", help="Systemic-issue alerts: weeks far above an agency's own history.")


@alerts_cli.command("run")
@click.option("--weeks", default=4, show_default=True, type=click.IntRange(1, 104),
              help="How many weeks to test, the current one included.")
@click.option("--profile", "profiles", multiple=True, help="Only this profile (repeatable); every profile by default.")
@click.option("--as-of", "as_of", default=None, help="Test as if it were this date (YYYY-MM-DD, end of day UTC).")
def run_command(weeks: int, profiles: tuple[str, ...], as_of: str | None) -> None:
    """Test each agency × category's weekly complaint counts and store the alerts.

    Prints one JSON object a line per alert: agency, category, week (its
    Monday), count, expected, score (-log10 of the Poisson tail probability),
    and profile, p_value and the number of corroborating audit findings.
    The method and thresholds are the [alerts] table of each profile file.
    """
    from ..domain.profiles import ProfileError, load_profile
    from ..extensions import db
    from ..oversight.alerts import alert_line, run_alerts

    try:
        for profile_id in profiles:
            load_profile(profile_id)
    except ProfileError as error:
        raise click.ClickException(str(error)) from None
    now = None
    if as_of:
        try:
            now = dt.datetime.combine(dt.date.fromisoformat(as_of), dt.time(23, 59, 59), dt.timezone.utc)
        except ValueError:
            raise click.BadParameter("a date like 2026-11-30", param_hint="--as-of") from None
    try:
        results = run_alerts(now, weeks=weeks, profiles=list(profiles) or None)
    except ValueError as error:  # a bad [alerts] table in a profile file
        raise click.ClickException(str(error)) from None
    lines = [alert_line(r) for r in results]
    db.session.commit()
    for line in lines:
        click.echo(json.dumps(line, ensure_ascii=False))
