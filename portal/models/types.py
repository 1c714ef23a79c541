"""Column types shared by the models."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Iterator

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

_clock_at: ContextVar[datetime | None] = ContextVar("clock_at", default=None)


def utcnow() -> datetime:
    return _clock_at.get() or datetime.now(timezone.utc)


@contextmanager
def clock_at(instant: datetime) -> Iterator[None]:
    """Within the block, :func:`utcnow` is ``instant``.

    For data made as of a past moment (the demo backdates its complaints):
    the complaint, its events, files and deadlines then all carry the same
    instant, instead of a backdated ``received_at`` beside events stamped now.
    """
    if instant.tzinfo is None:
        raise ValueError("naive datetime given; pass an aware datetime")
    token = _clock_at.set(instant.astimezone(timezone.utc))
    try:
        yield
    finally:
        _clock_at.reset(token)


class UTCDateTime(TypeDecorator):
    """An instant stored as naive UTC and returned as an aware UTC datetime.

    SQLite keeps no offset; storing naive UTC everywhere makes both databases
    compare and sort instants the same way. Naive values are refused on the way
    in, so a local time can never be stored by mistake.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)
