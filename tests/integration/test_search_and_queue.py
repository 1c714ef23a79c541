"""The queue's order, filters, keyset pages and counts; full-text search in
English and Chinese with the database's own engine (FTS5 / tsvector)."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from portal.cases.queue import QueueFilters, queue_page
from portal.extensions import db
from portal.models import Complaint
from portal.search import query_terms, search_text
from tests.integration._cases import UTC, gen_complaint


def references_on(html: str) -> list[str]:
    return re.findall(r'class="case-link" href="[^"]+">([^<]+)</a>', html)


def test_search_text_splits_chinese_into_bigrams():
    assert search_text("Collector HARASSED me 催收电话") == "collector harassed me 催收 收电 电话"
    assert [t.text for t in query_terms("威胁 起诉")] == ["威胁", "起诉"]
    assert [(t.text, t.prefix) for t in query_terms('" OR * NEAR(')] == [("or", False), ("near", True)]


def test_queue_is_ordered_by_urgency_then_nearest_deadline(app, client, auth):
    now = dt.datetime.now(UTC)
    normal_old = gen_complaint(app, urgency="normal", received_at=now - dt.timedelta(days=1))
    normal_new = gen_complaint(app, urgency="normal", received_at=now)
    critical = gen_complaint(app, urgency="critical", received_at=now)
    low = gen_complaint(app, urgency="low", received_at=now - dt.timedelta(days=3))
    auth.login("officer")
    html = client.get("/staff/queue").get_data(as_text=True)
    assert references_on(html) == [critical, normal_old, normal_new, low]
    assert "4 complaints" in html


def test_filters_and_counts(app, client, auth):
    now = dt.datetime.now(UTC)
    overdue = gen_complaint(app, urgency="high", received_at=now - dt.timedelta(days=10), category="threats")
    fresh = gen_complaint(app, urgency="high", received_at=now, category="harassment", jurisdiction="uk-fca")
    gen_complaint(app, urgency="low", received_at=now, category="harassment", status="closed")
    auth.login("officer")
    html = client.get("/staff/queue?due=overdue").get_data(as_text=True)
    assert references_on(html) == [overdue]
    assert references_on(client.get("/staff/queue?category=harassment").get_data(as_text=True)) == [fresh]
    assert references_on(client.get("/staff/queue?profile=uk-fca").get_data(as_text=True)) == [fresh]
    assert len(references_on(client.get("/staff/queue?status=all").get_data(as_text=True))) == 3
    assert len(references_on(client.get("/staff/queue?status=closed").get_data(as_text=True))) == 1
    # Unknown filter values are ignored, not errors.
    assert client.get("/staff/queue?status=nonsense&due=%3Cx%3E&after=garbage").status_code in (200, 302)
    with app.test_request_context():
        page = queue_page(QueueFilters(), viewer_id=None, now=now)
        assert page.total == 2 and not page.total_capped
        assert queue_page(QueueFilters(status="all"), viewer_id=None, now=now).counts == {}
        assert queue_page(QueueFilters(due="overdue"), viewer_id=None, now=now).counts["urgency"]["high"] == 1
        assert page.counts["due"]["overdue"] == 1
        assert page.counts["urgency"] == {"critical": 0, "high": 2, "normal": 0, "low": 0, "unrouted": 0}
        assert page.counts["status"]["open"] == 2
        assert page.counts["assignee"]["unassigned"] == 2


def test_keyset_pages_cover_every_complaint_once(app):
    now = dt.datetime.now(UTC)
    made = [gen_complaint(app, urgency=u, received_at=now - dt.timedelta(hours=i))
            for i, u in enumerate(["low", "critical", "normal", "high", "normal", "critical", "low"])]
    made.append(gen_complaint(app, urgency="high", status="closed"))  # no deadline: last of its rank
    with app.test_request_context():
        closed = db.session.scalar(sa.select(Complaint).where(Complaint.reference == made[-1]))
        assert closed.next_due_at is None
        seen, after = [], None
        while True:
            page = queue_page(QueueFilters(status="all"), viewer_id=None, after=after, page_size=3,
                              with_counts=False)
            seen.extend(c.reference for c in page.complaints)
            if not page.next_cursor:
                break
            after = page.next_cursor
        everything = queue_page(QueueFilters(status="all"), viewer_id=None, page_size=100, with_counts=False)
    assert seen == [c.reference for c in everything.complaints]
    assert sorted(seen) == sorted(made)


def test_search_in_english_and_chinese(app, client, auth):
    english = gen_complaint(app, narrative="The agent keeps harassing my employer about the debt.")
    chinese = gen_complaint(app, narrative="催收员威胁要起诉我，还打电话给我的单位。", language="zh_Hans")
    mixed = gen_complaint(app, narrative="他们说要 sue me 并且到我家里来。", language="zh_Hans")
    auth.login("officer")

    def found(q):
        return set(references_on(client.get("/staff/queue", query_string={"q": q}).get_data(as_text=True)))

    assert found("harass") == {english}  # the last word may be the start of a longer one
    assert found("EMPLOYER debt") == {english}
    assert found("harass employer") == set()  # earlier words match whole
    assert found("威胁") == {chinese}
    assert found("起诉 单位") == {chinese}
    assert found("要起诉") == {chinese}  # bigrams 要起, 起诉
    assert found("催") == {chinese}  # one character: any bigram starting with it
    assert found("sue 家里") == {mixed}
    assert found("起诉 employer") == set()
    assert found('"harass* OR') == set()  # operators are only words here
    assert found("*") == {english, chinese, mixed}  # no terms: no search filter
    # Updating a narrative keeps the index in step.
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == english))
        complaint.narrative = "Nothing about that any more."
        db.session.commit()
    assert found("harass") == set()
    assert found("nothing") == {english}
