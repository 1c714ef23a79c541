"""Importing contact logs: CLI files, staff uploads and the JSON API.

Every row is validated with ``portal.domain.contact_fields.parse_contact_row``,
which masks card and ID numbers (SPEC section 7) in every free-text and
identifier field before they are compared or stored; a rejected row's text
and its reason are masked before they reach the rejects file, the API answer
or the import's error. A row whose values cannot be stored (a time outside
the storable years, a lone surrogate) is a reject with its line number: one
row never stops an import. Then, per batch:

* a row whose ``(source, external_id)`` is new is inserted;
* a row identical to the stored one (or to an earlier row of the same file)
  is a duplicate and changes nothing, so re-importing a file is harmless;
* a row that differs from it is rejected, naming the fields that differ:
  nothing is ever overwritten.

Guarantee: **each batch is one transaction**, and the import's progress row
(``ContactImport``: counts and bytes done) is updated in that same
transaction. A failure in the middle of a file rolls back the batch in
flight only; every batch before it is stored completely and counted, none
after it is started, and the rejects file lists the rejects of the committed
batches only. Importing the file again completes it: the stored rows come
back as duplicates.

Memory stays flat: rows are read one at a time and one batch is held.
On PostgreSQL each row of a batch is streamed into contact_log (``COPY``,
inside a savepoint) as soon as it is validated, so the server stores rows
while the next ones are read; a batch where some key is already stored or
repeats goes back to the savepoint and is copied into a temporary staging
table instead, moved with one ``INSERT ... ON CONFLICT DO NOTHING``, and the
rows it did not insert are compared with the stored ones in SQL. On SQLite
the stored rows with the batch's keys are read and compared, and the new
ones inserted with ``executemany``.
"""
from __future__ import annotations

import contextlib
import csv
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from classifiers.redaction import mask_sensitive

from ..domain.conduct import ContactRecord
from ..domain.contact_fields import (
    FIELD_NAMES_CANONICAL,
    RowRejected,
    canonical_form,
    differing_fields,
    parse_contact_row,
    parse_jurisdiction,
)
from ..domain.linking import phone_key
from ..extensions import db
from ..models import ContactImport, ContactLog, StaffUser
from ..models.types import utcnow
from ..spreadsheets import safe_row
from .jurisdiction import known_jurisdictions
from .readers import ImportFileError, SourceRow, file_format, object_error, read_file

__all__ = [
    "BATCH_SIZE",
    "ImportFailed",
    "ImportFileError",
    "ImportResult",
    "Reject",
    "import_file",
    "import_rows",
    "rejects_path_for",
]

BATCH_SIZE = 5000
# Columns written for each log, in this order, by both writers.
_COLUMNS = (
    "source",
    "external_id",
    "agency",
    "agent_id",
    "account_ref",
    "occurred_at",
    "consumer_tz",
    "channel",
    "direction",
    "outcome",
    "duration_s",
    "counterparty",
    "contact_point",
    "phone_key",
    "notes",
    "disposition",
    "jurisdiction",
)


@dataclass(frozen=True, slots=True)
class Reject:
    line: int
    reason: str
    raw: str = ""


@dataclass
class ImportResult:
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    import_id: int | None = None
    # Filled by import_rows only (the API answers with them); file imports
    # write them to the rejects file instead, so memory stays flat.
    rejects: list[Reject] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {"imported": self.imported, "duplicates": self.duplicates, "rejected": self.rejected}


class ImportFailed(RuntimeError):
    """The import stopped part-way; ``result`` counts what was committed."""

    def __init__(self, message: str, result: ImportResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True, slots=True)
class _Pending:
    line: int
    record: ContactRecord
    raw: str
    # The row's own jurisdiction, else the import's (stored, not compared).
    jurisdiction: str | None = None


def rejects_path_for(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".rejects.csv")


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------


