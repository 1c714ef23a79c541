"""The public complaint database at scale, on PostgreSQL: /data pages, search and CSV export.

Creates a scratch database, migrates it, seeds ``--baseline`` complaints
(INSERT ... SELECT over generate_series, no ORM), times the /data pages and
the public API through the real app (test client: filters, SQL, capped
count, the chart and template rendering), then tops up to ``--rows`` and
times them again. Then streams the CSV export of a filtered set and of
everything published, sampling the process's resident memory as the rows
arrive, so a growing buffer would show.

Targets: p95 under 200 ms for a page; the export's memory flat (RSS at the
end within 30 MB of RSS after its first 10,000 rows).

Complaints are spread over five years; those received in the last 60 days
are open, the rest closed with a response 20 days after receipt, so about
97% are published. 30% opted in to publishing their narrative (the bench
narratives hold no personal details, so the scrubbed text is the narrative).
The chart is cached for five minutes in each process (portal.public.record):
pages are timed with it warm, as visitors see them, and a cold chart
computation is timed on its own.

    .venv/bin/python bench/public_data.py
    .venv/bin/python bench/public_data.py --rows 20000 --requests 10      # while developing

``--pg-admin-url`` names a server where the script may create and drop
``--pg-db`` (default redress_bench_public).
"""
from __future__ import annotations

import sys
from pathlib import Path

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

UTC = dt.timezone.utc
OPEN_DAYS = 60
YEARS = 5
PAGE_TARGET_MS = 200
MEMORY_SLACK_MB = 30

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
CATEGORIES = ["harassment", "threats", "third_party", "misrepresentation", "wrong_amount", "not_owed",
              "verification", "other"]
AGENCIES = [f"Agency {i:02d} Recoveries" for i in range(40)]
REGIONS = ["CA", "TX", "NY", "FL", "IL", "上海", "北京", "广东", "London", "Manchester"]
CHANNELS = ['["phone"]', '["phone", "text"]', '["letter"]', '["visit"]', '["email"]', '["phone", "visit"]']


def phrase_arrays():
    from portal.search import search_text

    arrays = {}
    for lang, parts in (("en", EN_PARTS), ("zh", ZH_PARTS)):
        texts = [p.format(n=n, amount=amount) for p in parts for n, amount in ((3, 450), (7, 1200), (12, 3800),
                                                                               (20, 9600), (30, 15000))]
        arrays[lang] = (texts, [search_text(t) for t in texts])
    return arrays


def seed(url: str, first: int, last: int, now: dt.datetime) -> float:
    arrays = phrase_arrays()
    en_text, en_doc = arrays["en"]
    zh_text, zh_doc = arrays["zh"]
    n = len(en_text)
    sql = f"""
    WITH r AS (
      SELECT g, random() < 0.35 AS zh,
             1 + floor(random() * {n})::int AS i1, 1 + floor(random() * {n})::int AS i2,
             %(now)s - random() * interval '{YEARS * 365} days' AS received,
             random() AS u, random() AS p, random() AS c, random() AS a, random() AS o
      FROM generate_series(%(first)s::int, %(last)s::int - 1) AS g
    ), v AS (
      SELECT r.*, received > %(now)s - interval '{OPEN_DAYS} days' AS is_open, o < 0.3 AS opted,
             CASE WHEN zh THEN (%(zh_text)s::text[])[i1] || '，' || (%(zh_text)s::text[])[i2] || '。'
                  ELSE (%(en_text)s::text[])[i1] || '. ' || (%(en_text)s::text[])[i2] || '.' END AS story,
             CASE WHEN zh THEN (%(zh_doc)s::text[])[i1] || ' ' || (%(zh_doc)s::text[])[i2]
                  ELSE (%(en_doc)s::text[])[i1] || ' ' || (%(en_doc)s::text[])[i2] END AS words
      FROM r
    )
    INSERT INTO complaint (reference, access_code_hash, source, language, jurisdiction, status, narrative,
        agency, region, contact_numbers, channels, vulnerabilities, consent, publish_narrative, redacted_count,
        received_at, updated_at, category, urgency, urgency_rank, routing_attempts, complexity, pauses, version,
        first_response_due_at, final_due_at, search_document, first_responded_at, responded_at, closed_at,
        outcome, public_narrative, public_search)
    SELECT 'RD-' || lpad(g::text, 8, '0'), 'x', 'web', CASE WHEN zh THEN 'zh_Hans' ELSE 'en' END,
           (ARRAY['us-cfpb','cn-nfra','uk-fca'])[1 + floor(p * 3)::int],
           CASE WHEN is_open THEN 'in_progress' ELSE 'closed' END,
           story, (%(agencies)s::text[])[1 + floor(a * 40)::int], (%(regions)s::text[])[1 + floor(u * 10)::int],
           '[]', ((%(channels)s::text[])[1 + floor(u * 6)::int])::json, '[]', true, opted, 0,
           received, received, (%(categories)s::text[])[1 + floor(c * 8)::int],
           (ARRAY['critical','high','normal','low'])[1 + floor(u * 4)::int], floor(u * 4)::int, 1, 'standard',
           '[]', 1, received + interval '15 days', received + interval '60 days',
           'rd ' || lpad(g::text, 8, '0') || ' ' || words,
           CASE WHEN is_open THEN NULL ELSE received + CASE WHEN o < 0.9 THEN interval '10 days' ELSE interval '18 days' END END,
           CASE WHEN is_open THEN NULL ELSE received + interval '20 days' END,
           CASE WHEN is_open THEN NULL ELSE received + interval '20 days' END,
           CASE WHEN is_open THEN NULL ELSE (ARRAY['closed_with_explanation','closed_with_non_monetary_relief',
                'closed_with_monetary_relief'])[1 + floor(c * 3)::int] END,
           CASE WHEN opted THEN story END, CASE WHEN opted THEN words END
    FROM v
    """
    began = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute(sql, {
            "now": now.astimezone(UTC).replace(tzinfo=None), "first": first, "last": last,
            "categories": CATEGORIES, "agencies": AGENCIES, "regions": REGIONS, "channels": CHANNELS,
            "en_text": en_text, "en_doc": en_doc, "zh_text": zh_text, "zh_doc": zh_doc,
        })
        conn.commit()
    return time.perf_counter() - began


