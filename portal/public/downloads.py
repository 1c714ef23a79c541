"""CSV and JSON downloads, written row by row (no Flask, no database).

Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab
or carriage return before one of them) as a formula, so a narrative that
begins "=HYPERLINK(...)" would run on the reader's machine. Every such text
cell is prefixed with an apostrophe, which spreadsheets show as text (OWASP,
"CSV Injection").
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_cell(value: Any) -> Any:
    """A cell value that no spreadsheet runs as a formula (numbers pass unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    return neutralise_cell(value)


def csv_lines(header: Sequence[str], rows: Iterable[Mapping[str, Any] | Sequence[Any]],
              keys: Sequence[str] | None = None) -> Iterator[str]:
    """The CSV text, one line at a time; ``keys`` pick each mapping row's values in header order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([neutralise_cell(h) for h in header])
    yield flush()
    for row in rows:
        values = [row.get(k) for k in keys] if keys is not None and isinstance(row, Mapping) else list(row)
        writer.writerow([_cell(v) for v in values])
        yield flush()


def json_array_chunks(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """A JSON array, one element at a time (valid JSON when the stream ends)."""
    yield "["
    first = True
    for row in rows:
        yield ("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False, sort_keys=False)
        first = False
    yield "\n]\n"