def import_file(
    path: str | Path,
    *,
    source: str | None = None,
    channel: str = "cli",
    staff: StaffUser | None = None,
    record: ContactImport | None = None,
    rejects_path: str | Path | None = None,
    batch_size: int = BATCH_SIZE,
    jurisdiction: str | None = None,
) -> ImportResult:
    """Import a .csv or .jsonl file; write its rejects to ``rejects_path``
    (default ``FILE.rejects.csv``: columns line, reason, row).

    Commits once per batch (see the module docstring). ``record`` is an
    existing ``ContactImport`` to report progress on (the upload page makes
    one first); otherwise one is created. Raises ``ImportFileError`` when the
    file cannot be read at all and ``ImportFailed`` when it stops part-way.
    """
    path = Path(path)
    fmt = file_format(path)
    rejects_path = Path(rejects_path) if rejects_path else rejects_path_for(path)
    if record is None:
        record = ContactImport(filename=mask_sensitive(path.name).text, source=_masked_text(source), channel=channel,
                               jurisdiction=jurisdiction, staff_id=staff.id if staff else None)
        db.session.add(record)
    elif jurisdiction is None:
        jurisdiction = record.jurisdiction
    record.status = "running"
    record.bytes_total = path.stat().st_size
    record.rejects_path = str(rejects_path)
    db.session.commit()
    with path.open("rb") as stream, rejects_path.open("w", newline="", encoding="utf-8", errors="backslashreplace") as out:
        writer = csv.writer(out)
        writer.writerow(["line", "reason", "row"])

        def sink(rejects: list[Reject]) -> None:
            writer.writerows(safe_row([r.line, r.reason, r.raw]) for r in rejects)
            out.flush()

        rows = read_file(stream, fmt, source_given=source is not None)
        return _import(rows, record, source, sink, batch_size, jurisdiction)


def import_rows(
    rows_iterable: Iterable[Any],
    *,
    source: str | None = None,
    channel: str = "api",
    staff: StaffUser | None = None,
    batch_size: int = BATCH_SIZE,
    jurisdiction: str | None = None,
) -> ImportResult:
    """Import rows given as mappings (the JSON API's array): row N is line N.

    Same validation, duplicate and conflict rules as a file. Rejects come
    back in ``ImportResult.rejects`` (line, reason). Commits once per batch
    and records the import as a ``ContactImport``; raises ``ImportFailed``
    if the database fails part-way.
    """
    record = ContactImport(filename=None, source=_masked_text(source), channel=channel, jurisdiction=jurisdiction,
                           staff_id=staff.id if staff else None, status="running")
    db.session.add(record)
    db.session.commit()
    collected: list[Reject] = []

    def rows() -> Iterator[SourceRow]:
        for number, value in enumerate(rows_iterable, start=1):
            raw = _raw_json(value)
            error = object_error(value)
            yield SourceRow(number, None if error else value, error, raw, 0)

    result = _import(rows(), record, source, collected.extend, batch_size, jurisdiction)
    result.rejects = sorted(collected, key=lambda r: r.line)
    return result


def _raw_json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)[:2000]
    except (TypeError, ValueError):
        return repr(value)[:2000]


# --------------------------------------------------------------------------
# The batch loop
# --------------------------------------------------------------------------


