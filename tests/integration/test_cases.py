"""Case handling through the web: every status transition (allowed and refused),
conflicts between two officers, reclassification feedback, attachments."""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.cases import actions
from portal.extensions import db
from portal.models import Attachment, ClassificationFeedback, Complaint, ComplaintEvent
from tests.integration._cases import UTC, case_form, gen_complaint, load


def post(client, reference, path, prefix, like=None, **fields):
    data = case_form(client, reference, prefix, like)
    data.update({f"{prefix}-{k}": v for k, v in fields.items()})
    return client.post(f"/staff/complaints/{reference}/{path}", data=data)


def events(app, reference):
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        return [(e.kind, e.public) for e in complaint.events]


def test_acknowledge_then_refused_twice(app, client, auth):
    ref = gen_complaint(app)
    auth.login("officer")
    assert post(client, ref, "acknowledge", "acknowledge").status_code == 303
    c = load(app, ref)
    assert c.status == "acknowledged" and c.acknowledged_at is not None
    assert ("acknowledged", True) in events(app, ref)
    # The form is no longer offered; a forced post is refused with a message.
    data = case_form(client, ref, "note")
    response = client.post(f"/staff/complaints/{ref}/acknowledge",
                           data={"acknowledge-version": data["note-version"], "acknowledge-seen_event": "0"})
    assert response.status_code == 400
    assert "cannot become Acknowledged" in response.get_data(as_text=True)
    assert load(app, ref).version == c.version


def test_request_information_pauses_and_the_reply_restarts_the_clock(app, client, auth):
    ref = gen_complaint(app, urgency="normal")
    auth.login("officer")
    before = load(app, ref)
    response = post(client, ref, "request-information", "request", question="Which number called you?")
    assert response.status_code == 303
    c = load(app, ref)
    assert c.status == "awaiting_cardholder"
    assert c.paused_since is not None and c.pause_kind == "awaiting_cardholder"
    assert ("information_requested", True) in events(app, ref)
    # Asking again while waiting is refused (no move to the same status).
    response = post(client, ref, "request-information", "request", like="note", question="And when?")
    assert response.status_code == 400
    # The cardholder answers (the tracking page calls this).
    with app.test_request_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == ref))
        later = complaint.paused_since + dt.timedelta(days=2, hours=1)
        assert actions.resume_after_cardholder_reply(complaint, now=later) is True
        db.session.commit()
    c = load(app, ref)
    assert c.status == "in_progress" and c.paused_since is None
    assert len(c.pauses) == 1
    # 2 days 1 hour rounds up to 3 whole days on every deadline still open.
    assert c.final_due_at - before.final_due_at == dt.timedelta(days=3)


def test_interim_response_counts_as_first_response_only_where_the_profile_says(app, client, auth):
    us = gen_complaint(app, jurisdiction="us-cfpb")
    uk = gen_complaint(app, jurisdiction="uk-fca")
    auth.login("officer")
    for ref in (us, uk):
        assert post(client, ref, "respond", "respond", kind="interim", text="We are looking into it.").status_code == 303
        assert load(app, ref).status == "in_progress"
    assert load(app, us).first_responded_at is not None
    assert load(app, uk).first_responded_at is None
    assert ("interim_response", True) in events(app, us)


