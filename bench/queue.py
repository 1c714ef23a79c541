"""The officers' queue and search at scale, on PostgreSQL.

Creates a scratch database, migrates it, seeds 1,000 complaints (INSERT ... SELECT over generate_series, no ORM) and times
the queue pages and searches through the real app (test client, signed in as
an officer: routing, SQL, counts per filter and template rendering); then
tops the table up to 1,000,000 complaints the same way and times the same pages
again. Prints p50/p95 per page and the ratio to the 1,000-complaint run.
Targets: at most 2x slower, and p95 under 100 ms. Drops the database at the
end.

A queue page of open complaints shows its rows and then fetches its counts
per filter (and its total) from /staff/queue/counts; those requests are
timed too and printed after the pages, with their ratio, but they are not
pages: they read the whole open backlog, so they grow with it.

Complaints are spread over five years of intake; those received in the last
60 days are open (about 3%), the rest closed, as in a portal that has run for
years. Narratives mix English and Chinese phrases so searches hit a realistic
share of rows.

    .venv/bin/python bench/queue.py
    .venv/bin/python bench/queue.py --rows 200000 --requests 30      # quicker

``--pg-admin-url`` names a server where the script may create and drop
``--pg-db`` (default redress_bench_queue).
"""
from __future__ import annotations

import sys
from pathlib import Path

# This file is named queue.py: keep its folder off the import path so the
# standard library's ``queue`` (used by psycopg) is the one imported.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import datetime as dt
import json
import os
import statistics
import time

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402

UTC = dt.timezone.utc
OPEN_DAYS = 60
YEARS = 5

EN_PARTS = [
    "The collector calls me {n} times a day", "they called my employer and told my boss about the debt",
    "the agent threatened to have me arrested", "they say I owe {amount} but I paid it off last year",
    "they never sent me any written notice of the debt", "a man came to my house and shouted at my kids",
    "they keep texting after I asked them to stop", "they said they are lawyers and will sue me tomorrow",
    "the fees and interest are wrong", "this is not my debt, it was identity theft",
    "they call before 8 in the morning", "my mother was called about my credit card",
]
ZH_PARTS = [
    "催收员每天给我打{n}次电话", "他们打电话到我单位告诉了我的领导", "催收人员威胁要报警抓我",
    "他们说我欠{amount}元但我已经还清了", "从来没有收到任何书面通知", "有人到我家门口大声吵闹",
    "我要求停止联系后他们还在发短信", "他们冒充律师说明天就起诉我", "利息和费用算错了",
    "这不是我的债务，是被人冒用身份", "早上七点就打电话催款", "他们给我母亲打电话说我欠钱",
]
URGENCIES = [("critical", 0, 0.05), ("high", 1, 0.25), ("normal", 2, 0.55), ("low", 3, 0.15)]
CATEGORIES = ["harassment", "threats", "third_party", "misrepresentation", "wrong_amount", "not_owed",
              "verification", "other"]
PROFILES = ["us-cfpb", "cn-nfra", "uk-fca"]
OPEN_STATUSES = ["received", "acknowledged", "in_progress", "awaiting_cardholder", "responded", "reopened"]

COLUMNS = ("reference", "access_code_hash", "source", "language", "jurisdiction", "status", "narrative",
           "contact_numbers", "channels", "vulnerabilities", "consent", "redacted_count", "received_at",
           "updated_at", "category", "urgency", "urgency_rank", "routing_attempts", "assignee_id", "complexity",
           "pauses", "version", "ack_due_at", "first_response_due_at", "final_due_at", "next_due_at",
           "search_document", "closed_at", "outcome")


def phrase_arrays() -> dict[str, tuple[list[str], list[str]]]:
    """Each phrase with a few numbers filled in, and its search document (portal.search)."""
    from portal.search import search_text

    arrays = {}
    for lang, parts in (("en", EN_PARTS), ("zh", ZH_PARTS)):
        texts = [p.format(n=n, amount=amount) for p in parts for n, amount in ((3, 450), (7, 1200), (12, 3800),
                                                                               (20, 9600), (30, 15000))]
        arrays[lang] = (texts, [search_text(t) for t in texts])
    return arrays


