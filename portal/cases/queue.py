"""The officers' queue: filters, keyset pagination and counts per filter.

Order: urgency (``urgency_rank``, critical first), then the nearest open
deadline (``next_due_at``; closed complaints have none and come last), then
id. That is the column order of the ``ix_complaint_queue`` index, so a page
is an index range scan whatever the table size.

Pagination is by keyset: a page ends with a cursor (the sort key of its last
row) and the next page starts strictly after it, so a page never repeats or
skips a complaint when others are added or closed meanwhile, and page 1,000
costs what page 1 costs (no OFFSET).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import sqlalchemy as sa
import sqlalchemy.orm

from ..extensions import db
from ..models import Complaint
from ..models.types import utcnow
from .. import search

PAGE_SIZE = 50
COUNT_CAP = 1000
OPEN_STATUSES = ("received", "acknowledged", "in_progress", "awaiting_cardholder", "responded", "reopened")
STATUS_CHOICES = ("open", *OPEN_STATUSES, "closed", "all")
DUE_CHOICES = ("overdue", "today", "week")


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    rank: int
    due: dt.datetime | None
    id: int

    def encode(self) -> str:
        due = "-" if self.due is None else str(int(self.due.timestamp() * 1_000_000))
        return f"{self.rank}.{due}.{self.id}"

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            rank, due, ident = text.split(".")
            if len(rank) > 2 or len(due) > 20 or len(ident) > 18:  # no rank, time or id is that long
                raise ValueError(text)
            return cls(
                int(rank),
                None if due == "-" else dt.datetime.fromtimestamp(int(due) / 1_000_000, dt.timezone.utc),
                int(ident),
            )
        except (ValueError, OverflowError, OSError):
            raise BadCursor(text) from None


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"
    category: str | None = None
    urgency: str | None = None
    assignee: str | None = None  # "mine" | "unassigned" | a staff id as text
    profile: str | None = None
    due: str | None = None  # overdue | today | week
    q: str | None = None

    def as_args(self, **changes) -> dict[str, str]:
        """Query-string arguments for a link with some filters changed (None drops one)."""
        values = {**self.__dict__, **changes}
        return {k: v for k, v in values.items() if v not in (None, "") and not (k == "status" and v == "open")}


@dataclass
class QueuePage:
    complaints: list[Complaint]
    next_cursor: str | None
    total: int | None  # None: left to queue_counts, which counts it with the chips
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    total_capped: bool = False  # more than ``total`` match


def counts_apply(filters: QueueFilters) -> bool:
    """Whether queue_counts counts this selection (open complaints only)."""
    return filters.status in ("open", *OPEN_STATUSES)


def _day_end(now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    local = now.astimezone(tz)
    return dt.datetime.combine(local.date(), dt.time(23, 59, 59), tzinfo=tz)


def _conditions(filters: QueueFilters, viewer_id: int | None, now: dt.datetime, tz: dt.tzinfo,
                skip: str | None = None) -> list:
    """WHERE conditions for every filter but ``skip`` (for counts per filter)."""
    c = Complaint
    where = []
    if skip != "status":
        if filters.status == "open":
            where.append(c.status != "closed")
        elif filters.status in OPEN_STATUSES or filters.status == "closed":
            where.append(c.status == filters.status)
    if filters.category and skip != "category":
        where.append(c.category == filters.category)
    if filters.urgency and skip != "urgency":
        where.append(c.urgency.is_(None) if filters.urgency == "unrouted" else c.urgency == filters.urgency)
    if filters.assignee and skip != "assignee":
        if filters.assignee == "mine":
            where.append(c.assignee_id == viewer_id)
        elif filters.assignee == "unassigned":
            where.append(c.assignee_id.is_(None))
        elif filters.assignee.isdigit():
            where.append(c.assignee_id == int(filters.assignee))
    if filters.profile and skip != "profile":
        where.append(c.jurisdiction == filters.profile)
    if filters.due and skip != "due":
        where.extend(_due_condition(filters.due, now, tz))
    if filters.q and skip != "q":
        condition = search.matching(filters.q, db.engine.dialect.name)
        if condition is not None:
            where.append(condition)
    return where


def _due_condition(bucket: str, now: dt.datetime, tz: dt.tzinfo) -> list:
    due = Complaint.next_due_at
    if bucket == "overdue":
        return [due < now]
    if bucket == "today":
        return [due >= now, due <= _day_end(now, tz)]
    if bucket == "week":
        return [due >= now, due <= _day_end(now + dt.timedelta(days=6), tz)]
    return []


def _after(cursor: Cursor):
    c = Complaint
    if cursor.due is None:
        return sa.or_(c.urgency_rank > cursor.rank,
                      sa.and_(c.urgency_rank == cursor.rank, c.next_due_at.is_(None), c.id > cursor.id))
    return sa.or_(
        sa.tuple_(c.urgency_rank, c.next_due_at, c.id) > sa.tuple_(sa.literal(cursor.rank), sa.literal(cursor.due, c.__table__.c.next_due_at.type),
                                                              sa.literal(cursor.id)),
        sa.and_(c.urgency_rank == cursor.rank, c.next_due_at.is_(None)),
    )


# A page row shows these columns and the officer's name: load only them (a
# complaint row is wide: routing evidence, contact details, pauses), and the
# officers with the page, not one by one. Anything else a row touched would
# raise rather than load quietly once per row.
QUEUE_COLUMNS = (
    Complaint.id, Complaint.reference, Complaint.language, Complaint.narrative, Complaint.status,
    Complaint.category, Complaint.urgency, Complaint.urgency_rank, Complaint.jurisdiction, Complaint.assignee_id,
    Complaint.next_due_at, Complaint.ack_due_at, Complaint.first_response_due_at, Complaint.final_due_at,
    Complaint.version,
)
_PAGE_LOADING = (sa.orm.load_only(*QUEUE_COLUMNS, raiseload=True), sa.orm.joinedload(Complaint.assignee))


def _queue_order(table=Complaint) -> tuple:
    return (table.urgency_rank, table.next_due_at.asc().nulls_last(), table.id)


# PostgreSQL search: a common term can match a large share of every complaint
# ever received, and a GIN index scan costs in proportion to the matches (all
# of them, even for one page or a capped count). So a search first reads the
# next PAGE_PROBE_ROWS complaints in queue order (the other filters applied;
# an index range scan) and checks each against the stored tsvector: if a
# page's worth match there, they are the page, in order. Only a rarer search
# falls back to the GIN index (which then returns fewer rows) and sorts what it
# finds. The capped total works the same way: more than COUNT_CAP matches
# among COUNT_PROBE_ROWS complaints (read in table order, stopping at the
# COUNT_CAP + 1st match) means "more than COUNT_CAP". Same rows, same order
# either way.
# A term PostgreSQL's statistics put in fewer than RARE_SHARE of complaints
# (below what a page's probe needs to succeed) goes straight to the GIN index.
PAGE_PROBE_ROWS = 5_000
COUNT_PROBE_ROWS = 100_000
RARE_SHARE = 0.01


def _postgres_search_terms(filters: QueueFilters) -> list[search.Term]:
    if not filters.q or db.engine.dialect.name != "postgresql":
        return []
    return search.query_terms(filters.q)


def _has_rare_term(terms: list[search.Term]) -> bool:
    """Whether ANALYZE's most common lexemes of complaint.search_tsv show a term in under RARE_SHARE."""
    stats = db.session.execute(sa.text(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        "WHERE schemaname = current_schema() AND tablename = 'complaint' AND attname = 'search_tsv'")).first()
    if stats is None or not stats[0]:
        return False  # no statistics yet: probe
    share = dict(zip(stats[0], stats[1]))
    for term in terms:
        if term.prefix:
            found = sum(f for lexeme, f in share.items() if lexeme.startswith(term.text))
        else:
            found = share.get(term.text, 0.0)
        if found < RARE_SHARE:
            return True
    return False


