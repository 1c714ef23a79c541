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
