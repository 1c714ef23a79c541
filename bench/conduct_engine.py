"""Throughput of the conduct-rules engine (portal.domain.conduct).

Builds a synthetic stream of contact logs (about 50 per account, a month of
collection activity with some night calls, markers and third-party
contacts), then times, per profile, a full ``audit()`` over the stream as the
database layer would feed it (ordered by agency, account_ref, occurred_at).
The baseline is the same stream grouped by account with no rules, so the
ratio shows what the rules themselves cost.

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


def synthetic_logs(n_logs: int, per_account: int, tz: str, seed: int = 7) -> list[ContactRecord]:
    rng = random.Random(seed)
    zone = ZoneInfo(tz)
    first_day = datetime(2026, 3, 1)
    hours = list(range(24))
    # Mostly office hours in the consumer's zone, a few early, late and night contacts.
    hour_weights = [1 if h < 7 else 3 if h in (7, 21, 22) else 40 if 9 <= h <= 18 else 10 for h in hours]
    logs: list[ContactRecord] = []
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
            logs.append(ContactRecord(
                source="dialer",
                external_id=f"e{serial:09d}",
                agency=agency,
                agent_id=f"agent-{rng.randrange(200)}",
                account_ref=account,
                occurred_at=when,
                consumer_tz=tz,
                channel=channel,
                direction="inbound" if rng.random() < 0.05 else "outbound",
                outcome=outcome,
                duration_s=rng.randrange(300) if outcome == "connected" else 0,
                counterparty=counterparty,
                contact_point=points[k % 2],
                notes=None,
                disposition=disposition,
                log_id=serial,
            ))
    logs.sort(key=lambda r: (r.agency, r.account_ref, r.occurred_at, r.source, r.external_id))
    return logs


def baseline(logs: list[ContactRecord]) -> int:
    n = 0
    for _key, group in itertools.groupby(logs, key=lambda r: (r.agency, r.account_ref)):
        n += len(sorted(group, key=lambda r: (r.occurred_at, r.source, r.external_id)))
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", type=int, default=1_000_000)
    parser.add_argument("--per-account", type=int, default=50)
    args = parser.parse_args()

    rows = []
    for profile_id, tz in ZONES.items():
        with open(ROOT / "portal" / "profiles" / f"{profile_id}.toml", "rb") as fh:
            rule_set = RuleSet.from_profile(tomllib.load(fh)["rules"])
        t0 = time.perf_counter()
        logs = synthetic_logs(args.logs, args.per_account, tz)
        build = time.perf_counter() - t0

        t0 = time.perf_counter()
        baseline(logs)
        base = time.perf_counter() - t0

        t0 = time.perf_counter()
        findings = sum(1 for _ in audit(logs, rule_set))
        engine = time.perf_counter() - t0
        rows.append((profile_id, len(logs), len(rule_set.rules), findings, build, base, engine))
        del logs

    print(f"{'profile':<9} {'logs':>9} {'rules':>5} {'findings':>9} {'build s':>8} "
          f"{'group s':>8} {'audit s':>8} {'logs/s':>10} {'s/million':>9} {'x group':>7}")
    for profile_id, n, n_rules, findings, build, base, engine in rows:
        print(f"{profile_id:<9} {n:>9} {n_rules:>5} {findings:>9} {build:>8.2f} {base:>8.2f} "
              f"{engine:>8.2f} {n / engine:>10,.0f} {engine * 1e6 / n:>9.2f} {engine / base:>7.1f}")


if __name__ == "__main__":
    main()
