"""Officers' tools: assign to me, bulk actions, canned replies, proposed links, e-mail to the assignee,
labels, the upload page's column guide and template, the rejects shown on the import page, the dashboard."""
from __future__ import annotations

import csv
import email
import email.policy
import io
import re
from pathlib import Path

import sqlalchemy as sa

from portal.cases import actions
from portal.contacts.importer import import_rows
from portal.extensions import db
from portal.models import Complaint, ComplaintContactLink, ContactLog, Finding, StaffUser
from tests.integration._cases import case_form, gen_complaint, load
from tests.integration.test_audit_cli import gen_log
from tests.integration.test_intake_tracking import officer_does, tracked


def staff_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(StaffUser.id).where(StaffUser.email == email))


def assignee_of(app, reference: str) -> int | None:
    return load(app, reference).assignee_id


def flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+">([^<]*)</p>', html)


# -- assign to me -------------------------------------------------------------


def test_assign_to_me_on_the_case_page(app, client, auth):
    reference = gen_complaint(app)
    auth.login("officer")
    page = client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    assert f'action="/staff/complaints/{reference}/claim"' in page and "Assign to me" in page
    response = client.post(f"/staff/complaints/{reference}/claim", data=case_form(client, reference, "claim"),
                           follow_redirects=True)
    assert response.status_code == 200
    assert assignee_of(app, reference) == staff_id(app, "officer@redress.test")
    page = response.get_data(as_text=True)
    assert "The complaint is assigned to you." in page
    assert f'action="/staff/complaints/{reference}/claim"' not in page  # already mine: no button
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert [e.kind for e in complaint.events][-1] == "assigned"


def test_an_officer_cannot_take_a_colleagues_complaint_but_a_supervisor_can(app, client, auth):
    colleague = auth.create("officer", "colleague@redress.test")
    reference = gen_complaint(app, assignee_id=colleague)
    auth.login("officer")
    assert f"/staff/complaints/{reference}/claim" not in client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    response = client.post(f"/staff/complaints/{reference}/claim",
                           data=case_form(client, reference, "claim", like="note"))
    assert response.status_code == 400
    assert "ask a supervisor to reassign it" in response.get_data(as_text=True)
    assert assignee_of(app, reference) == colleague
    auth.logout()
    auth.login("supervisor")
    response = client.post(f"/staff/complaints/{reference}/claim", data=case_form(client, reference, "claim"))
    assert response.status_code == 303
    assert assignee_of(app, reference) == staff_id(app, "supervisor@redress.test")


# -- bulk actions on the queue ------------------------------------------------


def test_bulk_assign_to_me_takes_the_free_ones_and_says_why_not_the_others(app, client, auth):
    colleague = auth.create("officer", "colleague@redress.test")
    free_one, free_two = gen_complaint(app), gen_complaint(app)
    taken = gen_complaint(app, assignee_id=colleague)
    auth.login("officer")
    queue = client.get("/staff/queue").get_data(as_text=True)
    assert 'id="bulk-form"' in queue and queue.count('name="complaint"') == 3
    assert 'value="assign"' not in queue  # "assign to…" is a supervisor's
    response = client.post("/staff/queue/bulk", data={
        "action": "claim", "complaint": [free_one, taken, free_two, "RD-NOPE-0000"], "back": "/staff/queue?urgency=normal",
    })
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/queue?urgency=normal")
    me = staff_id(app, "officer@redress.test")
    assert (assignee_of(app, free_one), assignee_of(app, free_two), assignee_of(app, taken)) == (me, me, colleague)
    messages = flashes(client.get("/staff/queue").get_data(as_text=True))
    assert f"Assigned to you: {free_one}, {free_two}." in messages
    assert any("ask a supervisor" in m and taken in m for m in messages)
    assert any("RD-NOPE-0000" in m for m in messages)


