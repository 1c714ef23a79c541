"""What needs attention: deadlines overdue or due within two business days.

For ``flask deadlines report`` (and anything else that wants the list).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import Complaint
from .clock import deadlines_of, review_due

# A cheap first cut on the stored next deadline: two business days are never
# more than this many calendar days away (mainland China's Golden Week
# included); the engine then decides exactly, with each profile's calendar.
PREFILTER_DAYS = 14


@dataclass(frozen=True)
class Attention:
    reference: str
    profile: str
    urgency: str | None
    status: str
    assignee: str | None
    deadline: str
    due: dt.datetime
    state: str  # overdue | due_soon
    seconds: int  # overdue: since due; due_soon: until due

    def as_dict(self) -> dict:
        return {
            "reference": self.reference, "profile": self.profile, "urgency": self.urgency, "status": self.status,
            "assignee": self.assignee, "deadline": self.deadline, "due": self.due.isoformat(), "state": self.state,
            "seconds": self.seconds,
        }


def needing_attention(now: dt.datetime, *, business_days: int = 2, profile: str | None = None) -> list[Attention]:
    stmt = (
        sa.select(Complaint)
        .where(Complaint.status != "closed", Complaint.next_due_at.is_not(None),
               Complaint.next_due_at <= now + dt.timedelta(days=PREFILTER_DAYS))
        .order_by(Complaint.next_due_at, Complaint.urgency_rank, Complaint.id)
    )
    if profile:
        stmt = stmt.where(Complaint.jurisdiction == profile)
    found: list[Attention] = []
    for complaint in db.session.scalars(stmt):
        deadlines = deadlines_of(complaint, now)
        due_list = [(d.name, d.due) for d in deadlines.needing_attention(now, business_days)]
        review = review_due(complaint, now)
        if review is not None and review.met_at is None:
            limit = deadlines.calendar.add_business_days(now.astimezone(review.due.tzinfo).date(), business_days)
            if review.due.date() <= limit:
                due_list.append((review.name, review.due))
        for name, due in due_list:
            seconds = int((due - now).total_seconds())
            found.append(Attention(
                reference=complaint.reference, profile=complaint.jurisdiction, urgency=complaint.urgency,
                status=complaint.status, assignee=complaint.assignee.display_name if complaint.assignee else None,
                deadline=name, due=due, state="overdue" if seconds < 0 else "due_soon", seconds=abs(seconds),
            ))
    found.sort(key=lambda a: (a.state != "overdue", a.due, a.reference))
    return found