def _probe_page(filters: QueueFilters, terms: list[search.Term], viewer_id: int | None, now: dt.datetime,
                tz: dt.tzinfo, after: Cursor | None, limit: int) -> list[Complaint] | None:
    """The first ``limit`` matches in queue order, if they are among the next PAGE_PROBE_ROWS complaints."""
    c = Complaint
    where = _conditions(filters, viewer_id, now, tz, skip="q")
    if after is not None:
        where.append(_after(after))
    probe = (sa.select(c.id, c.urgency_rank, c.next_due_at, search.search_vector().label("search_tsv"))
             .where(*where).order_by(*_queue_order()).limit(PAGE_PROBE_ROWS).subquery())
    ids = list(db.session.scalars(
        sa.select(probe.c.id).where(search.vector_matches(probe.c.search_tsv, terms))
        .order_by(*_queue_order(probe.c)).limit(limit)))
    if len(ids) < limit:
        return None
    return list(db.session.scalars(sa.select(c).where(c.id.in_(ids)).options(*_PAGE_LOADING)
                                   .order_by(*_queue_order())))


def _probe_count(filters: QueueFilters, terms: list[search.Term], viewer_id: int | None, now: dt.datetime,
                 tz: dt.tzinfo) -> bool:
    """Whether more than COUNT_CAP of some COUNT_PROBE_ROWS complaints (the other filters applied) match."""
    sample = (sa.select(search.search_vector().label("search_tsv")).select_from(Complaint)
              .where(*_conditions(filters, viewer_id, now, tz, skip="q")).limit(COUNT_PROBE_ROWS).subquery())
    found = (sa.select(sa.literal(1)).select_from(sample).where(search.vector_matches(sample.c.search_tsv, terms))
             .limit(COUNT_CAP + 1).subquery())
    return (db.session.scalar(sa.select(sa.func.count()).select_from(found)) or 0) > COUNT_CAP


