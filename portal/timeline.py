"""Appending to a complaint's timeline: the only way events are written."""
from __future__ import annotations

from typing import Any

from .extensions import db
from .models import Complaint, ComplaintEvent, StaffUser
from .models.types import utcnow


def record_event(
    complaint: Complaint,
    kind: str,
    *,
    actor_type: str,
    public: bool,
    body: str | None = None,
    actor: StaffUser | None = None,
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    """Add one event (not committed: the request or command commits once).

    ``body`` must already be masked by the caller (see classifiers.redaction).
    """
    event = ComplaintEvent(
        complaint=complaint,
        kind=kind,
        actor_type=actor_type,
        actor_id=actor.id if actor is not None else None,
        public=public,
        body=body,
        data=data or {},
        occurred_at=utcnow(),
    )
    db.session.add(event)
    return event
