"""Staff pages name things in the reader's language: profiles, months, empty tallies."""
from __future__ import annotations

import re

from tests.integration._cases import gen_complaint


def _options(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_queue_names_jurisdictions_in_the_readers_language(app, client, auth):
    gen_complaint(app, jurisdiction="cn-nfra")
    auth.login("officer")
    html = client.get("/staff/queue").get_data(as_text=True)
    assert "Mainland China (NFRA)" in _options(html, "profile")
    assert re.search(r'data-label="Jurisdiction">Mainland China \(NFRA\)</td>', html)
    assert ">cn-nfra<" not in html
    chinese = client.get("/staff/queue?lang=zh_Hans").get_data(as_text=True)
    assert "中国大陆（国家金融监督管理总局）" in _options(chinese, "profile")


def test_dashboard_names_jurisdictions(app, client, auth):
    gen_complaint(app, jurisdiction="cn-nfra")
    auth.login("supervisor")
    html = client.get("/staff/dashboard").get_data(as_text=True)
    assert '<th scope="row">Mainland China (NFRA)</th>' in html
    assert '<th scope="row">cn-nfra</th>' not in html


def test_report_and_findings_menus_name_profiles(app, client, auth):
    auth.login("supervisor")
    reports = client.get("/staff/reports").get_data(as_text=True)
    assert "United States (CFPB)" in _options(reports, "profile")
    assert "us-cfpb" not in _options(reports, "profile")
    auth.logout()
    auth.login("auditor")
    findings = client.get("/audit/findings?lang=zh_Hans").get_data(as_text=True)
    assert "美国（消费者金融保护局）" in _options(findings, "profile")
    scorecards = client.get("/audit/scorecards?lang=en").get_data(as_text=True)
    assert "United Kingdom (FCA)" in _options(scorecards, "profile")


def test_dashboard_says_when_no_deadline_was_decided(app, client, auth):
    gen_complaint(app, category="third_party")  # received now: nothing met or missed yet
    auth.login("supervisor")
    html = client.get("/staff/dashboard").get_data(as_text=True)
    assert "(0 of 0 met)" not in html
    row = re.search(r'<th scope="row">Third parties contacted</th><td>(.*?)</td>', html, re.S).group(1)
    assert "none yet: no deadline was met or missed" in row
    chinese = client.get("/staff/dashboard?lang=zh_Hans").get_data(as_text=True)
    assert "暂无：还没有已遵守或已错过的期限" in chinese


def test_the_closed_chip_says_why_it_has_no_count(app, client, auth):
    gen_complaint(app)
    auth.login("officer")
    html = client.get("/staff/queue").get_data(as_text=True)
    chip = re.search(r'<a class="chip[^"]*" href="[^"]*status=closed"[^>]*>.*?</a>', html, re.S).group(0)
    assert 'title="Not counted: closed complaints pile up and no work waits on them."' in chip
    assert '<span class="count count-none" aria-hidden="true">—</span>' in chip


def test_scorecard_months_are_named_in_the_readers_language(app, client, auth):
    from tests.integration.test_audit_pages import load_and_audit

    load_and_audit(app)
    auth.login("supervisor")
    english = client.get("/audit/scorecards?profile=us-cfpb&lang=en").get_data(as_text=True)
    assert '<time datetime="2026-03">Mar 2026</time>' in english
    assert re.search(r'class="bar-label">Mar<tspan[^>]*>2026</tspan>', english)
    assert ">26-03<" not in english
    chinese = client.get("/audit/scorecards?profile=us-cfpb&lang=zh_Hans").get_data(as_text=True)
    assert '<time datetime="2026-03">2026年3月</time>' in chinese
