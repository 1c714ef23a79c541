"""Reading contact-log files row by row: CSV and JSON Lines.

Both readers stream: they hold one record at a time, whatever the file size.
Each row carries its line number (physical lines counted from 1; in a CSV the
header is line 1, and a quoted field with a line break makes a record span
several lines, numbered by its first), the original text (for the rejects
file) and the byte offset where it ends (for progress).
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..domain.contact_fields import FIELD_NAMES, KNOWN_FIELDS, REQUIRED_FIELDS

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_KNOWN = frozenset(KNOWN_FIELDS)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unknown type, bad header)."""


@dataclass(frozen=True, slots=True)
class SourceRow:
    line: int
    fields: Mapping[str, Any] | None  # None when the row could not be read
    error: str | None  # why it could not be read
    raw: str
    end_offset: int


def file_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ImportFileError(
            f"{Path(path).name}: unknown file type {suffix or '(none)'!r}; use .csv or .jsonl"
        )
    return FORMATS[suffix]


class _PhysicalLines:
    """Decodes a binary stream line by line, remembering what each record used."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.line_no = 0
        self.offset = 0
        self.used: list[str] = []
        self.undecodable: int | None = None

    def start_record(self) -> int:
        self.used = []
        self.undecodable = None
        return self.line_no + 1

    def __iter__(self) -> _PhysicalLines:
        return self

    def __next__(self) -> str:
        data = self.stream.readline()
        if not data:
            raise StopIteration
        self.line_no += 1
        self.offset += len(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
            if self.undecodable is None:
                self.undecodable = self.line_no
        if self.line_no == 1 and text.startswith("\ufeff"):
            text = text[1:]
        self.used.append(text)
        return text

    @property
    def record_text(self) -> str:
        return "".join(self.used).rstrip("\r\n")


def _not_utf8(line: int) -> str:
    return f"line {line} is not UTF-8 text"


def read_csv(stream: BinaryIO, *, source_given: bool = False) -> Iterator[SourceRow]:
    """Rows of a CSV file whose header names the fields of SPEC section 5.

    Raises ``ImportFileError`` for an empty file or a header that lacks a
    required column (``source`` may be missing when ``--source`` is given),
    repeats one, or names one that is not a contact-log field.
    """
    lines = _PhysicalLines(stream)
    reader = csv.reader(lines, strict=True)
    lines.start_record()
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty: line 1 must be the header") from None
    except csv.Error as error:
        raise ImportFileError(f"line 1 (header) cannot be read as CSV: {error}") from None
    names = [name.strip() for name in header]
    _check_header(names, source_given)
    width = len(names)
    while True:
        start = lines.start_record()
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield SourceRow(start, None, f"not valid CSV: {error}", lines.record_text, lines.offset)
            continue
        if not values or (len(values) == 1 and not values[0].strip() and width > 1):
            continue  # a blank line is not a row
        if lines.undecodable is not None:
            yield SourceRow(start, None, _not_utf8(lines.undecodable), lines.record_text, lines.offset)
        elif len(values) != width:
            yield SourceRow(
                start,
                None,
                f"has {len(values)} fields; the header has {width}",
                lines.record_text,
                lines.offset,
            )
        else:
            yield SourceRow(start, dict(zip(names, values)), None, lines.record_text, lines.offset)


def _check_header(names: list[str], source_given: bool) -> None:
    if not any(names):
        raise ImportFileError("line 1 must be the header: the field names of the contact log")
    unknown = [n for n in names if n not in _KNOWN]
    if unknown:
        raise ImportFileError(
            f"the header (line 1) has unknown column(s): {', '.join(map(repr, unknown))}; "
            f"the columns are {', '.join(KNOWN_FIELDS)}"
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ImportFileError(f"the header (line 1) repeats column(s): {', '.join(repeated)}")
    missing = [n for n in REQUIRED_FIELDS if n not in names and not (n == "source" and source_given)]
    if missing:
        raise ImportFileError(f"the header (line 1) lacks required column(s): {', '.join(missing)}")


def read_jsonl(stream: BinaryIO) -> Iterator[SourceRow]:
    """Rows of a JSON Lines file: one JSON object a line; blank lines skipped."""
    lines = _PhysicalLines(stream)
    for text in lines:
        line = lines.line_no
        raw = text.rstrip("\r\n")
        if lines.undecodable is not None:
            lines.undecodable = None
            yield SourceRow(line, None, _not_utf8(line), raw, lines.offset)
            continue
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError as error:
            yield SourceRow(line, None, f"not valid JSON: {error}", raw, lines.offset)
            continue
        except RecursionError:
            yield SourceRow(line, None, "not valid JSON: nested too deeply", raw[:2000], lines.offset)
            continue
        error = object_error(value)
        if error:
            yield SourceRow(line, None, error, raw, lines.offset)
        else:
            yield SourceRow(line, value, None, raw, lines.offset)


def object_error(value: Any) -> str | None:
    """Why a decoded JSON value is not a contact-log row, or None."""
    if not isinstance(value, dict):
        return "expected a JSON object of field names and values"
    unknown = sorted(k for k in value if k not in _KNOWN)
    if unknown:
        return f"unknown field(s): {', '.join(map(repr, unknown))}"
    return None


def read_file(stream: BinaryIO, fmt: str, *, source_given: bool = False) -> Iterator[SourceRow]:
    if fmt == "csv":
        return read_csv(stream, source_given=source_given)
    if fmt == "jsonl":
        return read_jsonl(stream)
    raise ImportFileError(f"unknown format {fmt!r}")
