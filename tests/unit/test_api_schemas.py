"""The complaint JSON schema: every rule, every message, all errors at once."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.api.schemas import FIELDS, NARRATIVE_MAX, NARRATIVE_MIN, validate_complaint

TODAY = date(2026, 11, 28)
JURISDICTIONS = ("cn-nfra", "uk-fca", "us-cfpb")
NARRATIVE = "The collector called my employer three times last week about my card debt."


def check(payload):
    return validate_complaint(payload, jurisdictions=JURISDICTIONS, today=TODAY)


def problems(payload) -> dict[str, str]:
    result = check(payload)
    assert not result.ok
    assert result.fields is None
    return {e.field: e.message for e in result.errors}


def test_minimal_complaint_is_valid():
    result = check({"narrative": NARRATIVE})
    assert result.ok
    assert result.fields.narrative == NARRATIVE
    assert result.fields.channels == [] and result.fields.jurisdiction is None


def test_full_complaint_is_cleaned():
    result = check(
        {
            "narrative": f"  {NARRATIVE}  ",
            "language": "zh-Hans",
            "jurisdiction": "uk-fca",
            "agency": " Apex Recoveries ",
            "agent_name": "",
            "incident_start": "2026-10-01",
            "incident_end": "2026-10-20",
            "contact_numbers": ["+44 20 7946 0000", "+44 20 7946 0000"],
            "channels": ["phone", "text"],
            "amount_demanded": "1250.5",
            "amount_believed_owed": 300,
            "currency": "gbp",
            "account_ref": "card ending 4242",
            "desired_resolution": "Stop calling my workplace.",
            "name": "Ann Example",
            "email": "Ann@Example.ORG",
            "phone": "+44 7700 900123",
            "vulnerabilities": ["older_person"],
        }
    )
    assert result.ok, result.errors
    f = result.fields
    assert f.narrative == NARRATIVE
    assert f.language == "zh_Hans"
    assert f.agency == "Apex Recoveries" and f.agent_name is None
    assert f.incident_start == date(2026, 10, 1) and f.incident_end == date(2026, 10, 20)
    assert f.contact_numbers == ["+44 20 7946 0000"]
    assert f.amount_demanded == Decimal("1250.50") and f.amount_believed_owed == Decimal("300.00")
    assert f.currency == "GBP"
    assert f.email == "Ann@example.org"


def test_narrative_required_and_bounded():
    assert "required" in problems({})["narrative"]
    assert "at least 20" in problems({"narrative": "too short"})["narrative"]
    assert f"at most {NARRATIVE_MAX}" in problems({"narrative": "x" * (NARRATIVE_MAX + 1)})["narrative"]
    assert check({"narrative": "x" * NARRATIVE_MIN}).ok
    assert check({"narrative": "x" * NARRATIVE_MAX}).ok
    assert "string" in problems({"narrative": 12345678901234567890})["narrative"]


def test_every_bad_field_is_reported_at_once():
    found = problems(
        {
            "narrative": "short",
            "jurisdiction": "mars",
            "incident_start": "01/10/2026",
            "amount_demanded": "-5",
            "amount_believed_owed": "lots",
            "currency": "dollars",
            "account_ref": "4111 1111 1111 1111",
            "email": "not-an-address",
            "channels": ["pigeon"],
            "contact_numbers": "555-0100",
            "narative": "typo",
        }
    )
    assert set(found) == {
        "narrative", "jurisdiction", "incident_start", "amount_demanded", "amount_believed_owed",
        "currency", "account_ref", "email", "channels", "contact_numbers", "narative",
    }
    assert "cn-nfra, uk-fca, us-cfpb" in found["jurisdiction"]
    assert "YYYY-MM-DD" in found["incident_start"]
    assert "zero or more" in found["amount_demanded"]
    assert "decimal" in found["amount_believed_owed"]
    assert "3-letter" in found["currency"]
    assert "card number" in found["account_ref"]
    assert "e-mail" in found["email"]
    assert "item 0 must be one of" in found["channels"] and "pigeon" not in found["channels"]
    assert "list" in found["contact_numbers"]
    assert "unknown field" in found["narative"]


def test_errors_follow_the_field_order():
    result = check({"email": "x", "narrative": "short", "zzz": 1})
    assert [e.field for e in result.errors] == ["narrative", "email", "zzz"]
    assert FIELDS[0] == "narrative"


@pytest.mark.parametrize(
    "ref, ok",
    [("4242", True), ("ACC-12345678901", True), ("123456789012", False), ("4111-1111-1111-1111", False),
     ("acct 1234 5678 9012", False)],
)
def test_account_ref_never_a_card_number(ref, ok):
    assert check({"narrative": NARRATIVE, "account_ref": ref}).ok is ok


@pytest.mark.parametrize(
    "amount, message",
    [("1.234", "2 decimal places"), (True, "decimal"), ("NaN", "decimal"), ("Infinity", "decimal"),
     ("1e20", "at most"), ([1], "decimal")],
)
def test_bad_amounts(amount, message):
    assert message in problems({"narrative": NARRATIVE, "amount_demanded": amount, "currency": "USD"})["amount_demanded"]


def test_amount_needs_a_currency():
    assert "required when an amount" in problems({"narrative": NARRATIVE, "amount_demanded": 10})["currency"]


def test_dates_in_order_and_not_in_future():
    assert "before incident_start" in problems(
        {"narrative": NARRATIVE, "incident_start": "2026-10-20", "incident_end": "2026-10-01"})["incident_end"]
    assert "future" in problems({"narrative": NARRATIVE, "incident_start": "2027-01-01"})["incident_start"]
    assert check({"narrative": NARRATIVE, "incident_end": "2026-11-29"}).ok  # a day of slack for time zones


def test_body_must_be_an_object():
    result = check(["not", "an", "object"])
    assert [e.to_dict() for e in result.errors] == [
        {"field": "", "message": "the body must be a JSON object of complaint fields"}]


def test_vulnerabilities_from_the_list():
    assert "older_person" in problems({"narrative": NARRATIVE, "vulnerabilities": ["tired"]})["vulnerabilities"]


def test_at_most_ten_contact_numbers():
    numbers = [f"+1 555 010{i:02d}" for i in range(11)]
    assert "at most 10" in problems({"narrative": NARRATIVE, "contact_numbers": numbers})["contact_numbers"]


def test_language_and_phone():
    assert "en, zh_Hans" in problems({"narrative": NARRATIVE, "language": "fr"})["language"]
    assert "telephone" in problems({"narrative": NARRATIVE, "phone": "call me maybe"})["phone"]


def test_default_jurisdictions_are_the_profiles_on_disk():
    from portal.domain.profiles import profile_ids

    ids = profile_ids()
    assert ids
    assert validate_complaint({"narrative": NARRATIVE, "jurisdiction": ids[0]}).ok
    assert not validate_complaint({"narrative": NARRATIVE, "jurisdiction": "nowhere"}).ok
