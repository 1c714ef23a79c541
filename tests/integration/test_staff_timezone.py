"""Staff see instants in their own time zone, always with the zone named."""
from __future__ import annotations

import datetime as dt
import re

from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint, ComplaintEvent, StaffUser
from tests.conftest import STAFF_PASSWORD
from tests.integration._cases import UTC, gen_complaint

# 18:05 UTC on 20 November 2026 is 13:05 in New York (EST, UTC-5).
RECEIVED_AT = dt.datetime(2026, 11, 20, 18, 5, tzinfo=UTC)


def _set_zone(app, email: str, zone: str | None) -> None:
    with app.app_context():
        staff = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))
        staff.timezone = zone
        db.session.commit()


def _zone_of(app, email: str) -> str | None:
    with app.app_context():
        return db.session.scalar(sa.select(StaffUser.timezone).where(StaffUser.email == email))


def _complaint(app) -> tuple[str, dt.datetime]:
    """A complaint received at RECEIVED_AT, and when its "submitted" event was recorded (now)."""
    reference = gen_complaint(app, received_at=RECEIVED_AT)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        event = db.session.scalar(sa.select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id))
        return reference, event.occurred_at


def _timeline_times(html: str, at: dt.datetime) -> list[str]:
    return re.findall(r'<time datetime="' + re.escape(at.isoformat()) + r'">([^<]+)</time>', html)


