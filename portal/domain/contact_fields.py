"""Validation of one contact-log import row (SPEC section 5, "Import validation").

Pure: no Flask, no database. The CLI, the staff upload page and the API all
read a row into a ``dict`` of field name -> value and call
``parse_contact_row``; a bad row raises ``RowRejected`` whose ``reason`` names
the field and the problem, in plain English, ready for the rejects file. A
reason never repeats the value (it may hold a card number).

Card and resident ID numbers are masked (``classifiers.redaction``) in every
free-text and identifier field (``MASKED_FIELDS``) before a record leaves
this module, so they are masked before they are compared, stored, audited or
exported.

``canonical_form`` gives the comparable form of a record for the duplicate
check: a row identical (after trimming spaces) to the stored row with the
same ``source`` and ``external_id`` is a duplicate; one that differs is a
reject.
"""
from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from dataclasses import fields, replace
from typing import Any

from classifiers.redaction import mask_sensitive

from .conduct import CHANNELS, COUNTERPARTIES, DIRECTIONS, DISPOSITIONS, OUTCOMES, ContactRecord

FIELD_NAMES = (
    "external_id",
    "source",
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
    "notes",
    "disposition",
)
# Beside the fields of SPEC section 5: the profile id the log belongs to
# (portal.contacts.jurisdiction); optional, stored but not compared.
JURISDICTION_FIELD = "jurisdiction"
KNOWN_FIELDS = (*FIELD_NAMES, JURISDICTION_FIELD)
REQUIRED_FIELDS = (
    "external_id",
    "source",
    "agency",
    "account_ref",
    "occurred_at",
    "consumer_tz",
    "channel",
    "direction",
    "outcome",
    "counterparty",
)
OPTIONAL_FIELDS = ("agent_id", "duration_s", "contact_point", "notes", "disposition")

ALLOWED_VALUES: dict[str, tuple[str, ...]] = {
    "channel": CHANNELS,
    "direction": DIRECTIONS,
    "outcome": OUTCOMES,
    "counterparty": COUNTERPARTIES,
    "disposition": DISPOSITIONS,
}

_ALLOWED_SETS = {name: frozenset(values) for name, values in ALLOWED_VALUES.items()}

# The column sizes of portal.models.contact_log.ContactLog: a longer value is
# a reject here rather than a database error later.
MAX_LENGTHS = {
    "source": 120,
    "external_id": 120,
    "agency": 200,
    "agent_id": 120,
    "account_ref": 64,
    "consumer_tz": 64,
    "contact_point": 254,
    "notes": 100_000,
}
# Every field that holds free text or an identifier: masked (SPEC section 7).
MASKED_FIELDS = ("source", "external_id", "agency", "agent_id", "account_ref", "contact_point", "notes")
# A card number has at least 13 digits and a resident ID 15: values with fewer
# digits (nearly all of them) cannot hold one and skip the full scan.
_MASK_MIN_DIGITS = 13
# Instants a stored log can hold and the rules can step a week from, in UTC.
OCCURRED_YEARS = (1900, 2999)

# A larger number is not a call length, and would overflow a 32-bit column.
MAX_DURATION_S = 2_147_483_647

_WHOLE_NUMBER = re.compile(r"[0-9]+")
# ISO 8601 date and time with an explicit offset (or Z): what datetime.fromisoformat
# accepts is broader (week dates, no time, no offset), so the shape is checked first.
_ISO_WITH_OFFSET = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?(Z|z|[+-]\d{2}(:?\d{2})?)",
    re.ASCII,
)


class RowRejected(ValueError):
    """One import row is invalid; ``reason`` says which field and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@functools.lru_cache(maxsize=1)
def _iana_zones() -> frozenset[str]:
    # "localtime" is a file some systems keep next to the zones, not an IANA name.
    return frozenset(zoneinfo.available_timezones() - {"localtime"})


def is_iana_zone(name: str) -> bool:
    return name in _iana_zones()


def _text(mapping: Mapping[str, Any], name: str) -> str | None:
    """The field trimmed, or None when absent or empty."""
    value = mapping.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RowRejected(f"{name}: expected text, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        return None
    if "\x00" in text:
        raise RowRejected(f"{name}: contains a NUL character")
    if not text.isascii() and not _encodable(text):
        raise RowRejected(f"{name}: contains a character that is not valid Unicode text (a lone surrogate)")
    limit = MAX_LENGTHS.get(name)
    if limit is not None and len(text) > limit:
        raise RowRejected(f"{name}: longer than {limit} characters")
    return text


def _encodable(text: str) -> bool:
    """False for text with a lone surrogate (from a JSON escape): no database stores it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _choice(name: str, value: str | None, required: bool) -> str | None:
    """A trimmed value checked against the field's allowed values."""
    if value is None:
        if required:
            raise RowRejected(f"{name}: required, one of {', '.join(ALLOWED_VALUES[name])}")
        return None
    if value not in _ALLOWED_SETS[name]:
        raise RowRejected(
            f"{name}: the value is not allowed; use one of {', '.join(ALLOWED_VALUES[name])}"
        )
    return value


