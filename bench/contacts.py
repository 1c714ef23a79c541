"""Contact logs at scale: import, audit and link suggestion.

In one run, against fresh scratch databases:

1. writes ``--rows`` realistic contact logs (default 1,000,000) to a CSV file;
2. imports it with ``portal.contacts.importer.import_file`` on PostgreSQL and
   on SQLite, each against a raw bulk load of the same file into a copy of
   the table with the same indexes (PostgreSQL ``COPY``; SQLite
   ``executemany`` of the raw strings, one transaction): targets at most
   3x the baseline, and at most 60 s on PostgreSQL;
3. audits the PostgreSQL data once per profile (target at most 60 s each);
4. tops the PostgreSQL table up to ``--link-rows`` logs (default 10,000,000)
   with ``generate_series`` and times ``suggest_links`` for 200 complaints:
   p95 under 50 ms.

Every timed step runs in a child process that reports its wall time and peak
resident memory (``resource.getrusage``), so memory figures are per step.

    .venv/bin/python bench/contacts.py                       # full size
    .venv/bin/python bench/contacts.py --rows 50000 --link-rows 500000   # quick

PostgreSQL: ``--pg-admin-url`` names a server where the script may create and
drop the database ``--pg-db`` (default redress_bench_contacts); it is dropped
at the end unless ``--keep`` is given.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this folder comes first on sys.path, where bench/queue.py
# would shadow the standard library's queue module.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

FIELDS = (
    "external_id", "source", "agency", "agent_id", "account_ref", "occurred_at", "consumer_tz",
    "channel", "direction", "outcome", "duration_s", "counterparty", "contact_point", "notes",
    "disposition",
)
AGENCIES = ("Acme Collections", "Bolt Recovery", "Cedar Credit Services", "Dragon Assets Ltd",
            "Eagle Receivables", "Fenwick & Co")
ZONES = ("America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Asia/Shanghai")
NOTES = (
    "left voicemail asking for a call back",
    "debtor says payment next Friday",
    "promised to pay 50 on the 1st",
    "wrong number, said they do not know the debtor",
    "asked to stop calling at work",
    "call dropped",
    "debtor disputes the balance",
    "sent payment link",
)
ABUSIVE = ("we will come to your house if you do not pay", "you are a liar and a thief",
           "pay today or we will tell your employer")


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def write_logs(path: Path, rows: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    per_account = 25
    start = datetime(2025, 9, 1, tzinfo=timezone.utc)
    zones = {name: ZoneInfo(name) for name in ZONES}
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(FIELDS)
        account = None
        for i in range(rows):
            if i % per_account == 0:
                number = i // per_account
                agency_no = number % len(AGENCIES)
                account = {
                    "ref": f"ACC-{number:08d}",
                    "agency": AGENCIES[agency_no],
                    "tz": ZONES[number % len(ZONES)],
                    "phone": f"+1 555 {number % 1000:03d} {number // 1000 % 10000:04d}",
                    "email": f"holder{number}@example.com",
                    "agents": [f"AG{agency_no}-{rng.randrange(40):02d}" for _ in range(3)],
                    "day0": rng.randrange(80),
                }
            channel = rng.choices(("call", "sms", "email", "letter", "visit", "app"), (80, 10, 5, 3, 1, 1))[0]
            direction = "outbound" if rng.random() < 0.92 else "inbound"
            if channel == "call":
                outcome = rng.choices(("no_answer", "connected", "voicemail", "busy", "failed"), (45, 8, 30, 10, 7))[0]
                duration = str(rng.randrange(30, 600)) if outcome == "connected" else "0"
            elif channel in ("sms", "email", "app"):
                outcome, duration = rng.choice(("sent", "delivered")), ""
            elif channel == "letter":
                outcome, duration = "sent", ""
            else:
                outcome, duration = rng.choice(("connected", "failed")), ""
            counterparty = rng.choices(("debtor", "family", "employer", "third_party", "attorney"), (96, 1, 1, 1, 1))[0]
            point = {"email": account["email"], "letter": "12 High Street, Springfield"}.get(channel, account["phone"])
            # Mostly office hours, a few early, late or at night.
            hour = rng.choices(range(24), [1] * 7 + [6] + [20] * 12 + [8, 4, 2, 1])[0]
            # Local office hours in the consumer's zone, written with that offset.
            day = start + timedelta(days=account["day0"] + rng.randrange(120))
            moment = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60),
                              tzinfo=zones[account["tz"]])
            roll = rng.random()
            notes = rng.choice(ABUSIVE) if roll < 0.003 else rng.choice(NOTES) if roll < 0.3 else ""
            disposition = rng.choice(("cease_request", "stop_channel", "no_work_contact", "attorney_represented",
                                      "dispute", "promise_to_pay", "wrong_party")) if rng.random() < 0.01 else ""
            writer.writerow((
                f"X{i:09d}", "bench-dialer", account["agency"], rng.choice(account["agents"]), account["ref"],
                moment.isoformat(timespec="seconds"), account["tz"], channel, direction, outcome, duration,
                counterparty, point, notes, disposition,
            ))


# --------------------------------------------------------------------------
# Child steps (each in its own process; prints one JSON line)
# --------------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _app(url: str):
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False, "SECRET_KEY": "bench"})


def child_migrate(url: str) -> dict:
    from flask_migrate import upgrade

    app = _app(url)
    with app.app_context():
        upgrade()
    return {}


def child_import(url: str, file: str) -> dict:
    from portal.contacts.importer import import_file

    app = _app(url)
    with app.app_context():
        started = time.perf_counter()
        result = import_file(Path(file), channel="cli", rejects_path=Path(file + f".{os.getpid()}.rejects.csv"))
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": _peak_mb(), "result": result.summary()}


def child_baseline_pg(url: str, file: str) -> dict:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        conn.execute("DROP TABLE IF EXISTS contact_log_baseline")
        conn.execute("CREATE TABLE contact_log_baseline (LIKE contact_log INCLUDING ALL)")
        conn.execute("ALTER TABLE contact_log_baseline ALTER COLUMN imported_at SET DEFAULT now()")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cur, open(file, "rb") as handle:
            with cur.copy(f"COPY contact_log_baseline ({', '.join(FIELDS)}) FROM STDIN (FORMAT csv, HEADER true)") as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE contact_log_baseline")
        conn.commit()
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def child_baseline_sqlite(path: str, file: str) -> dict:
    conn = sqlite3.connect(path)
    ddl = conn.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='contact_log'").fetchone()[0]
    indexes = [r[0] for r in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name='contact_log' AND sql IS NOT NULL")]
    conn.execute("DROP TABLE IF EXISTS contact_log_baseline")
    conn.execute(ddl.replace("contact_log", "contact_log_baseline", 1))
    for index in indexes:
        conn.execute(index.replace(" ON contact_log ", " ON contact_log_baseline ").replace("INDEX ix_", "INDEX bl_"))
    conn.commit()
    names = ", ".join(FIELDS)
    sql = f"INSERT INTO contact_log_baseline ({names}, imported_at) VALUES ({', '.join('?' * len(FIELDS))}, ?)"
    now = datetime.now(timezone.utc).replace(tzinfo=None).isoformat(" ")
    started = time.perf_counter()
    with open(file, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        batch = []
        for row in reader:
            batch.append((*(v or None for v in row), now))
            if len(batch) >= 5000:
                conn.executemany(sql, batch)
                batch = []
        if batch:
            conn.executemany(sql, batch)
    conn.commit()
    seconds = time.perf_counter() - started
    conn.execute("DROP TABLE contact_log_baseline")
    conn.commit()
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def child_audit(url: str, profile: str) -> dict:
    from portal.contacts.auditing import run_audit
    from portal.extensions import db

    app = _app(url)
    with app.app_context():
        started = time.perf_counter()
        run = run_audit(profile)
        db.session.commit()
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "peak_mb": _peak_mb(), "logs": run.logs_checked,
                "findings": sum(run.counts.values()), "language": "LANG-ABUSE" in run.counts}


TOP_UP_SQL = """
INSERT INTO contact_log (source, external_id, agency, agent_id, account_ref, occurred_at, consumer_tz,
    channel, direction, outcome, duration_s, counterparty, contact_point, phone_key, notes,
    disposition, imported_at)
