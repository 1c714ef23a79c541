"""Supervisor dashboard figures: SLA compliance, the overdue list, trends.

A deadline counts once it is decided: met on time (done by its due time),
missed (done late, or not done and past due). Deadlines still open and not
yet due are left out of the share. When each was met is read from the
complaint's columns: acknowledgement by ``acknowledged_at`` (or closing),
first response by ``first_responded_at`` (or the final response or
closing), final by ``responded_at`` (or closing).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import Complaint, StaffUser

WINDOW_DAYS = 90
TREND_WEEKS = 12
OVERDUE_LIMIT = 100


@dataclass
class Compliance:
    key: str | None
    met: int
    missed: int
    # The queue filter of the complaints behind the figure (the percentage links there).
    queue_args: dict | None = None

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def share(self) -> float | None:
        return self.met / self.decided if self.decided else None

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(self.share * 100)


def _stages(now: dt.datetime):
    c = Complaint
    return [
        (sa.func.coalesce(c.acknowledged_at, c.closed_at), c.ack_due_at),
        (sa.func.coalesce(c.first_responded_at, c.responded_at, c.closed_at), c.first_response_due_at),
        (sa.func.coalesce(c.responded_at, c.closed_at), c.final_due_at),
    ]


def _met_missed(now: dt.datetime):
    met, missed = [], []
    for done, due in _stages(now):
        met.append(sa.case((sa.and_(done.is_not(None), due.is_not(None), done <= due), 1), else_=0))
        missed.append(sa.case((sa.and_(due.is_not(None), sa.or_(done > due, sa.and_(done.is_(None), due < now))), 1),
                              else_=0))
    return sa.func.sum(met[0] + met[1] + met[2]), sa.func.sum(missed[0] + missed[1] + missed[2])


def compliance_by(column, now: dt.datetime, since: dt.datetime) -> list[Compliance]:
    met, missed = _met_missed(now)
    rows = db.session.execute(
        sa.select(column, met, missed).where(Complaint.received_at >= since).group_by(column).order_by(column)
    )
    return [Compliance(key, int(m or 0), int(x or 0)) for key, m, x in rows]


def dashboard_data(now: dt.datetime) -> dict:
    since = now - dt.timedelta(days=WINDOW_DAYS)
    c = Complaint
    met, missed = _met_missed(now)
    overall = db.session.execute(sa.select(met, missed).where(c.received_at >= since)).one()
    officers = dict(db.session.execute(sa.select(StaffUser.id, StaffUser.display_name)).all())
    by_officer = compliance_by(c.assignee_id, now, since)
    for row in by_officer:
        row.queue_args = {"status": "all", "assignee": str(row.key) if row.key is not None else "unassigned"}
        row.key = officers.get(row.key, None) if row.key is not None else None
    by_profile = compliance_by(c.jurisdiction, now, since)
    for row in by_profile:
        row.queue_args = {"status": "all", "profile": row.key}
    by_category = compliance_by(c.category, now, since)
    for row in by_category:
        row.queue_args = {"status": "all", "category": row.key} if row.key else None

    overdue = list(db.session.scalars(
        sa.select(c).where(c.status != "closed", c.next_due_at < now)
        .order_by(c.next_due_at, c.urgency_rank, c.id).limit(OVERDUE_LIMIT)
    ))
    overdue_total = db.session.scalar(
        sa.select(sa.func.count()).select_from(c).where(c.status != "closed", c.next_due_at < now)
    )

    # Weekly volume by urgency (weeks start on Monday, UTC).
    start = (now - dt.timedelta(weeks=TREND_WEEKS - 1)).date()
    start -= dt.timedelta(days=start.weekday())
    start_at = dt.datetime.combine(start, dt.time(0), tzinfo=dt.timezone.utc)
    weeks = [start + dt.timedelta(weeks=i) for i in range(TREND_WEEKS)]
    counts: Counter = Counter()
    for received_at, urgency in db.session.execute(sa.select(c.received_at, c.urgency).where(c.received_at >= start_at)):
        week = (received_at.date() - start).days // 7
        if 0 <= week < TREND_WEEKS:
            counts[(week, urgency or "unrouted")] += 1
    levels = ("critical", "high", "normal", "low", "unrouted")
    trend = [{"week": weeks[i], "counts": {lv: counts[(i, lv)] for lv in levels},
              "total": sum(counts[(i, lv)] for lv in levels)} for i in range(TREND_WEEKS)]
    peak = max([w["total"] for w in trend] + [1])
    return {
        "window_days": WINDOW_DAYS,
        "overall": Compliance("all", int(overall[0] or 0), int(overall[1] or 0), {"status": "all"}),
        "by_profile": by_profile,
        "by_category": by_category,
        "by_officer": by_officer,
        "overdue": overdue,
        "overdue_total": overdue_total or 0,
        "trend": trend,
        "trend_levels": levels,
        "trend_peak": peak,
    }