def parse_occurred_at(value: Any) -> datetime:
    """An ISO 8601 date and time with an offset, as an aware UTC datetime."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowRejected("occurred_at: required, an ISO 8601 date and time with an offset")
    if not isinstance(value, str):
        raise RowRejected(f"occurred_at: expected text, got {type(value).__name__}")
    text = value.strip()
    if not _ISO_WITH_OFFSET.fullmatch(text):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
            raise RowRejected(
                "occurred_at: the value has no time and no UTC offset; "
                "write it like 2026-03-01T09:30:00-05:00"
            )
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?)?", text):
            raise RowRejected(
                "occurred_at: the value has no UTC offset; write it like 2026-03-01T09:30:00-05:00"
            )
        raise RowRejected(
            "occurred_at: the value is not an ISO 8601 date and time with an offset "
            "(like 2026-03-01T09:30:00-05:00)"
        )
    try:
        parsed = datetime.fromisoformat(text.replace(",", ".").replace("z", "Z"))
    except ValueError:
        raise RowRejected("occurred_at: the value is not a valid date and time") from None
    if parsed.tzinfo is None:  # pragma: no cover - the pattern requires an offset
        raise RowRejected("occurred_at: the value has no UTC offset")
    try:
        utc = parsed.astimezone(timezone.utc)
    except OverflowError:  # 9999-12-31T23:59:59-14:00 is in the year 10000 in UTC
        utc = None
    if utc is None or not OCCURRED_YEARS[0] <= utc.year <= OCCURRED_YEARS[1]:
        raise RowRejected(
            f"occurred_at: the value is outside the years {OCCURRED_YEARS[0]} to {OCCURRED_YEARS[1]} (in UTC)"
        )
    return utc


def parse_duration(value: Any) -> int | None:
    """``duration_s``: a whole number of seconds >= 0, or None when empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise RowRejected("duration_s: must be a whole number of seconds, 0 or more")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise RowRejected("duration_s: the value is not a whole number of seconds")
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not _WHOLE_NUMBER.fullmatch(text):
            raise RowRejected("duration_s: the value is not a whole number of seconds, 0 or more")
        number = int(text)
    else:
        raise RowRejected(f"duration_s: expected a number, got {type(value).__name__}")
    if number < 0:
        raise RowRejected("duration_s: the value is negative; use a whole number of seconds, 0 or more")
    if number > MAX_DURATION_S:
        raise RowRejected(f"duration_s: the value is larger than {MAX_DURATION_S}")
    return number


# Every text field with its length limit (None: no limit), for the fast path.
_PLAIN_FIELDS = tuple((name, MAX_LENGTHS.get(name)) for name in FIELD_NAMES if name not in ("occurred_at", "duration_s"))


def _plain_texts(mapping: Mapping[str, Any]) -> dict[str, str | None] | None:
    """The text fields trimmed (None when absent or empty), or None when any of
    them needs a closer look (not a string, a NUL, too long): ``_text`` then
    checks field by field and names the first problem.

    Imports read millions of rows, nearly all of them plain: this pass costs
    a third of calling ``_text`` field by field.
    """
    get = mapping.get
    texts: dict[str, str | None] = {}
    for name, limit in _PLAIN_FIELDS:
        value = get(name)
        if value is None:
            texts[name] = None
            continue
        if value.__class__ is not str or "\x00" in value or not (value.isascii() or _encodable(value)):
            return None
        value = value.strip()
        if limit is not None and len(value) > limit:
            return None
        texts[name] = value or None
    return texts


def parse_contact_row(
    mapping: Mapping[str, Any],
    *,
    default_source: str | None = None,
    log_id: Any = None,
) -> ContactRecord:
    """Validate one import row and return it as a ``ContactRecord``.

    Values are trimmed; empty optional fields become None. ``default_source``
    fills ``source`` only where the row has none (the CLI's ``--source``).
    Keys other than the fields of SPEC section 5 are ignored; the caller
    decides whether an unknown CSV column is an error. Card and ID numbers in
    ``MASKED_FIELDS`` come back masked. Raises ``RowRejected``.
    """
    if not isinstance(mapping, Mapping):
        raise RowRejected("the row is not an object of field names and values")
    plain = _plain_texts(mapping)
    text = plain.__getitem__ if plain is not None else functools.partial(_text, mapping)
    return mask_numbers(_parse(text, mapping, default_source, log_id))


_NOT_ASCII_DIGITS = bytes(b for b in range(256) if not 48 <= b <= 57)


def _digit_count(value: str) -> int:
    """How many digits ``value`` has (imports call this for millions of values:
    ASCII text is counted by one C-level bytes.translate)."""
    if value.isascii():
        return len(value.encode("ascii").translate(None, _NOT_ASCII_DIGITS))
    return sum(map(str.isdigit, value))  # full-width digits count too


