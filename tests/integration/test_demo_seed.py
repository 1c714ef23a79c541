"""`flask seed-demo`: the demo data tells one consistent story."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from portal.demo import DEMO_PASSWORD, seed
from portal.extensions import db
from portal.models import Complaint, ComplaintEvent

NOW = dt.datetime(2026, 12, 3, 9, 52, tzinfo=dt.timezone.utc)


def _seeded(app):
    with app.app_context():
        seed(NOW)


def test_submitted_event_is_the_received_instant(app):
    _seeded(app)
    with app.app_context():
        complaints = db.session.scalars(sa.select(Complaint)).all()
        assert complaints
        for complaint in complaints:
            submitted = db.session.scalar(
                sa.select(ComplaintEvent).where(
                    ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.kind == "submitted"
                )
            )
            assert submitted.occurred_at == complaint.received_at, complaint.reference
            assert complaint.received_at < NOW
            first = min(e.occurred_at for e in complaint.events)
            assert first == complaint.received_at


def test_case_page_shows_one_received_time(app, client):
    _seeded(app)
    with app.app_context():
        complaint = db.session.scalar(
            sa.select(Complaint).where(Complaint.jurisdiction == "cn-nfra").order_by(Complaint.received_at.desc())
        )
        reference = complaint.reference
        stamp = complaint.received_at.isoformat()
    client.post("/staff/login", data={"email": "officer@redress.example", "password": DEMO_PASSWORD})
    html = client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    shown = re.findall(r'<time datetime="([^"]+)"', html)
    assert shown.count(stamp) >= 2  # the header and the timeline's "Complaint received"
    # Every <time> on the page for the received instant reads the same.
    texts = set(re.findall(rf'<time datetime="{re.escape(stamp)}"[^>]*>([^<]+)</time>', html))
    assert len(texts) == 1, texts


def test_seed_is_idempotent(app):
    _seeded(app)
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Complaint))
        assert seed(NOW) == "demo data already present; nothing to do"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == count


def test_the_public_record_has_demo_complaints(app, client):
    from portal.public.record import published

    with app.app_context():
        seed()  # the real clock: what a new install shows today
        rows = db.session.scalars(sa.select(Complaint).where(published())).all()
        assert len(rows) >= 3
        assert all(c.status == "closed" and c.outcome for c in rows)
        with_story = [c for c in rows if c.publish_narrative]
        assert with_story and all(c.public_narrative for c in with_story)
        assert any(not c.publish_narrative for c in rows)  # consent is not assumed
        for complaint in rows:  # each step at its own moment, in order
            times = [e.occurred_at for e in sorted(complaint.events, key=lambda e: e.id)]
            assert times == sorted(times) and times[0] == complaint.received_at
        story = with_story[0].public_narrative[:40]
    page = client.get("/data").get_data(as_text=True)
    assert story in page