def _import(
    rows: Iterable[SourceRow],
    record: ContactImport,
    default_source: str | None,
    sink: Callable[[list[Reject]], None],
    batch_size: int,
    default_jurisdiction: str | None = None,
) -> ImportResult:
    result = ImportResult(import_id=record.id)
    known = known_jurisdictions()
    session = db.session()
    import_id = record.id
    writer = _writer_for(session.get_bind().dialect.name)
    batch: list[_Pending] = []
    rejects: list[Reject] = []
    seen = 0

    def flush(offset: int) -> None:
        nonlocal batch, rejects
        try:
            inserted, duplicates, conflicts = writer.finish(session, batch, import_id)
            record.rows_seen = seen
            record.imported += inserted
            record.duplicates += duplicates
            record.rejected += len(rejects) + len(conflicts)
            record.bytes_done = offset
            session.commit()
        except Exception as error:
            writer.abandon(error)
            session.rollback()
            _mark_failed(session, record, error)
            raise ImportFailed(
                mask_sensitive(
                    f"the import stopped at the batch ending on line {batch[-1].line if batch else '?'}: "
                    f"{type(error).__name__}: {error}. Every earlier batch is stored; import the file "
                    "again to complete it."
                ).text,
                result,
            ) from error
        all_rejects = sorted(map(_masked_reject, rejects + conflicts), key=lambda r: r.line)
        sink(all_rejects)
        result.imported += inserted
        result.duplicates += duplicates
        result.rejected += len(all_rejects)
        batch, rejects = [], []

    try:
        offset = 0
        for row in rows:
            seen += 1
            offset = row.end_offset
            if row.error is not None:
                rejects.append(Reject(row.line, row.error, row.raw))
            else:
                fields = row.fields or {}
                try:
                    parsed = parse_contact_row(fields, default_source=default_source)
                    jurisdiction = parse_jurisdiction(fields.get("jurisdiction"), known) or default_jurisdiction
                except RowRejected as error:
                    rejects.append(Reject(row.line, error.reason, row.raw))
                else:
                    pending = _Pending(row.line, parsed, row.raw, jurisdiction)
                    batch.append(pending)
                    writer.add(session, pending, import_id)
            if len(batch) + len(rejects) >= batch_size:
                flush(offset)
        flush(offset)
    except ImportFailed:
        raise
    except ImportFileError as error:
        writer.abandon(error)
        session.rollback()
        _mark_failed(session, record, error)
        raise
    except Exception as error:  # reading the rows failed part-way (I/O, a broken stream)
        writer.abandon(error)
        session.rollback()
        _mark_failed(session, record, error)
        raise ImportFailed(
            mask_sensitive(
                f"the import stopped after line {batch[-1].line if batch else seen}: "
                f"{type(error).__name__}: {error}. Every earlier batch is stored; import the "
                "file again to complete it."
            ).text,
            result,
        ) from error
    record.status = "done"
    record.finished_at = utcnow()
    session.commit()
    return result


def _mark_failed(session: Any, record: ContactImport, error: BaseException) -> None:
    record = session.merge(record)
    if record.status == "failed":
        return
    record.status = "failed"
    record.error = mask_sensitive(str(error)).text[:2000]
    record.finished_at = utcnow()
    session.commit()


def _masked_text(text: str | None) -> str | None:
    return None if text is None else mask_sensitive(text).text


def _masked_reject(reject: Reject) -> Reject:
    """The reject with card and ID numbers masked in its row and its reason
    (a reason names a field and the problem, but a file's unknown column
    names, for one, come from the file)."""
    return Reject(reject.line, mask_sensitive(reject.reason).text, mask_sensitive(reject.raw).text)


def _within_file(batch: list[_Pending]) -> tuple[list[_Pending], int, list[Reject]]:
    """Drop rows repeating an earlier row of the same batch (same key)."""
    first: dict[tuple[str, str], _Pending] = {}
    unique: list[_Pending] = []
    duplicates = 0
    conflicts: list[Reject] = []
    for pending in batch:
        key = (pending.record.source, pending.record.external_id)
        earlier = first.get(key)
        if earlier is None:
            first[key] = pending
            unique.append(pending)
        elif canonical_form(earlier.record) == canonical_form(pending.record):
            duplicates += 1
        else:
            fields = differing_fields(earlier.record, pending.record)
            conflicts.append(Reject(pending.line, _conflict_reason(fields, f"line {earlier.line} of this file"), pending.raw))
    return unique, duplicates, conflicts


def _conflict_reason(fields: list[str], other: str) -> str:
    return (
        f"conflict: the same source and external_id as {other}, but {', '.join(fields)} "
        "differ; a stored log is never overwritten"
    )


