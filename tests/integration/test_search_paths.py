"""Queue search returns the same rows in the same order whichever way the
database reads them: on PostgreSQL, the probe of the head of the queue (a
common term) or the GIN index (a rare one), for pages and capped totals.
Small probe sizes make both paths run on a few dozen complaints."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from portal.cases import queue
from portal.cases.queue import Cursor, QueueFilters, queue_page
from portal.extensions import db
from portal.models import Complaint
from tests.integration._cases import UTC, gen_complaint

URGENCIES = ("critical", "high", "normal", "low")


@pytest.fixture
def complaints(app):
    """36 complaints: every one says 'collector', every ninth also 'arrested'; mixed urgency, age, status."""
    now = dt.datetime.now(UTC)
    for i in range(36):
        narrative = "The collector called my work." + (" They said I would be arrested." if i % 9 == 5 else "")
        gen_complaint(app, urgency=URGENCIES[i % 4], narrative=narrative,
                      received_at=now - dt.timedelta(days=i % 7, hours=i),
                      status="closed" if i % 5 == 0 else "received")
    with app.app_context():
        rows = db.session.scalars(sa.select(Complaint)).all()
        return sorted(((c.urgency_rank, c.next_due_at is None, c.next_due_at or now, c.id), c.id, c.status,
                       c.narrative) for c in rows)


def expected(complaints, word: str, status: str) -> list[int]:
    return [ident for _, ident, st, narrative in complaints
            if word in narrative and (status == "all" or (status == "closed") == (st == "closed"))]


def all_pages(filters: QueueFilters, page_size: int) -> tuple[list[int], list]:
    ids, pages, after = [], [], None
    while True:
        page = queue_page(filters, viewer_id=None, after=after, page_size=page_size)
        ids += [c.id for c in page.complaints]
        pages.append(page)
        if not page.next_cursor:
            return ids, pages
        after = page.next_cursor


@pytest.mark.parametrize("status", ["all", "open", "closed"])
@pytest.mark.parametrize("word", ["collector", "arrested", "arrest"])
def test_pages_and_totals_are_the_same_on_every_path(app, complaints, monkeypatch, status, word):
    monkeypatch.setattr(queue, "PAGE_PROBE_ROWS", 6)
    monkeypatch.setattr(queue, "COUNT_PROBE_ROWS", 12)
    monkeypatch.setattr(queue, "COUNT_CAP", 5)
    want = expected(complaints, word, status)
    assert want  # every case has matches
    with app.test_request_context():
        ids, pages = all_pages(QueueFilters(status=status, q=word), page_size=3)
        assert ids == want
        first = pages[0]
        if status == "open":
            assert first.total == len(want) and not first.total_capped
        else:
            assert first.total == min(len(want), 5)
            assert first.total_capped == (len(want) > 5)


def test_probe_reads_a_common_term_and_leaves_a_rare_one_to_the_index(app, complaints, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_PROBE_ROWS", 6)
    now = dt.datetime.now(UTC)
    with app.test_request_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the probe is PostgreSQL's (SQLite searches through FTS5)")

        def probe(word, after=None):
            filters = QueueFilters(status="all", q=word)
            return queue._probe_page(filters, queue.search.query_terms(word), None, now, UTC, after, 4)

        common = probe("collector")
        assert [c.id for c in common] == expected(complaints, "collector", "all")[:4]
        head = common[2]
        later = probe("collector", Cursor(head.urgency_rank, head.next_due_at, head.id))
        assert [c.id for c in later] == expected(complaints, "collector", "all")[3:7]
        assert probe("arrested") is None  # 4 of 36: not within the first 6 in queue order


def test_statistics_send_a_rare_term_straight_to_the_index(app, complaints):
    with app.test_request_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's statistics")
        db.session.execute(sa.text("ANALYZE complaint"))
        terms = queue.search.query_terms
        assert not queue._has_rare_term(terms("collector"))
        assert not queue._has_rare_term(terms("coll"))  # a prefix: the lexemes it begins
        assert queue._has_rare_term(terms("collector nowhere"))
        assert queue._has_rare_term(terms("zzz"))
        db.session.rollback()


def test_a_chinese_query_read_as_words_is_served_by_the_index(app):
    """打断腿 (打断 and 腿*) is one tsquery the GIN index answers: no full scan of complaint."""
    threat = gen_complaint(app, narrative="催收员说要找人上门打断我的腿。", language="zh_Hans")
    gen_complaint(app, narrative="他们每天打电话，我的单位也接到了。", language="zh_Hans")
    with app.test_request_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's plans (SQLite searches through FTS5)")
        condition = queue.search.matching("打断腿", "postgresql")
        statement = sa.select(Complaint.reference).where(condition)
        assert list(db.session.scalars(statement)) == [threat]
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # a few rows: make the planner show the index path
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = "\n".join(db.session.scalars(sa.text(f"EXPLAIN {compiled}")))
        assert "ix_complaint_search" in plan or "ix_complaint_open_search" in plan, plan
        assert "Seq Scan on complaint" not in plan, plan
        db.session.rollback()
