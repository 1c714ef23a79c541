"""The queue's order, filters, keyset pages and counts; full-text search in
English and Chinese with the database's own engine (FTS5 / tsvector)."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portal.cases.queue import QueueFilters, queue_page
from portal.extensions import db
from portal.models import Complaint
from portal.search import query_terms, search_text
from tests.integration._cases import UTC, gen_complaint


def references_on(html: str) -> list[str]:
    return re.findall(r'class="case-link" href="[^"]+">([^<]+)</a>', html)


def test_search_text_splits_chinese_into_bigrams():
    assert search_text("Collector HARASSED me 催收电话") == "collector harassed me 催收 收电 电话 话"
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
    assert "4 complaints shown" in html
    assert client.get("/staff/queue/counts").get_json()["total_text"] == "4 complaints"


def test_counts_come_after_the_rows(app, client, auth):
    """The page shows its rows with empty count places and a link to the
    counts; /staff/queue/counts fills them; ?counts=show (no JavaScript)
    puts them in the page; closed and all complaints have a capped total and
    no counts."""
    now = dt.datetime.now(UTC)
    gen_complaint(app, urgency="critical", received_at=now - dt.timedelta(days=10), category="threats")
    gen_complaint(app, urgency="high", received_at=now, category="threats")
    gen_complaint(app, urgency="low", received_at=now, category="harassment")
    gen_complaint(app, urgency="low", received_at=now, category="threats", status="closed")
    auth.login("officer")

    html = client.get("/staff/queue?category=threats").get_data(as_text=True)
    assert len(references_on(html)) == 2
    assert "2 complaints shown" in html
    assert 'data-counts-url="/staff/queue/counts?category=threats"' in html
    places = re.findall(r'<span class="count" data-count="([a-z_.]+)"></span>', html)
    assert {"status.open", "status.received", "due.overdue", "urgency.critical", "assignee.mine"} <= set(places)
    assert "counts=show" in html  # the no-JavaScript way to the counts

    response = client.get("/staff/queue/counts?category=threats")
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["total"] == 2 and body["total_text"] == "2 complaints"
    assert set(places) <= set(body["counts"])
    assert body["counts"]["urgency.critical"] == 1 and body["counts"]["urgency.low"] == 0
    assert body["counts"]["due.overdue"] == 1 and body["counts"]["status.open"] == 2
    with app.test_request_context():
        expected = queue_page(QueueFilters(category="threats"), viewer_id=None, now=now).counts
    assert body["counts"] == {f"{g}.{k}": n for g, values in expected.items() for k, n in values.items()}

    inline = client.get("/staff/queue?category=threats&counts=show").get_data(as_text=True)
    assert "data-count=" not in inline and "data-counts-url" not in inline
    assert '>2 complaints</span>' in inline
    assert re.search(r'Critical <span class="count">1</span>', inline)

    closed = client.get("/staff/queue?status=closed").get_data(as_text=True)
    assert "data-counts-url" not in closed and '>1 complaint</span>' in closed
    assert client.get("/staff/queue/counts?status=closed").get_json() == {"counts": {}}
    # In Chinese, the counts' total and the page's words are Chinese.
    zh = client.get("/staff/queue?category=threats&lang=zh_Hans").get_data(as_text=True)
    assert "已显示 2 件投诉" in zh and "显示数量" in zh
    assert client.get("/staff/queue/counts?category=threats").get_json()["total_text"] == "2 件投诉"


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


def test_counts_per_filter_agree_with_counting_each_complaint(app, auth):
    """Every chip's count, for many filter combinations, against the
    definition: the open complaints that match every other filter."""
    import itertools

    from portal.cases.queue import DUE_CHOICES, OPEN_STATUSES, _day_end

    now = dt.datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # a Wednesday
    tz = ZoneInfo("Asia/Shanghai")
    viewer = auth.create("officer")
    other = auth.create("officer", email="second.officer@redress.test")
    offsets = [None, -30 * 24, -2, -0.01, 0, 0.01, 3, 8.9, 9.1, 30, 6 * 24 + 8, 6 * 24 + 10, 40 * 24]
    people = [None, viewer, other]
    urgencies = ["critical", "high", "normal", "low", None]
    statuses = [*OPEN_STATUSES, "closed"]
    made = []
    with app.app_context():
        for i, (offset, person) in enumerate(itertools.product(offsets, people)):
            c = Complaint(reference=f"RD-COUNT-{i:03d}", access_code_hash="x", source="web", language="en",
                          jurisdiction=("us-cfpb", "cn-nfra")[i % 2], status=statuses[i % len(statuses)],
                          narrative="They call me every day.", received_at=now - dt.timedelta(days=3),
                          category=("harassment", "threats")[i % 3 == 0], urgency=urgencies[i % len(urgencies)],
                          urgency_rank=i % 4, assignee_id=person, pauses=[],
                          next_due_at=None if offset is None else now + dt.timedelta(hours=offset))
            db.session.add(c)
            made.append(c)
        db.session.commit()
        rows = [(c.status, c.urgency, c.assignee_id, c.next_due_at, c.category, c.jurisdiction) for c in made]

    day_end, week_end = _day_end(now, tz), _day_end(now + dt.timedelta(days=6), tz)

    def bucket(due):
        if due is None:
            return None
        due = due if due.tzinfo else due.replace(tzinfo=UTC)
        return "overdue" if due < now else "today" if due <= day_end else "week" if due <= week_end else None

    def matches(row, f: QueueFilters, skip=None):
        status, urgency, assignee, due, category, profile = row
        if status == "closed":
            return False
        checks = {
            "status": f.status == "open" or status == f.status,
            "urgency": not f.urgency or (urgency or "unrouted") == f.urgency,
            "due": not f.due or bucket(due) in {"overdue": {"overdue"}, "today": {"today"},
                                                "week": {"today", "week"}}[f.due],
            "assignee": not f.assignee or (assignee is None if f.assignee == "unassigned"
                                           else assignee == viewer if f.assignee == "mine"
                                           else assignee == int(f.assignee)),
        }
        fixed = (not f.category or category == f.category) and (not f.profile or profile == f.profile)
        return fixed and all(ok for name, ok in checks.items() if name != skip)

    def expected(f: QueueFilters):
        count = lambda skip, test: sum(1 for r in rows if matches(r, f, skip) and test(r))  # noqa: E731
        return {
            "status": {"open": count("status", lambda r: True),
                       **{s: count("status", lambda r, s=s: r[0] == s) for s in OPEN_STATUSES}},
            "urgency": {u: count("urgency", lambda r, u=u: (r[1] or "unrouted") == u)
                        for u in ("critical", "high", "normal", "low", "unrouted")},
            "due": {d: count("due", lambda r, d=d: matches(r, QueueFilters(due=d), None))
                    for d in DUE_CHOICES},
            "assignee": {"mine": count("assignee", lambda r: r[2] == viewer),
                         "unassigned": count("assignee", lambda r: r[2] is None)},
        }, count(None, lambda r: True)

    combos = itertools.product(("open", "received", "responded"), (None, "high", "unrouted"),
                               (None, *DUE_CHOICES), (None, "mine", "unassigned", str(other)),
                               (None, "threats"), (None, "cn-nfra"))
    checked = 0
    with app.test_request_context():
        for status, urgency, due, assignee, category, profile in combos:
            f = QueueFilters(status=status, urgency=urgency, due=due, assignee=assignee, category=category,
                             profile=profile)
            page = queue_page(f, viewer_id=viewer, now=now, tz=tz)
            counts, total = expected(f)
            assert page.counts == counts, f
            assert page.total == total, f
            checked += 1
    assert checked == 3 * 3 * 4 * 4 * 2 * 2


def test_chinese_single_characters_and_substrings_anywhere_in_a_run(app, client, auth):
    """打断我的腿: 腿 ends its run (no bigram begins with it); 单 is one character alone."""
    threat = gen_complaint(app, narrative="催收员说要找人上门打断我的腿。", language="zh_Hans")
    other = gen_complaint(app, narrative="他们每天打电话，我的单位也接到了。", language="zh_Hans")
    auth.login("officer")

    def found(q):
        return set(references_on(client.get("/staff/queue", query_string={"q": q}).get_data(as_text=True)))

    assert found("腿") == {threat}
    assert found("的腿") == {threat}
    assert found("打断我的腿") == {threat}
    assert found("门打断") == {threat}
    # Typed as words: 打断腿 is not a substring of either narrative, but its words 打断 and 腿 are in one.
    assert found("打断腿") == {threat}
    assert found("要打断腿") == {threat}
    assert found("打断电话") == set()  # 打断 in one narrative, 电话 in the other: every word is required
    assert found("上门打断腿") == {threat}
    assert found("打") == {threat, other}
    assert found("我的") == {threat, other}
    assert found("了") == {other}
    assert found("位也接") == {other}


def test_due_today_is_the_default_profiles_day_for_an_officer_without_a_zone(app, client, auth):
    # A us-cfpb acknowledgement due at 23:59 New York time today: an officer who
    # never chose a zone reads deadlines in the profile's zone on the case page,
    # so "due today" must hold it too (in UTC it is already tomorrow).
    new_york = ZoneInfo("America/New_York")
    today_end = dt.datetime.now(new_york).replace(hour=23, minute=59, second=0, microsecond=0)
    ref = gen_complaint(app, urgency="critical", jurisdiction="us-cfpb")
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == ref))
        complaint.next_due_at = today_end.astimezone(UTC)
        db.session.commit()
    auth.login("officer")
    assert ref in references_on(client.get("/staff/queue?due=today").get_data(as_text=True))
    # A zone the officer chose still wins (London's day may end before New York's).
    client.post("/staff/preferences", data={"timezone": "Europe/London", "language": "en"})
    with app.app_context():
        from portal.models import StaffUser

        assert db.session.scalar(sa.select(StaffUser.timezone).where(StaffUser.email.like("officer%"))) == "Europe/London"
    london_end = dt.datetime.now(ZoneInfo("Europe/London")).replace(hour=23, minute=59, second=59)
    listed = ref in references_on(client.get("/staff/queue?due=today").get_data(as_text=True))
    assert listed == (today_end <= london_end)
