"""Shared fixtures: app, client, runner, auth, builders, live server, browser.

The database is built once per test session through the real migrations
(SQLite in a temporary folder, or the PostgreSQL database named by
DATABASE_URL, emptied first) and emptied after every test.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.config import normalise_database_url
from portal.extensions import db

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
STAFF_PASSWORD = "correct horse battery staple"

# A Redis database the tests may empty (the job queue, shared rate limits).
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def require_redis(url: str = REDIS_TEST_URL) -> str:
    """``url`` if a Redis answers there; otherwise skip, except on CI, where it fails."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(url, socket_connect_timeout=2).ping()
    except RedisDown:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Redis at {url}: start redis-server or set REDIS_TEST_URL")
    return url


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _database_url(tmp_path_factory)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


def _empty_database() -> None:
    """Delete every row, children first; full-text tables follow by trigger."""
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "MAIL_BACKEND": "outbox",
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
            # Jobs in threads and rate limits in memory whatever the shell has set
            # (test_job_queue turns the queue on).
            "JOB_QUEUE_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        _empty_database()
        db.engine.dispose()


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection switched on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app) -> Path:
    return Path(app.config["MAIL_OUTBOX"])


class StaffAuth:
    """Create staff accounts and sign in as them through the real login form."""

    def __init__(self, app, client):
        self.app = app
        self.client = client

    def create(self, role: str, email: str | None = None, language: str | None = None):
        from portal.staff_accounts import create_staff

        email = email or f"{role}@redress.test"
        with self.app.app_context():
            staff = create_staff(email, role, STAFF_PASSWORD, language=language)
            db.session.commit()
            return staff.id

    def login(self, role: str, email: str | None = None):
        email = email or f"{role}@redress.test"
        with self.app.app_context():
            from portal.models import StaffUser

            exists = db.session.scalar(sa.select(StaffUser.id).where(StaffUser.email == email))
        if exists is None:
            self.create(role, email)
        response = self.client.post(
            "/staff/login", data={"email": email, "password": STAFF_PASSWORD}, follow_redirects=False
        )
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self.client.post("/staff/logout")


@pytest.fixture
def auth(app, client) -> StaffAuth:
    return StaffAuth(app, client)


# --- live server and browser -------------------------------------------------


@pytest.fixture
def live_server(app):
    """The app served by a real HTTP server on a free loopback port."""
    from werkzeug.serving import make_server

    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI: apt-get install chromium fonts-noto-cjk")
        pytest.skip("browser tests need Debian's Chromium: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts(request) -> Path:
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