def timed(client, url: str, n: int) -> tuple[float, float]:
    samples = []
    client.get(url)  # warm (and fills the chart cache)
    for _ in range(n):
        began = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def pages(client) -> dict[str, str]:
    import re

    url = "/data"
    for _ in range(5):
        found = re.search(r'href="([^"]+)" rel="next"', client.get(url).get_data(as_text=True))
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
    return {
        "/data, page 1": "/data",
        "/data, page 6 (keyset)": url,
        "/data, category": "/data?category=threats",
        "/data, agency + channel": "/data?agency=agency+07+recoveries&channel=visit",
        "/data, region + timely=no": "/data?region=TX&timely=no",
        "/data, search en 'arrested'": "/data?q=arrested",
        "/data, search zh '威胁'": "/data?q=%E5%A8%81%E8%83%81",
        "/data, search + category": "/data?q=identity+theft&category=not_owed",
        "API, page 1": "/api/v1/public/complaints",
        "API, search 'lawyers'": "/api/v1/public/complaints?q=lawyers",
    }


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def export(client, url: str) -> dict:
    """Stream one CSV download, sampling RSS; returns rows, seconds and memory."""
    began = time.perf_counter()
    response = client.get(url, buffered=False)
    assert response.status_code == 200
    lines = 0
    start_rss = rss_mb()
    after_first = None
    peak = start_rss
    for chunk in response.response:
        lines += chunk.count("\n") if isinstance(chunk, str) else chunk.count(b"\n")
        if lines >= 10_000 and after_first is None:
            after_first = rss_mb()
        if lines % 50_000 < 5:
            peak = max(peak, rss_mb())
    response.close()
    end = rss_mb()
    peak = max(peak, end)
    seconds = time.perf_counter() - began
    return {"rows": lines - 1, "seconds": round(seconds, 1), "rows_per_s": round((lines - 1) / seconds),
            "rss_start_mb": round(start_rss, 1), "rss_after_10k_mb": round(after_first or end, 1),
            "rss_peak_mb": round(peak, 1), "rss_end_mb": round(end, 1)}