def mask_numbers(record: ContactRecord) -> ContactRecord:
    """The record with card and ID numbers masked in every field of ``MASKED_FIELDS``.

    A masked value longer than its column is a reject (the marker can be
    longer than the digits it replaces)."""
    long_values = [v for v in map(record.__getattribute__, MASKED_FIELDS) if v is not None and len(v) >= _MASK_MIN_DIGITS]
    # Most rows hold fewer than 13 digits in all these fields together: one count settles them.
    if not long_values or _digit_count("".join(long_values)) < _MASK_MIN_DIGITS:
        return record
    changes: dict[str, str] = {}
    for name in MASKED_FIELDS:
        value = getattr(record, name)
        if value is None or len(value) < _MASK_MIN_DIGITS or _digit_count(value) < _MASK_MIN_DIGITS:
            continue
        masked = mask_sensitive(value)
        if masked.count:
            limit = MAX_LENGTHS.get(name)
            if limit is not None and len(masked.text) > limit:
                raise RowRejected(f"{name}: longer than {limit} characters once card and ID numbers are masked")
            changes[name] = masked.text
    return replace(record, **changes) if changes else record


def _parse_checked(mapping: Mapping[str, Any], default_source: str | None, log_id: Any) -> ContactRecord:
    """``parse_contact_row`` field by field, without the fast pass."""
    return mask_numbers(_parse(functools.partial(_text, mapping), mapping, default_source, log_id))


def _parse(text: Callable[[str], str | None], mapping: Mapping[str, Any], default_source: str | None,
           log_id: Any) -> ContactRecord:
    """The checks of one row in their fixed order; ``text(name)`` gives a text
    field trimmed (None when empty) or raises the field's RowRejected."""
    source = text("source")
    if source is None and default_source is not None:
        source = _text({"source": default_source}, "source")
    values: dict[str, str | None] = {"source": source}
    for name in ("external_id", "agency", "account_ref"):
        values[name] = text(name)
    for name in ("external_id", "source", "agency", "account_ref"):
        if values[name] is None:
            raise RowRejected(f"{name}: required")
    occurred_at = parse_occurred_at(mapping.get("occurred_at"))
    consumer_tz = text("consumer_tz")
    if consumer_tz is None:
        raise RowRejected("consumer_tz: required, an IANA time zone such as America/New_York")
    if not is_iana_zone(consumer_tz):
        raise RowRejected("consumer_tz: the value is not an IANA time zone (like America/New_York)")
    channel = _choice("channel", text("channel"), True)
    direction = _choice("direction", text("direction"), True)
    outcome = _choice("outcome", text("outcome"), True)
    counterparty = _choice("counterparty", text("counterparty"), True)
    disposition = _choice("disposition", text("disposition"), False)
    return ContactRecord(
        source=values["source"],  # type: ignore[arg-type]
        external_id=values["external_id"],  # type: ignore[arg-type]
        agency=values["agency"],  # type: ignore[arg-type]
        agent_id=text("agent_id"),
        account_ref=values["account_ref"],  # type: ignore[arg-type]
        occurred_at=occurred_at,
        consumer_tz=consumer_tz,
        channel=channel,  # type: ignore[arg-type]
        direction=direction,  # type: ignore[arg-type]
        outcome=outcome,  # type: ignore[arg-type]
        duration_s=parse_duration(mapping.get("duration_s")),
        counterparty=counterparty,  # type: ignore[arg-type]
        contact_point=text("contact_point"),
        notes=text("notes"),
        disposition=disposition,
        log_id=log_id,
    )


def parse_jurisdiction(value: Any, known: frozenset[str]) -> str | None:
    """The optional ``jurisdiction`` field: a profile id, or None when empty.

    It is not part of ``ContactRecord`` (the rules never read it) nor of the
    duplicate check: the importer stores it beside the record.
    """
    if value is None:
        return None
    if value.__class__ is not str:
        raise RowRejected(f"jurisdiction: expected text, got {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    if text not in known:
        raise RowRejected(f"jurisdiction: the value is not a profile; use one of {', '.join(sorted(known))}")
    return text


def canonical_form(record: ContactRecord) -> tuple[Any, ...]:
    """The comparable form of a log: equal forms mean a duplicate row.

    Every field of SPEC section 5 in a fixed order; the instant in UTC (a
    stored log keeps no offset, so 09:00-05:00 and 14:00Z are the same
    instant); optional fields None when empty. ``log_id`` is left out.
    Build the stored side with the same ``ContactRecord`` fields (and the
    same masking of notes) before comparing.
    """
    at = record.occurred_at.astimezone(timezone.utc)
    return (
        record.source,
        record.external_id,
        record.agency,
        record.agent_id or None,
        record.account_ref,
        at.isoformat(),
        record.consumer_tz,
        record.channel,
        record.direction,
        record.outcome,
        record.duration_s,
        record.counterparty,
        record.contact_point or None,
        record.notes or None,
        record.disposition or None,
    )


def differing_fields(a: ContactRecord, b: ContactRecord) -> list[str]:
    """Names of the fields where two logs differ (for a conflict's reason)."""
    return [name for name, x, y in zip(FIELD_NAMES_CANONICAL, canonical_form(a), canonical_form(b)) if x != y]


# The order of canonical_form: the ContactRecord's own field order.
FIELD_NAMES_CANONICAL = tuple(f.name for f in fields(ContactRecord) if f.name != "log_id")
