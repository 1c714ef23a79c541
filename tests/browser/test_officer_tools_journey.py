"""Officers and auditors in a real browser, in English and in Chinese:
Chinese single-character search, "assign to me" (case page and queue), the
queue and case page on a 375 px phone with no horizontal scroll of the page,
and audits scoped to each jurisdiction's own logs on the web pages.
Screenshots go to test-artifacts/."""
from __future__ import annotations

import csv
import re

import pytest
import sqlalchemy as sa

from portal.domain.contact_fields import KNOWN_FIELDS
from portal.extensions import db
from portal.models import Complaint, StaffUser
from tests.conftest import STAFF_PASSWORD
from tests.integration._cases import gen_complaint
from tests.integration.test_audit_cli import gen_log

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "zh_Hans")
THREAT = "催收员每天晚上打电话，还说要找人上门打断我的腿。"


def sign_in(page, live_server, email: str, language: str) -> None:
    page.goto(f"{live_server}/staff/login?lang={language}")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.locator("form[action$='/staff/login'] button[type=submit]").click()
    page.wait_for_load_state()


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def page_scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


@pytest.mark.parametrize("language", LANGUAGES)
def test_chinese_single_character_search(app, live_server, page, artifacts, auth, language):
    threat = gen_complaint(app, narrative=THREAT, language="zh_Hans", urgency="critical", category="threats")
    other = gen_complaint(app, narrative="他们打电话给我的单位，说我欠钱不还。", language="zh_Hans")
    english = gen_complaint(app, narrative="The collector calls my employer every day.")
    auth.create("officer")
    sign_in(page, live_server, "officer@redress.test", language)
    page.goto(f"{live_server}/staff/queue")

    def search(query: str) -> set[str]:
        page.fill("#q", query)
        page.locator("form.queue-search button[type=submit]").click()
        page.wait_for_load_state()
        return set(page.locator("#queue-table a.case-link").all_inner_texts())

    assert search("腿") == {threat}  # the last character of its run
    shot(page, artifacts, f"search-single-character-{language}")
    assert search("打断我的腿") == {threat}
    assert search("单") == {other}
    assert search("打") == {threat, other}
    assert search("employer") == {english}


@pytest.mark.parametrize("language", LANGUAGES)
def test_assign_to_me_from_the_case_page_and_the_queue(app, live_server, page, artifacts, auth, language):
    officer = auth.create("officer")
    colleague = auth.create("officer", "colleague@redress.test")
    mine = gen_complaint(app, urgency="critical")
    second, third = gen_complaint(app), gen_complaint(app)
    theirs = gen_complaint(app, assignee_id=colleague)
    sign_in(page, live_server, "officer@redress.test", language)
    claim_label = "Assign to me" if language == "en" else "分派给我"

    page.goto(f"{live_server}/staff/complaints/{mine}")
    page.locator("form.claim-form").get_by_role("button", name=claim_label).click()
    page.wait_for_url(f"**/staff/complaints/{mine}")
    assert page.locator("form.claim-form").count() == 0
    assert ("assigned to" if language == "en" else "已分派给") in page.locator("#assignee").inner_text()
    shot(page, artifacts, f"case-assigned-to-me-{language}")

    page.goto(f"{live_server}/staff/queue")
    for reference in (second, third, theirs):
        page.locator(f"input[name=complaint][value='{reference}']").check()
    page.select_option("#bulk-action", "claim")
    page.locator("#bulk-form button[type=submit]").click()
    page.wait_for_url("**/staff/queue**")
    flashes = page.locator(".flashes").inner_text()
    assert second in flashes and third in flashes and theirs in flashes
    shot(page, artifacts, f"queue-bulk-assigned-{language}")
    with app.app_context():
        owners = dict(db.session.execute(sa.select(Complaint.reference, Complaint.assignee_id)).all())
        assert (owners[mine], owners[second], owners[third], owners[theirs]) == (officer, officer, officer, colleague)
        assert db.session.get(StaffUser, officer).email == "officer@redress.test"


@pytest.mark.parametrize("language", LANGUAGES)
def test_queue_and_case_page_on_a_375px_phone(app, browser, live_server, artifacts, auth, language):
    for n in range(6):
        gen_complaint(app, urgency=("critical", "high", "normal")[n % 3],
                      narrative=THREAT if n % 2 else "The collector phones my employer and my mother every day "
                      "and says I will be arrested; reference ACCOUNT-0000-1111-2222-3333-4444-5555.",
                      language="zh_Hans" if n % 2 else "en")
    reference = gen_complaint(app, narrative=THREAT, language="zh_Hans")
    auth.create("officer")
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    phone = context.new_page()
    try:
        sign_in(phone, live_server, "officer@redress.test", language)
        phone.goto(f"{live_server}/staff/queue")
        phone.wait_for_selector("#queue-table")
        shot(phone, artifacts, f"queue-375-{language}")
        assert not page_scrolls_sideways(phone), phone.evaluate("document.documentElement.scrollWidth")
        # Every row's deadline is on screen, not cut off.
        for box in phone.locator("#queue-table td.next").all():
            rect = box.bounding_box()
            assert rect and rect["x"] >= 0 and rect["x"] + rect["width"] <= 375.5, rect
        phone.goto(f"{live_server}/staff/complaints/{reference}")
        shot(phone, artifacts, f"case-375-{language}")
        assert not page_scrolls_sideways(phone), phone.evaluate("document.documentElement.scrollWidth")
        assert phone.locator(".deadlines").is_visible()
    finally:
        context.close()