def seed(url: str, first: int, last: int, now: dt.datetime, officers: list[int]) -> float:
    """Insert complaints first..last-1 with one INSERT ... SELECT over generate_series (no ORM)."""
    arrays = phrase_arrays()
    en_text, en_doc = arrays["en"]
    zh_text, zh_doc = arrays["zh"]
    n = len(en_text)
    sql = f"""
    WITH r AS (
      SELECT g, random() < 0.35 AS zh,
             1 + floor(random() * {n})::int AS i1, 1 + floor(random() * {n})::int AS i2,
             1 + floor(random() * {n})::int AS i3,
             %(now)s - random() * interval '{YEARS * 365} days' AS received,
             random() AS u, random() AS s, random() AS p, random() AS c, random() AS a
      FROM generate_series(%(first)s::int, %(last)s::int - 1) AS g
    ), v AS (
      SELECT r.*,
             CASE WHEN u < 0.05 THEN 0 WHEN u < 0.30 THEN 1 WHEN u < 0.85 THEN 2 ELSE 3 END AS rank,
             received > %(now)s - interval '{OPEN_DAYS} days' AS is_open
      FROM r
    )
    INSERT INTO complaint ({', '.join(COLUMNS)})
    SELECT 'RD-' || lpad(g::text, 8, '0'), 'x', 'web', CASE WHEN zh THEN 'zh_Hans' ELSE 'en' END,
           (ARRAY['us-cfpb','cn-nfra','uk-fca'])[1 + floor(p * 3)::int],
           CASE WHEN is_open THEN (%(open_statuses)s::text[])[1 + floor(s * 6)::int] ELSE 'closed' END,
           CASE WHEN zh THEN (%(zh_text)s::text[])[i1] || '，' || (%(zh_text)s::text[])[i2] || '，' || (%(zh_text)s::text[])[i3] || '。'
                ELSE (%(en_text)s::text[])[i1] || '. ' || (%(en_text)s::text[])[i2] || '. ' || (%(en_text)s::text[])[i3] || '.' END,
           '[]', '[]', '[]', true, 0, received, received,
           (%(categories)s::text[])[1 + floor(c * 8)::int],
           (ARRAY['critical','high','normal','low'])[rank + 1], rank, 1,
           CASE WHEN a < 0.2 THEN NULL ELSE (%(officers)s::int[])[1 + floor(a * %(n_officers)s)::int] END,
           'standard', '[]', 1,
           received + interval '2 days',
           received + CASE WHEN rank <= 1 THEN interval '3 days' ELSE interval '15 days' END,
           received + interval '60 days',
           CASE WHEN NOT is_open THEN NULL
                WHEN received + interval '2 days' > %(now)s - interval '3 days' THEN received + interval '2 days'
                WHEN received + CASE WHEN rank <= 1 THEN interval '3 days' ELSE interval '15 days' END
                     > %(now)s - interval '3 days'
                  THEN received + CASE WHEN rank <= 1 THEN interval '3 days' ELSE interval '15 days' END
                ELSE received + interval '60 days' END,
           'rd ' || lpad(g::text, 8, '0') || ' ' ||
           CASE WHEN zh THEN (%(zh_doc)s::text[])[i1] || ' ' || (%(zh_doc)s::text[])[i2] || ' ' || (%(zh_doc)s::text[])[i3]
                ELSE (%(en_doc)s::text[])[i1] || ' ' || (%(en_doc)s::text[])[i2] || ' ' || (%(en_doc)s::text[])[i3] END,
           CASE WHEN is_open THEN NULL ELSE received + interval '20 days' END,
           CASE WHEN is_open THEN NULL ELSE 'closed_with_explanation' END
    FROM v
    """
    began = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute(sql, {
            "now": now.astimezone(UTC).replace(tzinfo=None), "first": first, "last": last,
            "open_statuses": OPEN_STATUSES, "categories": CATEGORIES, "officers": officers,
            "n_officers": len(officers), "en_text": en_text, "en_doc": en_doc, "zh_text": zh_text, "zh_doc": zh_doc,
        })
        conn.commit()
    return time.perf_counter() - began


def timed(client, url: str, n: int) -> tuple[float, float]:
    samples = []
    client.get(url)  # warm
    for _ in range(n):
        began = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def pages(client) -> dict[str, str]:
    """The URLs timed; the deep page follows five 'next' cursors from page 1."""
    import re

    url = "/staff/queue"
    for _ in range(5):
        html = client.get(url).get_data(as_text=True)
        found = re.search(r'rel="next" href="([^"]+)"', html)
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
    return {
        "queue, page 1": "/staff/queue",
        "queue, page 6 (keyset)": url,
        "queue, overdue": "/staff/queue?due=overdue",
        "queue, critical, mine": "/staff/queue?urgency=critical&assignee=mine",
        "search en 'arrested'": "/staff/queue?q=arrested",
        "search zh '威胁'": "/staff/queue?q=%E5%A8%81%E8%83%81",
        "search en, all statuses": "/staff/queue?status=all&q=identity+theft",
        "search zh, all statuses": "/staff/queue?status=all&q=%E5%86%92%E7%94%A8%E8%BA%AB%E4%BB%BD",
    }