def test_final_response_close_with_monetary_relief_and_refusals(app, client, auth, outbox):
    ref = gen_complaint(app, email="card@example.com")
    auth.login("officer")
    assert post(client, ref, "respond", "respond", kind="final", text="We stopped the calls.").status_code == 303
    c = load(app, ref)
    assert c.status == "responded" and c.responded_at is not None and c.next_due_at is None
    assert list(outbox.glob("*.eml")), "the cardholder is told by e-mail"
    # Monetary relief needs its amount.
    response = post(client, ref, "close", "close", outcome="closed_with_monetary_relief", explanation="Refund.")
    assert response.status_code == 400
    assert "amount of monetary relief" in response.get_data(as_text=True)
    assert load(app, ref).status == "responded"
    response = post(client, ref, "close", "close", outcome="closed_with_monetary_relief", relief_amount="125.50",
                    explanation="We refunded the fees.")
    assert response.status_code == 303
    c = load(app, ref)
    assert (c.status, c.outcome, c.relief_amount) == ("closed", "closed_with_monetary_relief", Decimal("125.50"))
    assert c.next_due_at is None
    # A closed complaint offers no work forms except the note, and refuses a response.
    html = client.get(f"/staff/complaints/{ref}").get_data(as_text=True)
    assert f"/staff/complaints/{ref}/respond" not in html
    data = case_form(client, ref, "note")
    response = client.post(f"/staff/complaints/{ref}/respond", data={
        "respond-version": data["note-version"], "respond-seen_event": "0", "respond-kind": "final",
        "respond-text": "again"})
    assert response.status_code == 400
    assert load(app, ref).status == "closed"


def test_dispute_reopens_within_the_window_only(app):
    ref = gen_complaint(app)
    with app.test_request_context():
        staff_id = None
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == ref))
        with pytest.raises(actions.DisputeRefused):
            actions.reopen_on_dispute(complaint, "I disagree")  # no outcome yet
        now = dt.datetime.now(UTC)
        complaint.status = "responded"
        complaint.responded_at = now
        complaint.first_responded_at = now
        actions.reopen_on_dispute(complaint, "They are still calling me.", now=now + dt.timedelta(days=5))
        db.session.commit()
        assert complaint.status == "reopened" and staff_id is None
        assert complaint.events[-1].kind == "reopened" and complaint.events[-1].public
        # A review deadline is open: the complaint is back in the queue order.
        assert complaint.next_due_at is not None
        other = db.session.scalar(sa.select(Complaint).where(Complaint.reference == gen_complaint(app)))
        other.status, other.closed_at, other.outcome = "closed", now, "closed_with_explanation"
        other.responded_at = now
        with pytest.raises(actions.DisputeRefused, match="has passed"):
            actions.reopen_on_dispute(other, "late", now=now + dt.timedelta(days=45))


def test_mark_duplicate(app, client, auth):
    original = gen_complaint(app)
    ref = gen_complaint(app)
    auth.login("officer")
    response = post(client, ref, "duplicate", "duplicate", original=ref)
    assert response.status_code == 400 and "duplicate of itself" in response.get_data(as_text=True)
    response = post(client, ref, "duplicate", "duplicate", original="RD-NOPE-0000")
    assert response.status_code == 400 and "No complaint has that reference" in response.get_data(as_text=True)
    assert post(client, ref, "duplicate", "duplicate", original=original.lower()).status_code == 303
    c = load(app, ref)
    assert c.status == "closed" and c.outcome == "duplicate" and c.duplicate_of_id == load(app, original).id


def test_complexity_in_cn_nfra_is_an_extension_for_a_supervisor(app, client, auth):
    ref = gen_complaint(app, jurisdiction="cn-nfra", language="zh_Hans")
    base = load(app, ref).final_due_at
    auth.login("officer")
    assert "Save complexity" not in client.get(f"/staff/complaints/{ref}").get_data(as_text=True)
    fields = case_form(client, ref, "complexity", like="acknowledge")
    for level in ("complex", "especially_complex"):
        response = client.post(f"/staff/complaints/{ref}/complexity",
                               data={**fields, "complexity-level": level})
        assert response.status_code == 403
    assert load(app, ref).final_due_at == base and load(app, ref).complexity == "standard"
    auth.logout()
    auth.login("supervisor")
    assert post(client, ref, "complexity", "complexity", level="complex").status_code == 303
    assert load(app, ref).final_due_at - base == dt.timedelta(days=15)
    assert load(app, ref).extension_approved_by_id is None
    response = post(client, ref, "complexity", "complexity", level="especially_complex", note="需要外部核实")
    assert response.status_code == 303
    c = load(app, ref)
    assert c.complexity == "especially_complex" and c.extension_approved_by_id is not None
    assert c.final_due_at - base == dt.timedelta(days=45)
    assert ("complexity_changed", True) in events(app, ref)
    # A profile without longer deadlines refuses.
    us = gen_complaint(app)
    with app.test_request_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == us))
        with pytest.raises(actions.CaseActionError):
            actions.set_complexity(complaint, complaint, "complex", may_approve=True)


