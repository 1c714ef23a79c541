"""Portal-wide settings an administrator chooses at run time."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class SiteSetting(db.Model):
    """One named setting (e.g. ``default_profile``).

    Kept in the database, not the configuration, because the web tier is
    stateless: every app server must see an administrator's choice at once.
    """

    __tablename__ = "site_setting"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(255))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("staff_user.id"))
