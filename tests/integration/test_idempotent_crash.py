"""A server killed with SIGKILL while clients file with idempotency keys loses
nothing and stores nothing twice: every client retries each complaint with
its key until answered, and every answered complaint is stored exactly once."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.extensions import db
from portal.models import Complaint, IdempotentRequest

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 6
PER_CLIENT = 12
NARRATIVE = ("The collector called my office {n} times this week, told my manager about the debt and said "
             "they would send someone to my home if I did not pay today.")

SERVER = """
import logging, sys, time
from werkzeug.serving import make_server
from portal import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "crash-test", "RATELIMIT_ENABLED": False,
                  "RATELIMIT_STORAGE_URI": "memory://", "JOB_QUEUE_URL": None})
logging.getLogger("werkzeug").setLevel(logging.ERROR)
view = app.wsgi_app
def slow_answers(environ, start_response):
    # The complaint is committed when the view returns; the answer then takes
    # a while to leave, as on a slow network: a kill now loses answers, not data.
    answer = view(environ, start_response)
    time.sleep(0.15)
    return answer
app.wsgi_app = slow_answers
with app.app_context():
    import classifiers
    classifiers.route("warm the classifier up before serving")
server = make_server("127.0.0.1", int(sys.argv[2]), app, threaded=True)
print("READY", flush=True)
server.serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(database_url: str, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", SERVER, database_url, str(port)], cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 120
    line = process.stdout.readline()
    if not line.startswith("READY") or time.monotonic() > deadline:
        process.kill()
        _reap(process)
        raise AssertionError(f"server did not start: {line!r}")
    return process


def _reap(process: subprocess.Popen) -> None:
    process.wait()
    process.stdout.close()


@pytest.fixture
def api_secret(app):
    from portal.api_keys import create_api_key

    with app.app_context():
        secret = create_api_key("crash-test").secret
        db.session.commit()
    return secret


def test_kill_during_concurrent_keyed_filing_stores_each_acknowledged_complaint_once(app, database_url, api_secret):
    port = _free_port()
    server = _start(database_url, port)
    acknowledged: dict[str, dict] = {}  # idempotency key -> the 201 answer
    failures = {"connection": 0, "replayed": 0, "other": []}
    lock = threading.Lock()
    stop = time.monotonic() + 240

    def client(number: int) -> None:
        keys = [f"client{number}-{uuid.uuid4()}" for _ in range(PER_CLIENT)]
        connection = None
        for i, key in enumerate(keys):
            body = json.dumps({"narrative": NARRATIVE.format(n=number * 100 + i)}).encode()
            while time.monotonic() < stop:
                try:
                    if connection is None:
                        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    connection.request("POST", "/api/v1/complaints", body=body, headers={
                        "Authorization": f"Bearer {api_secret}", "Idempotency-Key": key,
                        "Content-Type": "application/json"})
                    response = connection.getresponse()
                    answer = json.loads(response.read() or b"{}")
                except (OSError, http.client.HTTPException, ValueError):
                    with lock:
                        failures["connection"] += 1
                    if connection is not None:
                        connection.close()
                    connection = None
                    time.sleep(0.2)
                    continue
                with lock:
                    if response.status == 201:
                        acknowledged[key] = answer
                        failures["replayed"] += response.getheader("Idempotent-Replayed") == "true"
                    else:
                        failures["other"].append((response.status, answer))
                break
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    try:
        for kill_after in (CLIENTS * 2, CLIENTS * PER_CLIENT // 2):
            while len(acknowledged) < kill_after and time.monotonic() < stop:
                time.sleep(0.01)
            os.kill(server.pid, signal.SIGKILL)  # requests in flight die with it
            _reap(server)
            server = _start(database_url, port)
        for t in threads:
            t.join(timeout=max(1, stop - time.monotonic()))
    finally:
        server.kill()
        _reap(server)

    assert not failures["other"], failures["other"][:3]
    assert failures["connection"] > 0, "the kill interrupted no request"
    # Some complaints were stored by a killed server before their answer left: the retry got that answer.
    assert failures["replayed"] > 0
    assert len(acknowledged) == CLIENTS * PER_CLIENT
    references = [answer["reference"] for answer in acknowledged.values()]
    assert len(set(references)) == len(references)
    with app.app_context():
        stored = list(db.session.scalars(sa.select(Complaint.reference)))
        kept = set(db.session.scalars(sa.select(IdempotentRequest.key)))
    # Every acknowledged complaint is stored, once, and nothing else is.
    assert sorted(stored) == sorted(references)
    assert kept == set(acknowledged)
    # A retry's answer is the first answer: tracking works with the access code it gave.
    tracker = app.test_client()
    for answer in list(acknowledged.values())[:: max(1, len(acknowledged) // 8)]:
        page = tracker.post("/track", data={"reference": answer["reference"], "access_code": answer["access_code"]},
                            follow_redirects=True)
        assert page.status_code == 200 and answer["reference"] in page.get_data(as_text=True)
