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