# Contact points repeat (one number per account, called many times).
_phone_key = functools.lru_cache(maxsize=65_536)(phone_key)


def _values(record: ContactRecord, jurisdiction: str | None) -> tuple[Any, ...]:
    return (
        record.source,
        record.external_id,
        record.agency,
        record.agent_id,
        record.account_ref,
        record.occurred_at.astimezone(timezone.utc).replace(tzinfo=None),
        record.consumer_tz,
        record.channel,
        record.direction,
        record.outcome,
        record.duration_s,
        record.counterparty,
        record.contact_point,
        _phone_key(record.contact_point),
        record.notes,
        record.disposition,
        jurisdiction,
    )


def stored_record(row: Mapping[str, Any]) -> ContactRecord:
    """A stored contact_log row (a mapping of its columns) as the rules see it."""
    at = row["occurred_at"]
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return ContactRecord(
        source=row["source"],
        external_id=row["external_id"],
        agency=row["agency"],
        agent_id=row["agent_id"],
        account_ref=row["account_ref"],
        occurred_at=at,
        consumer_tz=row["consumer_tz"],
        channel=row["channel"],
        direction=row["direction"],
        outcome=row["outcome"],
        duration_s=row["duration_s"],
        counterparty=row["counterparty"],
        contact_point=row["contact_point"],
        notes=row["notes"],
        disposition=row["disposition"],
        log_id=row.get("id"),
    )


# --------------------------------------------------------------------------
# Writers: one batch, inside the caller's transaction
# --------------------------------------------------------------------------


def _is_stored(connection: Any, record: ContactRecord) -> bool:
    """Whether a log with this record's key is stored (one lookup in the unique index).

    Both writers ask it of a batch's first row: a batch whose first key is
    stored is a re-import and goes straight to the comparing path."""
    key = (ContactLog.source == record.source, ContactLog.external_id == record.external_id)
    return connection.execute(sa.select(ContactLog.id).where(*key)).first() is not None