def test_bulk_assign_to_someone_is_for_supervisors(app, client, auth):
    officer = auth.create("officer")
    one, two = gen_complaint(app), gen_complaint(app)
    auth.login("officer")
    assert client.post("/staff/queue/bulk", data={"action": "assign", "assignee": str(officer),
                                                  "complaint": [one]}).status_code == 403
    auth.logout()
    auth.login("supervisor")
    assert 'value="assign"' in client.get("/staff/queue").get_data(as_text=True)
    response = client.post("/staff/queue/bulk", data={"action": "assign", "assignee": str(officer),
                                                      "complaint": [one, two]})
    assert response.status_code == 303
    assert assignee_of(app, one) == assignee_of(app, two) == officer
    # Nobody chosen, nothing ticked, or a bogus action: nothing changes, and the page says so.
    three = gen_complaint(app)
    client.post("/staff/queue/bulk", data={"action": "assign", "assignee": "", "complaint": [three]})
    client.post("/staff/queue/bulk", data={"action": "claim"})
    client.post("/staff/queue/bulk", data={"action": "explode", "complaint": [three]})
    messages = flashes(client.get("/staff/queue").get_data(as_text=True))
    assert "Choose who to assign the complaints to; nothing changed." in messages
    assert "Tick one or more complaints first; nothing changed." in messages
    assert "The bulk action was not understood; nothing changed." in messages
    assert assignee_of(app, three) is None


def test_bulk_back_link_never_leaves_the_queue(app, client, auth):
    reference = gen_complaint(app)
    auth.login("officer")
    for back in ("https://evil.example/", "//evil.example/staff/queue", "/staff/queue//evil.example"):
        response = client.post("/staff/queue/bulk", data={"action": "claim", "complaint": [reference], "back": back})
        assert response.headers["Location"] in ("/staff/queue", "http://localhost/staff/queue"), back


# -- proposed links -----------------------------------------------------------


def _logs_and_finding(app) -> tuple[int, int, int]:
    """Two stored logs (one a US-TIME breach) and the finding on the late one."""
    with app.app_context():
        import_rows([gen_log("P1", "2026-03-02T10:00:00-05:00"), gen_log("P2", "2026-03-02T22:30:00-05:00")])
        from portal.contacts.auditing import run_audit

        run_audit("us-cfpb", scanner=None)
        db.session.commit()
        ids = dict(db.session.execute(sa.select(ContactLog.external_id, ContactLog.id)).all())
        finding = db.session.scalar(sa.select(Finding.id).where(Finding.rule_id == "US-TIME"))
        return ids["P1"], ids["P2"], finding


def test_auditor_proposes_and_officer_confirms_several_at_once(app, client, auth):
    first, second = gen_complaint(app), gen_complaint(app)
    log_one, log_two, finding = _logs_and_finding(app)
    auth.login("auditor")
    page = client.get(f"/audit/logs/{log_one}").get_data(as_text=True)
    assert f'action="/audit/logs/{log_one}/propose"' in page and "United States (CFPB)" in page
    response = client.post(f"/audit/logs/{log_one}/propose", data={"reference": first.lower(),
                                                                   "note": "Card 4111 1111 1111 1111 in the notes"},
                           follow_redirects=True)
    assert "is proposed as evidence on" in response.get_data(as_text=True)
    response = client.post(f"/audit/findings/{finding}/propose", data={"reference": second}, follow_redirects=True)
    assert "is proposed as evidence on" in response.get_data(as_text=True)
    again = client.post(f"/audit/logs/{log_one}/propose", data={"reference": first}, follow_redirects=True)
    assert "already proposed" in again.get_data(as_text=True)
    nowhere = client.post(f"/audit/logs/{log_one}/propose", data={"reference": "RD-NOPE-1"}, follow_redirects=True)
    assert "No complaint has the reference RD-NOPE-1" in nowhere.get_data(as_text=True)
    with app.app_context():
        links = db.session.scalars(sa.select(ComplaintContactLink).order_by(ComplaintContactLink.id)).all()
        assert [(link.status, link.finding_id) for link in links] == [("proposed", None), ("proposed", finding)]
        assert "4111 1111 1111 1111" not in links[0].proposal_note  # masked before it is stored
    # An auditor cannot decide; the officer sees both, on the list and on the case page.
    assert client.get("/audit/proposals").status_code == 403
    auth.logout()
    auth.login("officer")
    case = client.get(f"/staff/complaints/{first}").get_data(as_text=True)
    assert "Proposed by auditors" in case and "P1" in case
    listing = client.get("/audit/proposals").get_data(as_text=True)
    ids = re.findall(r'name="link" value="(\d+)"', listing)
    assert len(ids) == 2
    response = client.post("/audit/proposals", data={"link": ids, "decision": "confirmed"}, follow_redirects=True)
    assert "2 proposed links confirmed." in response.get_data(as_text=True)
    with app.app_context():
        assert set(db.session.scalars(sa.select(ComplaintContactLink.status))) == {"confirmed"}
    assert "No proposed link is waiting" in client.get("/audit/proposals").get_data(as_text=True)
    case = client.get(f"/staff/complaints/{second}").get_data(as_text=True)
    assert "US-TIME" in case  # the confirmed log's finding is now evidence on the case


