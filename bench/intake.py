"""Complaints accepted per second through the JSON API, over real HTTP.

For each database (SQLite in a temporary folder; PostgreSQL in a database
this script creates and drops), the portal's app is migrated and then served
on loopback twice: by Werkzeug's threaded WSGI server (one process, HTTP/1.1
keep-alive) and by gunicorn with the project's ``portal/gunicorn_conf.py``
(2 workers, as ``WEB_CONCURRENCY=2``; its access log goes to a file). Each
server has one extra route registered only here: ``POST /bench/bare``
inserts the request's narrative as one row into a table with no validation,
authentication, routing, masking or deadlines. The baseline therefore costs
HTTP, JSON, a connection from the pool, one INSERT and one COMMIT; the ratio
shows what filing a complaint adds on top.

Three rows per server: the bare insert, ``POST /api/v1/complaints`` (one
complaint a request) and ``POST /api/v1/complaints/batch`` (``--batch-size``
complaints a request), all in complaints per second. The driver (this
process) sends the requests from a few client threads, each on its own
keep-alive connection, after a short warm-up, then prints a table and the
targets. The API's rate limit is switched off for the run.

    .venv/bin/python bench/intake.py [--requests 300] [--concurrency 4] [--batch-size 100] [--batches 12]
        [--servers werkzeug,gunicorn] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--no-postgres]
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
# Server processes
# --------------------------------------------------------------------------

def _bare_table():
    import sqlalchemy as sa

    return sa.Table(
        "bench_bare_complaint",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("narrative", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
    )


def _app(database_url: str, instance: str):
    from portal import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "JOB_QUEUE_URL": None,
        "SECRET_KEY": "bench",
        "UPLOAD_FOLDER": os.path.join(instance, "uploads"),
        "MAIL_OUTBOX": os.path.join(instance, "outbox"),
    })


def prepare(database_url: str) -> None:
    """Migrate, add the bare table, make a key; print the key."""
    from flask_migrate import upgrade

    from portal.api_keys import create_api_key
    from portal.extensions import db

    app = _app(database_url, tempfile.mkdtemp(prefix="redress-bench-"))
    with app.app_context():
        upgrade()
        _bare_table().create(db.engine, checkfirst=True)
        secret = create_api_key(f"bench-{uuid.uuid4().hex[:8]}").secret
        db.session.commit()
        db.engine.dispose()
    print(f"KEY {secret}", flush=True)


def bench_app():
    """The portal's app with the bare route, the classifier loaded (as a long-running server has it)."""
    import logging

    from flask import request

    from portal.extensions import csrf, db
    from portal.models.types import utcnow

    app = _app(os.environ["BENCH_DATABASE_URL"], tempfile.mkdtemp(prefix="redress-bench-"))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    bare_table = _bare_table()

    def bare_insert():
        narrative = (request.get_json(force=True) or {}).get("narrative", "")
        result = db.session.execute(
            bare_table.insert().values(narrative=narrative, received_at=utcnow().replace(tzinfo=None)))
        db.session.commit()
        return {"id": result.inserted_primary_key[0]}, 201

    app.add_url_rule("/bench/bare", "bench_bare", bare_insert, methods=["POST"])
    csrf.exempt(bare_insert)
    try:
        import classifiers

        classifiers.route(NARRATIVES[0])
    except Exception as error:  # noqa: BLE001 - reported, the bench still runs
        print(f"classifier not loaded: {error}", file=sys.stderr)
    ready = os.environ.get("BENCH_READY_DIR")
    if ready:  # a gunicorn worker: tell the driver this worker can take requests
        Path(ready, f"worker-{os.getpid()}").touch()
    return app


