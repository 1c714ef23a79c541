"""Collection contact logs, their imports, audits, findings and complaint links."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class ContactLog(db.Model):
    """One collection contact or attempt (SPEC section 5)."""

    __tablename__ = "contact_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(120))
    external_id: Mapped[str] = mapped_column(sa.String(120))
    agency: Mapped[str] = mapped_column(sa.String(200))
    agent_id: Mapped[Optional[str]] = mapped_column(sa.String(120), index=True)
    account_ref: Mapped[str] = mapped_column(sa.String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consumer_tz: Mapped[str] = mapped_column(sa.String(64))
    channel: Mapped[str] = mapped_column(sa.String(16))
    direction: Mapped[str] = mapped_column(sa.String(16))
    outcome: Mapped[str] = mapped_column(sa.String(16))
    duration_s: Mapped[Optional[int]] = mapped_column()
    counterparty: Mapped[str] = mapped_column(sa.String(16))
    contact_point: Mapped[Optional[str]] = mapped_column(sa.String(254), index=True)
    # The phone key of contact_point (portal.domain.linking.phone_key): matches
    # the numbers a cardholder gives however they are written.
    phone_key: Mapped[Optional[str]] = mapped_column(sa.String(16))
    notes: Mapped[Optional[str]] = mapped_column(sa.Text)
    disposition: Mapped[Optional[str]] = mapped_column(sa.String(32))
    # The profile id the log belongs to when the row named one, else the one
    # its import was given; None: the profile whose zones hold consumer_tz
    # (portal.contacts.jurisdiction, read when audited so a profile's zone
    # list can change without rewriting logs).
    jurisdiction: Mapped[Optional[str]] = mapped_column(sa.String(16))
    import_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("contact_import.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("source", "external_id", name="uq_contact_log_source_external_id"),
        # The audit streams logs in this order, one (agency, account) at a time.
        sa.Index("ix_contact_log_audit_order", "agency", "account_ref", "occurred_at"),
        sa.Index("ix_contact_log_account_time", "account_ref", "occurred_at"),
        sa.Index("ix_contact_log_phone_key_time", "phone_key", "occurred_at"),
    )


class ContactImport(db.Model):
    """One import of a contact-log file (CLI, upload or API)."""

    __tablename__ = "contact_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[Optional[str]] = mapped_column(sa.String(255))
    source: Mapped[Optional[str]] = mapped_column(sa.String(120))
    channel: Mapped[str] = mapped_column(sa.String(16), default="cli")  # cli | upload | api
    # The jurisdiction given to the import, for rows that name none.
    jurisdiction: Mapped[Optional[str]] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16), default="running")  # running | done | failed
    rows_seen: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    bytes_total: Mapped[Optional[int]] = mapped_column(sa.BigInteger)
    bytes_done: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    rejects_path: Mapped[Optional[str]] = mapped_column(sa.String(500))
    error: Mapped[Optional[str]] = mapped_column(sa.Text)
    staff_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("staff_user.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class AuditRun(db.Model):
    __tablename__ = "audit_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(sa.String(16), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="running")
    # "own": only the profile's own logs (the web pages' run); "all": every log.
    scope: Mapped[str] = mapped_column(sa.String(8), default="all", server_default="all")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    logs_checked: Mapped[int] = mapped_column(default=0)
    counts: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    staff_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("staff_user.id"))


class Finding(db.Model):
    """One breach: exactly one offending log plus the logs that made it a breach."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_run_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_run.id"), index=True)
    profile: Mapped[str] = mapped_column(sa.String(16))  # profile id, or "any" for LANG-ABUSE
    rule_id: Mapped[str] = mapped_column(sa.String(32))
    citation: Mapped[Optional[str]] = mapped_column(sa.String(300))
    contact_log_id: Mapped[int] = mapped_column(sa.ForeignKey("contact_log.id"), index=True)
    account_ref: Mapped[str] = mapped_column(sa.String(64))
    agency: Mapped[str] = mapped_column(sa.String(200))
    agent_id: Mapped[Optional[str]] = mapped_column(sa.String(120))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    related_log_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    related_external_ids: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    window_start: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    window_end: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    explanation_en: Mapped[str] = mapped_column(sa.Text)
    explanation_zh: Mapped[str] = mapped_column(sa.Text)
    evidence: Mapped[Optional[list[dict[str, Any]]]] = mapped_column(sa.JSON)

    contact_log: Mapped[ContactLog] = relationship()

    __table_args__ = (
        sa.Index("ix_finding_profile_rule", "profile", "rule_id"),
        sa.Index("ix_finding_agency_agent", "agency", "agent_id"),
    )


class ComplaintContactLink(db.Model):
    """A contact log suggested for, confirmed on or rejected from a complaint."""

    __tablename__ = "complaint_contact_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaint.id"), index=True)
    contact_log_id: Mapped[int] = mapped_column(sa.ForeignKey("contact_log.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16))  # proposed | confirmed | rejected
    score: Mapped[Optional[float]] = mapped_column()
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    decided_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An auditor's proposal, which an officer then confirms or rejects.
    proposed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("staff_user.id"))
    proposed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    proposal_note: Mapped[Optional[str]] = mapped_column(sa.Text)
    finding_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("finding.id", ondelete="SET NULL"))

    contact_log: Mapped[ContactLog] = relationship()
    proposed_by: Mapped[Optional["StaffUser"]] = relationship(foreign_keys=[proposed_by_id])  # noqa: F821

    __table_args__ = (
        sa.Index("ix_complaint_contact_link_status", "status"),
        sa.UniqueConstraint("complaint_id", "contact_log_id", name="uq_complaint_contact_link_pair"),
    )
