"""Regulator reports: each profile's columns, and totals against counts made here."""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint
from portal.oversight.reports import CFPB_COLUMNS, FCA_COLUMNS, NFRA_COLUMNS
from portal.timeline import record_event

UTC = dt.timezone.utc
_numbers = itertools.count(1)

CFPB_DATABASE_COLUMNS = [
    "Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative",
    "Company public response", "Company", "State", "ZIP code", "Tags", "Consumer consent provided?",
    "Submitted via", "Date sent to company", "Company response to consumer", "Timely response?",
    "Consumer disputed?", "Complaint ID",
]


def add(app, jurisdiction: str, received: dt.datetime, *, category="harassment", source="web", region=None,
        responded_after: dt.timedelta | None = None, outcome=None, relief=None, due_after=dt.timedelta(days=15),
        final_due_after=dt.timedelta(days=15), publish=False, narrative="They called my employer about the debt.",
        vulnerabilities=(), disputed=False, agency="Apex Recoveries") -> str:
    with app.app_context():
        c = Complaint(reference=f"RD-RP-{next(_numbers):05d}", access_code_hash="unused", jurisdiction=jurisdiction,
                      source=source, narrative=narrative, agency=agency, category=category, urgency="normal",
                      region=region, received_at=received, pauses=[], publish_narrative=publish,
                      vulnerabilities=list(vulnerabilities), first_response_due_at=received + due_after,
                      final_due_at=received + final_due_after)
        if responded_after is not None:
            c.first_responded_at = c.responded_at = received + responded_after
            c.outcome = outcome
            c.closed_at = c.responded_at if outcome else None
            c.relief_amount = relief
        db.session.add(c)
        db.session.flush()
        if disputed:
            record_event(c, "reopened", actor_type="cardholder", public=True)
        db.session.commit()
        return c.reference


def export(runner, profile, date_from, date_to, *extra):
    result = runner.invoke(args=["reports", "export", "--profile", profile, "--from", date_from, "--to", date_to,
                                 *extra])
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.output)))


def test_us_cfpb_uses_the_cfpb_database_columns_and_vocabulary(app, runner):
    ny = dt.timezone(dt.timedelta(hours=-5))
    a = add(app, "us-cfpb", dt.datetime(2026, 11, 2, 10, tzinfo=ny), category="wrong_amount", region="CA",
            responded_after=dt.timedelta(days=3), outcome="closed_with_monetary_relief", relief=Decimal("50"),
            publish=True, narrative="Mr Hargreaves demanded 900 dollars more than I owe.",
            vulnerabilities=["older_person", "servicemember"], disputed=True)
    b = add(app, "us-cfpb", dt.datetime(2026, 11, 20, 10, tzinfo=ny), source="api",
            responded_after=dt.timedelta(days=20))
    c = add(app, "us-cfpb", dt.datetime(2026, 11, 25, 10, tzinfo=ny), due_after=dt.timedelta(days=400))
    add(app, "us-cfpb", dt.datetime(2026, 12, 1, 10, tzinfo=ny))  # after the period
    add(app, "uk-fca", dt.datetime(2026, 11, 3, 10, tzinfo=UTC))  # another profile
    rows = export(runner, "us-cfpb", "2026-11-01", "2026-11-30")
    assert rows[0] == CFPB_DATABASE_COLUMNS == list(CFPB_COLUMNS)
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert [r["Complaint ID"] for r in body] == [a, b, c]
    first = body[0]
    assert first["Date received"] == "2026-11-02" and first["Product"] == "Debt collection"
    assert first["Sub-product"] == "Credit card debt"
    assert (first["Issue"], first["Sub-issue"]) == ("False statements or representation",
                                                    "Attempted to collect wrong amount")
    assert first["Consumer complaint narrative"] == "[name] demanded 900 dollars more than I owe."
    assert first["Consumer consent provided?"] == "Consent provided"
    assert first["Tags"] == "Older American, Servicemember" and first["State"] == "CA"
    assert first["Company response to consumer"] == "Closed with monetary relief"
    assert (first["Timely response?"], first["Consumer disputed?"], first["Submitted via"]) == ("Yes", "Yes", "Web")
    second, third = body[1], body[2]
    assert second["Consumer complaint narrative"] == "" and second["Consumer consent provided?"] == "Consent not provided"
    assert (second["Timely response?"], second["Submitted via"]) == ("No", "Phone")
    assert second["Company response to consumer"] == "In progress"
    assert (third["Timely response?"], third["Company response to consumer"]) == ("", "In progress")


