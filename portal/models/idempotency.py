"""The first answer to each API request sent with an ``Idempotency-Key``."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class IdempotentRequest(db.Model):
    """A keyed request's answer, kept 24 hours so a retry gets it again.

    Written in the same transaction as what the request stored, so an answer
    exists exactly when its complaints do. ``response`` never holds an access
    code: a replay derives it again from the API key and the idempotency key
    (portal.api.idempotency).
    """

    __tablename__ = "idempotent_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(sa.ForeignKey("api_key.id"))
    key: Mapped[str] = mapped_column(sa.String(255))
    endpoint: Mapped[str] = mapped_column(sa.String(64))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of the endpoint and the canonical body
    status_code: Mapped[int] = mapped_column(sa.SmallInteger)
    response: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (sa.UniqueConstraint("api_key_id", "key"),)