def cold(app, n: int, work) -> tuple[float, float]:
    """A chart or count computed without the cache, as the first visitor of a filter waits for it."""
    samples = []
    with app.test_request_context("/data"):
        for _ in range(n):
            began = time.perf_counter()
            work()
            samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def cold_work():
    from portal.public import record

    return {
        "chart, all published": lambda: record.trend_of(record.PublicFilters(), cached=False),
        "count, category (capped)": lambda: record.count_of(record.PublicFilters(category="threats"), cached=False),
        "count, agency + channel": lambda: record.count_of(
            record.PublicFilters(agency="agency 07 recoveries", channel="visit"), cached=False),
        "count, region + timely=no": lambda: record.count_of(
            record.PublicFilters(region="TX", timely=False), cached=False),
        "count, search + category": lambda: record.count_of(
            record.PublicFilters(q="identity theft", category="not_owed"), cached=False),
        "chart, agency + channel": lambda: record.trend_of(
            record.PublicFilters(agency="agency 07 recoveries", channel="visit"), cached=False),
        "chart, region + timely=no": lambda: record.trend_of(
            record.PublicFilters(region="TX", timely=False), cached=False),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL",
                                                               "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--pg-db", default="redress_bench_public")
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
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)')


def run(args, url: str) -> int:
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app({"TESTING": False, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://" + url.split("://", 1)[1],
                      "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
    now = dt.datetime.now(UTC)
    client = app.test_client()

    results: dict[str, dict[str, tuple[float, float]]] = {}
    seeded = seed(url, 1, args.baseline + 1, now)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE complaint")
    print(f"seeded {args.baseline:,} complaints in {seeded:.1f} s", flush=True)
    results["small"] = {name: timed(client, u, args.requests) for name, u in pages(client).items()}

    began = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for index in ("ix_complaint_search", "ix_complaint_open_search", "ix_complaint_public_search"):
            conn.execute(f"DROP INDEX IF EXISTS {index}")
    seed(url, args.baseline + 1, args.rows + 1, now)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("CREATE INDEX ix_complaint_search ON complaint USING gin (search_tsv)")
        conn.execute("CREATE INDEX ix_complaint_open_search ON complaint USING gin (search_tsv) "
                     "WHERE status <> 'closed'")
        conn.execute("CREATE INDEX ix_complaint_public_search ON complaint USING gin (public_tsv)")
        conn.execute("VACUUM ANALYZE complaint")
        published = conn.execute("SELECT count(*) FROM complaint WHERE responded_at <= now() - interval '15 days'"
                                 ).fetchone()[0]
    print(f"seeded {args.rows:,} complaints ({published:,} published) in {time.perf_counter() - began:.0f} s",
          flush=True)
    from portal.public import record

    record.clear_caches()
    results["large"] = {name: timed(client, u, args.requests) for name, u in pages(client).items()}
    colds = {name: cold(app, max(3, args.requests // 5), work) for name, work in cold_work().items()}
    exports = {
        "CSV, category=threats": export(client, "/data/complaints.csv?category=threats"),
        "CSV, everything published": export(client, "/data/complaints.csv"),
    }

    print()
    small, large = f"{args.baseline:,}", f"{args.rows:,}"
    print(f"latency in ms, {args.requests} requests per page; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':30} {small + ' p50':>12} {small + ' p95':>12} {large + ' p50':>14} {large + ' p95':>14}  verdict")
    ok = True
    for name in results["small"]:
        s50, s95 = results["small"][name]
        l50, l95 = results["large"][name]
        good = l95 < PAGE_TARGET_MS
        ok &= good
        print(f"{name:30} {s50:12.1f} {s95:12.1f} {l50:14.1f} {l95:14.1f}  {'ok' if good else 'MISSED'}")
    print()
    print("computed without the cache (a filter's first visitor; then cached: chart 5 min, count 1 min)")
    for name, (c50, c95) in colds.items():
        print(f"{name:30} {'':12} {'':12} {c50:14.1f} {c95:14.1f}")
    print()
    print("CSV export (streamed)")
    for name, e in exports.items():
        flat = e["rss_end_mb"] - e["rss_after_10k_mb"] <= MEMORY_SLACK_MB
        ok &= flat
        print(f"{name:30} {e['rows']:>10,} rows in {e['seconds']:6.1f} s ({e['rows_per_s']:,}/s); RSS "
              f"{e['rss_start_mb']:.0f} → {e['rss_after_10k_mb']:.0f} after 10k rows → peak {e['rss_peak_mb']:.0f}, "
              f"end {e['rss_end_mb']:.0f} MB  {'flat' if flat else 'GREW'}")
    print()
    print(json.dumps({"rows": args.rows, "baseline": args.baseline, "requests": args.requests,
                      "exports": exports, "all_targets_met": ok}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
