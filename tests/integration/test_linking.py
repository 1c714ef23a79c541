"""Linking complaints to contact logs: suggestions, decisions, evidence on the case page."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from portal.contacts.auditing import run_audit
from portal.contacts.importer import import_rows
from portal.contacts.linking import contact_evidence_for, suggest_links
from portal.extensions import db
from portal.models import Complaint, ComplaintContactLink, ComplaintEvent, ContactLog
from tests.integration._cases import gen_complaint
from tests.integration.test_audit_cli import gen_log, worked_logs


def other_logs() -> list[dict]:
    return [
        # Another account, but the cardholder's number: a candidate by phone.
        gen_log("P1", "2026-03-02T12:00:00-05:00", account_ref="ACC-9", contact_point="(555) 010-4477"),
        # The account, long before the incident: outside the widened window.
        gen_log("OLD", "2025-11-02T12:00:00-05:00"),
        # Unrelated account and number.
        gen_log("Z1", "2026-03-02T12:00:00-05:00", account_ref="ACC-7", contact_point="+1 555 999 0000"),
    ]


def setup(app, **complaint_fields) -> str:
    with app.app_context():
        import_rows(worked_logs() + other_logs())
        run_audit("us-cfpb", scanner=None)
        db.session.commit()
    reference = gen_complaint(app)
    fields = {
        "account_ref": "ACC-1",
        "contact_numbers": ["+1 555 010 4477"],
        "incident_start": dt.date(2026, 3, 2),
        "incident_end": dt.date(2026, 3, 3),
        "agency": "Acme Collections",
        "agent_name": "A17",
    }
    fields.update(complaint_fields)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        for name, value in fields.items():
            setattr(complaint, name, value)
        db.session.commit()
    return reference


def complaint_by(reference: str) -> Complaint:
    return db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))


def log_id(external_id: str) -> int:
    return db.session.scalar(sa.select(ContactLog.id).where(ContactLog.external_id == external_id))


def test_suggestions_are_ranked_and_explained(app):
    reference = setup(app)
    with app.app_context():
        suggestions = suggest_links(complaint_by(reference), limit=50)
        by_id = {s.log.external_id: s for s in suggestions}
        assert "OLD" not in by_id and "Z1" not in by_id
        # F1 and F2 are another account called on the same number.
        assert set(by_id) == {f"E{i}" for i in range(1, 10)} | {"P1", "F1", "F2"}
        assert by_id["E1"].reasons == ("account", "phone", "in_window", "agency", "agent")
        assert by_id["P1"].reasons == ("phone", "in_window", "agency", "agent")
        assert by_id["P1"].score < by_id["E1"].score
        assert by_id["F1"].reasons == ("phone", "in_window", "agency")
        assert [s.log.external_id for s in suggestions[-3:]] == ["P1", "F2", "F1"]
        # Same score: the latest contact first.
        assert [s.log.external_id for s in suggestions[:2]] == ["E9", "E8"]


def test_phone_only_and_nothing_to_match(app):
    reference = setup(app, account_ref=None, contact_numbers=["5550104477"], agent_name=None)
    with app.app_context():
        ids = {s.log.external_id for s in suggest_links(complaint_by(reference), limit=50)}
        assert ids == {f"E{i}" for i in range(1, 10)} | {"P1", "F1", "F2"}
        complaint = complaint_by(reference)
        complaint.contact_numbers = []
        complaint.phone = None
        complaint.account_ref = None
        assert suggest_links(complaint) == []


def test_officer_confirms_and_rejects_from_the_case_page(app, client, auth):
    reference = setup(app)
    auth.login("officer")
    page = client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    assert "Suggested contact logs" in page and "No contact log is linked" in page
    with app.app_context():
        e8, e9, p1 = log_id("E8"), log_id("E9"), log_id("P1")
    assert f"/audit/complaints/{reference}/links/{e9}" in page
    for log, decision in ((e8, "confirmed"), (e9, "confirmed"), (p1, "rejected")):
        response = client.post(f"/audit/complaints/{reference}/links/{log}", data={"decision": decision})
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/staff/complaints/{reference}#contact-evidence")
    bad = client.post(f"/audit/complaints/{reference}/links/{e8}", data={"decision": "maybe"}, follow_redirects=True)
    assert "not understood" in bad.get_data(as_text=True)
    with app.app_context():
        links = db.session.scalars(sa.select(ComplaintContactLink).order_by(ComplaintContactLink.id)).all()
        assert [(link.contact_log_id, link.status) for link in links] == [(e8, "confirmed"), (e9, "confirmed"), (p1, "rejected")]
        assert links[0].reasons == ["account", "phone", "in_window", "agency", "agent"]
        events = db.session.scalars(
            sa.select(ComplaintEvent).where(ComplaintEvent.kind.like("contact_log_%")).order_by(ComplaintEvent.id)
        ).all()
        assert [e.kind for e in events] == ["contact_log_confirmed", "contact_log_confirmed", "contact_log_rejected"]
        assert events[0].data["external_id"] == "E8" and events[0].public is False
        evidence = contact_evidence_for(complaint_by(reference))
        assert [log.external_id for log in evidence.logs] == ["E8", "E9"]
        assert (evidence.calls, evidence.days, evidence.after_late, evidence.before_early) == (2, 2, 1, 0)
        assert evidence.findings_by_rule == {"US-7IN7": 2, "US-TIME": 1}
    page = client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    assert "2 calls" in page and "in 2 days" in page and "1 after 21:00" in page
    assert "US-7IN7" in page
    # Decided logs are no longer suggested.
    assert f"/audit/complaints/{reference}/links/{e9}" not in page
    assert f"/audit/complaints/{reference}/links/{p1}" not in page
    # From the log, its complaints.
    log_page = client.get(f"/audit/logs/{e9}").get_data(as_text=True)
    assert reference in log_page and "confirmed" in log_page


def test_auditor_sees_evidence_but_no_link_forms(app, client, auth):
    reference = setup(app)
    auth.login("officer")
    with app.app_context():
        e9 = log_id("E9")
    client.post(f"/audit/complaints/{reference}/links/{e9}", data={"decision": "confirmed"})
    auth.logout()
    auth.login("auditor")
    page = client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    assert "1 call" in page and "US-TIME" in page
    assert "/links/" not in page and "Suggested contact logs" not in page
    assert client.post(f"/audit/complaints/{reference}/links/{e9}", data={"decision": "rejected"}).status_code == 403


def test_linking_needs_csrf(app, client, auth):
    reference = setup(app)
    auth.login("officer")
    app.config["WTF_CSRF_ENABLED"] = True
    csrf_app = app
    with csrf_app.app_context():
        e9 = log_id("E9")
    response = client.post(f"/audit/complaints/{reference}/links/{e9}", data={"decision": "confirmed"})
    assert response.status_code in (303, 400)
    with csrf_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintContactLink)) == 0
