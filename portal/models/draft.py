"""A complaint being written in the guided form, kept between its steps.

The signed session cookie holds only the draft's random token (a narrative of
10,000 characters would not fit in a cookie). Values are masked before they
are saved here, like everything else (SPEC section 7). Drafts expire and are
deleted when the complaint is filed.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class IntakeDraft(db.Model):
    __tablename__ = "intake_draft"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Step values by field name (masked), and the evidence files already
    # stored for it: [{"original_name", "stored_name", "content_type", "size", "sha256"}].
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    uploads: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    redacted_count: Mapped[int] = mapped_column(default=0)
