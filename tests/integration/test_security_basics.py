"""Security basics on the cardholder side: CSRF, headers, cookies, size and rate limits, no stack traces."""
from __future__ import annotations

import re

import pytest

from portal import create_app
from portal.extensions import db, limiter
from tests.conftest import require_redis

from .intake_helpers import PDF, STEPS, multipart, submit


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_a_form_without_its_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    refused = client.post("/complaint/what", data=STEPS["what"])
    assert refused.status_code == 400
    assert "Your session expired or the form was sent twice." in refused.get_data(as_text=True)
    token = csrf_token(client.get("/complaint/what").get_data(as_text=True))
    accepted = client.post("/complaint/what", data=dict(STEPS["what"], csrf_token=token))
    assert accepted.status_code == 302
    assert client.post("/track", data={"reference": "RD-0000-0000", "access_code": "x"}).status_code == 400


def test_security_headers_and_cookie_flags(client):
    response = client.post("/complaint/what", data=STEPS["what"])
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    # Every cookie set with a value (the session's; a cleared one carries nothing).
    cookies = [c for c in headers.getlist("Set-Cookie") if not c.split(";", 1)[0].endswith("=")]
    assert any(c.startswith("session=") for c in cookies)
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_have_no_inline_scripts_or_styles(client):
    submit(client)
    for path in ("/", "/complaint", "/complaint/what", "/complaint/evidence", "/complaint/details", "/track"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "onclick=" not in html, path


def test_an_oversized_request_goes_back_to_the_step_with_a_clear_message(app, client):
    client.post("/complaint/what", data=STEPS["what"])
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    body, content_type = multipart({"action": "upload"}, [("files", "scan.pdf", PDF + b"0" * (100 * 1024))])
    response = client.post("/complaint/evidence", data=body, content_type=content_type)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/complaint/evidence")
    page = client.get("/complaint/evidence").get_data(as_text=True)
    assert "What you sent was too large" in page
    assert STEPS["what"]["narrative"] in client.get("/complaint/what").get_data(as_text=True)


def test_an_oversized_request_elsewhere_gets_the_error_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/staff/login", data={"email": "x" * 4096})
    assert response.status_code == 413
    assert "The upload is too large." in response.get_data(as_text=True)


def test_an_unexpected_error_shows_no_stack_trace(app):
    def broken():
        raise RuntimeError("secret internals 4111111111111111")

    app.add_url_rule("/broken", "broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side." in html
    assert "Traceback" not in html and "secret internals" not in html


@pytest.fixture(params=["memory", "redis"])
def limited_app(database_url, tmp_path, request):
    """An app with rate limits on, as in production: counters in the process, or in Redis (REDIS_URL)."""
    storage = "memory://" if request.param == "memory" else require_redis()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": storage,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
        }
    )
    with app.app_context():
        limiter.reset()
    yield app
    with app.app_context():
        limiter.reset()
        db.session.remove()
        from tests.conftest import _empty_database

        _empty_database()
        db.engine.dispose()


def test_tracking_attempts_are_limited_per_address_and_reference_so_strangers_cannot_lock_the_owner_out(limited_app):
    client = limited_app.test_client()
    _response, reference, code = submit(client)
    stranger = {"REMOTE_ADDR": "203.0.113.9"}
    notices = []
    for _ in range(5):
        wrong = client.post("/track", data={"reference": reference, "access_code": "AAAA-BBBB-CCCC-DDDD"},
                            environ_base=stranger)
        assert wrong.status_code == 401
        page = wrong.get_data(as_text=True)
        notices.append(next((n for n in ("4 more times", "3 more times", "2 more times", "1 more time", "last try")
                             if n in page), None))
    # The cardholder is told how many tries are left before the pause, from the first wrong one.
    assert notices == ["4 more times", "3 more times", "2 more times", "1 more time", "last try"]
    # In the cardholder's language too.
    reader = limited_app.test_client()
    for _ in range(2):
        chinese = reader.post("/track?lang=zh_Hans", data={"reference": reference, "access_code": "AAAA-BBBB-CCCC-DDDD"},
                              environ_base={"REMOTE_ADDR": "203.0.113.10"})
    assert chinese.status_code == 401
    assert "您还可以再试 3 次" in chinese.get_data(as_text=True)  # after two wrong tries
    blocked = client.post("/track", data={"reference": reference, "access_code": code}, environ_base=stranger)
    assert blocked.status_code == 429  # that address has used up its attempts on this reference
    assert "Too many attempts." in blocked.get_data(as_text=True)
    # Not a dead end: the way back that needs no access code.
    assert 'href="/track/new-code"' in blocked.get_data(as_text=True)
    # The owner, elsewhere, is not locked out by the stranger's guesses...
    owner = limited_app.test_client()
    assert owner.post("/track", data={"reference": reference, "access_code": code},
                      environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 302
    # ...and guessing across references stays slow: each address has a limit of its own over all of them.
    other = limited_app.test_client()
    elsewhere = {"REMOTE_ADDR": "10.0.0.3"}
    statuses = [
        other.post("/track", data={"reference": f"RD-0000-{i:04d}", "access_code": "AAAA-BBBB-CCCC-DDDD"},
                   environ_base=elsewhere).status_code
        for i in range(21)
    ]
    assert statuses[0] == 401 and statuses[-1] == 429


def test_successful_tracking_does_not_use_up_the_limit(limited_app):
    client = limited_app.test_client()
    _response, reference, code = submit(client)
    for _ in range(8):
        assert client.post("/track", data={"reference": reference, "access_code": code}).status_code == 302
