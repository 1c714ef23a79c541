"""Complaints accepted per second through the JSON API, over real HTTP.

For each database (SQLite in a temporary folder; PostgreSQL in a database
this script creates and drops), a server process is started on loopback:
the portal's app, migrated, served by Werkzeug's threaded WSGI server
(HTTP/1.1 keep-alive), with one extra route registered only here:
``POST /bench/bare`` inserts the request's narrative as one row into a table
with no validation, authentication, routing, masking or deadlines. The
baseline therefore costs HTTP, JSON, a connection from the pool, one INSERT
and one COMMIT; the ratio shows what filing a complaint adds on top.

The driver (this process) sends a fixed number of requests to each endpoint
from a few client threads, each on its own keep-alive connection, after a
short warm-up (the first request loads the classifier), then prints a table.
The API's rate limit is switched off for the run.

    .venv/bin/python bench/intake.py [--requests 300] [--concurrency 4]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--no-postgres]
"""
from __future__ import annotations

import sys
from pathlib import Path

# This folder holds bench/queue.py, which would shadow the standard library's
# ``queue`` module: take the script's own folder off the import path first.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse
import http.client
import json
import os
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NARRATIVES = [
    "The collector from Apex Recoveries called my office four times on Monday and told my manager "
    "that I owe money on my credit card. I asked them to stop calling me at work.",
    "They phoned at 11pm and again at 6am and said they would have me arrested if I did not pay today. "
    "My card number 4111 1111 1111 1111 was read out to my wife.",
    "催收员每天给我单位和父母打电话，说如果不还钱就上门，还在电话里骂人。我已经要求他们停止联系我的家人。",
    "The agency says I owe 5,400 dollars but my statement shows 2,100. They will not send me any proof "
    "of the debt and keep adding fees.",
]


# --------------------------------------------------------------------------
# Server process
# --------------------------------------------------------------------------


def serve(database_url: str) -> None:
    """Migrate, make a key, add the bare route, serve; print READY port key."""
    import logging

    import sqlalchemy as sa
    from flask import request
    from flask_migrate import upgrade
    from werkzeug.serving import WSGIRequestHandler, make_server

    from portal import create_app
    from portal.api_keys import create_api_key
    from portal.extensions import csrf, db
    from portal.models.types import utcnow

    instance = tempfile.mkdtemp(prefix="redress-bench-")
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "SECRET_KEY": "bench",
        "UPLOAD_FOLDER": os.path.join(instance, "uploads"),
        "MAIL_OUTBOX": os.path.join(instance, "outbox"),
    })
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    bare_table = sa.Table(
        "bench_bare_complaint",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("narrative", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
    )

    def bare_insert():
        narrative = (request.get_json(force=True) or {}).get("narrative", "")
        result = db.session.execute(
            bare_table.insert().values(narrative=narrative, received_at=utcnow().replace(tzinfo=None)))
        db.session.commit()
        return {"id": result.inserted_primary_key[0]}, 201

    app.add_url_rule("/bench/bare", "bench_bare", bare_insert, methods=["POST"])
    csrf.exempt(bare_insert)

    with app.app_context():
        upgrade()
        bare_table.create(db.engine, checkfirst=True)
        secret = create_api_key(f"bench-{uuid.uuid4().hex[:8]}").secret
        db.session.commit()
        # Load the classifier before timing (as a long-running server would have).
        try:
            import classifiers

            classifiers.route(NARRATIVES[0])
        except Exception as error:  # noqa: BLE001 - reported, the bench still runs
            print(f"classifier not loaded: {error}", file=sys.stderr)

    class KeepAlive(WSGIRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # the response's headers and body are separate writes

        def log_request(self, *args, **kwargs):  # quiet
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=KeepAlive)
    print(f"READY {server.server_port} {secret}", flush=True)
    server.serve_forever()


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


@dataclass
class Run:
    database: str
    endpoint: str
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    first_error: str = ""

    @property
    def rate(self) -> float:
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def _drive(port: int, path: str, headers: dict, total: int, concurrency: int) -> tuple[float, list[float], int, str]:
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            # Bytes, so headers and body leave in one write (a separate small write
            # would meet Nagle's algorithm and delayed ACKs: 40 ms per request).
            body = json.dumps({"narrative": NARRATIVES[n % len(NARRATIVES)], "channels": ["phone"]}).encode()
            started = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers={**headers, "Content-Type": "application/json"})
                response = connection.getresponse()
                payload = response.read()
                ok = response.status == 201
            except (OSError, http.client.HTTPException) as error:
                ok, payload = False, str(error).encode()
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors.append(payload[:200].decode("utf-8", "replace"))
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, latencies, len(errors), (errors[0] if errors else "")