def _sqlite_time(naive_utc: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores (so reads and ordering agree):
    2026-03-01 14:30:00.000000, the year in four digits."""
    return naive_utc.isoformat(" ", "microseconds")


_OCCURRED_AT = _COLUMNS.index("occurred_at")


class _SQLiteWriter:
    """Insert a batch of new logs with one executemany; for a batch with a
    stored or repeated key, read the stored rows with the batch's keys,
    compare, and insert the rest."""

    KEY_CHUNK = 400
    INSERT = (
        f"INSERT INTO contact_log ({', '.join(_COLUMNS)}, import_id, imported_at) "
        f"VALUES ({', '.join('?' * (len(_COLUMNS) + 2))})"
    )

    def add(self, session: Any, pending: _Pending, import_id: int) -> None:
        """Rows are written when the batch is complete."""

    def abandon(self, error: BaseException) -> None:
        """Nothing is held between rows."""

    def finish(self, session: Any, batch: list[_Pending], import_id: int) -> tuple[int, int, list[Reject]]:
        if not batch:
            return 0, 0, []
        connection = session.connection()
        now = _sqlite_time(utcnow().replace(tzinfo=None))
        if not _is_stored(connection, batch[0].record):
            # Most batches are all new: insert them at once. A stored or
            # repeated key fails the insert; the transaction holds only this
            # batch's rows then, so it is rolled back and the batch compared
            # row by row below.
            try:
                connection.exec_driver_sql(self.INSERT, [self._row(p, import_id, now) for p in batch])
            except sa.exc.IntegrityError:
                session.rollback()
                connection = session.connection()
            else:
                return len(batch), 0, []
        return self._compare_and_insert(connection, batch, import_id, now)

    @staticmethod
    def _row(pending: _Pending, import_id: int, now: str) -> tuple[Any, ...]:
        values = list(_values(pending.record, pending.jurisdiction))
        values[_OCCURRED_AT] = _sqlite_time(values[_OCCURRED_AT])
        return (*values, import_id, now)

    def _compare_and_insert(self, connection: Any, batch: list[_Pending], import_id: int,
                            now: str) -> tuple[int, int, list[Reject]]:
        unique, duplicates, conflicts = _within_file(batch)
        if not unique:
            return 0, duplicates, conflicts
        table = ContactLog.__table__
        stored: dict[tuple[str, str], ContactRecord] = {}
        by_source: dict[str, list[str]] = {}
        for pending in unique:
            by_source.setdefault(pending.record.source, []).append(pending.record.external_id)
        columns = [table.c[name] for name in ("id", *FIELD_NAMES_CANONICAL)]
        for source, ids in by_source.items():
            for start in range(0, len(ids), self.KEY_CHUNK):
                chunk = ids[start : start + self.KEY_CHUNK]
                query = sa.select(*columns).where(table.c.source == source, table.c.external_id.in_(chunk))
                for row in connection.execute(query).mappings():
                    stored[(row["source"], row["external_id"])] = stored_record(row)
        new_rows = []
        for pending in unique:
            existing = stored.get((pending.record.source, pending.record.external_id))
            if existing is None:
                new_rows.append(self._row(pending, import_id, now))
            elif canonical_form(existing) == canonical_form(pending.record):
                duplicates += 1
            else:
                fields = differing_fields(existing, pending.record)
                conflicts.append(Reject(pending.line, _conflict_reason(fields, "the stored log"), pending.raw))
        if new_rows:
            # The driver's executemany with ready-made tuples: building a
            # parameter dict per row through the ORM layer doubled the time.
            connection.exec_driver_sql(self.INSERT, new_rows)
        return len(new_rows), duplicates, conflicts


_STAGING_DDL = """
CREATE TEMP TABLE IF NOT EXISTS contact_log_staging (
    line bigint NOT NULL,
    source varchar(120), external_id varchar(120), agency varchar(200),
    agent_id varchar(120), account_ref varchar(64), occurred_at timestamp,
    consumer_tz varchar(64), channel varchar(16), direction varchar(16),
    outcome varchar(16), duration_s integer, counterparty varchar(16),
    contact_point varchar(254), phone_key varchar(16), notes text,
    disposition varchar(32), jurisdiction varchar(16)
) ON COMMIT DELETE ROWS
"""
_COLUMN_LIST = ", ".join(_COLUMNS)
_INSERT_NEW = f"""
WITH inserted AS (
    INSERT INTO contact_log ({_COLUMN_LIST}, import_id, imported_at)
    SELECT {_COLUMN_LIST}, %(import_id)s, %(now)s FROM contact_log_staging ORDER BY line
    ON CONFLICT (source, external_id) DO NOTHING
    RETURNING source, external_id
)
SELECT s.line FROM contact_log_staging s
WHERE NOT EXISTS (
    SELECT 1 FROM inserted i WHERE i.source = s.source AND i.external_id = s.external_id
)
"""
_DIFFERENCES = "ARRAY[{}]".format(
    ", ".join(
        f"CASE WHEN c.{name} IS DISTINCT FROM s.{name} THEN '{name}' END"
        for name in FIELD_NAMES_CANONICAL
        if name not in ("source", "external_id")
    )
)
_COMPARE_STORED = f"""
SELECT s.line, array_remove({_DIFFERENCES}, NULL)
FROM contact_log_staging s
JOIN contact_log c ON c.source = s.source AND c.external_id = s.external_id
WHERE s.line = ANY(%(lines)s)
"""


class _PostgresWriter:
    """Streams each batch into contact_log with ``COPY`` while the rows are
    read, so the server stores one row while the next is validated.

    The COPY runs inside a savepoint of the batch's transaction. When a key
    of the batch is already stored (a re-import, an overlapping file, a
    concurrent import) or repeats inside the batch, the COPY fails on the
    unique index and is rolled back to the savepoint; the batch then goes
    through a temporary staging table: COPY, INSERT ... ON CONFLICT DO
    NOTHING, and the rows not inserted compared with the stored ones in SQL.
    A batch whose first key is stored (the usual re-import) goes there at
    once, without streaming.
    """

    def __init__(self) -> None:
        self._open: contextlib.ExitStack | None = None
        self._copy: Any = None
        self._staged_only = False
        self._now: datetime | None = None

    def add(self, session: Any, pending: _Pending, import_id: int) -> None:
        if self._copy is None:
            if self._staged_only:
                return
            if not self._start(session, pending):
                self._staged_only = True
                return
        self._copy.write_row((*_values(pending.record, pending.jurisdiction), import_id, self._now))

    def _start(self, session: Any, first: _Pending) -> bool:
        """Open the batch's COPY, unless its first key is stored already."""
        connection = session.connection()
        if _is_stored(connection, first.record):
            return False
        raw = connection.connection.driver_connection
        self._now = utcnow().replace(tzinfo=None)
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(raw.transaction())  # a savepoint inside the batch's transaction
            cursor = stack.enter_context(raw.cursor())
            self._copy = stack.enter_context(
                cursor.copy(f"COPY contact_log ({_COLUMN_LIST}, import_id, imported_at) FROM STDIN"))
        except BaseException:
            stack.close()
            raise
        self._open = stack
        return True

    def abandon(self, error: BaseException) -> None:
        """End a COPY in flight without storing it (the caller rolls back)."""
        stack, self._open, self._copy, self._staged_only = self._open, None, None, False
        if stack is not None:
            with contextlib.suppress(Exception):
                stack.__exit__(type(error), error, error.__traceback__)

    def finish(self, session: Any, batch: list[_Pending], import_id: int) -> tuple[int, int, list[Reject]]:
        stack, self._open, self._copy, self._staged_only = self._open, None, None, False
        if stack is not None:
            try:
                stack.close()  # ends the COPY and releases the savepoint
            except psycopg.errors.UniqueViolation:
                pass  # rolled back to the savepoint: a key is stored or repeats in the batch
            else:
                return len(batch), 0, []
        unique, duplicates, conflicts = _within_file(batch)
        if not unique:
            return 0, duplicates, conflicts
        raw = session.connection().connection.driver_connection
        return self._write_staged(raw, unique, import_id, utcnow().replace(tzinfo=None), duplicates, conflicts)

    @staticmethod
    def _write_staged(raw: Any, unique: list[_Pending], import_id: int, now: datetime, duplicates: int,
                      conflicts: list[Reject]) -> tuple[int, int, list[Reject]]:
        with raw.cursor() as cursor:
            cursor.execute(_STAGING_DDL)
            with cursor.copy(f"COPY contact_log_staging (line, {_COLUMN_LIST}) FROM STDIN") as copy:
                for pending in unique:
                    copy.write_row((pending.line, *_values(pending.record, pending.jurisdiction)))
            cursor.execute(_INSERT_NEW, {"import_id": import_id, "now": now})
            not_inserted = [line for (line,) in cursor.fetchall()]
            differences: dict[int, list[str]] = {}
            if not_inserted:
                cursor.execute(_COMPARE_STORED, {"lines": not_inserted})
                differences = {line: fields for line, fields in cursor.fetchall()}
        by_line = {p.line: p for p in unique}
        for line in not_inserted:
            fields = differences.get(line)
            if fields is None:  # pragma: no cover - a concurrent delete between the two statements
                raise RuntimeError(f"line {line}: neither inserted nor found")
            if fields:
                conflicts.append(Reject(line, _conflict_reason(fields, "the stored log"), by_line[line].raw))
            else:
                duplicates += 1
        return len(unique) - len(not_inserted), duplicates, conflicts


def _writer_for(dialect: str) -> _SQLiteWriter | _PostgresWriter:
    return _PostgresWriter() if dialect == "postgresql" else _SQLiteWriter()
