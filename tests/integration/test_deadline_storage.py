"""Stored deadlines follow the events that move them (worked examples).

The arithmetic itself is tested with the engine (tests/unit/test_deadlines.py);
here: what the case actions store in ack_due_at, first_response_due_at,
final_due_at and next_due_at.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from portal.cases import actions
from portal.cases.clock import deadline_items, refresh_deadlines
from portal.extensions import db
from portal.models import Complaint, StaffUser
from tests.integration._cases import gen_complaint

UTC = dt.timezone.utc


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# Friday 20 November 2026, 10:00 in New York (15:00 UTC).
RECEIVED_US = at("2026-11-20T15:00:00+00:00")


def stored(complaint: Complaint) -> tuple[str, str, str, str | None]:
    return (complaint.ack_due_at.isoformat(), complaint.first_response_due_at.isoformat(),
            complaint.final_due_at.isoformat(), complaint.next_due_at.isoformat() if complaint.next_due_at else None)


def get(reference: str) -> Complaint:
    return db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))


def officer(app, auth, role="officer") -> StaffUser:
    staff_id = auth.create(role)
    return db.session.get(StaffUser, staff_id)


def test_normal_us_cfpb_complaint(app):
    ref = gen_complaint(app, urgency="normal", received_at=RECEIVED_US, now=RECEIVED_US)
    with app.app_context():
        c = get(ref)
        # ack: 2 business days after Friday = Tuesday 24th; first: +15 calendar days = 5 Dec;
        # final: +60 = 19 Jan 2027; each at 23:59:59 New York time (EST, UTC-5).
        assert stored(c) == ("2026-11-25T04:59:59+00:00", "2026-12-06T04:59:59+00:00",
                             "2027-01-20T04:59:59+00:00", "2026-11-25T04:59:59+00:00")


def test_urgency_change_shortens_the_first_response(app, auth):
    ref = gen_complaint(app, urgency="normal", received_at=RECEIVED_US, now=RECEIVED_US)
    with app.test_request_context():
        staff = officer(app, auth)
        c = get(ref)
        actions.reclassify(c, staff, "threats", "critical", "threat of arrest tomorrow",
                           now=at("2026-11-20T16:00:00+00:00"))
        db.session.commit()
        # critical: ack the same business day (Fri 20th), first response 1 business day (Mon 23rd).
        assert stored(c) == ("2026-11-21T04:59:59+00:00", "2026-11-24T04:59:59+00:00",
                             "2027-01-20T04:59:59+00:00", "2026-11-21T04:59:59+00:00")


def test_a_pause_moves_the_open_deadlines_by_whole_days(app, auth):
    ref = gen_complaint(app, urgency="normal", received_at=RECEIVED_US, now=RECEIVED_US)
    with app.test_request_context():
        staff = officer(app, auth)
        c = get(ref)
        actions.request_information(c, staff, "Which number called you?", now=at("2026-11-21T12:00:00+00:00"))
        db.session.commit()
        assert c.paused_since == at("2026-11-21T12:00:00+00:00")
        # Asking acknowledged the complaint: its deadline is met and stays.
        assert c.ack_due_at.isoformat() == "2026-11-25T04:59:59+00:00"
        assert actions.resume_after_cardholder_reply(c, now=at("2026-11-23T13:00:00+00:00"))
        db.session.commit()
        # 2 days 1 hour paused = 3 whole days on the deadlines still open.
        assert stored(c) == ("2026-11-25T04:59:59+00:00", "2026-12-09T04:59:59+00:00",
                             "2027-01-23T04:59:59+00:00", "2026-12-09T04:59:59+00:00")
        assert c.pauses == [{"kind": "awaiting_cardholder", "start": "2026-11-21T12:00:00+00:00",
                             "end": "2026-11-23T13:00:00+00:00"}]


def test_cn_nfra_extension_and_outside_appraisal(app, auth):
    # Friday 20 November 2026, 10:00 in Shanghai.
    received = at("2026-11-20T02:00:00+00:00")
    ref = gen_complaint(app, urgency="normal", jurisdiction="cn-nfra", received_at=received, now=received)
    with app.test_request_context():
        supervisor = officer(app, auth, "supervisor")
        c = get(ref)
        assert c.final_due_at.isoformat() == "2026-12-05T15:59:59+00:00"  # 15 days, 23:59:59 +08:00
        actions.set_complexity(c, supervisor, "complex", may_approve=False, now=at("2026-11-21T02:00:00+00:00"))
        assert c.final_due_at.isoformat() == "2026-12-20T15:59:59+00:00"  # 30 days
        actions.set_complexity(c, supervisor, "especially_complex", may_approve=True,
                               now=at("2026-11-22T02:00:00+00:00"))
        assert c.extension_approved_by_id == supervisor.id
        assert c.final_due_at.isoformat() == "2027-01-19T15:59:59+00:00"  # 60 days, approved
        actions.start_appraisal(c, supervisor, now=at("2026-11-25T02:00:00+00:00"))
        actions.end_appraisal(c, supervisor, now=at("2026-11-30T01:00:00+00:00"))  # 4 days 23 hours
        db.session.commit()
        assert c.final_due_at.isoformat() == "2027-01-24T15:59:59+00:00"  # + 5 days


def test_uk_fca_profile_and_display_items(app):
    # Friday 20 November 2026, 10:00 in London.
    received = at("2026-11-20T10:00:00+00:00")
    ref = gen_complaint(app, urgency="high", jurisdiction="uk-fca", received_at=received, now=received)
    with app.test_request_context("/?lang=zh_Hans"):
        c = get(ref)
        # high: ack 1 business day (Mon 23rd); first response: 3 business days (Wed 25th); final 8 weeks.
        assert stored(c)[:3] == ("2026-11-23T23:59:59+00:00", "2026-11-25T23:59:59+00:00",
                                 "2027-01-15T23:59:59+00:00")
        items = deadline_items(c, now=at("2026-11-24T10:00:00+00:00"))
        assert [(i.name, i.status) for i in items] == [("acknowledgement", "overdue"),
                                                      ("first_response", "open"), ("final", "open")]
        assert items[0].due.utcoffset() == dt.timedelta(0)  # shown in the profile's zone (GMT)
        assert "逾期" in items[0].relative
        assert items[1].label == "首次答复"


def test_closing_clears_the_next_deadline(app, auth):
    ref = gen_complaint(app, received_at=RECEIVED_US, now=RECEIVED_US)
    with app.test_request_context():
        staff = officer(app, auth)
        c = get(ref)
        actions.close(c, staff, "closed_with_explanation", "We explained the balance.",
                      now=at("2026-11-21T15:00:00+00:00"))
        db.session.commit()
        assert c.next_due_at is None
        assert [i.status for i in deadline_items(c, now=at("2026-12-30T00:00:00+00:00"))] == ["met"] * 3
        refresh_deadlines(c, now=at("2026-12-30T00:00:00+00:00"))
        assert c.next_due_at is None


def test_deadlines_over_an_unpublished_china_year_are_marked_provisional(app, auth, client):
    # The State Council publishes each year's swapped working days late in the
    # year before: 2030's arrangement cannot be in any holidays release yet.
    received = at("2029-12-20T02:00:00+00:00")
    ref = gen_complaint(app, jurisdiction="cn-nfra", received_at=received, now=received)
    settled = gen_complaint(app, jurisdiction="us-cfpb", received_at=received, now=received)
    with app.test_request_context("/"):
        items = {i.name: i.provisional for i in deadline_items(get(ref), now=received)}
        assert items["final"] is True  # counted into 2030
        assert not any(i.provisional for i in deadline_items(get(settled), now=received))
    auth.login("officer")
    page = client.get(f"/staff/complaints/{ref}").get_data(as_text=True)
    assert page.count('class="badge badge-provisional"') >= 1
    assert "not yet published" in page
    other = client.get(f"/staff/complaints/{settled}").get_data(as_text=True)
    assert "badge-provisional" not in other


def test_china_deadlines_inside_a_published_year_are_not_provisional(app):
    received = at("2025-09-01T02:00:00+00:00")
    ref = gen_complaint(app, jurisdiction="cn-nfra", received_at=received, now=received)
    with app.test_request_context("/"):
        assert not any(i.provisional for i in deadline_items(get(ref), now=received))