def test_queue_bulk_confirms_the_proposed_logs_of_ticked_complaints(app, client, auth):
    first, second = gen_complaint(app), gen_complaint(app)
    log_one, log_two, _finding = _logs_and_finding(app)
    auth.login("auditor")
    client.post(f"/audit/logs/{log_one}/propose", data={"reference": first})
    client.post(f"/audit/logs/{log_two}/propose", data={"reference": first})
    auth.logout()
    auth.login("officer")
    client.post("/staff/queue/bulk", data={"action": "confirm_links", "complaint": [first, second]})
    messages = flashes(client.get("/staff/queue").get_data(as_text=True))
    assert f"2 proposed contact logs confirmed ({first})." in messages
    assert f"{second} has no proposed contact log." in messages
    with app.app_context():
        assert set(db.session.scalars(sa.select(ComplaintContactLink.status))) == {"confirmed"}


def test_officer_confirms_several_suggestions_of_a_case_at_once(app, client, auth):
    import datetime as dt

    reference = gen_complaint(app)
    with app.app_context():
        import_rows([gen_log(f"S{n}", f"2026-03-02T1{n}:00:00-05:00") for n in range(4)])
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        complaint.account_ref = "ACC-1"
        complaint.incident_start = complaint.incident_end = dt.date(2026, 3, 2)
        db.session.commit()
        ids = dict(db.session.execute(sa.select(ContactLog.external_id, ContactLog.id)).all())
    auth.login("officer")
    page = client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    assert page.count('form="suggestions-bulk"') == 4
    response = client.post(f"/audit/complaints/{reference}/links",
                           data={"log": [ids["S0"], ids["S2"], ids["S3"]], "decision": "confirmed"},
                           follow_redirects=True)
    assert "3 contact logs are now evidence on this complaint." in response.get_data(as_text=True)
    client.post(f"/audit/complaints/{reference}/links", data={"log": [ids["S1"]], "decision": "rejected"})
    with app.app_context():
        decided = dict(db.session.execute(
            sa.select(ContactLog.external_id, ComplaintContactLink.status)
            .join(ComplaintContactLink, ComplaintContactLink.contact_log_id == ContactLog.id)).all())
    assert decided == {"S0": "confirmed", "S1": "rejected", "S2": "confirmed", "S3": "confirmed"}
    empty = client.post(f"/audit/complaints/{reference}/links", data={"decision": "confirmed"}, follow_redirects=True)
    assert "Tick one or more contact logs first" in empty.get_data(as_text=True)
    auth.logout()
    auth.login("auditor")
    assert client.post(f"/audit/complaints/{reference}/links",
                       data={"log": [ids["S1"]], "decision": "confirmed"}).status_code == 403


# -- e-mail to the assigned officer --------------------------------------------


def _mails_to(outbox: Path, address: str) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(outbox.glob("*.eml")) if outbox.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def test_the_assignee_hears_when_the_cardholder_answers_and_disputes(app, client, auth, outbox):
    officer = auth.create("officer", language="zh_Hans")
    reference = tracked(client)
    with app.app_context():
        db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference)).assignee_id = officer
        db.session.commit()
    officer_does(app, reference, actions.request_information, "Which number called you?")
    assert _mails_to(outbox, "officer@redress.test") == []
    assert client.post("/track/answer", data={"answer": "202-555-0147"}).status_code == 302
    [answered] = _mails_to(outbox, "officer@redress.test")
    assert answered["Subject"] == f"{reference}：持卡人已回答您的问题"
    body = answered.get_content()
    assert f"/staff/complaints/{reference}" in body and "202-555-0147" not in body
    officer_does(app, reference, actions.close, "closed_with_explanation", "The amount was correct.")
    client.post("/track/feedback", data={"resolved": "no", "comment": "They still call every day."})
    subjects = [m["Subject"] for m in _mails_to(outbox, "officer@redress.test")]
    assert f"{reference}：持卡人对处理结果提出异议" in subjects and len(subjects) == 2


