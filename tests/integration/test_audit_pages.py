"""Compliance pages: upload, progress, findings, CSV, finding page, scorecards, run form."""
from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from portal.contacts.auditing import run_audit
from portal.contacts.importer import import_rows
from portal.extensions import db
from portal.models import AuditRun, ContactImport, ContactLog, Finding
from tests.integration.test_audit_cli import worked_logs
from tests.integration.test_contacts_import import gen_row


@pytest.fixture
def inline_jobs(app):
    app.config["CONTACT_JOBS_INLINE"] = True
    return app


def load_and_audit(app, profile="us-cfpb"):
    with app.app_context():
        import_rows(worked_logs())
        run_audit(profile, scanner=None)
        db.session.commit()


def csv_bytes(rows) -> bytes:
    from portal.domain.contact_fields import FIELD_NAMES

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(FIELD_NAMES), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_upload_imports_and_shows_progress_and_rejects(app, client, auth, inline_jobs):
    auth.login("auditor")
    data = csv_bytes([gen_row(1), gen_row(2, channel="fax"), gen_row(3)])
    response = client.post(
        "/audit/imports",
        data={"file": (io.BytesIO(data), "march.csv"), "source": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    status_url = response.headers["Location"]
    page = client.get(status_url).get_data(as_text=True)
    assert "march.csv" in page and "done" in page
    import_id = int(status_url.rstrip("/").split("/")[-1])
    progress = client.get(f"/audit/imports/{import_id}/progress").get_json()
    assert progress | {} == {**progress, "status": "done", "imported": 2, "rejected": 1, "percent": 100, "finished": True}
    with client.get(f"/audit/imports/{import_id}/rejects.csv") as rejects:
        assert rejects.status_code == 200
        rows = list(csv.DictReader(io.StringIO(rejects.get_data(as_text=True))))
    assert [(r["line"], r["reason"].split(":")[0]) for r in rows] == [("3", "channel")]
    listing = client.get("/audit/imports").get_data(as_text=True)
    assert "march.csv" in listing
    with app.app_context():
        record = db.session.get(ContactImport, import_id)
        assert record.channel == "upload" and record.staff_id is not None


def test_upload_in_the_background_finishes(app, client, auth):
    from portal.contacts.background import wait_for_jobs

    auth.login("admin")
    data = csv_bytes([gen_row(i) for i in range(1, 30)])
    response = client.post("/audit/imports", data={"file": (io.BytesIO(data), "big.csv"), "source": ""},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    wait_for_jobs()
    import_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert client.get(f"/audit/imports/{import_id}/progress").get_json()["imported"] == 29


def test_upload_refuses_other_file_types_with_a_message(app, client, auth):
    auth.login("auditor")
    response = client.post("/audit/imports", data={"file": (io.BytesIO(b"x"), "logs.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a .csv or .jsonl file." in response.get_data(as_text=True)


def test_a_bad_header_fails_the_import_with_its_reason(app, client, auth, inline_jobs):
    auth.login("auditor")
    response = client.post("/audit/imports", data={"file": (io.BytesIO(b"external_id,colour\n"), "bad.csv")},
                           content_type="multipart/form-data")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "failed" in page and "unknown column(s): &#39;colour&#39;" in page


def test_findings_list_filters_and_csv(app, client, auth):
    load_and_audit(app)
    auth.login("auditor")
    page = client.get("/audit/findings?profile=us-cfpb&rule=US-7IN7").get_data(as_text=True)
    assert "2 findings" in page
    page = client.get("/audit/findings?agent=B2").get_data(as_text=True)
    assert "2 findings" in page  # F1 and F2, both US-TIME
    # Dates are UTC days: E9 (21:30 in New York on 3 March) is on 4 March UTC.
    page = client.get("/audit/findings?from=2026-03-04&to=2026-03-04").get_data(as_text=True)
    assert "2 findings" in page  # E9: US-7IN7 and US-TIME
    page = client.get("/audit/findings?from=not-a-date").get_data(as_text=True)
    assert "is not a date" in page and "5 findings" in page
    response = client.get("/audit/findings.csv?profile=us-cfpb&rule=US-TIME")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert sorted(r["external_id"] for r in rows) == ["E9", "F1", "F2"]
    assert rows[0]["explanation_en"] and rows[0]["explanation_zh"]


def test_officer_reads_findings_but_cannot_export_or_run(app, client, auth):
    load_and_audit(app)
    auth.login("officer")
    page = client.get("/audit/findings").get_data(as_text=True)
    assert "Export CSV" not in page and "Run audit" not in page
    assert client.get("/audit/findings.csv").status_code == 403
    assert client.post("/audit/run", data={"profile": "us-cfpb"}).status_code == 403


def test_finding_page_in_both_languages(app, client, auth):
    load_and_audit(app)
    with app.app_context():
        finding = db.session.scalar(sa.select(Finding).where(Finding.rule_id == "US-7IN7").order_by(Finding.occurred_at))
        finding_id, english, chinese = finding.id, finding.explanation_en, finding.explanation_zh
    auth.login("auditor")
    page = client.get(f"/audit/findings/{finding_id}").get_data(as_text=True)
    assert "12 CFR 1006.14(b)(2)(i)(A)" in page
    assert english.split(" ")[0] in page
    for n in range(1, 8):
        assert f"acme-dialer / E{n}<" in page  # every related log is listed
    assert "No complaint has been linked" in page
    page = client.get(f"/audit/findings/{finding_id}?lang=zh_Hans").get_data(as_text=True)
    from markupsafe import escape

    assert str(escape(chinese)) in page
    assert client.get("/audit/findings/999999").status_code == 404


def test_run_form_runs_the_audit(app, client, auth, inline_jobs):
    """The page's run covers the profile's own logs: New York consumers are
    not cn-nfra's, until their import names it as their jurisdiction."""
    with app.app_context():
        import_rows(worked_logs())
    auth.login("auditor")
    response = client.post("/audit/run", data={"profile": "cn-nfra"})
    assert response.status_code == 303
    count = sa.select(sa.func.count()).select_from(Finding).where(Finding.profile == "cn-nfra")
    with app.app_context():
        assert db.session.scalar(count) == 0
        assert db.session.scalar(sa.select(AuditRun.scope).order_by(AuditRun.id.desc()).limit(1)) == "own"
        import_rows([{**row, "source": "cn-file"} for row in worked_logs()], jurisdiction="cn-nfra")
    client.post("/audit/run", data={"profile": "cn-nfra"})
    with app.app_context():
        assert db.session.scalar(count) == 4
    response = client.post("/audit/run", data={"profile": "nowhere"}, follow_redirects=True)
    assert "Choose a profile" in response.get_data(as_text=True)


def test_scorecards(app, client, auth):
    load_and_audit(app)
    auth.login("supervisor")
    page = client.get("/audit/scorecards?profile=us-cfpb").get_data(as_text=True)
    assert "Acme Collections" in page and "<svg" in page and "2026-03" in page
    assert "US-7IN7" in page and "US-TIME" in page
    page = client.get("/audit/scorecards?profile=us-cfpb&agency=Acme+Collections").get_data(as_text=True)
    assert "B2" in page and "A17" in page
    assert client.get("/audit/scorecards?profile=../etc").status_code == 200


def test_scorecard_figures(app):
    from portal.contacts.scorecards import scorecards

    load_and_audit(app)
    with app.app_context():
        cards = scorecards("us-cfpb")
        [acme] = cards.agencies
        assert acme.contacts == 11 and acme.complaints == 0
        assert acme.findings == {"US-7IN7": 2, "US-TIME": 3}
        agents = {row.agent_id: row for row in cards.agents}
        assert agents["B2"].contacts == 2 and agents["B2"].findings == {"US-TIME": 2}
        assert [(p.month, p.contacts, p.findings) for p in cards.trend] == [("2026-03", 11, 5)]


def test_log_page(app, client, auth):
    load_and_audit(app)
    with app.app_context():
        log_id = db.session.scalar(sa.select(ContactLog.id).where(ContactLog.external_id == "E9"))
    auth.login("officer")
    page = client.get(f"/audit/logs/{log_id}").get_data(as_text=True)
    assert "US-7IN7" in page and "US-TIME" in page
    assert "555 010 4477" not in page and "••• 477" in page  # contact point masked
    assert client.get("/audit/logs/999999").status_code == 404


def test_zh_pages_render(app, client, auth):
    load_and_audit(app)
    auth.login("auditor")
    expected = {"/audit/findings": "运行审计", "/audit/imports": "上传并导入", "/audit/scorecards": "按月趋势"}
    for url, chinese in expected.items():
        response = client.get(url + "?lang=zh_Hans")
        assert response.status_code == 200, url
        assert chinese in response.get_data(as_text=True), url