def serve_werkzeug() -> None:
    from werkzeug.serving import WSGIRequestHandler, make_server

    app = bench_app()

    class KeepAlive(WSGIRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # the response's headers and body are separate writes

        def log_request(self, *args, **kwargs):  # quiet
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=KeepAlive)
    print(f"READY {server.server_port}", flush=True)
    server.serve_forever()


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def _body(n: int, batch: int) -> bytes:
    def one(i: int) -> dict:
        return {"narrative": NARRATIVES[i % len(NARRATIVES)], "channels": ["phone"]}

    if batch:
        return json.dumps([one(n * batch + i) for i in range(batch)]).encode()
    return json.dumps(one(n)).encode()


def _drive(port: int, path: str, headers: dict, total: int, concurrency: int,
           batch: int = 0) -> tuple[float, list[float], int, str]:
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            # Bytes, so headers and body leave in one write (a separate small write
            # would meet Nagle's algorithm and delayed ACKs: 40 ms per request).
            body = _body(n, batch)
            started = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers={**headers, "Content-Type": "application/json"})
                response = connection.getresponse()
                payload = response.read()
                ok = response.status == 201
            except (OSError, http.client.HTTPException) as error:
                ok, payload = False, str(error).encode()
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
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


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """A server process serving bench_app(): Werkzeug, or gunicorn with the project's settings."""

    def __init__(self, kind: str, database_url: str, folder: str):
        env = {**os.environ, "BENCH_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
        self.log = open(os.path.join(folder, f"{kind}.log"), "w+")
        if kind == "werkzeug":
            self.process = subprocess.Popen([sys.executable, __file__, "--serve-werkzeug"], env=env, cwd=str(ROOT),
                                            stdout=subprocess.PIPE, stderr=self.log, text=True)
            line = self.process.stdout.readline()
            if not line.startswith("READY"):
                raise RuntimeError(f"server did not start: {line}{self._log_tail()}")
            self.port = int(line.split()[1])
            return
        self.port = _free_port()
        ready = tempfile.mkdtemp(dir=folder, prefix="ready-")
        env.update({"REDRESS_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "2", "BENCH_READY_DIR": ready})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", "bench.intake:bench_app()"],
            env=env, cwd=str(ROOT), stdout=self.log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 180
        while len(os.listdir(ready)) < 2:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start its 2 workers: {self._log_tail()}")
            time.sleep(0.2)

    def _log_tail(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-3000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self.log.close()


@dataclass
class Run:
    database: str
    server: str
    endpoint: str
    requests: int
    per_request: int
    seconds: float
    latencies: list[float]
    errors: int
    first_error: str = ""

    @property
    def rate(self) -> float:
        """Complaints accepted per second."""
        return (self.requests - self.errors) * self.per_request / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


BARE, SINGLE, BATCH = "bare insert", "POST /api/v1/complaints", "POST /api/v1/complaints/batch"


def bench_database(label: str, database_url: str, args) -> list[Run]:
    with tempfile.TemporaryDirectory(prefix="redress-bench-logs-") as folder:
        prepared = subprocess.run([sys.executable, __file__, "--prepare", database_url], cwd=str(ROOT),
                                  capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        line = next((l for l in prepared.stdout.splitlines() if l.startswith("KEY ")), None)
        if line is None:
            raise RuntimeError(f"could not prepare the database: {prepared.stderr[-3000:]}")
        secret = line.split()[1]
        auth = {"Authorization": f"Bearer {secret}"}
        runs = []
        for kind in args.servers:
            server = _Server(kind, database_url, folder)
            try:
                endpoints = [
                    (BARE, "/bench/bare", {}, args.requests, 0),
                    (SINGLE, "/api/v1/complaints", auth, args.requests, 0),
                    (BATCH, "/api/v1/complaints/batch", auth, args.batches, args.batch_size),
                ]
                for name, path, headers, total, batch in endpoints:
                    _drive(server.port, path, headers, 2 if batch else args.warmup, min(2, args.concurrency), batch)
                    seconds, latencies, errors, first_error = _drive(server.port, path, headers, total,
                                                                      args.concurrency, batch)
                    runs.append(Run(label, kind, name, total, batch or 1, seconds, latencies, errors, first_error))
            finally:
                server.stop()
        return runs


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
    parser.add_argument("--requests", type=int, default=300, help="timed single requests per endpoint, server and database")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (keep-alive connections)")
    parser.add_argument("--batch-size", type=int, default=100, help="complaints per batch request")
    parser.add_argument("--batches", type=int, default=12, help="timed batch requests per server and database")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--servers", default="werkzeug,gunicorn", help="werkzeug, gunicorn or both")
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL URL allowed to CREATE DATABASE")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--prepare", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--serve-werkzeug", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare)
        return
    if args.serve_werkzeug:
        serve_werkzeug()
        return
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]

    load_before = os.getloadavg()
    runs: list[Run] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="redress-bench-") as folder:
        runs += bench_database("SQLite", f"sqlite:///{folder}/bench.sqlite3", args)
    if not args.no_postgres:
        try:
            url, drop = _postgres_scratch(args.postgres)
        except Exception as error:  # noqa: BLE001 - no server: say so and go on
            notes.append(f"PostgreSQL skipped: {type(error).__name__}: {str(error).splitlines()[0]}")
        else:
            try:
                runs += bench_database("PostgreSQL", url, args)
            finally:
                drop()
    load_after = os.getloadavg()

    print(f"\nIntake over HTTP on loopback ({args.concurrency} keep-alive clients; {args.requests} timed single "
          f"requests and {args.batches} batches of {args.batch_size} per row; Werkzeug threaded server, gunicorn "
          f"with portal/gunicorn_conf.py and 2 workers)")
    print(f"load average (1, 5, 15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after: {' '.join(f'{x:.2f}' for x in load_after)}, on {os.cpu_count()} CPUs\n")
    header = f"{'database':<11} {'server':<9} {'endpoint':<30} {'ok':>5} {'errors':>6} {'seconds':>8} " \
             f"{'compl./s':>9} {'p50 ms':>8} {'p95 ms':>8} {'vs bare':>8}"
    print(header)
    print("-" * len(header))
    bare = {(r.database, r.server): r.rate for r in runs if r.endpoint == BARE}
    for r in runs:
        base = bare.get((r.database, r.server))
        ratio = r.rate / base if base else float("nan")
        print(f"{r.database:<11} {r.server:<9} {r.endpoint:<30} {r.requests - r.errors:>5} {r.errors:>6} "
              f"{r.seconds:>8.2f} {r.rate:>9.1f} {r.percentile(0.5):>8.1f} {r.percentile(0.95):>8.1f} {ratio:>8.2f}")
    print("\nTargets (each database and server):\n")
    print(f"{'database':<11} {'server':<9} {'single / bare (>= 0.5)':<24} {'batch / bare (>= 2)':<22} "
          f"{'p95 single (< 50 ms)':<22}")
    for (database, server), base in bare.items():
        single = next((r for r in runs if (r.database, r.server, r.endpoint) == (database, server, SINGLE)), None)
        batch = next((r for r in runs if (r.database, r.server, r.endpoint) == (database, server, BATCH)), None)
        if single is None or batch is None or not base:
            continue
        s_ratio, b_ratio, p95 = single.rate / base, batch.rate / base, single.percentile(0.95)
        print(f"{database:<11} {server:<9} {f'{s_ratio:.2f} ' + ('met' if s_ratio >= 0.5 else 'NOT met'):<24} "
              f"{f'{b_ratio:.2f} ' + ('met' if b_ratio >= 2 else 'NOT met'):<22} "
              f"{f'{p95:.1f} ms ' + ('met' if p95 < 50 else 'NOT met'):<22}")
    for r in runs:
        if r.errors:
            notes.append(f"{r.database} {r.server} {r.endpoint}: first error: {r.first_error}")
    for note in notes:
        print(note)
    print("\n'compl./s': complaints accepted per second (a batch request carries --batch-size of them); "
          "'vs bare': that rate as a fraction of bare one-row inserts per second on the same database and server. "
          "p50/p95 are per request.")


if __name__ == "__main__":
    main()
