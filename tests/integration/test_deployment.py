"""Production serving: the gunicorn settings start a real server, and behind
a load balancer (REDRESS_PROXY_HOPS) rate limits count each visitor, not the
balancer, while without one a forged X-Forwarded-For changes nothing."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from portal import create_app
from portal.extensions import db, limiter

ROOT = Path(__file__).resolve().parents[2]


def _app(database_url, tmp_path, hops: int):
    return create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"), "MAIL_OUTBOX": str(tmp_path / "outbox"), "PROXY_HOPS": hops,
    })


def _tracking_answers(app, forwarded_for: list[str]) -> list[int]:
    """One wrong tracking attempt per address, each on its own reference, all from the balancer's address."""
    client = app.test_client()
    return [client.post("/track", data={"reference": f"RD-0000-{i:04d}", "access_code": "AAAA-BBBB-CCCC-DDDD"},
                        headers={"X-Forwarded-For": address},
                        environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code
            for i, address in enumerate(forwarded_for)]


@pytest.mark.parametrize("hops", [0, 1])
def test_rate_limits_count_visitors_behind_a_trusted_proxy_only(database_url, tmp_path, hops):
    app = _app(database_url, tmp_path, hops)
    try:
        with app.app_context():
            limiter.reset()
        # 25 attempts, each from a different visitor's address as the balancer reports it.
        answers = _tracking_answers(app, [f"198.51.100.{i}" for i in range(25)])
        if hops:
            assert set(answers) == {401}  # each visitor has a limit of their own
        else:
            assert answers[0] == 401 and answers[-1] == 429  # the header is not trusted: one address
    finally:
        with app.app_context():
            limiter.reset()
            db.session.remove()
            db.engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_the_app_with_the_production_settings(database_url, tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDRESS_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1",
           "SECRET_KEY": "test-secret", "REDRESS_UPLOAD_FOLDER": str(tmp_path / "uploads")}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf",
                               "portal:create_app()"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/track", timeout=5) as response:
                    body = response.read().decode()
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stdout.read().decode() if server.poll() is not None else "no answer")
                time.sleep(0.3)
        assert response.status == 200 and "access code" in body.lower()
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "Booting worker" in output and "Traceback" not in output