def test_timeline_reads_in_the_staff_members_zone_with_the_zone_named(app, client, auth):
    reference, at = _complaint(app)
    auth.create("officer")
    _set_zone(app, "officer@redress.test", "America/New_York")
    auth.login("officer")
    local = at.astimezone(ZoneInfo("America/New_York"))
    assert local.tzname() in ("EST", "EDT")

    english = client.get(f"/staff/complaints/{reference}?lang=en").get_data(as_text=True)
    assert _timeline_times(english, at) == [f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"]
    assert f"{at:%H:%M} UTC" not in english
    # The header's "received" instant reads in the same zone.
    assert "20 Nov 2026, 13:05 EST" in english

    chinese = client.get(f"/staff/complaints/{reference}?lang=zh_Hans").get_data(as_text=True)
    assert _timeline_times(chinese, at) == [f"{local.year}年{local.month}月{local.day}日 {local:%H:%M} {local.tzname()}"]
    assert "2026年11月20日 13:05 EST" in chinese


def _page_times(html: str) -> list[str]:
    """Every instant shown in the page's main part (header, deadlines, timeline)."""
    return re.findall(r'<time datetime="[^"]+">([^<]+)</time>', html.split("<main", 1)[1])


def test_without_a_preference_the_case_page_reads_in_the_jurisdictions_zone(app, client, auth):
    """One zone per page: header, deadlines and timeline all in New York time, named."""
    reference, at = _complaint(app)
    auth.login("officer")
    html = client.get(f"/staff/complaints/{reference}?lang=en").get_data(as_text=True)
    local = at.astimezone(ZoneInfo("America/New_York"))
    assert _timeline_times(html, at) == [f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"]
    assert "20 Nov 2026, 13:05 EST" in html and "18:05 UTC" not in html
    times = _page_times(html)
    assert len(times) >= 4 and all(t.endswith((" EST", " EDT")) for t in times), times
    assert "All times on this page are in Eastern Time (America/New_York)." in html
    chinese = client.get(f"/staff/complaints/{reference}?lang=zh_Hans").get_data(as_text=True)
    assert "本页所有时间均为北美东部时间（America/New_York）。" in chinese
    # Elsewhere (the queue, the dashboard) the viewer without a preference still reads UTC.
    assert "UTC" in client.get("/staff/preferences?lang=en").get_data(as_text=True)


def test_a_chosen_zone_holds_for_every_instant_of_the_case_page(app, client, auth):
    # A US complaint read by a viewer in Shanghai: deadlines too are in Shanghai time, named,
    # with a line saying where they fall due.
    reference, _ = _complaint(app)
    auth.create("officer")
    _set_zone(app, "officer@redress.test", "Asia/Shanghai")
    auth.login("officer")
    html = client.get(f"/staff/complaints/{reference}?lang=en").get_data(as_text=True)
    assert "21 Nov 2026, 02:05 Beijing time" in html  # received, in the viewer’s zone, never "CST"
    dues = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', html.split('<ul class="deadlines', 1)[1].split("</ul>", 1)[0])
    # Asia/Shanghai is named "Beijing time" everywhere ("CST" would also read as US Central).
    assert dues and all(d.endswith(" Beijing time") for d in dues), dues
    times = _page_times(html)
    assert len(times) >= 4 and all(t.endswith(" Beijing time") for t in times), times
    assert "CST" not in html
    assert "Deadlines fall due at the end of their day in America/New_York." in html


def test_preferences_page_saves_language_and_zone(app, client, auth):
    auth.login("supervisor")
    page = client.get("/staff/preferences?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<option selected value="UTC">UTC</option>' in html
    assert '<option value="America/New_York">America/New York</option>' in html

    response = client.post("/staff/preferences", data={"language": "zh_Hans", "timezone": "America/New_York"})
    assert response.status_code == 302
    assert _zone_of(app, "supervisor@redress.test") == "America/New_York"
    with app.app_context():
        assert db.session.scalar(sa.select(StaffUser.language).where(StaffUser.email == "supervisor@redress.test")) == "zh_Hans"

    after = client.get("/staff/preferences").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in after
    assert "偏好设置已保存。时间现按 America/New_York 显示。" in after
    assert re.search(r"现在: <time [^>]+>\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d E[SD]T</time>", after)

    # A zone that is not in the list is typed in the free field.
    response = client.post("/staff/preferences", data={"language": "en", "timezone": "other",
                                                       "other_timezone": " America/Phoenix "})
    assert response.status_code == 302
    assert _zone_of(app, "supervisor@redress.test") == "America/Phoenix"
    html = client.get("/staff/preferences").get_data(as_text=True)
    assert '<option selected value="other">' in html and 'value="America/Phoenix"' in html
    assert re.search(r"Now: <time [^>]+>\d{1,2} \w{3} \d{4}, \d\d:\d\d MST</time>", html)


def test_preferences_page_refuses_a_bogus_zone_in_both_languages(app, client, auth):
    auth.create("auditor")
    _set_zone(app, "auditor@redress.test", "Europe/London")
    auth.login("auditor")
    for bogus in ("Mars/Olympus", "america/new_york", "localtime", "../etc/passwd"):
        response = client.post("/staff/preferences?lang=en",
                               data={"language": "en", "timezone": "other", "other_timezone": bogus})
        assert response.status_code == 400, bogus
        assert "is not a time zone name" in response.get_data(as_text=True)
    response = client.post("/staff/preferences?lang=en", data={"timezone": "other", "other_timezone": ""})
    assert response.status_code == 400
    assert "Type the name of the time zone" in response.get_data(as_text=True)
    response = client.post("/staff/preferences?lang=en", data={"timezone": "Mars/Olympus"})
    assert response.status_code == 400  # not one of the choices

    response = client.post("/staff/preferences?lang=zh_Hans",
                           data={"timezone": "other", "other_timezone": "<b>Mars</b>"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "“&lt;b&gt;Mars&lt;/b&gt;”不是时区名称" in html and "<b>Mars</b>" not in html
    assert _zone_of(app, "auditor@redress.test") == "Europe/London"


def test_preferences_need_sign_in_and_a_csrf_token(csrf_app, auth):
    client = csrf_app.test_client()
    assert client.get("/staff/preferences").status_code == 302
    auth.client = client
    auth.create("officer")
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/staff/login", data={"email": "officer@redress.test", "password": STAFF_PASSWORD,
                                             "csrf_token": token}).status_code == 302
    assert client.post("/staff/preferences", data={"timezone": "Asia/Tokyo"}).status_code == 400
    assert _zone_of(csrf_app, "officer@redress.test") is None
    page = client.get("/staff/preferences").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/staff/preferences", data={"timezone": "Asia/Tokyo", "csrf_token": token}).status_code == 302
    assert _zone_of(csrf_app, "officer@redress.test") == "Asia/Tokyo"


def test_admin_sets_a_staff_members_zone(app, client, auth):
    officer_id = auth.create("officer")
    auth.login("admin")
    base = {"display_name": "Officer", "role": "officer", "language": ""}
    response = client.post(f"/admin/staff/{officer_id}?lang=en", data={**base, "timezone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "is not a time zone name" in response.get_data(as_text=True)
    assert _zone_of(app, "officer@redress.test") is None
    assert client.post(f"/admin/staff/{officer_id}", data={**base, "timezone": "Asia/Shanghai"}).status_code == 302
    assert _zone_of(app, "officer@redress.test") == "Asia/Shanghai"
    assert 'value="Asia/Shanghai"' in client.get(f"/admin/staff/{officer_id}").get_data(as_text=True)
    assert client.post(f"/admin/staff/{officer_id}", data={**base, "timezone": ""}).status_code == 302
    assert _zone_of(app, "officer@redress.test") is None


def test_contact_log_times_keep_the_consumers_zone(app):
    from flask import render_template_string

    at = dt.datetime(2026, 3, 3, 2, 30, 15, tzinfo=UTC)
    with app.test_request_context("/?lang=en"):
        text = render_template_string("{{ at|when('America/New_York', seconds=True) }} / {{ at|when }}", at=at)
    assert text == "2 Mar 2026, 21:30:15 EST / 3 Mar 2026, 02:30 UTC"


def test_dashboard_shows_overdue_deadlines_in_the_profiles_zone(app, client, auth):
    now = dt.datetime.now(UTC)
    late = gen_complaint(app, urgency="critical", received_at=now - dt.timedelta(days=20), jurisdiction="cn-nfra")
    auth.create("supervisor")
    _set_zone(app, "supervisor@redress.test", "America/Los_Angeles")
    auth.login("supervisor")
    with app.app_context():
        due = db.session.scalar(sa.select(Complaint.next_due_at).where(Complaint.reference == late))
    local = due.astimezone(ZoneInfo("Asia/Shanghai"))
    html = client.get("/staff/dashboard?lang=en").get_data(as_text=True)
    row = html.split(late, 1)[1].split("</tr>", 1)[0]
    assert f">{local.day} {local:%b %Y, %H:%M} Beijing time</time>" in row