def counts_requests(client, urls: dict[str, str]) -> dict[str, str]:
    """The counts request each open-complaint page makes once shown (its data-counts-url)."""
    import html
    import re

    found = {}
    for name, url in urls.items():
        match = re.search(r'data-counts-url="([^"]+)"', client.get(url).get_data(as_text=True))
        if match:
            found[f"counts for {name}"] = html.unescape(match.group(1))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL",
                                                               "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--pg-db", default="redress_bench_queue")
    parser.add_argument("--keep", action="store_true", help="Do not drop the database at the end.")
    args = parser.parse_args()

    admin = args.pg_admin_url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}"')
        conn.execute(f'CREATE DATABASE "{args.pg_db}"')
    url = admin.rsplit("/", 1)[0] + "/" + args.pg_db
    try:
        return run(args, url)
    finally:
        if not args.keep:
            from portal.extensions import db  # noqa: F401

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)')


def run(args, url: str) -> int:
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.staff_accounts import create_staff

    app = create_app({"TESTING": False, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://" + url.split("://", 1)[1],
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
    password = "bench password long enough"
    with app.app_context():
        upgrade()
        officers = [create_staff(f"officer{i}@bench.test", "officer", password) for i in range(20)]
        db.session.commit()
        officer_ids = [o.id for o in officers]
    now = dt.datetime.now(UTC)
    client = app.test_client()
    response = client.post("/staff/login", data={"email": "officer0@bench.test", "password": password})
    assert response.status_code == 302, response.status_code

    results: dict[str, dict[str, tuple[float, float]]] = {}
    seeded = seed(url, 1, args.baseline + 1, now, officer_ids)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE complaint")
    print(f"seeded {args.baseline:,} complaints in {seeded:.1f} s", flush=True)
    urls = pages(client)
    results["small"] = {name: timed(client, u, args.requests) for name, u in urls.items()}
    counts_urls = counts_requests(client, urls)
    results["small counts"] = {name: timed(client, u, args.requests) for name, u in counts_urls.items()}

    # Top up to --rows: indexes dropped during the load and rebuilt after, as a bulk load would
    # (the same definitions as the migrations; search_tsv is a generated column, filled by the insert).
    began = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP INDEX IF EXISTS ix_complaint_search")
        conn.execute("DROP INDEX IF EXISTS ix_complaint_open_search")
        conn.execute("DROP INDEX IF EXISTS ix_complaint_open_queue")
        conn.execute("DROP INDEX IF EXISTS ix_complaint_open_counts")
    seed(url, args.baseline + 1, args.rows + 1, now, officer_ids)
    print(f"  inserted in {time.perf_counter() - began:.0f} s", flush=True)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("CREATE INDEX ix_complaint_search ON complaint USING gin (search_tsv)")
        conn.execute("CREATE INDEX ix_complaint_open_queue ON complaint (urgency_rank, next_due_at, id) "
                     "INCLUDE (status, urgency, assignee_id, category, jurisdiction) WHERE status <> 'closed'")
        conn.execute("CREATE INDEX ix_complaint_open_search ON complaint USING gin (search_tsv) "
                     "WHERE status <> 'closed'")
        conn.execute("CREATE INDEX ix_complaint_open_counts ON complaint (status, urgency, assignee_id, next_due_at) "
                     "INCLUDE (category, jurisdiction) WHERE status <> 'closed'")
        conn.execute("VACUUM ANALYZE complaint")
        open_count = conn.execute("SELECT count(*) FROM complaint WHERE status <> 'closed'").fetchone()[0]
    print(f"seeded {args.rows:,} complaints ({open_count:,} open) in {time.perf_counter() - began:.0f} s",
          flush=True)
    urls = pages(client)
    results["large"] = {name: timed(client, u, args.requests) for name, u in urls.items()}
    counts_urls = counts_requests(client, urls)
    results["large counts"] = {name: timed(client, u, args.requests) for name, u in counts_urls.items()}

    print()
    small, large = f"{args.baseline:,}", f"{args.rows:,}"
    print(f"latency in ms, {args.requests} requests per page; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':28} {small + ' p50':>14} {small + ' p95':>14} {large + ' p50':>16} {large + ' p95':>16} "
          f"{'p95 ratio':>9}  verdict")
    ok = True
    for name in results["small"]:
        s50, s95 = results["small"][name]
        l50, l95 = results["large"][name]
        ratio = l95 / s95 if s95 else float("inf")
        good = ratio <= 2.0 and l95 < 100
        ok &= good
        print(f"{name:28} {s50:14.1f} {s95:14.1f} {l50:16.1f} {l95:16.1f} {ratio:8.2f}x  {'ok' if good else 'MISSED'}")
    print()
    print("counts per filter, fetched by each page above once its rows are shown (not pages: no verdict)")
    for name in results["small counts"]:
        if name not in results["large counts"]:
            continue
        s50, s95 = results["small counts"][name]
        l50, l95 = results["large counts"][name]
        print(f"{name[len('counts for '):]:28} {s50:14.1f} {s95:14.1f} {l50:16.1f} {l95:16.1f} "
              f"{l95 / s95 if s95 else float('inf'):8.2f}x")
    print()
    print(json.dumps({"rows": args.rows, "baseline": args.baseline, "requests": args.requests,
                      "all_targets_met": ok}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
