"""The public complaint database: /data, its downloads and GET /api/v1/public/complaints.

Every test reads all four (the page, the CSV, the JSON download and the API),
so nothing unpublished, internal or personal can leak through any of them.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint, StaffUser
from portal.timeline import record_event
from tests.integration._cases import gen_complaint

UTC = dt.timezone.utc


@pytest.fixture(autouse=True)
def _fresh_public_caches():
    """Counts and charts are cached per process for minutes; each test starts without."""
    from portal.public import record

    record.clear_caches()
    yield
    record.clear_caches()


def publish(app, *, responded_days_ago: float | None = 20, publish_narrative: bool = False,
            narrative: str = "The collector calls me ten times a day at work.", outcome: str | None =
            "closed_with_explanation", **columns) -> int:
    """A complaint responded to ``responded_days_ago`` days ago (None: not yet); returns its id."""
    now = dt.datetime.now(UTC)
    reference = gen_complaint(app, narrative=narrative, received_at=now - dt.timedelta(days=40))
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        complaint.publish_narrative = publish_narrative
        if responded_days_ago is not None:
            responded = now - dt.timedelta(days=responded_days_ago)
            complaint.first_responded_at = complaint.first_responded_at or responded
            complaint.responded_at = responded
            complaint.outcome = outcome
            complaint.status = "closed" if outcome else "responded"
            complaint.closed_at = responded if outcome else None
        for name, value in columns.items():
            setattr(complaint, name, value)
        db.session.commit()
        return complaint.id


def everything_public(client, query: str = "") -> dict[str, str]:
    """The text of /data, both downloads and the API for the same filters."""
    texts = {}
    for name, url in (("page", "/data"), ("csv", "/data/complaints.csv"), ("json", "/data/complaints.json"),
                      ("api", "/api/v1/public/complaints")):
        response = client.get(f"{url}?{query}")
        texts[name] = response.get_data().decode("utf-8-sig")  # read at once: downloads stream
        assert response.status_code == 200, (name, response.status_code, texts[name][:300])
    return texts


def ids_in(texts: dict[str, str]) -> dict[str, set[int]]:
    rows = list(csv.DictReader(io.StringIO(texts["csv"])))
    return {
        "csv": {int(r["complaint_id"]) for r in rows},
        "json": {r["complaint_id"] for r in json.loads(texts["json"])},
        "api": {r["complaint_id"] for r in json.loads(texts["api"])["items"]},
    }


def test_only_complaints_responded_15_days_ago_are_published(app, client):
    old = publish(app, responded_days_ago=16)
    just = publish(app, responded_days_ago=15.01)
    recent = publish(app, responded_days_ago=14)
    unanswered = publish(app, responded_days_ago=None)
    responded_not_closed = publish(app, responded_days_ago=30, outcome=None)
    duplicate = publish(app, responded_days_ago=30, outcome="duplicate")
    texts = everything_public(client)
    for where, found in ids_in(texts).items():
        assert found == {old, just, responded_not_closed}, where
    assert f"#{old}" in texts["page"] and f"#{recent}" not in texts["page"]
    assert f"#{unanswered}" not in texts["page"] and f"#{duplicate}" not in texts["page"]
    api = json.loads(texts["api"])
    assert api["total"] == 3 and api["total_is_lower_bound"] is False
    by_id = {r["complaint_id"]: r for r in api["items"]}
    assert by_id[responded_not_closed]["company_response"] == "responded"
    assert by_id[old]["company_response"] == "closed_with_explanation"


def test_the_narrative_is_published_only_with_the_opt_in(app, client):
    hidden = publish(app, narrative="Secret story about the collector Apex shouting on the phone.")
    shown = publish(app, publish_narrative=True, narrative="Open story: the collector Apex shouted on the phone.")
    texts = everything_public(client)
    for name, text in texts.items():
        assert "Secret story" not in text, name
        assert "Open story" in text, name
    api = {r["complaint_id"]: r for r in json.loads(texts["api"])["items"]}
    assert api[hidden]["narrative"] is None
    assert api[shown]["narrative"].startswith("Open story")


def test_the_opt_in_is_off_by_default_on_the_form_and_the_api(app, client):
    with app.app_context():
        assert Complaint.__table__.c.publish_narrative.default.arg is False
    from portal.intake.forms import DetailsForm

    with app.test_request_context("/"):
        assert DetailsForm().publish_narrative.data is False
    from portal.api.schemas import validate_complaint

    narrative = "The collector phoned my employer twice about my card debt."
    assert validate_complaint({"narrative": narrative}).fields.publish_narrative is False
    assert validate_complaint({"narrative": narrative, "publish_narrative": True}).fields.publish_narrative is True
    refused = validate_complaint({"narrative": narrative, "publish_narrative": "yes"})
    assert [e.field for e in refused.errors] == ["publish_narrative"]


PERSONAL = {
    "name": "Margaret Thistlewood",
    "email": "maggie.t@example.org",
    "phone": "+1 415 555 0199",
    "account_ref": "ZX-48213",
    "agent_name": "Derek Quillfeather",
    "contact_numbers": ["(212) 555-0142"],
}
PERSONAL_NARRATIVE = (
    "My name is Margaret Thistlewood. Derek Quillfeather from the agency called from (212) 555-0142 "
    "and on my own phone +1 415 555 0199, e-mailed maggie.t@example.org and a second address "
    "m.thistle@mail.example.net, came to 1427 Larkspur Avenue, Apt 5, Springfield, IL 62704, and "
    "quoted account ZX-48213 and account number 55120987 and my card [card •••• 1111]. Quillfeather "
    "said Mrs Thistlewood would go to jail."
)
PERSONAL_STRINGS = ("Margaret", "Thistlewood", "Derek", "Quillfeather", "555-0142", "555 0199", "maggie.t",
                    "m.thistle", "Larkspur", "62704", "ZX-48213", "55120987", "1111")


def test_every_personal_field_is_scrubbed_everywhere(app, client):
    publish(app, publish_narrative=True, narrative=PERSONAL_NARRATIVE, **PERSONAL)
    texts = everything_public(client)
    for name, text in texts.items():
        for personal in PERSONAL_STRINGS:
            assert personal not in text, (name, personal)
    narrative = json.loads(texts["api"])["items"][0]["narrative"]
    for marker in ("[name]", "[phone]", "[email]", "[address]", "[account]"):
        assert marker in narrative, marker
    assert "would go to jail" in narrative  # the story itself stays


def test_names_no_field_gives_are_scrubbed_and_the_agency_is_kept(app, client):
    publish(app, publish_narrative=True, agency="Kendall Grey",
            narrative="The collector Kendall Grey shouted at me. Mike from the agency called my sister Linda "
                      "at work. 催收员小李说要去找我表姐王丽华。")
    texts = everything_public(client)
    for name, text in texts.items():
        for personal in ("Mike", "Linda", "小李", "王丽华"):
            assert personal not in text, (name, personal)
    narrative = json.loads(texts["api"])["items"][0]["narrative"]
    assert narrative == ("The collector Kendall Grey shouted at me. [name] from the agency called my sister [name] "
                         "at work. 催收员[name]说要去找我表姐[name]。")


def test_internal_notes_response_text_and_references_are_never_shown(app, client):
    cid = publish(app, publish_narrative=True, narrative="The collector shouted at me on the phone again.",
                  response_text="RESPONSE-TEXT-SECRET we refunded nothing", desired_resolution="WISH-SECRET",
                  vulnerabilities=["mental_health_crisis"])
    with app.app_context():
        complaint = db.session.get(Complaint, cid)
        reference = complaint.reference
        officer = StaffUser(email="officer.secret@redress.test", role="officer", password_hash="x",
                            display_name="OFFICER-SECRET")
        db.session.add(officer)
        db.session.flush()
        complaint.assignee_id = officer.id
        record_event(complaint, "note", actor_type="staff", actor=officer, public=False, body="NOTE-SECRET internal")
        db.session.commit()
    texts = everything_public(client)
    texts["search"] = client.get("/data?q=secret").get_data(as_text=True)
    for name, text in texts.items():
        for secret in ("NOTE-SECRET", "RESPONSE-TEXT-SECRET", "WISH-SECRET", "OFFICER-SECRET", reference,
                       "mental_health_crisis", "access_code"):
            assert secret not in text, (name, secret)
    # The API gives exactly the public fields, no more.
    from portal.public.record import FIELD_NAMES

    item = json.loads(texts["api"])["items"][0]
    assert sorted(item) == sorted(FIELD_NAMES)
    assert next(csv.reader(io.StringIO(texts["csv"]))) == list(FIELD_NAMES)


def test_search_reads_published_narratives_only(app, client):
    shown = publish(app, publish_narrative=True, narrative="They threatened garnishment of my wages every week.")
    publish(app, publish_narrative=False, narrative="They threatened garnishment and a lawsuit at my door.")
    publish(app, publish_narrative=True, narrative="Too recent: garnishment threats.", responded_days_ago=3)
    publish(app, publish_narrative=True, narrative="Calls at night about my card debt.", name="Garnishment Jones")
    for query in ("q=garnishment", "q=garnish", "q=GARNISHMENT+wages"):
        texts = everything_public(client, query)
        for where, found in ids_in(texts).items():
            assert found == {shown}, (query, where)
    assert ids_in(everything_public(client, "q=lawsuit"))["api"] == set()
    # Chinese narratives are found by their words, as on the staff search.
    zh = publish(app, publish_narrative=True, narrative="催收员每天打电话骚扰我的家人，还威胁要起诉我。", language="zh_Hans")
    assert ids_in(everything_public(client, "q=骚扰"))["api"] == {zh}


def test_filters_and_bad_filter_values(app, client):
    harassment = publish(app, category="harassment", channels=["phone"], region="CA", agency="Apex Recoveries")
    threats = publish(app, category="threats", channels=["visit"], region="TX", agency="Brook Collections")
    cases = {
        "category=threats": {threats},
        "channel=phone": {harassment},
        "region=TX": {threats},
        "agency=apex+recoveries": {harassment},
        "company_response=closed_with_explanation": {harassment, threats},
        "company_response=closed_with_monetary_relief": set(),
    }
    for query, expected in cases.items():
        for where, found in ids_in(everything_public(client, query)).items():
            assert found == expected, (query, where)
    # A download has nowhere to say that a bad value was dropped: it is refused with the reason.
    for query in ("category=nonsense", "category=nonsense&region=CA"):
        refused = client.get(f"/data/complaints.csv?{query}")
        assert refused.status_code == 400 and "is not one of the choices" in refused.get_data(as_text=True), query
    # The page drops a bad value with a message; the other filters still apply.
    page = client.get("/data?category=nonsense&received_from=31-12-2026").get_data(as_text=True)
    assert "is not one of the choices" in page and "is not a date" in page
    bad = client.get("/api/v1/public/complaints?category=nonsense&per_page=500")
    assert bad.status_code == 400 and len(bad.json["errors"]) == 2
    # A search of punctuation alone is dropped with a message, not run as "match everything".
    page = client.get("/data?q=%25%25!!&category=threats").get_data(as_text=True)
    assert "has no letters or numbers, so it was left out" in page
    refused = client.get("/api/v1/public/complaints?q=%25%25!!&category=threats")
    assert refused.status_code == 400 and "no letters or numbers" in refused.json["errors"][0]
    assert "不含文字或数字" in client.get("/data?q=!!!&lang=zh_Hans").get_data(as_text=True)
    assert client.get("/data/complaints.csv?q=%25").status_code == 400


def test_the_chart_counts_per_category(app, client):
    for _ in range(3):
        publish(app, category="threats")
    publish(app, category="harassment")
    from portal.public import record

    with app.test_request_context("/data"):
        trend = record.trend_of(record.PublicFilters(), cached=False)
    assert sum(trend.by_category["threats"]) == 3 and sum(trend.by_category["harassment"]) == 1
    html = client.get("/data").get_data(as_text=True)
    assert html.count('class="category-trend"') == 2
    assert "<script" not in html.split("</head>")[1]  # no scripts in the page body (CSP)


def test_csv_cells_cannot_run_as_formulas(app, client):
    publish(app, publish_narrative=True, narrative="=HYPERLINK(\"http://evil.example\",\"click\") they called",
            agency="@SUM(A1:A9) Collections")
    rows = list(csv.DictReader(io.StringIO(client.get("/data/complaints.csv").get_data().decode("utf-8-sig"))))
    assert rows[0]["narrative"].startswith("'=HYPERLINK")
    assert rows[0]["agency"] == "'@SUM(A1:A9) Collections"


def test_downloads_stream(app, client):
    for _ in range(3):
        publish(app)
    response = client.get("/data/complaints.csv")
    assert response.is_streamed
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # spreadsheet programs read it as UTF-8
    assert len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == 4


def test_downloads_refuse_filters_that_are_not_valid(app, client):
    publish(app)
    for url in ("/data/complaints.csv?category=junk", "/data/complaints.json?received_from=2026-13-45"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "nothing was downloaded" in response.get_data(as_text=True)
    assert client.get("/data/complaints.csv?category=threats").status_code == 200


def test_api_pages_follow_next(app, client):
    made = {publish(app, responded_days_ago=20 + i) for i in range(5)}
    seen: list[int] = []
    url = "/api/v1/public/complaints?per_page=2"
    pages = 0
    while url:
        answer = client.get(url)
        assert answer.status_code == 200
        assert answer.json["per_page"] == 2 and answer.json["total"] == 5
        seen += [r["complaint_id"] for r in answer.json["items"]]
        url = answer.json["next"]
        pages += 1
    assert pages == 3 and len(seen) == 5 and set(seen) == made
    assert client.get("/api/v1/public/complaints?after=garbage").status_code == 400


def test_api_refuses_parameters_it_does_not_read(app, client):
    publish(app, responded_days_ago=20)
    # page= and limit= look like paging but are not this API's: answered as if
    # they worked, a caller would silently get the first page again and again.
    answer = client.get("/api/v1/public/complaints?page=2&limit=5&category=harassment")
    assert answer.status_code == 400
    (problem,) = answer.json["errors"]
    assert "limit, page" in problem and "per_page" in problem and "after" in problem
    # Every parameter the document lists is accepted, lang included.
    names = [p["name"] for p in client.get("/api/v1/openapi.json").json["paths"]["/public/complaints"]["get"]["parameters"]]
    assert "lang" in names
    assert client.get("/api/v1/public/complaints?lang=en&per_page=5&with_narrative=yes").status_code == 200


def test_api_needs_no_key_and_is_rate_limited(app):
    from portal.extensions import limiter

    app.config.update(RATELIMIT_ENABLED=True, PUBLIC_API_RATE_LIMIT="3 per minute")
    limiter.init_app(app)
    try:
        client = app.test_client()
        codes = [client.get("/api/v1/public/complaints").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
    finally:
        limiter.reset()


def test_the_api_document_describes_the_public_endpoint(client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").json
    validate(document)
    operation = document["paths"]["/public/complaints"]["get"]
    assert operation["security"] == []
    assert {p["name"] for p in operation["parameters"]} >= {"q", "category", "per_page", "after"}
    assert document["components"]["schemas"]["ComplaintInput"]["properties"]["publish_narrative"]["type"] == [
        "boolean", "null"]


@pytest.mark.parametrize("lang,heading", [("en", "Public complaint database"), ("zh_Hans", "公开投诉数据库")])
def test_the_page_speaks_both_languages(client, lang, heading):
    html = client.get(f"/data?lang={lang}").get_data(as_text=True)
    assert heading in html


def test_less_used_filters_fold_away_until_one_is_in_use(app, client):
    html = client.get("/data?lang=en").get_data(as_text=True)
    assert '<details class="more-filters">' in html and "in use" not in html
    assert html.index('id="category"') < html.index("More filters") < html.index('id="channel"')
    html = client.get("/data?lang=en&channel=phone&region=CA").get_data(as_text=True)
    assert '<details class="more-filters" open>' in html and "(2 in use)" in html
    assert "已使用 1 项" in client.get("/data?lang=zh_Hans&timely=no").get_data(as_text=True)


@pytest.mark.parametrize("lang,order", [("en", "Newest published first."), ("zh_Hans", "最新的在前")])
def test_the_page_says_in_which_order_it_lists(app, client, lang, order):
    publish(app, responded_days_ago=20)
    assert order in client.get(f"/data?lang={lang}").get_data(as_text=True)


def test_counts_and_charts_are_cached_for_minutes(app, client):
    from portal.public import record

    publish(app)
    with app.test_request_context("/data"):
        assert record.count_of(record.PublicFilters()) == 1
    publish(app)
    with app.test_request_context("/data"):
        assert record.count_of(record.PublicFilters()) == 1  # the cached answer
        assert record.count_of(record.PublicFilters(), cached=False) == 2
        record.clear_caches()
        assert record.count_of(record.PublicFilters()) == 2


@pytest.mark.parametrize("ticked", [False, True])
def test_the_form_question_decides_what_is_published(app, client, ticked):
    from tests.integration.intake_helpers import STEPS, submit

    details = dict(STEPS["details"])
    if ticked:
        details["publish_narrative"] = "y"
    form = client.get("/complaint/details").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="publish_narrative"[^>]*>', form).group(0)
    assert "checked" not in box  # off by default
    _response, reference, _code = submit(client, {"details": details})
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert complaint.publish_narrative is ticked
        if ticked:
            # Scrubbed when stored: the agent's name and the numbers are gone, the story stays.
            assert "Mr Smith" not in complaint.public_narrative
            assert "phoned me nine times a day" in complaint.public_narrative
        else:
            assert complaint.public_narrative is None and complaint.public_search is None


def test_the_demo_data_fills_the_public_record(app, client, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    items = client.get("/api/v1/public/complaints").json["items"]
    assert len(items) == 5
    narratives = [i["narrative"] for i in items if i["narrative"]]
    assert len(narratives) == 3
    assert all("Demo Cardholder" not in n and "演示用户" not in n and "555-201-7788" not in n for n in narratives)


# --- pages and counts match a plain reading of the rules, whichever index answers ----------------


def _mixed_record(app, n: int = 240) -> list[dict]:
    """``n`` complaints with every filtered column varied (seeded), stored in one go; returns their columns."""
    import random

    rng = random.Random(1306)
    now = dt.datetime.now(UTC)
    agencies = ["Apex Recoveries", "apex recoveries ", "Brook Collections", None]
    regions = ["CA", "TX", "上海", None]
    channel_lists = [["phone"], ["phone", "text"], ["visit"], ["letter", "visit"], []]
    shared_instant = now - dt.timedelta(days=30)  # ties on responded_at: the id breaks them
    made = []
    with app.app_context():
        for i in range(n):
            received = now - dt.timedelta(days=rng.uniform(40, 700))
            responded = rng.choice([None, now - dt.timedelta(days=rng.uniform(1, 14)), shared_instant,
                                    *(now - dt.timedelta(days=rng.uniform(16, 600)) for _ in range(6))])
            due = received + dt.timedelta(days=15)
            first = None if responded is None else rng.choice([due - dt.timedelta(days=3), due + dt.timedelta(days=2)])
            words = rng.choice(["They threatened garnishment of my wages.", "Calls at night about my card.",
                                "They phoned my employer twice."])
            complaint = Complaint(
                reference=f"RD-MIX-{i:04d}", access_code_hash="unused", source="web", language="en",
                jurisdiction=rng.choice(["us-cfpb", "cn-nfra", "uk-fca"]), status="closed",
                narrative=words, received_at=received, category=rng.choice(["harassment", "threats", "not_owed"]),
                urgency=rng.choice(["critical", "high", "normal", "low"]), urgency_rank=2,
                agency=rng.choice(agencies), region=rng.choice(regions), channels=rng.choice(channel_lists),
                outcome=rng.choice([None, "closed_with_explanation", "closed_with_monetary_relief", "duplicate"]),
                responded_at=responded, first_responded_at=first, first_response_due_at=due,
                publish_narrative=rng.random() < 0.5, pauses=[],
            )
            db.session.add(complaint)
        db.session.commit()
        for c in db.session.scalars(sa.select(Complaint)):
            made.append({"id": c.id, "received_at": c.received_at, "category": c.category, "urgency": c.urgency,
                         "jurisdiction": c.jurisdiction, "agency": c.agency, "region": c.region,
                         "channels": list(c.channels or []), "outcome": c.outcome, "responded_at": c.responded_at,
                         "first_responded_at": c.first_responded_at, "due": c.first_response_due_at,
                         "narrative": c.public_narrative if c.publish_narrative else None})
    return made


def _expected(rows: list[dict], filters, now: dt.datetime) -> list[int]:
    """The published complaints matching ``filters``, newest published first: the rules read plainly."""
    from portal.public.record import PUBLICATION_DELAY

    def keeps(r: dict) -> bool:
        if r["responded_at"] is None or r["responded_at"] > now - PUBLICATION_DELAY or r["outcome"] == "duplicate":
            return False
        for name in ("category", "urgency", "jurisdiction", "region"):
            if getattr(filters, name) and r[name] != getattr(filters, name):
                return False
        if filters.agency and (r["agency"] or "").lower() != filters.agency.strip().lower():
            return False
        if filters.channel and filters.channel not in r["channels"]:
            return False
        if filters.company_response == "responded" and r["outcome"] is not None:
            return False
        if filters.company_response not in (None, "responded") and r["outcome"] != filters.company_response:
            return False
        if filters.timely is not None:
            if r["first_responded_at"] is None or r["due"] is None:
                return False
            if (r["first_responded_at"] <= r["due"]) is not filters.timely:
                return False
        if filters.received_from and r["received_at"].date() < filters.received_from:
            return False
        if filters.received_to and r["received_at"].date() > filters.received_to:
            return False
        if filters.with_narrative and r["narrative"] is None:
            return False
        return True

    kept = [r for r in rows if keeps(r)]
    kept.sort(key=lambda r: (r["responded_at"], r["id"]), reverse=True)
    return [r["id"] for r in kept]


def test_filtered_pages_and_counts_are_the_rows_the_rules_give(app):
    """Every filter the indexes of migration i13b01 serve, alone and combined, walked page by page."""
    from portal.public import record

    rows = _mixed_record(app)
    now = dt.datetime.now(UTC)
    F = record.PublicFilters
    cases = [
        F(), F(agency="apex recoveries"), F(agency="  APEX Recoveries"), F(agency="Brook Collections", channel="visit"),
        F(region="TX"), F(region="上海", timely=False), F(region="CA", timely=True, category="threats"),
        F(agency="apex recoveries", region="TX", urgency="critical"), F(channel="letter"),
        F(channel="phone", timely=False, jurisdiction="cn-nfra"), F(category="not_owed", with_narrative=True),
        F(agency="apex recoveries", with_narrative=True), F(region="CA", company_response="responded"),
        F(agency="Brook Collections", company_response="closed_with_monetary_relief"),
        F(timely=False, received_from=(now - dt.timedelta(days=300)).date(), received_to=(now - dt.timedelta(days=60)).date()),
        F(agency="nobody at all"), F(region="TX", channel="letter", urgency="low", timely=True),
    ]
    with app.test_request_context("/data"):
        for filters in cases:
            expected = _expected(rows, filters, now)
            seen, cursor = [], None
            while True:
                page = record.page_of(filters, record.Cursor.decode(cursor), size=7, now=now)
                seen += [r["complaint_id"] for r in page.rows]
                assert len(page.rows) <= 7
                cursor = page.next_cursor
                if not cursor:
                    break
            assert seen == expected, filters
            assert record.count_of(filters, now, cached=False) == len(expected), filters
            trend = record.trend_of(filters, now, cached=False)
            in_chart = [r for r in rows if r["id"] in set(expected)
                        and r["received_at"] >= record._day_start(dt.date.fromisoformat(trend.months[0] + "-01"))]
            assert sum(map(sum, trend.by_category.values())) == len(in_chart), filters
