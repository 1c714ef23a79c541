"""Which jurisdiction a contact log belongs to, and the SQL for "a profile's own logs".

A log belongs to (SPEC section 8, "scoped audit"):

1. the profile its row names in the optional ``jurisdiction`` field, else
2. the profile its import was given (``--jurisdiction``, the upload form,
   the API's ``jurisdiction``), else
3. the profile whose ``zones`` list holds the log's ``consumer_tz``.

The first two are resolved when the row is imported and stored in
``contact_log.jurisdiction`` (one dictionary look-up per row); the third is
read when the logs are audited or counted, so editing a profile's zone list
takes effect without rewriting any log. A zone is listed by one profile at
most (``zone_jurisdictions`` checks it), so a log has one jurisdiction or none.
"""
from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from ..domain.profiles import load_profile, profile_ids, zone_jurisdictions
from ..models import ContactLog


def jurisdiction_of(stored: str | None, consumer_tz: str, zones: Mapping[str, str] | None = None) -> str | None:
    """The profile id a log belongs to, from its stored jurisdiction and its zone."""
    if stored:
        return stored
    return (zones if zones is not None else zone_jurisdictions()).get(consumer_tz)


def own_logs(profile_id: str, log=ContactLog):
    """A condition on contact_log: the log belongs to this profile."""
    zones = load_profile(profile_id).zones
    column, zone = log.jurisdiction, log.consumer_tz
    if not zones:
        return column == profile_id
    return sa.or_(column == profile_id, sa.and_(column.is_(None), zone.in_(zones)))


def own_logs_sql(profile_id: str) -> tuple[str, list[str]]:
    """The same condition as SQL text with positional parameters (the audit's raw stream)."""
    zones = list(load_profile(profile_id).zones)
    placeholders = ", ".join(["%s"] * len(zones))
    if not zones:
        return "jurisdiction = %s", [profile_id]
    return f"(jurisdiction = %s OR (jurisdiction IS NULL AND consumer_tz IN ({placeholders})))", [profile_id, *zones]


def known_jurisdictions() -> frozenset[str]:
    return frozenset(profile_ids())