def test_cn_nfra_monthly_statistics_add_up(app, runner):
    sh = dt.timezone(dt.timedelta(hours=8))
    day = lambda m, d: dt.datetime(2026, m, d, 10, tzinfo=sh)  # noqa: E731
    made = [
        add(app, "cn-nfra", day(10, 3), category="harassment", region="上海", responded_after=dt.timedelta(days=4),
            outcome="closed_with_explanation"),
        add(app, "cn-nfra", day(10, 9), category="harassment", region="上海", source="api",
            responded_after=dt.timedelta(days=20)),  # decided late
        add(app, "cn-nfra", day(10, 20), category="threats"),  # not decided
        add(app, "cn-nfra", day(11, 2), category="third_party", region="北京", responded_after=dt.timedelta(days=6),
            outcome="closed_with_explanation"),
    ]
    assert len(made) == 4
    rows = export(runner, "cn-nfra", "2026-10-01", "2026-11-30")
    assert rows[0] == list(NFRA_COLUMNS)
    assert rows[0][:4] == ["统计月份", "统计维度", "项目", "投诉件数"]
    table = {(r[0], r[1], r[2]): r[3:] for r in rows[1:]}
    # October: 3 received, 2 decided, 1 on time, (4 + 20) / 2 = 12 days on average.
    assert table[("2026-10", "合计", "合计")] == ["3", "2", "1", "50.0%", "12.0"]
    assert table[("2026-10", "业务类型", "信用卡催收")][0] == "3"
    assert table[("2026-10", "投诉类别", "骚扰")][:3] == ["2", "2", "1"]
    assert table[("2026-10", "投诉类别", "威胁恐吓")][:3] == ["1", "0", "0"]
    assert table[("2026-10", "投诉渠道", "网络")][0] == "2" and table[("2026-10", "投诉渠道", "电话")][0] == "1"
    assert table[("2026-10", "地区", "上海")][0] == "2" and table[("2026-10", "地区", "未填写")][0] == "1"
    assert table[("2026-11", "合计", "合计")] == ["1", "1", "1", "100.0%", "6.0"]
    # Every dimension of a month adds up to its total.
    for month in ("2026-10", "2026-11"):
        total = int(table[(month, "合计", "合计")][0])
        for dimension in ("业务类型", "投诉类别", "投诉渠道", "地区"):
            assert sum(int(v[0]) for k, v in table.items() if k[0] == month and k[1] == dimension) == total


def test_uk_fca_disp_return_counts(app, runner):
    # 2 Nov 2026 is a Monday: 3 business days later is Thursday 5 Nov.
    day = dt.datetime(2026, 11, 2, 10, tzinfo=UTC)
    add(app, "uk-fca", day, category="harassment", responded_after=dt.timedelta(days=3),
        outcome="closed_with_explanation")  # within 3 business days
    add(app, "uk-fca", day, category="harassment", responded_after=dt.timedelta(days=10),
        outcome="closed_with_monetary_relief", relief=Decimal("120.50"))  # within 8 weeks, upheld
    add(app, "uk-fca", dt.datetime(2026, 8, 3, 10, tzinfo=UTC), category="threats",
        responded_after=dt.timedelta(days=100), outcome="closed_with_non_monetary_relief")  # opened before: closed after 8 weeks
    add(app, "uk-fca", day, category="threats")  # open
    add(app, "uk-fca", dt.datetime(2026, 11, 6, 10, tzinfo=UTC), category="third_party",
        responded_after=dt.timedelta(days=4))  # Fri + 4 days = Tue: 2nd business day
    rows = export(runner, "uk-fca", "2026-11-01", "2026-11-30")
    assert rows[0] == list(FCA_COLUMNS)
    body = {r[1]: dict(zip(rows[0], r)) for r in rows[1:]}
    harassment, threats, third, total = body["Harassment"], body["Threats"], body["Third parties contacted"], body["All"]
    assert (harassment["Complaints opened"], harassment["Complaints closed"]) == ("2", "2")
    assert harassment["Closed within 3 business days"] == "1"
    assert harassment["Closed after 3 business days and within 8 weeks"] == "1"
    assert (harassment["Complaints upheld"], harassment["Percentage upheld"], harassment["Total redress paid"]) == (
        "1", "50.0%", "120.50")
    assert (threats["Complaints opened"], threats["Complaints closed"], threats["Closed after 8 weeks"]) == ("1", "1", "1")
    assert third["Closed within 3 business days"] == "1"
    assert (total["Complaints opened"], total["Complaints closed"], total["Complaints upheld"]) == ("4", "4", "2")
    assert total["Total redress paid"] == "120.50"
    closed_parts = sum(int(total[k]) for k in ("Closed within 3 business days",
                                               "Closed after 3 business days and within 8 weeks", "Closed after 8 weeks"))
    assert closed_parts == int(total["Complaints closed"])


