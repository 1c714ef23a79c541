"""parse_contact_row: the fast pass for plain rows and the field-by-field
path must accept the same rows and give the same reasons."""
from __future__ import annotations

import itertools

import pytest

from portal.domain.contact_fields import FIELD_NAMES, RowRejected, _parse_checked, parse_contact_row

GOOD = {
    "external_id": "X1", "source": "dialer", "agency": "Acme", "agent_id": "A-1", "account_ref": "ACC-1",
    "occurred_at": "2026-03-01T09:30:00-05:00", "consumer_tz": "America/New_York", "channel": "call",
    "direction": "outbound", "outcome": "connected", "duration_s": "42", "counterparty": "debtor",
    "contact_point": "+1 555 0100", "notes": "said they will pay", "disposition": "",
}
VARIANTS = ["", "  ", None, "x" * 300, "bad\x00", 7, True, 1.5, ["list"], " padded ", "call", "Etc/UTC"]


def outcome(function, row, **options):
    try:
        return "ok", function(row, **options)
    except RowRejected as error:
        return "rejected", error.reason


def checked(row, default_source=None):
    return _parse_checked(row, default_source, None)


@pytest.mark.parametrize("field", FIELD_NAMES)
def test_one_bad_field_gives_the_same_answer_either_way(field):
    for value in VARIANTS:
        row = {**GOOD, field: value}
        assert outcome(parse_contact_row, row) == outcome(checked, row), (field, value)


def test_two_bad_fields_name_the_same_first_problem():
    for a, b in itertools.combinations(FIELD_NAMES, 2):
        for va, vb in (("", "bad\x00"), ("x" * 300, ""), (None, 7), ("nope", "  ")):
            row = {**GOOD, a: va, b: vb}
            assert outcome(parse_contact_row, row) == outcome(checked, row), (a, va, b, vb)


@pytest.mark.parametrize("default", [None, "cli", "", "   ", "y" * 200, "bad\x00"])
def test_default_source_fills_only_a_missing_source_either_way(default):
    for source in (None, "", "dialer"):
        row = {**GOOD, "source": source}
        assert outcome(parse_contact_row, row, default_source=default) == outcome(checked, row, default_source=default)


def test_plain_row_is_trimmed_and_empty_optionals_are_none():
    record = parse_contact_row({**GOOD, "agency": "  Acme  ", "notes": "   ", "duration_s": ""})
    assert record.agency == "Acme"
    assert record.notes is None and record.disposition is None and record.duration_s is None
    assert record.occurred_at.isoformat() == "2026-03-01T14:30:00+00:00"
