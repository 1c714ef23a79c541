"""Running a profile's conduct rules over the stored contact logs.

``run_audit`` streams every log ordered by (agency, account_ref, occurred_at,
source, external_id) through ``portal.domain.conduct.audit`` with a
server-side cursor (``yield_per``), so memory holds one account's logs at a
time, and writes the findings in batches.

Re-running a profile replaces its findings atomically: the old findings of
the profile are deleted and the new ones inserted in the caller's one
transaction (nothing here commits). Until the caller commits, readers keep
seeing the previous run's findings; if the run fails, the caller rolls back
and the previous findings stay.

LANG-ABUSE (abusive or threatening language in the notes) does not depend on
the jurisdiction, but it is checked and stored **with every profile's run**
(``Finding.profile`` is the profile being run): each run is then complete on
its own, is replaced as a whole, and ``flask audit export --profile ID``
includes the LANG-ABUSE findings of that run. The language check needs the
classifier's phrase scanner (``classifiers.scan_conduct_language``); when it
is not installed the run says so (``AuditRun.counts`` has no LANG-ABUSE key)
rather than reporting zero.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from ..domain.conduct import LANG_ABUSE, ContactRecord, FindingRecord, RuleSet, audit
from ..domain.profiles import load_profile
from ..extensions import db
from ..models import AuditRun, ContactLog, Finding, StaffUser
from ..models.types import utcnow
from .jurisdiction import own_logs_sql

FINDING_BATCH = 2000
STREAM_BATCH = 5000
SCAN_CACHE = 50_000

Scanner = Callable[[str], Iterable[Any]]
_DEFAULT = object()

def language_scanner() -> Scanner | None:
    """The classifier's phrase scanner for LANG-ABUSE, or None if not installed."""
    try:
        from classifiers import scan_conduct_language
    except ImportError:
        return None
    return scan_conduct_language


_STREAM_SELECT = (
    "SELECT id, source, external_id, agency, agent_id, account_ref, occurred_at, consumer_tz, "
    "channel, direction, outcome, duration_s, counterparty, contact_point, notes, disposition "
    "FROM contact_log"
)
_STREAM_ORDER = " ORDER BY agency, account_ref, occurred_at, source, external_id"
_STREAM_SQL = _STREAM_SELECT + _STREAM_ORDER


def stream_records(batch: int = STREAM_BATCH, *, jurisdiction: str | None = None) -> Iterator[ContactRecord]:
    """Every stored log in audit order, read ``batch`` rows at a time.

    Reads through the driver, not the ORM: for a million rows the per-row
    result processing cost more than the rules. On PostgreSQL a named
    (server-side) cursor keeps memory flat; SQLite steps through its result.
    Times are stored as naive UTC (``UTCDateTime``) and made aware here.
    With ``jurisdiction``, only that profile's own logs
    (``portal.contacts.jurisdiction``).
    """
    connection = db.session.connection()
    raw = connection.connection.driver_connection
    postgres = connection.dialect.name == "postgresql"
    sql, params = _STREAM_SQL, []
    if jurisdiction is not None:
        condition, params = own_logs_sql(jurisdiction)
        if not postgres:
            condition = condition.replace("%s", "?")
        sql = f"{_STREAM_SELECT} WHERE {condition}{_STREAM_ORDER}"
    if postgres:
        cursor = raw.cursor(name="contact_log_audit_stream")
        cursor.itersize = batch
    else:
        cursor = raw.cursor()
    try:
        cursor.execute(sql, params)
        while True:
            rows = cursor.fetchmany(batch)
            if not rows:
                return
            yield from _records(rows, postgres)
    finally:
        cursor.close()  # release the server-side cursor even when the caller stops early


def _records(rows: Iterable[Any], postgres: bool) -> Iterator[ContactRecord]:
    utc = timezone.utc
    for (log_id, source, external_id, agency, agent_id, account_ref, occurred_at, consumer_tz,
         channel, direction, outcome, duration_s, counterparty, contact_point, notes, disposition) in rows:
        if not postgres and isinstance(occurred_at, str):
            occurred_at = datetime.fromisoformat(occurred_at)
        yield ContactRecord(
            source, external_id, agency, agent_id, account_ref, occurred_at.replace(tzinfo=utc), consumer_tz,
            channel, direction, outcome, duration_s, counterparty, contact_point, notes, disposition, log_id,
        )