def queue_page(filters: QueueFilters, *, viewer_id: int | None, after: str | None = None,
               now: dt.datetime | None = None, tz: dt.tzinfo = dt.timezone.utc,
               page_size: int = PAGE_SIZE, with_counts: bool = True) -> QueuePage:
    """One page of the queue, with its counts per filter unless ``with_counts`` is False.

    Without counts, a selection of open complaints has no total either (it
    comes with the counts: queue_counts), so the page costs what its rows
    cost, however long the backlog. Closed and all complaints have no counts;
    their total is capped at COUNT_CAP.
    """
    now = now or utcnow()
    where = _conditions(filters, viewer_id, now, tz)
    cursor = Cursor.decode(after) if after else None
    terms = _postgres_search_terms(filters)
    probe = bool(terms) and not _has_rare_term(terms)
    rows = _probe_page(filters, terms, viewer_id, now, tz, cursor, page_size + 1) if probe else None
    if rows is None:
        stmt = sa.select(Complaint).where(*where).options(*_PAGE_LOADING)
        if cursor is not None:
            stmt = stmt.where(_after(cursor))
        order = _queue_order()
        if terms:
            # Few matches near the head of the queue: read them through the GIN index and sort
            # them ("+ 0", the same order, keeps the planner from walking the queue index
            # through every complaint in search of a rare word).
            order = (Complaint.urgency_rank + 0, *order[1:])
        rows = list(db.session.scalars(stmt.order_by(*order).limit(page_size + 1)))
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = Cursor(last.urgency_rank, last.next_due_at, last.id).encode()
    counts = queue_counts(filters, viewer_id=viewer_id, now=now, tz=tz) if with_counts else {}
    total_capped = False
    total: int | None
    if "total" in counts:
        total = counts.pop("total")[""]
    elif counts_apply(filters):
        total = None
    else:
        # Counting a large share of a big table costs a scan of it; past
        # COUNT_CAP the page says "more than" instead.
        if probe and _probe_count(filters, terms, viewer_id, now, tz):
            total = COUNT_CAP + 1
        else:
            matching = sa.select(Complaint.id).where(*where).limit(COUNT_CAP + 1).subquery()
            total = db.session.scalar(sa.select(sa.func.count()).select_from(matching)) or 0
        total_capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)
    return QueuePage(complaints=rows, next_cursor=next_cursor, total=total, counts=counts,
                     total_capped=total_capped)


# Which due buckets (see queue_counts) each due filter shows.
DUE_MATCH = {"overdue": {"overdue"}, "today": {"today"}, "week": {"today", "week"}}


