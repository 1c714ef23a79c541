"""The public complaint database: what is published, and how it is read.

Publication rules (CFPB's, for its own database):

- a complaint is published once its response was sent at least
  ``PUBLICATION_DELAY`` (15 days) ago, so the company had its time to
  respond and the cardholder to react; duplicates are never published;
- its narrative is published only when the cardholder ticked the separate
  opt-in (``Complaint.publish_narrative``, off by default), and then only
  as ``public_narrative``: the stored (masked) narrative scrubbed of names,
  phone numbers, e-mail addresses, postal addresses and account references
  (portal.domain.scrubbing), filled by a listener on every insert and update;
- only the columns of ``PUBLIC_COLUMNS`` are ever read: never the
  cardholder's details, the reference or access code, internal notes or any
  timeline event, the response text, or the officer.

Pages are keyset-paginated on ``(responded_at, id)``, newest published
first, the column order of ``ix_complaint_published`` and, after the agency
or the region, of the partial indexes of migration i13b01 (PostgreSQL: they
include the other filters' columns, so counts and charts of one agency or
region read only the index). Counts are capped (``COUNT_CAP``) so a page
costs the same at a million complaints.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Iterator

import sqlalchemy as sa
from sqlalchemy import event

from ..domain.scrubbing import PersonalDetails, scrub_narrative
from ..extensions import db
from ..models import Complaint
from ..models.types import utcnow
from .. import search

PUBLICATION_DELAY = dt.timedelta(days=15)
PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
COUNT_CAP = 10_000
TREND_MONTHS = 12
TREND_CACHE_SECONDS = 300  # the record lags 15 days anyway; a chart five minutes old is as true
COUNT_CACHE_SECONDS = 60
# PostgreSQL's memory for one sort or bitmap while reading the record. A search
# combined with a broad filter (a category, a jurisdiction) ANDs two bitmaps of
# tens of thousands of rows; past the default 4 MB they turn lossy and every row
# of their pages is read again: at a million complaints that doubled those reads.
READ_WORK_MEM = "16MB"
DUPLICATE = "duplicate"
CHANNELS = ("phone", "text", "email", "letter", "visit", "social_media", "other")
CATEGORIES = ("harassment", "threats", "third_party", "misrepresentation", "wrong_amount", "not_owed",
              "verification", "other")
URGENCIES = ("critical", "high", "normal", "low")
OUTCOMES = ("closed_with_explanation", "closed_with_non_monetary_relief", "closed_with_monetary_relief",
            "responded")

# The only columns the public record reads, in the order of its downloads.
FIELD_NAMES = ("complaint_id", "date_received", "category", "urgency", "jurisdiction", "agency", "channels",
               "region", "company_response", "date_response_sent", "timely_response", "narrative")


def published(now: dt.datetime | None = None):
    """The condition on Complaint for "published at ``now``"."""
    cutoff = (now or utcnow()) - PUBLICATION_DELAY
    return sa.and_(
        Complaint.responded_at.is_not(None),
        Complaint.responded_at <= cutoff,
        sa.or_(Complaint.outcome.is_(None), Complaint.outcome != DUPLICATE),
    )


def _company_response():
    return sa.func.coalesce(Complaint.outcome, sa.literal("responded"))


def _timely():
    return sa.case(
        (sa.or_(Complaint.first_responded_at.is_(None), Complaint.first_response_due_at.is_(None)), None),
        (Complaint.first_responded_at <= Complaint.first_response_due_at, True),
        else_=False,
    )


PUBLIC_COLUMNS = (
    Complaint.id.label("complaint_id"),
    Complaint.received_at,
    Complaint.category,
    Complaint.urgency,
    Complaint.jurisdiction,
    Complaint.agency,
    Complaint.channels,
    Complaint.region,
    _company_response().label("company_response"),
    Complaint.responded_at,
    _timely().label("timely_response"),
    sa.case((Complaint.publish_narrative.is_(True), Complaint.public_narrative), else_=None).label("narrative"),
)


@dataclass(frozen=True)
class PublicFilters:
    q: str | None = None
    category: str | None = None
    urgency: str | None = None
    jurisdiction: str | None = None
    agency: str | None = None
    channel: str | None = None
    region: str | None = None
    company_response: str | None = None
    timely: bool | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    with_narrative: bool = False

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for links and downloads)."""
        out: dict[str, str] = {}
        for name, value in asdict(self).items():
            if value is None or value is False:
                continue
            if isinstance(value, bool):
                out[name] = "yes"
            elif isinstance(value, dt.date):
                out[name] = value.isoformat()
            else:
                out[name] = str(value)
        if self.timely is False:
            out["timely"] = "no"
        return out

    def cache_key(self) -> tuple:
        return tuple(sorted(self.as_args().items()))