def run_audit(
    profile_id: str,
    *,
    staff: StaffUser | None = None,
    scanner: Scanner | None | object = _DEFAULT,
    own_logs: bool = False,
) -> AuditRun:
    """Audit every stored log against the profile; the caller commits.

    With ``own_logs``, only the logs of the profile's jurisdiction (the
    scoped run of the web pages and ``audit run --own-logs``).
    Raises ``ProfileError`` for an unknown profile. ``scanner`` defaults to
    the classifier's; pass None to leave LANG-ABUSE out.
    """
    profile = load_profile(profile_id)
    rule_set = RuleSet.from_profile(profile.rules)
    scan = language_scanner() if scanner is _DEFAULT else scanner
    if scan is not None:
        # Collection notes repeat a lot ("left voicemail"); the scan is a pure
        # function of the text, so each distinct note is scanned once per run.
        scan = functools.lru_cache(maxsize=SCAN_CACHE)(scan)
    run = AuditRun(profile=profile.id, status="running", scope="own" if own_logs else "all",
                   staff_id=staff.id if staff else None)
    db.session.add(run)
    db.session.flush()
    db.session.execute(sa.delete(Finding).where(Finding.profile == profile.id))
    db.session.execute(
        sa.update(AuditRun)
        .where(AuditRun.profile == profile.id, AuditRun.id != run.id, AuditRun.status == "done")
        .values(status="replaced")
    )
    counts = {rule_id: 0 for rule_id in rule_set.rule_ids}
    if scan is not None:
        counts[LANG_ABUSE] = 0
    checked = 0

    def counted(records: Iterable[ContactRecord]) -> Iterator[ContactRecord]:
        nonlocal checked
        for record in records:
            checked += 1
            yield record

    pending: list[dict[str, Any]] = []
    write = _finding_writer()
    records = stream_records(jurisdiction=profile.id if own_logs else None)
    try:
        for finding in audit(counted(records), rule_set, language_scanner=scan):  # type: ignore[arg-type]
            counts[finding.rule_id] = counts.get(finding.rule_id, 0) + 1
            pending.append(_finding_row(finding, run.id, profile.id))
            if len(pending) >= FINDING_BATCH:
                write(pending)
                pending = []
    finally:
        records.close()
    if pending:
        write(pending)
    run.counts = counts
    run.logs_checked = checked
    run.status = "done"
    run.finished_at = utcnow()
    db.session.flush()
    return run


_FINDING_COLUMNS = (
    "audit_run_id", "profile", "rule_id", "citation", "contact_log_id", "account_ref", "agency",
    "agent_id", "occurred_at", "related_log_ids", "related_external_ids", "window_start",
    "window_end", "explanation_en", "explanation_zh", "evidence",
)
_JSON_COLUMNS = frozenset({"related_log_ids", "related_external_ids", "evidence"})
_TIME_COLUMNS = frozenset({"occurred_at", "window_start", "window_end"})


def _finding_writer() -> Callable[[list[dict[str, Any]]], None]:
    """Batch insert of findings: COPY on PostgreSQL (executemany there costs a
    round trip per row), executemany on SQLite. Both in the caller's transaction."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        table = Finding.__table__
        return lambda rows: connection.execute(table.insert(), rows)
    raw = connection.connection.driver_connection
    statement = f"COPY finding ({', '.join(_FINDING_COLUMNS)}) FROM STDIN"

    def cell(name: str, value: Any) -> Any:
        if value is None:
            return None
        if name in _JSON_COLUMNS:
            return json.dumps(value, ensure_ascii=False)
        if name in _TIME_COLUMNS:
            return value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def write(rows: list[dict[str, Any]]) -> None:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([cell(name, row[name]) for name in _FINDING_COLUMNS])

    return write


def _finding_row(finding: FindingRecord, run_id: int, profile_id: str) -> dict[str, Any]:
    return {
        "audit_run_id": run_id,
        "profile": profile_id,
        "rule_id": finding.rule_id,
        "citation": finding.citation[:300] if finding.citation else None,
        "contact_log_id": finding.log_id,
        "account_ref": finding.account_ref,
        "agency": finding.agency,
        "agent_id": finding.agent_id,
        "occurred_at": finding.occurred_at.astimezone(timezone.utc),
        "related_log_ids": finding.related_log_ids,
        "related_external_ids": finding.related_external_ids,
        "window_start": finding.window_start,
        "window_end": finding.window_end,
        "explanation_en": finding.explanation_en,
        "explanation_zh": finding.explanation_zh,
        "evidence": finding.evidence_json() or None,
    }


def export_findings(profile_id: str, batch: int = STREAM_BATCH) -> Iterator[dict[str, Any]]:
    """One dict a finding of the profile (SPEC section 8 ``audit export``),
    ordered by agency, account, offending log and rule."""
    query = (
        sa.select(
            Finding.rule_id,
            ContactLog.source,
            ContactLog.external_id,
            Finding.account_ref,
            Finding.agency,
            Finding.agent_id,
            Finding.related_external_ids,
        )
        .join(ContactLog, ContactLog.id == Finding.contact_log_id)
        .where(Finding.profile == profile_id)
        .order_by(Finding.agency, Finding.account_ref, Finding.occurred_at, ContactLog.source,
                  ContactLog.external_id, Finding.rule_id)
        .execution_options(yield_per=batch)
    )
    for rule_id, source, external_id, account_ref, agency, agent_id, related in db.session.execute(query):
        yield {
            "rule_id": rule_id,
            "source": source,
            "external_id": external_id,
            "account_ref": account_ref,
            "agency": agency,
            "agent_id": agent_id,
            "related": list(related or []),
        }


def latest_run(profile_id: str) -> AuditRun | None:
    return db.session.scalar(
        sa.select(AuditRun)
        .where(AuditRun.profile == profile_id, AuditRun.status == "done")
        .order_by(AuditRun.id.desc())
        .limit(1)
    )
