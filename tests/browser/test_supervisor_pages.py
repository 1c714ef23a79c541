"""Supervisors in a real browser: the alerts page's check button, the
dashboard's and queue's labels, in English and in Chinese. Screenshots go to
test-artifacts/."""
from __future__ import annotations

import pytest

from tests.browser.test_officer_tools_journey import shot, sign_in
from tests.integration._cases import gen_complaint
from tests.integration.test_alerts import _last_week_monday, seed_weeks

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ("en", "zh_Hans"))
def test_the_supervisor_runs_the_alerts_check_and_reads_names(app, live_server, page, artifacts, auth, language):
    seed_weeks(app, "Apex Recoveries", "harassment", [2, 3, 1, 2, 2, 3, 2, 1, 12], last_week=_last_week_monday())
    gen_complaint(app, jurisdiction="cn-nfra", category="third_party")
    auth.create("supervisor")
    sign_in(page, live_server, "supervisor@redress.test", language)
    page.goto(f"{live_server}/staff/alerts")
    assert "flask --app" not in page.content()
    page.locator("form[action$='/staff/alerts/run'] button[type=submit]").click()
    page.wait_for_load_state()
    flash = page.locator(".flash-success").inner_text()
    assert ("1 alert" in flash) if language == "en" else ("1 条预警" in flash)
    assert page.locator("table.alerts tbody tr").count() == 1
    shot(page, artifacts, f"alerts-checked-{language}")
    page.goto(f"{live_server}/staff/dashboard")
    body = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
    assert "cn-nfra" not in body.lower()
    assert ("Mainland China (NFRA)" in body or "MAINLAND CHINA (NFRA)" in body) if language == "en" \
        else "中国大陆（国家金融监督管理总局）" in body
    assert "0 of 0" not in body
    shot(page, artifacts, f"dashboard-names-{language}")