@dataclass(frozen=True)
class Cursor:
    responded_at: dt.datetime
    id: int

    def encode(self) -> str:
        return f"{int(self.responded_at.timestamp() * 1_000_000)}.{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> "Cursor | None":
        if not text:
            return None
        try:
            stamp, ident = text.split(".")
            return cls(dt.datetime.fromtimestamp(int(stamp) / 1_000_000, dt.timezone.utc), int(ident))
        except (ValueError, OverflowError, OSError):
            raise BadCursor(text) from None


class BadCursor(ValueError):
    pass


@dataclass
class Page:
    rows: list[dict[str, Any]]
    next_cursor: str | None
    total: int  # capped at COUNT_CAP + 1 ("more than COUNT_CAP")
    total_capped: bool


def _conditions(filters: PublicFilters, now: dt.datetime | None, dialect: str) -> list:
    conditions = [published(now)]
    exact = {"category": Complaint.category, "urgency": Complaint.urgency, "jurisdiction": Complaint.jurisdiction,
             "region": Complaint.region}
    for name, column in exact.items():
        value = getattr(filters, name)
        if value:
            conditions.append(column == value)
    if filters.agency:
        # lower(agency): the leading key of ix_complaint_public_agency (migration i13b01).
        conditions.append(sa.func.lower(Complaint.agency) == filters.agency.strip().lower())
    if filters.channel:
        # channels is a JSON list: its text holds the quoted value (the values are a fixed vocabulary).
        conditions.append(sa.cast(Complaint.channels, sa.Text).like(f'%"{filters.channel}"%'))
    if filters.company_response == "responded":
        conditions.append(Complaint.outcome.is_(None))
    elif filters.company_response:
        conditions.append(Complaint.outcome == filters.company_response)
    if filters.timely is True:
        conditions.append(Complaint.first_responded_at <= Complaint.first_response_due_at)
    elif filters.timely is False:
        conditions.append(Complaint.first_responded_at > Complaint.first_response_due_at)
    if filters.received_from:
        conditions.append(Complaint.received_at >= _day_start(filters.received_from))
    if filters.received_to:
        conditions.append(Complaint.received_at < _day_start(filters.received_to + dt.timedelta(days=1)))
    if filters.with_narrative or filters.q:
        conditions.append(Complaint.publish_narrative.is_(True))
        conditions.append(Complaint.public_narrative.is_not(None))
    if filters.q:
        match = narrative_matching(filters.q, dialect)
        if match is not None:
            conditions.append(match)
    return conditions


def narrative_matching(query: str, dialect: str):
    """Full-text search over published narratives only (never the internal search document)."""
    terms = search.query_terms(query)
    if not terms:
        return None
    if dialect == "postgresql":
        # complaint.public_tsv: stored tsvector of public_search (migration i13a01).
        return search.vector_matches(sa.literal_column("complaint.public_tsv"), terms)
    return sa.and_(*(
        sa.func.lower(" " + sa.func.coalesce(Complaint.public_search, "")).contains(" " + t.text)
        if t.prefix else sa.func.lower(" " + sa.func.coalesce(Complaint.public_search, "") + " ").contains(
            " " + t.text + " ")
        for t in terms
    ))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.timezone.utc)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _prepare_read() -> None:
    """Settings for this transaction's reads of the record (SET LOCAL ends with the transaction)."""
    if _dialect() == "postgresql":
        db.session.execute(sa.text(f"SET LOCAL work_mem = '{READ_WORK_MEM}'"))


def public_select(filters: PublicFilters, now: dt.datetime | None = None):
    return sa.select(*PUBLIC_COLUMNS).where(*_conditions(filters, now, _dialect()))


def public_row(row) -> dict[str, Any]:
    """One published complaint as the downloads and the API give it."""
    return {
        "complaint_id": row.complaint_id,
        "date_received": row.received_at.date().isoformat(),
        "category": row.category,
        "urgency": row.urgency,
        "jurisdiction": row.jurisdiction,
        "agency": row.agency,
        "channels": list(row.channels or []),
        "region": row.region,
        "company_response": row.company_response,
        "date_response_sent": row.responded_at.date().isoformat(),
        "timely_response": None if row.timely_response is None else bool(row.timely_response),
        "narrative": row.narrative,
    }


def page_of(filters: PublicFilters, cursor: Cursor | None = None, size: int = PAGE_SIZE,
            now: dt.datetime | None = None) -> Page:
    size = max(1, min(size, MAX_PAGE_SIZE))
    stmt = public_select(filters, now)
    if cursor is not None:
        stmt = stmt.where(sa.tuple_(Complaint.responded_at, Complaint.id) < (cursor.responded_at, cursor.id))
    stmt = stmt.order_by(Complaint.responded_at.desc(), Complaint.id.desc()).limit(size + 1)
    _prepare_read()
    rows = db.session.execute(stmt).all()
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = Cursor(rows[-1].responded_at, rows[-1].complaint_id).encode() if more and rows else None
    total = count_of(filters, now)
    return Page([public_row(r) for r in rows], next_cursor, min(total, COUNT_CAP), total > COUNT_CAP)