def test_xlsx_has_the_same_table(app, runner, tmp_path):
    add(app, "us-cfpb", dt.datetime(2026, 11, 2, 15, tzinfo=UTC), narrative="=cmd|' /C calc'!A0 they called me",
        publish=True)
    out = tmp_path / "r.xlsx"
    result = runner.invoke(args=["reports", "export", "--profile", "us-cfpb", "--from", "2026-11-01", "--to",
                                 "2026-11-30", "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    sheet = load_workbook(out, read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == CFPB_DATABASE_COLUMNS and len(rows) == 2
    assert rows[1][5].startswith("'=cmd")


def test_bad_arguments_are_refused_clearly(runner):
    for args, message in ((["--profile", "xx", "--from", "2026-01-01", "--to", "2026-01-31"], "No regulator report"),
                          (["--profile", "us-cfpb", "--from", "2026-02-01", "--to", "2026-01-31"], "before"),
                          (["--profile", "us-cfpb", "--from", "1/2/2026", "--to", "2026-01-31"], "not a date")):
        result = runner.invoke(args=["reports", "export", *args])
        assert result.exit_code != 0 and message in result.output, result.output


def test_the_supervisor_page_downloads_and_validates(app, client, auth):
    add(app, "uk-fca", dt.datetime(2026, 11, 2, 10, tzinfo=UTC))
    auth.login("supervisor")
    assert "Regulator reports" in client.get("/staff/reports").get_data(as_text=True)
    answer = client.get("/staff/reports?profile=uk-fca&date_from=2026-11-01&date_to=2026-11-30&format=csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    assert list(csv.reader(io.StringIO(answer.get_data(as_text=True))))[-1][2] == "1"
    bad = client.get("/staff/reports?profile=uk-fca&date_from=2026-11-30&date_to=2026-11-01")
    assert bad.status_code == 422 and "The last day is before the first day." in bad.get_data(as_text=True)
    xlsx = client.get("/staff/reports?profile=cn-nfra&date_from=2026-11-01&date_to=2026-11-30&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_the_report_form_suggests_the_last_full_month(app, client, auth):
    import re

    auth.login("supervisor")
    page = client.get("/staff/reports").get_data(as_text=True)
    today = dt.datetime.now(UTC).date()
    last = today.replace(day=1) - dt.timedelta(days=1)
    given = dict(re.findall(r'<input[^>]*name="(date_from|date_to)"[^>]*value="([^"]*)"', page))
    if not given:  # value before name
        given = {n: v for v, n in re.findall(r'<input[^>]*value="([^"]*)"[^>]*name="(date_from|date_to)"', page)}
    # Right at a month's turn the viewer's zone may still be in the month before.
    assert given["date_to"] in {last.isoformat(), (last.replace(day=1) - dt.timedelta(days=1)).isoformat()}
    assert given["date_from"].endswith("-01") and given["date_from"][:7] == given["date_to"][:7]
    # Submitting the suggested form downloads; clearing a date still says what to give.
    answer = client.get(f"/staff/reports?profile=uk-fca&date_from={given['date_from']}"
                        f"&date_to={given['date_to']}&format=csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    cleared = client.get(f"/staff/reports?profile=uk-fca&date_from=&date_to={given['date_to']}&format=csv")
    assert cleared.status_code == 422 and "Give the first day, like 2026-11-01." in cleared.get_data(as_text=True)