def bench_database(label: str, database_url: str, requests: int, concurrency: int, warmup: int) -> list[Run]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", database_url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT),
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("READY"):
            raise RuntimeError(f"server did not start: {line}{process.stderr.read()[-3000:]}")
        _, port_text, secret = line.split()
        port = int(port_text)
        endpoints = [
            ("bare insert", "/bench/bare", {}),
            ("POST /api/v1/complaints", "/api/v1/complaints", {"Authorization": f"Bearer {secret}"}),
        ]
        runs = []
        for name, path, headers in endpoints:
            _drive(port, path, headers, warmup, 1)
            seconds, latencies, errors, first_error = _drive(port, path, headers, requests, concurrency)
            runs.append(Run(label, name, requests, seconds, latencies, errors, first_error))
        return runs
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _postgres_scratch(admin_url: str):
    """Create a scratch database; return (url, drop) or raise."""
    import sqlalchemy as sa

    from portal.config import normalise_database_url

    admin_url = normalise_database_url(admin_url)
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"redress_bench_{os.getpid()}_{int(time.time())}"
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return url, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per endpoint and database")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (keep-alive connections)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL URL allowed to CREATE DATABASE")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--serve", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return

    runs: list[Run] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="redress-bench-") as folder:
        runs += bench_database("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.requests, args.concurrency,
                               args.warmup)
    if not args.no_postgres:
        try:
            url, drop = _postgres_scratch(args.postgres)
        except Exception as error:  # noqa: BLE001 - no server: say so and go on
            notes.append(f"PostgreSQL skipped: {type(error).__name__}: {str(error).splitlines()[0]}")
        else:
            try:
                runs += bench_database("PostgreSQL", url, args.requests, args.concurrency, args.warmup)
            finally:
                drop()

    print(f"\nIntake throughput over HTTP (Werkzeug threaded server on loopback, {args.concurrency} keep-alive "
          f"clients, {args.requests} timed requests per row)\n")
    header = f"{'database':<11} {'endpoint':<24} {'ok':>5} {'errors':>6} {'seconds':>8} {'req/s':>8} " \
             f"{'p50 ms':>7} {'p95 ms':>7} {'vs bare':>8}"
    print(header)
    print("-" * len(header))
    bare_rates = {r.database: r.rate for r in runs if r.endpoint == "bare insert"}
    for r in runs:
        ratio = r.rate / bare_rates[r.database] if bare_rates.get(r.database) else float("nan")
        print(f"{r.database:<11} {r.endpoint:<24} {r.requests - r.errors:>5} {r.errors:>6} {r.seconds:>8.2f} "
              f"{r.rate:>8.1f} {r.percentile(0.5):>7.1f} {r.percentile(0.95):>7.1f} {ratio:>8.2f}")
    for r in runs:
        if r.errors:
            notes.append(f"{r.database} {r.endpoint}: first error: {r.first_error}")
    for note in notes:
        print(note)
    print("\n'vs bare': complaints accepted per second as a fraction of bare one-row inserts per second "
          "on the same database and server.")


if __name__ == "__main__":
    main()
