"""The whole cardholder journey: file, get the codes (and the e-mail), track, add."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint, ComplaintEvent

from .intake_helpers import read_outbox, submit, text_of


def test_file_a_complaint_and_track_it(app, client, outbox):
    response, reference, code = submit(client)
    html = response.get_data(as_text=True)
    assert "write down" in html
    assert response.headers["Cache-Control"] == "no-store"

    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert complaint.narrative.startswith("A collector from Acme Recovery")
        assert complaint.source == "web"
        assert complaint.jurisdiction == "us-cfpb"
        assert complaint.channels == ["phone", "text"]
        assert complaint.contact_numbers == ["+1 202 555 0147", "202-555-0199"]
        assert str(complaint.amount_demanded) == "1250.00"
        assert complaint.vulnerabilities == ["older_person"]
        assert complaint.consent is True
        assert complaint.access_code_hash and code not in complaint.access_code_hash
        assert complaint.final_due_at is not None
        kinds = [(e.kind, e.public) for e in complaint.events]
        assert ("submitted", True) in kinds

    messages = read_outbox(outbox)
    assert len(messages) == 1
    assert messages[0]["To"] == "jane@example.com"
    assert reference in messages[0]["Subject"]
    body = text_of(messages[0])
    assert reference in body and code in body

    # The form's draft is gone: sending again does not file twice.
    again = client.post("/complaint/review")
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1

    # Tracking with the right code.
    fresh = app.test_client()
    response = fresh.post("/track", data={"reference": reference.lower().replace("-", " "), "access_code": code})
    assert response.status_code == 302
    page = fresh.get("/track").get_data(as_text=True)
    assert reference in page
    assert "You sent your complaint" in page
    assert "Time limits" in page

    # Adding information is a new public event.
    response = fresh.post("/track/add", data={"body": "They called again today at 7 am."})
    assert response.status_code == 302
    page = fresh.get("/track").get_data(as_text=True)
    assert "They called again today at 7 am." in page
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        added = [e for e in complaint.events if e.kind == "information_added"]
        assert len(added) == 1 and added[0].public and added[0].actor_type == "cardholder"


def test_wrong_code_gets_one_generic_message(app, client):
    _response, reference, code = submit(client)
    other = app.test_client()
    wrong = other.post("/track", data={"reference": reference, "access_code": "AAAA-BBBB-CCCC-DDDD"})
    missing = other.post("/track", data={"reference": "RD-0000-0000", "access_code": code})
    assert wrong.status_code == missing.status_code == 401
    generic = "We could not find a complaint with that reference and access code."
    assert generic in wrong.get_data(as_text=True)
    assert generic in missing.get_data(as_text=True)
    # Nothing of the complaint is shown, and the session proves nothing.
    assert "Acme" not in wrong.get_data(as_text=True)
    assert "AAAA-BBBB-CCCC-DDDD" not in wrong.get_data(as_text=True)  # the code typed is not echoed
    assert f'value="{reference}"' in wrong.get_data(as_text=True)  # the reference is kept
    assert "Time limits" not in other.get("/track").get_data(as_text=True)
    assert other.post("/track/add", data={"body": "sneaky"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(ComplaintEvent).where(ComplaintEvent.kind == "information_added")
        ) == 0


def _draft(**overrides):
    from portal.filing import ComplaintDraft

    values = dict(narrative="They called my mother and said I would go to prison.", jurisdiction="uk-fca", consent=True)
    values.update(overrides)
    return ComplaintDraft(**values)


def test_a_reference_already_taken_is_drawn_again(app, monkeypatch):
    from portal.domain import references
    from portal.filing import file_complaint

    with app.test_request_context():
        first = file_complaint(_draft(), source="api").complaint
        db.session.commit()
        draws = iter([first.reference, "RD-ZZZZ-ZZZZ"])
        monkeypatch.setattr(references, "new_reference", lambda: next(draws))
        second = file_complaint(_draft(), source="api").complaint
        db.session.commit()
        assert second.reference == "RD-ZZZZ-ZZZZ"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 2


def test_a_complaint_whose_routing_failed_is_still_stored(app, monkeypatch):
    import classifiers

    from portal.filing import file_complaint

    def broken(text):
        raise RuntimeError("model missing")

    monkeypatch.setattr(classifiers, "route", broken)
    with app.test_request_context():
        filed = file_complaint(_draft(), source="web")
        db.session.commit()
        complaint = db.session.get(Complaint, filed.complaint.id)
        assert complaint.category is None and "model missing" in complaint.routing_error
        assert complaint.final_due_at is not None
        assert [e.kind for e in complaint.events] == ["submitted"]


def test_the_filing_service_refuses_a_bad_draft(app):
    import pytest

    from portal.filing import FilingRefused, file_complaint

    with app.test_request_context():
        with pytest.raises(FilingRefused) as refused:
            file_complaint(_draft(narrative="short", jurisdiction="mars", channels=["pigeon"]), source="api")
        assert set(refused.value.errors) == {"narrative", "jurisdiction", "channels"}
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0


def test_without_an_email_nothing_is_sent(app, client, outbox):
    submit(client, {"details": {"email": ""}})
    assert read_outbox(outbox) == []
