"""Systemic-issue alerts: one agency's complaints in one category spiking in one week."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class SystemicAlert(db.Model):
    """A week whose complaint count for (agency, category) is far above its own history.

    Written by ``flask --app portal alerts run`` (portal.alerts); a rerun
    updates the counts of an alert already stored and keeps its acknowledgement.
    """

    __tablename__ = "systemic_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(sa.String(16))  # the profile whose threshold applied
    agency: Mapped[str] = mapped_column(sa.String(200))  # as most often written
    agency_key: Mapped[str] = mapped_column(sa.String(200))  # case-folded, spaces collapsed
    category: Mapped[str] = mapped_column(sa.String(32))
    week_start: Mapped[date] = mapped_column(sa.Date, index=True)  # a Monday, in the profile's zone
    count: Mapped[int] = mapped_column()
    expected: Mapped[float] = mapped_column(sa.Float)
    score: Mapped[float] = mapped_column(sa.Float)
    method: Mapped[str] = mapped_column(sa.String(32))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("staff_user.id"))

    acknowledged_by: Mapped[Optional["StaffUser"]] = relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("jurisdiction", "agency_key", "category", "week_start", name="uq_systemic_alert_week"),
    )