SELECT 'bench-history', 'H' || g,
    (ARRAY['Acme Collections','Bolt Recovery','Cedar Credit Services','Dragon Assets Ltd',
           'Eagle Receivables','Fenwick & Co'])[1 + g %% 6],
    'AG' || (g %% 6) || '-' || lpad((g %% 40)::text, 2, '0'),
    'HIST-' || lpad((g %% 400000)::text, 8, '0'),
    timestamp '2025-01-01' + (g %% 31536000) * interval '1 second' + (g %% 7) * interval '3 hours',
    'America/New_York',
    (ARRAY['call','call','call','call','sms','email'])[1 + g %% 6],
    'outbound',
    (ARRAY['no_answer','connected','voicemail','busy','failed','no_answer'])[1 + g %% 6],
    0, 'debtor',
    '+1 212 ' || lpad(((g * 7919) %% 10000000)::text, 7, '0'),
    '12' || lpad(((g * 7919) %% 10000000)::text, 7, '0'),
    NULL, NULL, now()
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
"""


def child_top_up(url: str, total: int) -> dict:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        have = conn.execute("SELECT count(*) FROM contact_log").fetchone()[0]
        missing = max(0, total - have)
        started = time.perf_counter()
        if missing:
            # Bulk loads are faster without secondary indexes: drop, load, rebuild.
            indexes = conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'contact_log' "
                "AND indexname NOT IN ('pk_contact_log', 'uq_contact_log_source_external_id')"
            ).fetchall()
            for name, _ in indexes:
                conn.execute(f'DROP INDEX "{name}"')
            step = 1_000_000
            for first in range(1, missing + 1, step):
                conn.execute(TOP_UP_SQL, {"first": first, "last": min(missing, first + step - 1)})
            conn.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                conn.execute(definition)
            conn.execute("ANALYZE contact_log")
        seconds = time.perf_counter() - started
        count = conn.execute("SELECT count(*) FROM contact_log").fetchone()[0]
    return {"seconds": seconds, "logs": count}


def child_links(url: str, complaints: int) -> dict:
    import sqlalchemy as sa

    from portal.contacts.linking import suggest_links
    from portal.extensions import db
    from portal.models import Complaint, ContactLog

    app = _app(url)
    rng = random.Random(5)
    with app.app_context():
        max_id = db.session.scalar(sa.select(sa.func.max(ContactLog.id)))
        made = []
        for n in range(complaints):
            log = None
            while log is None:
                log = db.session.get(ContactLog, rng.randrange(1, max_id + 1))
            day = log.occurred_at.date()
            by_phone = n % 2 == 1
            complaint = Complaint(
                reference=f"BENCH{n:06d}", access_code_hash="x", jurisdiction="us-cfpb",
                narrative="They called me again and again.",
                account_ref=None if by_phone else log.account_ref,
                contact_numbers=[log.contact_point] if by_phone else [],
                phone=None, agency=log.agency, agent_name=None,
                incident_start=day - timedelta(days=3), incident_end=day + timedelta(days=3),
                received_at=log.occurred_at + timedelta(days=10),
            )
            db.session.add(complaint)
            made.append(complaint)
        db.session.flush()
        for complaint in made[:20]:  # warm the caches and the connection
            suggest_links(complaint)
        timings, found = [], 0
        for complaint in made:
            started = time.perf_counter()
            found += len(suggest_links(complaint))
            timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    timings.sort()
    return {"p50_ms": statistics.median(timings), "p95_ms": timings[int(len(timings) * 0.95) - 1],
            "max_ms": timings[-1], "suggestions": found, "complaints": complaints}


CHILDREN = {
    "migrate": child_migrate,
    "import": child_import,
    "baseline-pg": child_baseline_pg,
    "baseline-sqlite": child_baseline_sqlite,
    "audit": child_audit,
    "top-up": child_top_up,
    "links": child_links,
}


def run_child(*args: str) -> dict:
    completed = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"step {args[0]} failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def fresh_pg(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    return url if url.startswith("postgresql+psycopg://") else url.replace("postgresql://", "postgresql+psycopg://")


def drop_pg(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="logs to import (default 1,000,000)")
    parser.add_argument("--link-rows", type=int, default=10_000_000, help="logs stored for linking (default 10,000,000)")
    parser.add_argument("--complaints", type=int, default=200, help="complaints timed for link suggestions")
    parser.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--pg-db", default="redress_bench_contacts")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-links", action="store_true")
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL database at the end.")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, *rest = args.child
        print(json.dumps(CHILDREN[name](*rest[:1], *[int(v) if v.isdigit() else v for v in rest[1:]])))
        return

    rows_out: list[tuple[str, str, str, str]] = []

    def report(step: str, figure: str, target: str = "", verdict: str = "") -> None:
        rows_out.append((step, figure, target, verdict))
        print(f"  {step:<38} {figure:<34} {target:<18} {verdict}", flush=True)

    with tempfile.TemporaryDirectory(prefix="redress-contacts-bench-") as folder:
        data = Path(folder) / "logs.csv"
        started = time.perf_counter()
        write_logs(data, args.rows)
        print(f"{args.rows:,} logs written to {data.name} ({data.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - started:.1f} s\n", flush=True)
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start "
              "(figures scale with other work on the machine; the ratios less so)\n", flush=True)
        print(f"  {'step':<38} {'figure':<34} {'target':<18} verdict")

        pg = fresh_pg(args.pg_admin_url, args.pg_db)
        try:
            run_child("migrate", pg)
            base = run_child("baseline-pg", pg, str(data))
            imp = run_child("import", pg, str(data))
            ratio = imp["seconds"] / base["seconds"]
            report("PostgreSQL raw COPY baseline", f"{base['seconds']:.1f} s")
            report("PostgreSQL import", f"{imp['seconds']:.1f} s = {ratio:.1f}x baseline", "<= 3x, <= 60 s",
                   "ok" if ratio <= 3 and imp["seconds"] <= 60 else "MISSED")
            report("  rows / peak memory", f"{imp['result']} / {imp['peak_mb']:.0f} MB")
            again = run_child("import", pg, str(data))
            report("PostgreSQL re-import (all duplicates)", f"{again['seconds']:.1f} s, {again['result']['duplicates']:,} dup")

            if not args.skip_sqlite:
                lite_path = Path(folder) / "bench.sqlite3"
                lite = f"sqlite:///{lite_path}"
                run_child("migrate", lite)
                base_l = run_child("baseline-sqlite", str(lite_path), str(data))
                imp_l = run_child("import", lite, str(data))
                ratio_l = imp_l["seconds"] / base_l["seconds"]
                report("SQLite raw executemany baseline", f"{base_l['seconds']:.1f} s")
                report("SQLite import", f"{imp_l['seconds']:.1f} s = {ratio_l:.1f}x baseline", "<= 3x",
                       "ok" if ratio_l <= 3 else "MISSED")
                report("  rows / peak memory", f"{imp_l['result']} / {imp_l['peak_mb']:.0f} MB")

            for profile in ("us-cfpb", "cn-nfra", "uk-fca"):
                result = run_child("audit", pg, profile)
                lang = "" if result["language"] else " (no LANG-ABUSE scanner)"
                report(f"audit {profile} (PostgreSQL)",
                       f"{result['seconds']:.1f} s, {result['findings']:,} findings, {result['peak_mb']:.0f} MB{lang}",
                       "<= 60 s", "ok" if result["seconds"] <= 60 else "MISSED")

            if not args.skip_links:
                top = run_child("top-up", pg, str(args.link_rows))
                report("top up with generate_series", f"{top['logs']:,} logs in {top['seconds']:.0f} s")
                links = run_child("links", pg, str(args.complaints))
                report("load average now", f"{os.getloadavg()[0]:.1f}")
                report("suggest links p95", f"{links['p95_ms']:.1f} ms (p50 {links['p50_ms']:.1f}, max {links['max_ms']:.0f})",
                       "< 50 ms", "ok" if links["p95_ms"] < 50 else "MISSED")

        finally:
            if not args.keep:
                drop_pg(args.pg_admin_url, args.pg_db)

if __name__ == "__main__":
    main()
