"""Complaints, their evidence files and their append-only timeline."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

URGENCY_RANK = {"critical": 0, "high": 1, "normal": 2, "low": 3}
UNROUTED_RANK = 2  # an unrouted complaint queues as normal until routed


class Complaint(db.Model):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(16), unique=True)
    access_code_hash: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.String(16), default="web")  # web | api | staff
    language: Mapped[str] = mapped_column(sa.String(8), default="en")  # en | zh_Hans
    jurisdiction: Mapped[str] = mapped_column(sa.String(16), index=True)  # profile id
    status: Mapped[str] = mapped_column(sa.String(24), default="received", index=True)

    # What happened (all free text is masked before it is stored).
    narrative: Mapped[str] = mapped_column(sa.Text)
    agency: Mapped[Optional[str]] = mapped_column(sa.String(200))
    agent_name: Mapped[Optional[str]] = mapped_column(sa.String(200))
    contact_numbers: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    channels: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    incident_start: Mapped[Optional[date]] = mapped_column(sa.Date)
    incident_end: Mapped[Optional[date]] = mapped_column(sa.Date)
    amount_demanded: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(14, 2))
    amount_believed_owed: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(14, 2))
    currency: Mapped[Optional[str]] = mapped_column(sa.String(3))
    desired_resolution: Mapped[Optional[str]] = mapped_column(sa.Text)

    # The cardholder.
    name: Mapped[Optional[str]] = mapped_column(sa.String(200))
    email: Mapped[Optional[str]] = mapped_column(sa.String(254))
    phone: Mapped[Optional[str]] = mapped_column(sa.String(40))
    account_ref: Mapped[Optional[str]] = mapped_column(sa.String(64), index=True)
    vulnerabilities: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    consent: Mapped[bool] = mapped_column(default=False)
    # The cardholder's separate opt-in to publish the narrative (scrubbed) in
    # the public complaint database; off unless they ticked it.
    publish_narrative: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    region: Mapped[Optional[str]] = mapped_column(sa.String(64))  # state or province, when given
    redacted_count: Mapped[int] = mapped_column(default=0)

    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Routing by the classifier (null until routed).
    category: Mapped[Optional[str]] = mapped_column(sa.String(32), index=True)
    urgency: Mapped[Optional[str]] = mapped_column(sa.String(16), index=True)
    urgency_rank: Mapped[int] = mapped_column(sa.SmallInteger, default=UNROUTED_RANK)
    routing: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)
    model_version: Mapped[Optional[str]] = mapped_column(sa.String(64))
    routed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    routing_error: Mapped[Optional[str]] = mapped_column(sa.Text)
    routing_attempts: Mapped[int] = mapped_column(default=0)

    # Case handling.
    assignee_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    acknowledged_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    first_responded_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    responded_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    closed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    outcome: Mapped[Optional[str]] = mapped_column(sa.String(48))
    relief_amount: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(14, 2))
    relief_currency: Mapped[Optional[str]] = mapped_column(sa.String(3))  # else the complaint's currency
    response_text: Mapped[Optional[str]] = mapped_column(sa.Text)
    duplicate_of_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("complaint.id"))
    complexity: Mapped[str] = mapped_column(sa.String(24), default="standard")
    extension_approved_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("staff_user.id"))
    paused_since: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    pause_kind: Mapped[Optional[str]] = mapped_column(sa.String(32))
    # Closed pauses as [{"kind", "start", "end"}] (ISO 8601 UTC), for the deadline engine.
    pauses: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    feedback_resolved: Mapped[Optional[bool]] = mapped_column()
    feedback_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    # Deadlines, computed by the deadline engine and stored so queues can
    # sort and filter on them; recomputed on every event that changes them.
    ack_due_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    first_response_due_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    final_due_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    next_due_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime, index=True)

    # Search document: narrative and names, with Chinese split into
    # overlapping bigrams so word-based full-text search finds it.
    search_document: Mapped[Optional[str]] = mapped_column(sa.Text)

    # The public record (portal.public.record): the narrative as published,
    # masked and scrubbed of personal details, only with publish_narrative;
    # and its search words (same transformation as search_document).
    public_narrative: Mapped[Optional[str]] = mapped_column(sa.Text)
    public_search: Mapped[Optional[str]] = mapped_column(sa.Text)

    # Optimistic locking: a stale save raises StaleDataError.
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        sa.Index("ix_complaint_queue", "urgency_rank", "next_due_at", "id"),
        # The public record: published = responded at least 15 days ago.
        sa.Index("ix_complaint_published", "responded_at", "id"),
    )

    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="complaint", order_by="Attachment.id"
    )
    events: Mapped[list["ComplaintEvent"]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.id"
    )
    assignee: Mapped[Optional["StaffUser"]] = relationship(foreign_keys=[assignee_id])  # noqa: F821

    def __repr__(self) -> str:
        return f"<Complaint {self.reference} {self.status}>"


class Attachment(db.Model):
    """An evidence file, stored outside the web root under a random name."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaint.id"), index=True)
    event_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("complaint_event.id"))
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(sa.String(16), default="cardholder")

    complaint: Mapped[Complaint] = relationship(back_populates="attachments")
    # The event the file came with (lets a new complaint, its event and its
    # files be inserted in one flush).
    event: Mapped[Optional["ComplaintEvent"]] = relationship(foreign_keys=[event_id])


class ComplaintEvent(db.Model):
    """One entry of a complaint's append-only timeline.

    ``public`` events are what the cardholder sees on the tracking page.
    Rows are never updated or deleted (enforced in ``_refuse_event_changes``).
    """

    __tablename__ = "complaint_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaint.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(40))
    actor_type: Mapped[str] = mapped_column(sa.String(16))  # cardholder | staff | system | api
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("staff_user.id"))
    public: Mapped[bool] = mapped_column(default=False)
    body: Mapped[Optional[str]] = mapped_column(sa.Text)  # masked free text
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    complaint: Mapped[Complaint] = relationship(back_populates="events")
    actor: Mapped[Optional["StaffUser"]] = relationship()  # noqa: F821


class ClassificationFeedback(db.Model):
    """An officer's correction of the routing: training feedback."""

    __tablename__ = "classification_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaint.id"), index=True)
    staff_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    old_category: Mapped[Optional[str]] = mapped_column(sa.String(32))
    new_category: Mapped[Optional[str]] = mapped_column(sa.String(32))
    old_urgency: Mapped[Optional[str]] = mapped_column(sa.String(16))
    new_urgency: Mapped[Optional[str]] = mapped_column(sa.String(16))
    model_version: Mapped[Optional[str]] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.Text)


@event.listens_for(Session, "before_flush")
def _refuse_event_changes(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, ComplaintEvent) and (
            obj in session.deleted or session.is_modified(obj, include_collections=False)
        ):
            raise ValueError("the complaint timeline is append-only")
