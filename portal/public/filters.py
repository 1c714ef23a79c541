"""Reading the public record's filters from a query string.

A value outside its vocabulary is dropped with a message (in the visitor's
language), and the other filters still apply: bad input never loses what was
valid.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from ..domain.profiles import profile_ids
from .record import CATEGORIES, CHANNELS, OUTCOMES, URGENCIES, PublicFilters

QUERY_MAX = 200
TEXT_MAX = 200


def parse_filters(args: Mapping[str, str]) -> tuple[PublicFilters, list[str]]:
    problems: list[str] = []

    def choice(name: str, allowed, label) -> str | None:
        value = (args.get(name) or "").strip()
        if not value:
            return None
        if value not in allowed:
            problems.append(str(_l("%(field)s: “%(value)s” is not one of the choices; that filter was left out.",
                                   field=label, value=value[:40])))
            return None
        return value

    def day(name: str, label) -> dt.date | None:
        value = (args.get(name) or "").strip()
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            problems.append(str(_l("%(field)s: “%(value)s” is not a date like 2026-01-31; that filter was left out.",
                                   field=label, value=value[:40])))
            return None

    timely_text = (args.get("timely") or "").strip().lower()
    timely = {"yes": True, "no": False}.get(timely_text)
    if timely_text and timely is None:
        problems.append(str(_l("Timely response: answer yes or no; that filter was left out.")))
    received_from, received_to = day("received_from", _l("Received from")), day("received_to", _l("Received to"))
    if received_from and received_to and received_to < received_from:
        problems.append(str(_l("The end date is before the start date; the dates were left out.")))
        received_from = received_to = None
    query = (args.get("q") or "").strip()[:QUERY_MAX] or None
    if query and not any(c.isalnum() for c in query):
        # Punctuation alone matches nothing in particular: say so rather than
        # showing every complaint as if they matched.
        problems.append(str(_l("Search: “%(value)s” has no letters or numbers, so it was left out.",
                               value=query[:40])))
        query = None
    filters = PublicFilters(
        q=query,
        category=choice("category", CATEGORIES, _l("Category")),
        urgency=choice("urgency", URGENCIES, _l("Urgency")),
        jurisdiction=choice("jurisdiction", profile_ids(), _l("Jurisdiction")),
        agency=(args.get("agency") or "").strip()[:TEXT_MAX] or None,
        channel=choice("channel", CHANNELS, _l("Channel")),
        region=(args.get("region") or "").strip()[:64] or None,
        company_response=choice("company_response", OUTCOMES, _l("Company response")),
        timely=timely,
        received_from=received_from,
        received_to=received_to,
        with_narrative=(args.get("with_narrative") or "").strip().lower() in ("yes", "1", "on", "true"),
    )
    return filters, problems
