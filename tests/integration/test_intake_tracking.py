"""Tracking after filing: answering an officer's question and saying whether the response resolved things."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.cases import actions
from portal.extensions import db
from portal.models import Complaint, StaffUser

from .intake_helpers import submit


def officer_does(app, reference: str, action, *args, **kwargs) -> None:
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        officer = db.session.scalar(sa.select(StaffUser).where(StaffUser.role == "officer"))
        with app.test_request_context():
            action(complaint, officer, *args, **kwargs)
        db.session.commit()


def load(app, reference: str) -> Complaint:
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        complaint.events  # load while the session is open
        db.session.expunge(complaint)
        return complaint


def tracked(client):
    _response, reference, code = submit(client)
    assert client.post("/track", data={"reference": reference, "access_code": code}).status_code == 302
    return reference


def test_answering_a_question_resumes_the_case(app, client, auth):
    auth.create("officer")
    reference = tracked(client)
    officer_does(app, reference, actions.request_information, "Which number called you on 3 October?")
    page = client.get("/track").get_data(as_text=True)
    assert "Waiting for your answer" in page
    assert "Which number called you on 3 October?" in page
    assert client.post("/track/answer", data={"answer": ""}).status_code == 422
    response = client.post("/track/answer", data={"answer": "It was 202-555-0147, twice."})
    assert response.status_code == 302
    complaint = load(app, reference)
    assert complaint.status == "in_progress"
    assert complaint.paused_since is None
    answer = next(e for e in complaint.events if e.kind == "cardholder_answered")
    assert answer.public and answer.body == "It was 202-555-0147, twice."
    page = client.get("/track").get_data(as_text=True)
    assert "You answered our question" in page and "Being looked into" in page
    # No open question any more.
    again = client.post("/track/answer", data={"answer": "Once more"})
    assert again.status_code == 302
    assert len([e for e in load(app, reference).events if e.kind == "cardholder_answered"]) == 1


def test_feedback_resolved_closes_the_case(app, client, auth):
    auth.create("officer")
    reference = tracked(client)
    assert "Did our response resolve things?" not in client.get("/track").get_data(as_text=True)
    officer_does(app, reference, actions.respond, "We told the agency to stop calling.", final=True)
    page = client.get("/track").get_data(as_text=True)
    assert "Did our response resolve things?" in page and "We told the agency to stop calling." in page
    assert client.post("/track/feedback", data={"resolved": "yes"}).status_code == 302
    complaint = load(app, reference)
    assert complaint.status == "closed" and complaint.feedback_resolved is True
    assert "Did our response resolve things?" not in client.get("/track").get_data(as_text=True)


def test_not_resolved_within_30_days_reopens_for_review(app, client, auth):
    auth.create("officer")
    reference = tracked(client)
    officer_does(app, reference, actions.close, "closed_with_explanation", "The amount was correct.")
    refused = client.post("/track/feedback", data={"resolved": "no"})
    assert refused.status_code == 422, client.get("/track").get_data(as_text=True)
    assert "Please tell us briefly what is still not resolved." in refused.get_data(as_text=True)
    response = client.post("/track/feedback", data={"resolved": "no", "comment": "They still call every day."})
    assert response.status_code == 302
    complaint = load(app, reference)
    assert complaint.status == "reopened" and complaint.feedback_resolved is False
    kinds = [e.kind for e in complaint.events if e.public]
    assert kinds[-2:] == ["feedback", "reopened"]
    page = client.get("/track").get_data(as_text=True)
    assert "Reopened for review" in page and "They still call every day." in page


def test_not_resolved_after_the_review_window_keeps_it_closed(app, client, auth):
    auth.create("officer")
    reference = tracked(client)
    officer_does(app, reference, actions.close, "closed_with_explanation", "The amount was correct.")
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        complaint.closed_at = complaint.closed_at - timedelta(days=45)
        complaint.responded_at = complaint.closed_at
        db.session.commit()
    response = client.post("/track/feedback", data={"resolved": "no", "comment": "Still wrong."}, follow_redirects=True)
    assert "The time to ask for a review has passed" in response.get_data(as_text=True)
    complaint = load(app, reference)
    assert complaint.status == "closed" and complaint.feedback_resolved is False


def test_leaving_ends_the_tracking_session(app, client):
    reference = tracked(client)
    assert reference in client.get("/track").get_data(as_text=True)
    client.post("/track/leave")
    page = client.get("/track").get_data(as_text=True)
    assert reference not in page and 'name="access_code"' in page


def test_the_tracking_session_expires(app, client, monkeypatch):
    reference = tracked(client)
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 31 * 60)
    assert reference not in client.get("/track").get_data(as_text=True)
