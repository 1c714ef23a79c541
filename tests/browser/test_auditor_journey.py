"""An auditor uploads contact logs, runs an audit and opens a finding; an
officer then links the offending call to a complaint and sees it as evidence.
Real headless Chromium against a live server (CSRF on, jobs in background
threads, progress polled by static/js/audit.js)."""
from __future__ import annotations

import csv
import datetime as dt
import re

import pytest
import sqlalchemy as sa

from portal.domain.contact_fields import FIELD_NAMES
from portal.extensions import db
from portal.models import Complaint
from tests.conftest import STAFF_PASSWORD
from tests.integration._cases import gen_complaint
from tests.integration.test_audit_cli import worked_logs

pytestmark = pytest.mark.browser


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server}/staff/login")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_auditor_uploads_audits_and_officer_sees_the_evidence(app, live_server, page, artifacts, auth, tmp_path):
    auth.create("auditor")
    auth.create("officer")
    logs = tmp_path / "acme-march.csv"
    with logs.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(FIELD_NAMES), lineterminator="\n")
        writer.writeheader()
        writer.writerows(worked_logs())
        writer.writerow({**worked_logs()[0], "external_id": "BAD1", "channel": "fax"})

    # 1. Upload: the status page follows the import until it is done.
    sign_in(page, live_server, "auditor@redress.test")
    page.locator(".main-nav").get_by_role("link", name="Contact logs").click()
    page.set_input_files("#file", str(logs))
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url(re.compile(r"/audit/imports/\d+$"))
    page.locator('#import-progress[data-finished="true"]').wait_for(timeout=30_000)
    assert page.locator('[data-field="imported"]').inner_text() == "11"
    assert page.locator('[data-field="rejected"]').inner_text() == "1"
    assert page.locator('[data-field="status"]').inner_text() == "done"
    assert page.get_by_role("link", name=re.compile("Download the rejected rows")).is_visible()
    shot(page, artifacts, "01-import-done")

    # 2. Run the us-cfpb audit; the findings replace the old ones when it finishes.
    page.locator(".main-nav").get_by_role("link", name="Findings").click()
    page.select_option("#run-profile", "us-cfpb")
    page.get_by_role("button", name="Run audit").click()
    page.wait_for_url(re.compile(r"/audit/findings\?profile=us-cfpb"))
    for _ in range(60):
        if "5 findings" in page.locator(".result-count").inner_text():
            break
        page.wait_for_timeout(500)
        page.reload()
    assert "5 findings" in page.locator(".result-count").inner_text()
    shot(page, artifacts, "02-findings")

    # 3. Open the 8th-attempt finding: the seven earlier calls are listed.
    page.select_option("select[name=rule]", "US-7IN7")
    page.get_by_role("button", name="Filter").click()
    page.locator("table.findings tbody tr a").last.click()
    assert page.locator("h1").inner_text().startswith("US-7IN7")
    assert page.get_by_text("12 CFR 1006.14(b)(2)(i)(A)").is_visible()
    assert page.locator("table.logs").nth(1).locator("tbody tr").count() == 7
    shot(page, artifacts, "03-finding")
    page.locator(".site-header").get_by_role("button", name="Sign out").click()

    # 4. An officer links the 8th call to the cardholder's complaint from the case page.
    reference = gen_complaint(app)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        complaint.account_ref = "ACC-1"
        complaint.contact_numbers = ["(555) 010-4477"]
        complaint.incident_start = dt.date(2026, 3, 2)
        complaint.incident_end = dt.date(2026, 3, 2)
        complaint.agency = "Acme Collections"
        db.session.commit()
    sign_in(page, live_server, "officer@redress.test")
    page.goto(f"{live_server}/staff/complaints/{reference}")
    suggestions = page.locator("table.suggestions")
    assert suggestions.is_visible()
    row = suggestions.locator("tbody tr", has_text="E8")
    assert "same account" in row.inner_text() and "a number the cardholder gave" in row.inner_text()
    row.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(rf"/staff/complaints/{reference}#contact-evidence"))
    evidence = page.locator("#contact-evidence")
    assert "1 call in 1 day" in " ".join(evidence.locator(".evidence-summary").inner_text().split())
    assert "US-7IN7" in evidence.locator(".finding-summary").inner_text()
    shot(page, artifacts, "04-case-evidence")
    # The finding is one click away from the case page.
    evidence.get_by_role("link", name="US-7IN7").click()
    assert page.locator("h1").inner_text().startswith("US-7IN7")
    assert page.get_by_role("link", name=reference).is_visible()
