"""`flask deadlines` commands (SPEC section 8).

``compute`` needs no application or database: it is pure deadline
arithmetic, so it is registered with ``with_appcontext=False``. Commands
that read complaints (e.g. a report of deadlines overdue or due soon) are
added to the same group with the default application context.
"""
from __future__ import annotations

import datetime as dt
import json

import click
from flask.cli import AppGroup

from portal.domain.deadlines import URGENCY_LEVELS, deadlines_for
from portal.domain.profiles import COMPLEXITIES, ProfileError, load_profile

deadlines_cli = AppGroup("deadlines", help="Complaint deadlines computed from the jurisdiction profiles.")


def _profile(ctx: click.Context, param: click.Parameter, value: str):
    try:
        return load_profile(value)
    except ProfileError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None


def _received(ctx: click.Context, param: click.Parameter, value: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date and time, e.g. 2026-11-25T10:00:00-05:00",
            ctx=ctx,
            param=param,
        ) from None


@deadlines_cli.command("compute", with_appcontext=False)
@click.option("--profile", "profile", required=True, callback=_profile, metavar="ID",
              help="Jurisdiction profile id, e.g. us-cfpb, cn-nfra, uk-fca.")
@click.option("--received", "received", required=True, callback=_received, metavar="ISO8601",
              help="When the complaint was received. Without an offset it is read in the profile's time zone.")
@click.option("--urgency", type=click.Choice(URGENCY_LEVELS), default="normal", show_default=True,
              help="Routed urgency; a complaint not routed yet counts as normal.")
@click.option("--complexity", type=click.Choice(COMPLEXITIES), default="standard", show_default=True,
              help="Complexity marked by a supervisor, where the profile allows a longer final deadline.")
@click.option("--extension-approved", is_flag=True,
              help="The especially-complex extension has a recorded approval.")
def compute(profile, received, urgency, complexity, extension_approved):
    """Print the acknowledgement, first-response and final deadlines as one JSON object."""
    if received.tzinfo is None:
        received = received.replace(tzinfo=profile.timezone)
    try:
        result = deadlines_for(
            profile, received, urgency, complexity=complexity, extension_approved=extension_approved
        )
    except ValueError as error:  # DeadlineError, CalendarDataMissing
        raise click.ClickException(str(error)) from None
    click.echo(
        json.dumps(
            {
                **result.as_dict(),
                "profile": profile.id,
                "calendar": profile.calendar.description,
            },
            ensure_ascii=False,
        )
    )


@deadlines_cli.command("report")
@click.option("--profile", default=None, metavar="ID", help="Only complaints of this jurisdiction profile.")
@click.option("--business-days", default=2, show_default=True, type=click.IntRange(0, 30),
              help="Also list deadlines due by the end of this many business days from today.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line instead of a table.")
@click.option("--now", "now_text", default=None, metavar="ISO8601", hidden=True, help="Pretend it is this time.")
def report(profile, business_days, as_json, now_text):
    """List complaint deadlines that are overdue or due within two business days."""
    from portal.cases.report import needing_attention

    now = dt.datetime.now(dt.timezone.utc)
    if now_text:
        try:
            now = dt.datetime.fromisoformat(now_text)
        except ValueError:
            raise click.BadParameter(f"{now_text!r} is not an ISO 8601 date and time", param_hint="--now") from None
        if now.tzinfo is None:
            raise click.BadParameter("give an offset, e.g. 2026-11-25T10:00:00+00:00", param_hint="--now")
    if profile:
        try:
            load_profile(profile)
        except ProfileError as error:
            raise click.BadParameter(str(error), param_hint="--profile") from None
    items = needing_attention(now, business_days=business_days, profile=profile)
    if as_json:
        for item in items:
            click.echo(json.dumps(item.as_dict(), ensure_ascii=False))
        return
    if not items:
        click.echo(f"Nothing overdue or due within {business_days} business days.")
        return
    click.echo(f"{'state':9} {'reference':14} {'profile':8} {'urgency':9} {'deadline':16} {'due':26} {'time':18} assignee")
    for item in items:
        span = _span(item.seconds)
        when = f"{span} ago" if item.state == "overdue" else f"in {span}"
        click.echo(f"{item.state:9} {item.reference:14} {item.profile:8} {item.urgency or '-':9} {item.deadline:16} "
                   f"{item.due.isoformat():26} {when:18} {item.assignee or '-'}")
    overdue = sum(1 for i in items if i.state == "overdue")
    click.echo(f"{overdue} overdue, {len(items) - overdue} due within {business_days} business days.")


def _span(seconds: int) -> str:
    hours, _ = divmod(seconds, 3600)
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if days else f"{hours}h {(seconds % 3600) // 60}m"