def queue_counts(filters: QueueFilters, *, viewer_id: int | None, now: dt.datetime,
                 tz: dt.tzinfo = dt.timezone.utc) -> dict[str, dict[str, int]]:
    """How many complaints each choice of a filter would show, the other filters kept.

    One grouped pass over the open complaints that match the fixed filters
    (category, jurisdiction, search): a few hundred groups at most, by status,
    urgency and officer, each with its due buckets counted; every count is
    then summed from those groups. On PostgreSQL the pass reads the partial
    index ix_complaint_open_counts in its own order and aggregates as it
    goes. Counts cover open complaints only, so none are given when viewing
    closed or all complaints (counting every complaint ever closed on each
    page view would cost a scan of most of the table). The total of the
    current selection comes back as ``total``.
    """
    if not counts_apply(filters):
        return {}
    c = Complaint
    fixed = _conditions(replace(filters, status="all", urgency=None, due=None, assignee=None), viewer_id, now, tz)
    selected = int(filters.assignee) if filters.assignee and filters.assignee.isdigit() else None
    day_end = _day_end(now, tz)
    week_end = _day_end(now + dt.timedelta(days=6), tz)
    due = c.next_due_at
    # Grouped by the raw columns (in the order of the ix_complaint_open_counts
    # index, so PostgreSQL aggregates while it reads the index, no hashing);
    # the due buckets are counted per group with bound instants.
    grouped = db.session.execute(
        sa.select(
            c.status, c.urgency, c.assignee_id,
            sa.func.count().filter(due < now),
            sa.func.count().filter(due >= now, due <= day_end),
            sa.func.count().filter(due > day_end, due <= week_end),
            sa.func.count(),
        )
        .where(*fixed, c.status != "closed")
        .group_by(c.status, c.urgency, c.assignee_id)
    ).all()

    def who(assignee_id: int | None) -> str:
        if assignee_id is None:
            return "unassigned"
        if assignee_id == viewer_id:
            return "mine"
        if assignee_id == selected:
            return "selected"
        return "other"

    # Officers other than the viewer and the selected one fall together:
    # a few dozen groups remain.
    merged: dict[tuple[str, str | None, str, str], int] = {}
    for status, urgency, assignee_id, overdue, today, week, total in grouped:
        assignee = who(assignee_id)
        for bucket, n in (("overdue", overdue), ("today", today), ("week", week),
                          ("later", total - overdue - today - week)):
            if n:
                key = (status, urgency, bucket, assignee)
                merged[key] = merged.get(key, 0) + n
    groups = [(*key, n) for key, n in merged.items()]

    wanted_who = None
    if filters.assignee in ("mine", "unassigned"):
        wanted_who = {filters.assignee}
    elif selected is not None:
        wanted_who = {"selected"} | ({"mine"} if selected == viewer_id else set())

    def keeps(skip: str | None, status, urgency, due_bucket, assignee) -> bool:
        if skip != "status" and filters.status != "open" and status != filters.status:
            return False
        if skip != "urgency" and filters.urgency and (urgency or "unrouted") != filters.urgency:
            return False
        if skip != "due" and filters.due and due_bucket not in DUE_MATCH[filters.due]:
            return False
        if skip != "assignee" and wanted_who is not None and assignee not in wanted_who:
            return False
        return True

    counts: dict[str, dict[str, int]] = {
        "total": {"": 0},
        "status": dict.fromkeys(("open", *OPEN_STATUSES), 0),
        "urgency": dict.fromkeys(("critical", "high", "normal", "low", "unrouted"), 0),
        "due": dict.fromkeys(DUE_CHOICES, 0),
        "assignee": {"mine": 0, "unassigned": 0},
    }
    for status, urgency, due_bucket, assignee, n in groups:
        row = (status, urgency, due_bucket, assignee)
        if keeps(None, *row):
            counts["total"][""] += n
        if keeps("status", *row):
            counts["status"]["open"] += n
            counts["status"][status] += n
        if keeps("urgency", *row):
            counts["urgency"][urgency or "unrouted"] += n
        if keeps("due", *row):
            for bucket, buckets in DUE_MATCH.items():
                if due_bucket in buckets:
                    counts["due"][bucket] += n
        if keeps("assignee", *row) and assignee in ("mine", "unassigned"):
            counts["assignee"][assignee] += n
    return counts


def without(filters: QueueFilters, **changes) -> QueueFilters:
    return replace(filters, **changes)