def write_logs(path) -> None:
    logs = [
        gen_log("NY-LATE", "2026-03-02T23:30:00-05:00", account_ref="ACC-NY"),
        gen_log("SH-LATE", "2026-03-02T23:30:00+08:00", account_ref="ACC-SH", consumer_tz="Asia/Shanghai",
                agency="Huadong Collections"),
        gen_log("LN-LATE", "2026-03-02T23:30:00+00:00", account_ref="ACC-LN", consumer_tz="Europe/London",
                agency="Thames Recoveries"),
    ]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(KNOWN_FIELDS), lineterminator="\n")
        writer.writeheader()
        for row in logs:
            writer.writerow({name: row.get(name, "") for name in KNOWN_FIELDS})


@pytest.mark.parametrize("language", LANGUAGES)
def test_web_audits_cover_each_jurisdictions_own_logs(app, live_server, page, artifacts, auth, tmp_path, language):
    auth.create("auditor")
    path = tmp_path / "three-countries.csv"
    write_logs(path)
    sign_in(page, live_server, "auditor@redress.test", language)
    page.goto(f"{live_server}/audit/imports")
    assert page.locator("table.columns code", has_text="jurisdiction").count() == 1
    page.set_input_files("#file", str(path))
    page.locator("form.upload-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/audit/imports/\d+$"))
    page.locator('#import-progress[data-finished="true"]').wait_for(timeout=30_000)
    assert page.locator('[data-field="imported"]').inner_text() == "3"

    # The mainland's night ban runs over the Shanghai consumer only.
    page.goto(f"{live_server}/audit/findings")
    page.select_option("#run-profile", "cn-nfra")
    page.locator("form[action$='/audit/run'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/audit/findings\?profile=cn-nfra"))
    table = page.locator("table.findings")
    for _ in range(60):
        if table.count() and "ACC-SH" in table.inner_text():
            break
        page.wait_for_timeout(500)
        page.reload()
    rows = page.locator("table.findings tbody tr")
    assert rows.count() == 1 and "ACC-SH" in rows.first.inner_text()
    assert "ACC-NY" not in table.inner_text() and "ACC-LN" not in table.inner_text()
    assert ("its own logs" if language == "en" else "本管辖区记录") in page.locator(".runs").inner_text()
    shot(page, artifacts, f"findings-cn-nfra-own-logs-{language}")

    # The scorecard counts one contact and one finding for the mainland agency, none for the others.
    page.goto(f"{live_server}/audit/scorecards?profile=cn-nfra")
    agencies = page.locator("table.scorecard").first.inner_text()
    assert "Huadong Collections" in agencies
    assert "Acme Collections" not in agencies and "Thames Recoveries" not in agencies
    shot(page, artifacts, f"scorecards-cn-nfra-{language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_dashboard_bars_stay_on_one_line_and_link_to_their_complaints(app, live_server, page, artifacts, auth,
                                                                      language):
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc)
    for n, (category, profile) in enumerate([("threats", "us-cfpb"), ("third_party", "cn-nfra"),
                                             ("misrepresentation", "uk-fca"), ("harassment", "us-cfpb")]):
        gen_complaint(app, category=category, jurisdiction=profile, received_at=now - dt.timedelta(days=5 + n * 9),
                      urgency=("critical", "high", "normal", "low")[n])
    auth.create("supervisor")
    sign_in(page, live_server, "supervisor@redress.test", language)
    page.goto(f"{live_server}/staff/dashboard")
    shot(page, artifacts, f"dashboard-{language}")
    for share in page.locator(".sla .share").all():
        meter, figure = share.locator("meter").bounding_box(), share.locator("strong").bounding_box()
        assert abs(meter["y"] + meter["height"] / 2 - (figure["y"] + figure["height"] / 2)) < 12, (meter, figure)
    # No chart label is cut off at the top of the chart.
    chart = page.locator("svg.trend").bounding_box()
    for label in page.locator("svg.trend text").all():
        box = label.bounding_box()
        assert box["y"] >= chart["y"] - 0.5, (box, chart)
    page.locator(".sla a.share-link").first.click()
    page.wait_for_url("**/staff/queue?status=all**")
    assert page.locator("#queue-table a.case-link").count() >= 1
