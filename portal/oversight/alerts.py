"""Finding, storing and explaining systemic-issue alerts (the method: portal.domain.alerts).

``run_alerts`` reads the complaints received in the weeks tested plus their
history window, counts them per (profile, agency, category, week) in the
profile's time zone, tests each pair with the profile's ``[alerts]``
settings, and stores one SystemicAlert per alerting week (a rerun updates
the counts and keeps any acknowledgement). Nothing here commits.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict, Counter
from dataclasses import dataclass

import sqlalchemy as sa

from ..domain.alerts import AlertSettings, detect, week_start
from ..domain.profiles import load_profile, profile_ids
from ..extensions import db
from ..models import Complaint, Finding, SystemicAlert
from ..models.types import utcnow

DEFAULT_WEEKS = 4


def agency_key(agency: str) -> str:
    return agency.strip().lower()


def settings_for(profile_id: str) -> AlertSettings:
    return AlertSettings.from_profile(load_profile(profile_id).alerts)


@dataclass
class AlertResult:
    alert: SystemicAlert
    p_value: float
    findings: int


def _week_bounds(week: dt.date, zone) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(week, dt.time(), zone).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(week + dt.timedelta(days=7), dt.time(), zone).astimezone(dt.timezone.utc)
    return start, end


def run_alerts(now: dt.datetime | None = None, weeks: int = DEFAULT_WEEKS,
               profiles: list[str] | None = None) -> list[AlertResult]:
    """Test the last ``weeks`` weeks (the current one included) of every pair; store what alerts."""
    now = now or utcnow()
    results: list[AlertResult] = []
    for profile_id in profiles or profile_ids():
        profile = load_profile(profile_id)
        settings = settings_for(profile_id)
        zone = profile.timezone
        this_week = week_start(now.astimezone(zone).date())
        tested = [this_week - dt.timedelta(weeks=i) for i in range(weeks)]
        first_needed = min(tested) - dt.timedelta(weeks=settings.baseline_weeks)
        since, _ = _week_bounds(first_needed, zone)
        rows = db.session.execute(
            sa.select(Complaint.agency, Complaint.category, Complaint.received_at).where(
                Complaint.jurisdiction == profile_id,
                Complaint.agency.is_not(None),
                Complaint.category.is_not(None),
                Complaint.received_at >= since,
                Complaint.received_at <= now,
            )
        )
        series: dict[tuple[str, str], Counter] = defaultdict(Counter)
        spellings: dict[str, Counter] = defaultdict(Counter)
        for agency, category, received_at in rows:
            key = agency_key(agency)
            if not key:
                continue
            spellings[key][agency.strip()] += 1
            series[(key, category)][week_start(received_at.astimezone(zone).date())] += 1
        # Weeks before the window start count as "no history", not as zero.
        for (key, category), counts in sorted(series.items()):
            for found in detect(dict(counts), settings, weeks=tested):
                alert = _store(profile_id, spellings[key].most_common(1)[0][0], key, category, found, settings)
                results.append(AlertResult(alert, found.p_value, len(corroborating_findings(alert))))
    db.session.flush()
    return results


def _store(profile_id, agency, key, category, found, settings) -> SystemicAlert:
    alert = db.session.scalar(sa.select(SystemicAlert).where(
        SystemicAlert.jurisdiction == profile_id, SystemicAlert.agency_key == key,
        SystemicAlert.category == category, SystemicAlert.week_start == found.week))
    if alert is None:
        alert = SystemicAlert(jurisdiction=profile_id, agency_key=key, category=category, week_start=found.week,
                              detected_at=utcnow())
        db.session.add(alert)
    alert.agency = agency[:200]
    alert.count = found.count
    alert.expected = found.expected
    alert.score = found.score
    alert.method = settings.method
    return alert


def alert_line(result: AlertResult) -> dict:
    """One line of ``alerts run`` (SPEC section 8: agency, category, week, count, expected, score)."""
    alert = result.alert
    return {
        "agency": alert.agency,
        "category": alert.category,
        "week": alert.week_start.isoformat(),
        "count": alert.count,
        "expected": alert.expected,
        "score": alert.score,
        "profile": alert.jurisdiction,
        "p_value": float(f"{result.p_value:.3g}"),
        "findings": result.findings,
    }


def alert_complaints(alert: SystemicAlert, limit: int | None = 200) -> list[Complaint]:
    """The complaints counted in the alert's week."""
    start, end = _week_bounds(alert.week_start, load_profile(alert.jurisdiction).timezone)
    stmt = (
        sa.select(Complaint)
        .where(Complaint.jurisdiction == alert.jurisdiction,
               sa.func.lower(sa.func.trim(Complaint.agency)) == alert.agency_key,
               Complaint.category == alert.category,
               Complaint.received_at >= start, Complaint.received_at < end)
        .order_by(Complaint.received_at)
    )
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def corroborating_findings(alert: SystemicAlert, limit: int | None = 200) -> list[Finding]:
    """Audit findings for the same agency from ``finding_window_days`` before the week to as long after."""
    settings = settings_for(alert.jurisdiction)
    start, end = _week_bounds(alert.week_start, load_profile(alert.jurisdiction).timezone)
    window = dt.timedelta(days=settings.finding_window_days)
    stmt = (
        sa.select(Finding)
        .where(sa.func.lower(sa.func.trim(Finding.agency)) == alert.agency_key,
               Finding.occurred_at >= start - window, Finding.occurred_at < end + window)
        .order_by(Finding.occurred_at)
    )
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def acknowledge(alert: SystemicAlert, staff, now: dt.datetime | None = None) -> bool:
    """Mark the alert seen by ``staff``; False when it was acknowledged already."""
    if alert.acknowledged_at is not None:
        return False
    alert.acknowledged_at = now or utcnow()
    alert.acknowledged_by_id = staff.id
    return True