def test_no_mail_without_an_assignee_or_when_the_answer_is_refused(app, client, auth, outbox):
    auth.create("officer")
    reference = tracked(client)
    officer_does(app, reference, actions.request_information, "Which number called you?")
    client.post("/track/answer", data={"answer": ""})  # refused: nothing recorded
    client.post("/track/answer", data={"answer": "202-555-0147"})  # recorded, but nobody is assigned
    assert _mails_to(outbox, "officer@redress.test") == []


# -- canned replies and labels --------------------------------------------------


def test_canned_replies_follow_the_profile_and_the_cardholders_language(app, client, auth):
    chinese = gen_complaint(app, jurisdiction="cn-nfra", language="zh_Hans", narrative="催收员半夜打电话。")
    british = gen_complaint(app, jurisdiction="uk-fca")
    auth.login("officer")
    page = client.get(f"/staff/complaints/{chinese}?lang=en").get_data(as_text=True)
    assert "22:00至次日08:00之间的来电" in page and "Validation notice" not in page and "Ombudsman" not in page
    page = client.get(f"/staff/complaints/{chinese}?reply=cn-night-calls&lang=en").get_data(as_text=True)
    box = page.split('name="respond-text"', 1)[1].split("</textarea>", 1)[0]
    assert f"感谢您提交投诉 {chinese}" in box and "持卡人：" in box and "30 日内" in box
    page = client.get(f"/staff/complaints/{british}?reply=uk-final-response-fos").get_data(as_text=True)
    assert "Financial Ombudsman Service" in page.split('name="respond-text"', 1)[1].split("</textarea>", 1)[0]
    # Another profile's reply is not offered, whatever the link says.
    page = client.get(f"/staff/complaints/{british}?reply=cn-night-calls").get_data(as_text=True)
    assert "感谢您提交投诉" not in page


def test_the_canned_replies_file_has_both_languages_for_every_profile():
    from portal.cases.canned import replies_for
    from portal.domain.profiles import profile_ids

    for profile in profile_ids():
        replies = replies_for(profile)
        assert len(replies) >= 2, profile
        for reply in replies:
            for language in ("en", "zh_Hans"):
                text = reply.text(language, reference="RD-1", name="X", days=30)
                assert "RD-1" in text and "{" not in text


def test_case_page_shows_labels_not_codes(app, client, auth):
    reference = gen_complaint(app)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        complaint.channels = ["phone", "text"]
        complaint.vulnerabilities = ["mental_health_crisis"]
        db.session.commit()
    auth.login("officer")
    page = client.get(f"/staff/complaints/{reference}?lang=en").get_data(as_text=True)
    assert "Phone calls, Text messages" in page and "Mental-health crisis" in page
    assert "mental_health_crisis" not in page and "phone, text" not in page
    page = client.get(f"/staff/complaints/{reference}?lang=zh_Hans").get_data(as_text=True)
    assert "mental_health_crisis" not in page


# -- upload page, rejects, dashboard ----------------------------------------------


