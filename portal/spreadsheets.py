"""Cells of the CSV files the portal writes, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or their full-width
forms), a tab, a carriage return or a line feed is read as a formula by
Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)`` can carry data
away). Such a cell gets a leading apostrophe, which the spreadsheet shows as
text and hides. Every column of every CSV the portal writes goes through
:func:`safe_row`.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def safe_cell(value: Any) -> Any:
    """``value`` with a formula start neutralised; numbers and None pass through."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