def count_of(filters: PublicFilters, now: dt.datetime | None = None, cached: bool = True) -> int:
    """How many published complaints match, counted up to COUNT_CAP + 1.

    The cap bounds a common filter's count; a rare one (a few thousand matches
    among a million) still reads every candidate row, so the answer is kept
    for COUNT_CACHE_SECONDS like the chart.
    """
    now = now or utcnow()

    def compute() -> int:
        inner = sa.select(Complaint.id).where(*_conditions(filters, now, _dialect())).limit(COUNT_CAP + 1)
        _prepare_read()
        return db.session.scalar(sa.select(sa.func.count()).select_from(inner.subquery())) or 0

    if not cached:
        return compute()
    return _cached("count", (filters.cache_key(), now.strftime("%Y-%m-%d"), _dialect()), COUNT_CACHE_SECONDS, compute)


_cache: dict[tuple, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def _cached(kind: str, key: tuple, seconds: float, compute):
    """A per-process cache of recent answers (the record lags 15 days: minutes-old counts are as true)."""
    key = (kind, *key)
    with _cache_lock:
        hit = _cache.get(key)
    if hit and time.monotonic() - hit[0] < seconds:
        return hit[1]
    value = compute()
    with _cache_lock:
        if len(_cache) > 2000:
            _cache.clear()
        _cache[key] = (time.monotonic(), value)
    return value


def clear_caches() -> None:
    with _cache_lock:
        _cache.clear()


def iter_rows(filters: PublicFilters, now: dt.datetime | None = None, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Every matching published complaint, streamed from a server-side cursor in batches."""
    stmt = public_select(filters, now).order_by(Complaint.responded_at.desc(), Complaint.id.desc())
    _prepare_read()
    result = db.session.execute(stmt.execution_options(yield_per=batch, stream_results=True))
    try:
        for row in result:
            yield public_row(row)
    finally:
        result.close()


# --- the trend chart ------------------------------------------------------------


@dataclass
class Trend:
    months: list[str]  # "2026-01", oldest first
    by_category: dict[str, list[int]] = field(default_factory=dict)
    peak: int = 0


def trend_of(filters: PublicFilters, now: dt.datetime | None = None, cached: bool = True) -> Trend:
    """Published complaints received per month over the last TREND_MONTHS months, per category."""
    now = now or utcnow()
    if not cached:
        return _compute_trend(filters, now)
    key = (filters.cache_key(), now.strftime("%Y-%m-%d"), _dialect())
    return _cached("trend", key, TREND_CACHE_SECONDS, lambda: _compute_trend(filters, now))


def _compute_trend(filters: PublicFilters, now: dt.datetime) -> Trend:
    months = _months_back(now.date(), TREND_MONTHS)
    start = _day_start(dt.date.fromisoformat(months[0] + "-01"))
    dialect = _dialect()
    if dialect == "postgresql":
        month = sa.func.to_char(Complaint.received_at, "YYYY-MM")
    else:
        month = sa.func.strftime("%Y-%m", Complaint.received_at)
    stmt = (
        sa.select(Complaint.category, month.label("month"), sa.func.count())
        .where(*_conditions(replace(filters, received_from=None), now, dialect), Complaint.received_at >= start)
        .group_by(Complaint.category, month)
    )
    if filters.received_from:
        stmt = stmt.where(Complaint.received_at >= _day_start(filters.received_from))
    counts: dict[str, dict[str, int]] = {}
    _prepare_read()
    for category, month_text, n in db.session.execute(stmt):
        counts.setdefault(category or "other", {})[month_text] = n
    trend = Trend(months=months)
    for category in CATEGORIES:
        if category in counts:
            trend.by_category[category] = [counts[category].get(m, 0) for m in months]
    trend.peak = max((max(v) for v in trend.by_category.values()), default=0)
    return trend


def _months_back(today: dt.date, n: int) -> list[str]:
    year, month = today.year, today.month
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))


# --- keeping public_narrative --------------------------------------------------------


def public_narrative_for(complaint: Complaint) -> str | None:
    """The narrative as published, or None without the cardholder's opt-in."""
    if not complaint.publish_narrative or not complaint.narrative:
        return None
    details = PersonalDetails.of(
        names=[complaint.name, complaint.agent_name],
        emails=[complaint.email],
        phones=[complaint.phone, *(complaint.contact_numbers or [])],
        account_refs=[complaint.account_ref],
        organisations=[complaint.agency],
    )
    return scrub_narrative(complaint.narrative, details).text


@event.listens_for(Complaint, "before_insert")
@event.listens_for(Complaint, "before_update")
def _fill_public_narrative(mapper, connection, complaint: Complaint) -> None:
    narrative = public_narrative_for(complaint)
    if complaint.public_narrative != narrative:
        complaint.public_narrative = narrative
        complaint.public_search = search.search_text(narrative) if narrative else None