def test_upload_page_documents_the_columns_and_its_template_imports_cleanly(app, client, auth, tmp_path):
    auth.login("auditor")
    page = client.get("/audit/imports").get_data(as_text=True)
    for column in ("external_id", "consumer_tz", "counterparty", "jurisdiction"):
        assert f"<code>{column}</code>" in page
    assert "one of: call, sms, email, letter, visit, app" in page
    template = client.get("/audit/imports/template.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    path = tmp_path / "template.csv"
    path.write_bytes(template.data)
    with app.app_context():
        from portal.contacts.importer import import_file

        assert import_file(path).summary() == {"imported": 2, "duplicates": 0, "rejected": 0}
        assert db.session.scalar(sa.select(ContactLog.jurisdiction).where(ContactLog.external_id == "SMS-0002")) == "us-cfpb"


def test_import_page_lists_the_first_50_rejects(app, client, auth):
    from portal.domain.contact_fields import KNOWN_FIELDS

    app.config["CONTACT_JOBS_INLINE"] = True
    auth.login("auditor")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(KNOWN_FIELDS), lineterminator="\n")
    writer.writeheader()
    writer.writerow({k: v for k, v in gen_log("OK1", "2026-03-02T10:00:00-05:00").items()})
    for n in range(60):
        writer.writerow({**gen_log(f"BAD{n}", "2026-03-02T10:00:00-05:00"), "channel": "pigeon"})
    response = client.post("/audit/imports", data={"file": (io.BytesIO(buffer.getvalue().encode()), "x.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    table = page.split('id="reject-list"', 1)[1]
    assert table.count("<tr><td class=\"num\">") == 50
    # Each reason names the field and the problem; the value itself is never echoed (the row beside it is
    # shown masked).
    reasons = re.findall(r'<tr><td class="num">\d+</td><td>([^<]*)</td>', table)
    assert len(reasons) == 50
    assert all(r.startswith("channel: the value is not allowed; use one of call") for r in reasons)
    assert not any("pigeon" in r for r in reasons)
    assert "The first 50 of 60 rejected rows" in page


def test_dashboard_percentages_link_to_their_complaints(app, client, auth):
    import datetime as dt

    gen_complaint(app, received_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10), category="threats")
    auth.login("supervisor")
    page = client.get("/staff/dashboard?lang=en").get_data(as_text=True)
    links = re.findall(r'<a class="share-link" href="([^"]+)"', page)
    assert "/staff/queue?status=all" in links
    assert any("category=threats" in link for link in links)
    assert any("profile=us-cfpb" in link for link in links)
    assert any("assignee=unassigned" in link for link in links)
    # The totals above the bars sit inside the chart (no label above y=0).
    ys = [float(y) for y in re.findall(r'<text x="[^"]+" y="([^"]+)" text-anchor="middle" class="axis">', page)]
    assert ys and min(ys) > 11


def test_the_finding_page_shows_a_proposal_waiting_for_an_officer(app, client, auth):
    reference = gen_complaint(app)
    _log_one, _log_two, finding = _logs_and_finding(app)
    auth.login("auditor")
    before = client.get(f"/audit/findings/{finding}").get_data(as_text=True)
    assert "No complaint has been linked to these contacts." in before
    assert "waiting for an officer" not in before
    client.post(f"/audit/findings/{finding}/propose", data={"reference": reference})
    after = client.get(f"/audit/findings/{finding}").get_data(as_text=True)
    assert "No complaint has been linked to these contacts." not in after
    waiting = re.search(r'<p class="pending-links">(.*?)</p>', after, re.S).group(1)
    assert "waiting for an officer" in waiting and reference in waiting
    chinese = client.get(f"/audit/findings/{finding}?lang=zh_Hans").get_data(as_text=True)
    assert "等待办案人员确认或拒绝" in chinese
    # Once confirmed it is a linked complaint, no longer waiting.
    auth.logout()
    auth.login("officer")
    ids = re.findall(r'name="link" value="(\d+)"', client.get("/audit/proposals").get_data(as_text=True))
    client.post("/audit/proposals", data={"link": ids, "decision": "confirmed"})
    confirmed = client.get(f"/audit/findings/{finding}?lang=en").get_data(as_text=True)
    assert 'class="pending-links"' not in confirmed and reference in confirmed


def test_a_closed_complaint_cannot_be_proposed_for(app, client, auth):
    reference = gen_complaint(app, status="closed")
    log_one, _log_two, finding = _logs_and_finding(app)
    auth.login("auditor")
    response = client.post(f"/audit/findings/{finding}/propose", data={"reference": reference},
                           follow_redirects=True)
    messages = flashes(response.get_data(as_text=True))
    assert any(f"{reference} is closed" in m and "nothing was proposed" in m for m in messages), messages
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintContactLink)) == 0