def test_reclassification_is_feedback_and_exported(app, client, auth, runner):
    ref = gen_complaint(app, urgency="low", category="other", narrative="他们威胁要到我单位去找我。",
                        language="zh_Hans")
    before = load(app, ref)
    auth.login("officer")
    response = post(client, ref, "reclassify", "reclassify", category="threats", urgency="critical",
                    reason="Threat to come to the workplace.")
    assert response.status_code == 303
    c = load(app, ref)
    assert (c.category, c.urgency, c.urgency_rank) == ("threats", "critical", 0)
    assert c.first_response_due_at < before.first_response_due_at  # critical: 1 business day
    with app.app_context():
        feedback = db.session.scalar(sa.select(ClassificationFeedback))
        assert (feedback.old_category, feedback.new_category) == ("other", "threats")
    assert ("reclassified", False) in events(app, ref)
    result = runner.invoke(args=["complaints", "export-feedback"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 1
    assert lines[0]["text"] == "他们威胁要到我单位去找我。"
    assert (lines[0]["category"], lines[0]["urgency"], lines[0]["lang"]) == ("threats", "critical", "zh")
    # Reclassifying to the same labels is refused.
    response = post(client, ref, "reclassify", "reclassify", category="threats", urgency="critical", reason="same")
    assert response.status_code == 400


def test_second_officer_is_told_what_changed_and_nothing_is_overwritten(app, client, auth):
    ref = gen_complaint(app)
    auth.create("officer", "first@redress.test")
    auth.create("officer", "second@redress.test")
    other = app.test_client()
    other.post("/staff/login", data={"email": "second@redress.test", "password": "correct horse battery staple"})
    stale = case_form(other, ref, "respond")  # the second officer opens the case
    auth.login("officer", "first@redress.test")
    assert post(client, ref, "request-information", "request", question="Please send the letter.").status_code == 303
    stale.update({"respond-kind": "final", "respond-text": "My carefully written answer."})
    response = other.post(f"/staff/complaints/{ref}/respond", data=stale)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed while you were working on it" in html
    assert "Please send the letter." in html  # what changed
    assert "My carefully written answer." in html  # their input is not lost
    c = load(app, ref)
    assert c.status == "awaiting_cardholder" and c.response_text is None


def test_attachment_download_is_an_attachment_with_its_type(app, client, auth):
    ref = gen_complaint(app)
    other = gen_complaint(app)
    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "abc123.pdf").write_bytes(b"%PDF-1.4 test")
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == ref))
        item = Attachment(complaint_id=complaint.id, original_name="letter <1>.pdf", stored_name="abc123.pdf",
                          content_type="application/pdf", size=13, sha256="0" * 64)
        db.session.add(item)
        db.session.commit()
        item_id = item.id
    auth.login("auditor")
    response = client.get(f"/staff/complaints/{ref}/attachments/{item_id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data == b"%PDF-1.4 test"
    response.close()
    assert client.get(f"/staff/complaints/{other}/attachments/{item_id}").status_code == 404


def test_evidence_is_highlighted_and_escaped(app, client, auth):
    narrative = "<script>alert(1)</script> He said I will be arrested tomorrow."
    start = narrative.index("arrested")
    ref = gen_complaint(app, urgency="critical", narrative=narrative, evidence=[
        {"label": "arrest_threat", "text": "arrested", "start": start, "end": start + 8, "source": "rule"},
        {"label": "bad", "text": "x", "start": 500, "end": 510, "source": "rule"},  # does not fit: left out
    ])
    auth.login("officer")
    html = client.get(f"/staff/complaints/{ref}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert re.search(r'<mark class="evidence"[^>]*title="arrest or jail threat \(phrase rule\)">arrested</mark>', html)


def test_assignment_by_supervisor(app, client, auth):
    ref = gen_complaint(app)
    officer_id = auth.create("officer")
    auth.login("supervisor")
    assert post(client, ref, "assign", "assign", assignee=str(officer_id)).status_code == 303
    assert load(app, ref).assignee_id == officer_id
    with app.app_context():
        kinds = [e.kind for e in db.session.scalars(sa.select(ComplaintEvent))]
    assert "assigned" in kinds
    # The officer's "mine" filter now shows it.
    auth.logout()
    auth.login("officer")
    assert ref in client.get("/staff/queue?assignee=mine").get_data(as_text=True)
    assert ref not in client.get("/staff/queue?assignee=unassigned").get_data(as_text=True)


def test_dashboard_and_report(app, client, auth, runner):
    now = dt.datetime.now(UTC)
    late = gen_complaint(app, urgency="critical", received_at=now - dt.timedelta(days=20))
    gen_complaint(app, urgency="low")
    auth.login("supervisor")
    html = client.get("/staff/dashboard").get_data(as_text=True)
    assert late in html  # in the overdue list
    assert "SLA compliance" in html and "<svg" in html
    result = runner.invoke(args=["deadlines", "report", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert {r["reference"] for r in rows if r["state"] == "overdue"} == {late}
    assert {r["deadline"] for r in rows if r["reference"] == late} == {"acknowledgement", "first_response"}
    result = runner.invoke(args=["deadlines", "report"])
    assert "overdue" in result.output and late in result.output


def test_a_save_racing_another_is_refused_not_lost(app, client, auth, monkeypatch):
    """Both officers pass the version check; the second write to reach the database loses
    (StaleDataError) and is shown the conflict page instead of overwriting."""
    ref = gen_complaint(app)
    auth.login("officer")
    real_respond = actions.respond

    def respond_while_someone_else_saves(complaint, *args, **kwargs):
        # Another request commits between this one's version check and its write.
        with db.engine.begin() as other:
            other.execute(sa.text("UPDATE complaint SET version = version + 1, status = 'in_progress' "
                                  "WHERE reference = :ref"), {"ref": ref})
        real_respond(complaint, *args, **kwargs)

    monkeypatch.setattr(actions, "respond", respond_while_someone_else_saves)
    response = post(client, ref, "respond", "respond", kind="final", text="Our final answer.")
    assert response.status_code == 409
    assert "Our final answer." in response.get_data(as_text=True)
    c = load(app, ref)
    assert c.status == "in_progress" and c.response_text is None


@pytest.mark.parametrize("lang, wanted", [
    ("en", ["threat of a lawsuit, seizure or garnishment", "points to: Wrong amount", "(phrase rule)",
            "the model was unsure between high and critical"]),
    ("zh_Hans", ["起诉、查封或扣薪威胁", "指向：金额错误"]),
])
def test_evidence_labels_read_as_words_not_codes(app, client, auth, lang, wanted):
    narrative = "They said they will sue me. The fees are wrong. I can't go on like this."
    ref = gen_complaint(app, narrative=narrative, urgency="critical", evidence=[
        {"label": "legal_threat", "text": "sue me", "start": 19, "end": 25, "source": "rule"},
        {"label": "cue:wrong_amount", "text": "fees", "start": 31, "end": 35, "source": "rule"},
        {"label": "critical_unsure", "text": "I can't go on like this.", "start": 49, "end": 73, "source": "model"},
    ])
    auth.login("officer")
    html = client.get(f"/staff/complaints/{ref}?lang={lang}").get_data(as_text=True)
    evidence = html.split('class="evidence-list"', 1)[1].split("</ul>", 1)[0]
    for text in wanted:
        assert text in html, text
    assert "→ legal_threat" not in evidence and "→ cue:wrong_amount" not in evidence
    assert 'title="legal_threat"' in evidence  # the code stays findable on hover
