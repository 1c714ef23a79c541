"""An officer's day with one critical complaint, in a real browser.

Signs in, finds the critical complaint at the top of the queue, asks the
cardholder a question; the cardholder answers on the tracking page; the
officer responds and closes it. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.conftest import STAFF_PASSWORD
from tests.integration._cases import UTC, gen_complaint, load

pytestmark = pytest.mark.browser

ACCESS_CODE = "K7M2-9QXT-4HPD-WZ3A"


def test_officer_resolves_a_critical_complaint(app, live_server, page, artifacts, auth):
    now = dt.datetime.now(UTC)
    gen_complaint(app, urgency="normal", received_at=now - dt.timedelta(hours=3),
                  narrative="They added fees I never agreed to and will not explain them.")
    narrative = "The collector said police will arrest me tomorrow at work if I do not pay today."
    start = narrative.index("arrest me tomorrow")
    critical = gen_complaint(
        app, urgency="critical", category="threats", received_at=now - dt.timedelta(minutes=30),
        narrative=narrative, access_code=ACCESS_CODE, email="cardholder@example.com",
        evidence=[{"label": "arrest_threat", "text": "arrest me tomorrow", "start": start, "end": start + 18,
                   "source": "rule"}],
    )
    gen_complaint(app, urgency="low", received_at=now - dt.timedelta(days=1),
                  narrative="General question about my statement.")
    auth.create("officer", "officer@redress.test")

    # Sign in.
    page.goto(f"{live_server}/staff/queue")
    assert "/staff/login" in page.url
    page.fill("#email", "officer@redress.test")
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/queue")

    # The critical complaint is first; j focuses it, Enter opens it. The
    # counts per filter arrive after the rows.
    first = page.locator("#queue-table a.case-link").first
    assert first.inner_text() == critical
    # (expect polls without evaluating a string, which the page's CSP forbids)
    expect(page.locator('[data-count="status.open"]')).to_have_text("3")
    assert page.locator("[data-count='urgency.critical']").inner_text() == "1"
    assert page.locator(".result-count").inner_text() == "3 complaints"
    page.screenshot(path=str(artifacts / "1-queue.png"), full_page=True)
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.textContent") == critical
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/complaints/{critical}")
    assert page.locator(".narrative mark.evidence", has_text="arrest me tomorrow").count() == 1
    page.screenshot(path=str(artifacts / "2-case.png"), full_page=True)

    # Ask the cardholder.
    page.fill("#request-question", "Which number did they call you from, and at what time?")
    page.click("form[action$='/request-information'] button[type=submit]")
    page.wait_for_url(f"**/staff/complaints/{critical}")
    assert load(app, critical).status == "awaiting_cardholder"
    assert page.locator(".deadlines").inner_text().count("clock paused") >= 1

    # The cardholder answers on the tracking page (a separate browser context).
    cardholder = page.context.browser.new_context(viewport={"width": 900, "height": 900})
    tracking = cardholder.new_page()
    tracking.goto(f"{live_server}/track")
    tracking.fill("#reference", critical)
    tracking.fill("#access_code", ACCESS_CODE)
    tracking.click("form[action='/track'] button[type=submit]")
    tracking.wait_for_selector("#answer")
    tracking.fill("#answer textarea", "From 555-0100, at 7:40 in the morning, three times.")
    tracking.screenshot(path=str(artifacts / "3-cardholder-answers.png"), full_page=True)
    tracking.click("#answer button[type=submit]")
    tracking.wait_for_load_state()
    cardholder.close()
    assert load(app, critical).status == "in_progress"

    # The officer sees the answer, responds and closes.
    page.reload()
    assert "From 555-0100" in page.locator(".timeline").inner_text()
    text = page.locator("#respond-text").input_value()
    assert critical in text  # drafted from the category template
    page.check("#respond-kind-0")  # final response
    page.fill("#respond-text", text + "\n\nWe have told the agency that threats of arrest are not allowed.")
    page.click("form[action$='/respond'] button[type=submit]")
    page.wait_for_url(f"**/staff/complaints/{critical}")
    assert load(app, critical).status == "responded"

    page.select_option("#close-outcome", "closed_with_non_monetary_relief")
    page.fill("#close-explanation", "Collection stopped; the agent was removed from your account.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[action$='/close'] button[type=submit]")
    page.wait_for_url(f"**/staff/complaints/{critical}")
    closed = load(app, critical)
    assert closed.status == "closed" and closed.outcome == "closed_with_non_monetary_relief"
    page.screenshot(path=str(artifacts / "4-closed.png"), full_page=True)

    # Back in the queue the closed complaint is gone from the open list.
    page.goto(f"{live_server}/staff/queue")
    assert critical not in page.locator("#queue-table").inner_text()
    page.screenshot(path=str(artifacts / "5-queue-after.png"), full_page=True)


def test_supervisor_dashboard_and_case_page_in_chinese(app, live_server, page, artifacts, auth):
    now = dt.datetime.now(UTC)
    late = gen_complaint(app, urgency="high", jurisdiction="cn-nfra", language="zh_Hans",
                         received_at=now - dt.timedelta(days=20),
                         narrative="催收员每天给我打十几次电话，还打到我单位告诉了我的领导。")
    for days in (1, 8, 15, 30):
        gen_complaint(app, urgency="normal", received_at=now - dt.timedelta(days=days))
    auth.create("supervisor", "supervisor@redress.test", language="zh_Hans")
    page.goto(f"{live_server}/staff/login?lang=zh_Hans")
    page.fill("#email", "supervisor@redress.test")
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/queue")
    # The queue in Chinese, with its counts filled in after the rows.
    expect(page.locator("[data-total]")).to_have_text("5 件投诉")
    assert page.locator("[data-count='due.overdue']").inner_text() == "4"  # all but the one received yesterday
    page.screenshot(path=str(artifacts / "queue-zh.png"), full_page=True)
    page.goto(f"{live_server}/staff/dashboard")
    assert page.locator("h1").inner_text() == "主管看板"
    assert page.locator("svg.trend rect").count() >= 3
    assert late in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts / "dashboard-zh.png"), full_page=True)
    page.goto(f"{live_server}/staff/complaints/{late}")
    assert "处理期限" in page.locator("main").inner_text()
    assert "已逾期" in page.locator(".deadlines").inner_text()
    page.screenshot(path=str(artifacts / "case-zh.png"), full_page=True)
