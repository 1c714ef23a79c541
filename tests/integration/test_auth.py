"""Staff sign-in: wrong passwords, lock-out, per-IP limit, safe next, sessions, Chinese."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db, limiter
from portal.models import StaffUser
from tests.conftest import STAFF_PASSWORD


def sign_in(client, email, password, next_url=None):
    data = {"email": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/staff/login", data=data)


def test_sign_in_lands_on_the_queue_and_sign_out_ends_it(app, client, auth):
    auth.create("officer")
    page = client.get("/staff/login")
    assert page.status_code == 200 and 'name="email"' in page.get_data(as_text=True)
    response = sign_in(client, "OFFICER@redress.test", STAFF_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/queue")
    with client.session_transaction() as session:
        assert session.permanent  # expires after PERMANENT_SESSION_LIFETIME
    assert client.get("/staff/queue").status_code == 200
    assert client.post("/staff/logout").status_code == 302
    assert client.get("/staff/queue").headers["Location"].startswith("/staff/login")


def test_wrong_password_gives_a_clear_message_and_locks_after_five(app, client, auth):
    auth.create("officer")
    for _ in range(5):
        response = sign_in(client, "officer@redress.test", "wrong password here")
        assert response.status_code == 401
        assert "do not match an active staff account" in response.get_data(as_text=True)
    response = sign_in(client, "officer@redress.test", STAFF_PASSWORD)  # right password, but locked
    assert response.status_code == 429
    assert "locked" in response.get_data(as_text=True)
    with app.app_context():
        staff = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == "officer@redress.test"))
        assert staff.locked_until is not None
    # An unknown address gets the same answer as a wrong password.
    assert sign_in(client, "nobody@redress.test", "whatever else").status_code == 401


def test_empty_form_is_refused_with_messages(client):
    response = client.post("/staff/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    assert "Enter your e-mail address." in response.get_data(as_text=True)


def test_next_is_followed_only_within_the_site(app, client, auth):
    auth.create("officer")
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = sign_in(client, "officer@redress.test", STAFF_PASSWORD, next_url=bad)
        assert response.headers["Location"].endswith("/staff/queue"), bad
        client.post("/staff/logout")
    response = sign_in(client, "officer@redress.test", STAFF_PASSWORD, next_url="/staff/queue?due=overdue")
    assert response.headers["Location"].endswith("/staff/queue?due=overdue")


def test_anonymous_is_sent_to_sign_in_with_next(client):
    response = client.get("/staff/queue?status=all")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=")


def test_per_ip_limit(app, client, auth):
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)  # re-read the switched-on setting (and the headers one)
    try:
        limiter.reset()
        responses = [sign_in(client, f"x{i}@redress.test", "wrong password") for i in range(22)]
        chinese = client.post("/staff/login?lang=zh_Hans", data={"email": "y@redress.test", "password": "wrong"},
                              headers={"Accept-Language": "zh-CN"})
    finally:
        limiter.enabled = False
        limiter.reset()
    statuses = [r.status_code for r in responses]
    assert statuses[:20] == [401] * 20
    assert statuses[-1] == 429
    # The page says how long to wait, as the Retry-After header does.
    minutes = max(1, -(-int(responses[-1].headers["Retry-After"]) // 60))
    html = responses[-1].get_data(as_text=True)
    unit = "minute" if minutes == 1 else "minutes"
    assert f"Please wait about {minutes} {unit} and try again." in html
    assert chinese.status_code == 429
    assert "尝试次数过多。请等大约" in chinese.get_data(as_text=True)


def test_wait_minutes_rounds_up_to_whole_minutes():
    from portal.errors import wait_minutes

    assert wait_minutes([], 100.0) is None
    assert wait_minutes([100.0], 100.0) == 1  # never "0 minutes"
    assert wait_minutes([130.0], 100.0) == 1
    assert wait_minutes([161.0, 3400.0], 100.0) == 55


def test_sign_in_page_in_chinese(client):
    html = client.get("/staff/login?lang=zh_Hans").get_data(as_text=True)
    assert "员工登录" in html and "电子邮箱" in html


def test_login_form_has_csrf(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/staff/login", data={"email": "a@b.c", "password": "x" * 12})
    assert response.status_code == 400
