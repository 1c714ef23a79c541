"""Throughput of the conduct-rules engine (portal.domain.conduct).

Builds synthetic contact-log rows (about 50 per account over two months,
mostly office hours with some night contacts, markers and third-party
contacts), sorted as the database streams them (agency, account_ref,
occurred_at, source, external_id). Per profile it times, in process CPU
seconds, the caller's part alone (a ContactRecord per row, grouped by
account: the baseline) and a full ``audit()`` over the same stream; the
difference is what the rules cost.

    .venv/bin/python bench/conduct_engine.py [--logs 1000000] [--per-account 50]
"""
from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal.domain.conduct import ContactRecord, RuleSet, audit  # noqa: E402

ZONES = {"us-cfpb": "America/New_York", "cn-nfra": "Asia/Shanghai", "uk-fca": "Europe/London"}


def synthetic_rows(n_logs: int, per_account: int, tz: str, seed: int = 7) -> list[tuple]:
    """Rows in ContactRecord field order, sorted as the database streams them."""
    rng = random.Random(seed)
    zone = ZoneInfo(tz)
    first_day = datetime(2026, 3, 1)
    hours = list(range(24))
    # Mostly office hours in the consumer's zone, a few early, late and night contacts.
    hour_weights = [1 if h < 7 else 3 if h in (7, 21, 22) else 40 if 9 <= h <= 18 else 10 for h in hours]
    logs: list[tuple] = []
    n_accounts = max(1, n_logs // per_account)
    serial = 0
    for a in range(n_accounts):
        agency = f"Agency {a % 7}"
        account = f"ACC-{a:07d}"
        points = [f"+1 555 {a % 10000:04d}", f"+1 555 {(a * 7) % 10000:04d}"]
        # One account's two months of collection activity, in the consumer's local time.
        instants = sorted(
            (first_day + timedelta(days=rng.randrange(60), hours=rng.choices(hours, hour_weights)[0],
                                   seconds=rng.randrange(3600)))
            .replace(tzinfo=zone).astimezone(timezone.utc)
            for _ in range(per_account)
        )
        for k, when in enumerate(instants):
            serial += 1
            channel = rng.choices(("call", "sms", "email", "letter"), weights=(85, 8, 4, 3))[0]
            counterparty = rng.choices(("debtor", "family", "employer", "third_party"), weights=(90, 5, 3, 2))[0]
            if channel == "call":
                outcome = rng.choices(("no_answer", "connected", "voicemail", "busy", "failed"),
                                      weights=(55, 8, 22, 10, 5))[0]
            else:
                outcome = "sent"
            disposition = None
            if outcome == "connected" and rng.random() < 0.03:
                disposition = rng.choice(("cease_request", "stop_channel", "no_work_contact", "attorney_represented"))
            logs.append((
                "dialer",                                   # source
                f"e{serial:09d}",                           # external_id
                agency,
                f"agent-{rng.randrange(200)}",              # agent_id
                account,                                    # account_ref
                when,                                       # occurred_at
                tz,                                         # consumer_tz
                channel,
                "inbound" if rng.random() < 0.05 else "outbound",
                outcome,
                rng.randrange(300) if outcome == "connected" else 0,
                counterparty,
                points[k % 2],                              # contact_point
                None,                                       # notes
                disposition,
                serial,                                     # log_id
            ))
    logs.sort(key=lambda row: (row[2], row[4], row[5], row[0], row[1]))
    return logs


def records(rows: list[tuple]):
    """What the database layer does per row: build a ContactRecord."""
    return (ContactRecord(*row) for row in rows)


def caller_only(rows: list[tuple]) -> int:
    """The baseline: build the records and group them by account, no rules."""
    n = 0
    for _key, group in itertools.groupby(records(rows), key=lambda r: (r.agency, r.account_ref)):
        n += len(list(group))
    return n


def cpu(fn) -> tuple[float, object]:
    """Process CPU seconds (fair on a busy machine) and the result."""
    t0 = time.process_time()
    result = fn()
    return time.process_time() - t0, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", type=int, default=1_000_000)
    parser.add_argument("--per-account", type=int, default=50)
    args = parser.parse_args()

    table = []
    for profile_id, tz in ZONES.items():
        with open(ROOT / "portal" / "profiles" / f"{profile_id}.toml", "rb") as fh:
            rule_set = RuleSet.from_profile(tomllib.load(fh)["rules"])
        rows = synthetic_rows(args.logs, args.per_account, tz)
        base, _ = cpu(lambda: caller_only(rows))
        full, findings = cpu(lambda: sum(1 for _ in audit(records(rows), rule_set)))
        table.append((profile_id, len(rows), len(rule_set.rules), findings, base, full))
        del rows

    print("CPU seconds (time.process_time). 'caller' = building ContactRecords and grouping them")
    print("(the baseline); 'audit' = the same plus every rule of the profile; 'engine' = audit - caller.")
    print(f"{'profile':<9} {'logs':>9} {'rules':>5} {'findings':>9} {'caller s':>9} {'audit s':>8} "
          f"{'engine s':>9} {'engine s/M':>10} {'audit logs/s':>12} {'audit/caller':>12}")
    for profile_id, n, n_rules, findings, base, full in table:
        engine = full - base
        print(f"{profile_id:<9} {n:>9} {n_rules:>5} {findings:>9} {base:>9.2f} {full:>8.2f} "
              f"{engine:>9.2f} {engine * 1e6 / n:>10.2f} {n / full:>12,.0f} {full / base:>12.1f}")


if __name__ == "__main__":
    main()
