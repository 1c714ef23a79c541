"""The error summary at the top of a cardholder's form.

Each line is the field's own message, linked to the field ("Please tell us
what happened."), not "What happened?: Please tell us what happened.", and
not the whole consent sentence again. Where one message stands for several
fields ("Please keep this under 200 characters."), the field's name comes
first so the line still says which box it means.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

_TRAILING = "?？:：.。 "


@dataclass(frozen=True)
class SummaryLine:
    field_id: str
    text: str


def field_name(label: str) -> str:
    """A label as a name: "What happened?" -> "What happened"."""
    return str(label).strip().rstrip(_TRAILING)


def summary_lines(forms: Iterable, language: str = "en") -> list[SummaryLine]:
    errors = [
        (f.id, str(f.label.text), str(message))
        for form in forms
        if form is not None
        for f in form
        for message in (f.errors if isinstance(f.errors, (list, tuple)) else [])
    ]
    counts: dict[str, int] = {}
    for _id, _label, message in errors:
        counts[message] = counts.get(message, 0) + 1
    separator = "：" if language == "zh_Hans" else ": "
    return [
        SummaryLine(field_id, f"{field_name(label)}{separator}{message}" if counts[message] > 1 else message)
        for field_id, label, message in errors
    ]
