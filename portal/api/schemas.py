"""Validation of a complaint sent as JSON (SPEC section 8). Pure: no Flask.

``validate_complaint(payload)`` checks every field and returns either the
cleaned values or the full list of problems (every bad field at once, each a
``FieldError(field, message)``), so an integrating system can fix a record in
one round trip. The limits are module constants; the OpenAPI document is
built from the same constants, so the two cannot drift apart.

Unknown fields are refused (a misspelt ``narative`` must not silently drop
the complaint's text).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from classifiers.redaction import mask_sensitive
from email_validator import EmailNotValidError, validate_email

from ..domain.region import region_problem

NARRATIVE_MIN = 20
NARRATIVE_MAX = 10_000
SHORT_TEXT_MAX = 200
RESOLUTION_MAX = 5_000
EMAIL_MAX = 254
PHONE_MAX = 40
ACCOUNT_REF_MAX = 64
ACCOUNT_REF_MAX_DIGITS = 11  # 12 digits or more could be a card number
REGION_MAX = 64  # complaint.region, published on /data
LIST_MAX_ITEMS = 20
LIST_ITEM_MAX = 100
AMOUNT_MAX = Decimal("999999999999.99")  # Numeric(14, 2)
LANGUAGES = ("en", "zh_Hans")
# What an integrating system may send for ``language``, and what it means.
LANGUAGE_ALIASES = {"en": "en", "zh_Hans": "zh_Hans", "zh-Hans": "zh_Hans", "zh": "zh_Hans", "zh-CN": "zh_Hans"}
# The same vocabularies as portal.filing (which a test holds them to): how the
# collector reached the cardholder, and circumstances that call for extra care.
CHANNELS = ("phone", "text", "email", "letter", "visit", "social_media", "other")
VULNERABILITIES = ("older_person", "illness_or_disability", "servicemember", "mental_health_crisis")
MAX_CONTACT_NUMBERS = 10
# Contact logs per POST /api/v1/contact-logs: larger batches go through the file import.
MAX_CONTACT_LOG_ROWS = 10_000
# Complaints per POST /api/v1/complaints/batch.
MAX_BATCH_COMPLAINTS = 500
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()./-]{3,40}$")
CURRENCY_PATTERN = re.compile(r"^[A-Za-z]{3}$")

FIELDS = (
    "narrative",
    "language",
    "jurisdiction",
    "agency",
    "agent_name",
    "incident_start",
    "incident_end",
    "contact_numbers",
    "channels",
    "amount_demanded",
    "amount_believed_owed",
    "currency",
    "account_ref",
    "desired_resolution",
    "name",
    "email",
    "phone",
    "region",
    "vulnerabilities",
    "publish_narrative",
)


@dataclass(frozen=True)
class FieldError:
    field: str  # the JSON field name; "" for the body as a whole
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class ComplaintFields:
    """A complaint's fields after validation (strings trimmed, empty → None)."""

    narrative: str
    language: str | None = None
    jurisdiction: str | None = None
    agency: str | None = None
    agent_name: str | None = None
    incident_start: date | None = None
    incident_end: date | None = None
    contact_numbers: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    amount_demanded: Decimal | None = None
    amount_believed_owed: Decimal | None = None
    currency: str | None = None
    account_ref: str | None = None
    desired_resolution: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    region: str | None = None
    vulnerabilities: list[str] = field(default_factory=list)
    publish_narrative: bool = False


@dataclass
class Validation:
    fields: ComplaintFields | None
    errors: list[FieldError]

    @property
    def ok(self) -> bool:
        return not self.errors


class _Invalid(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _storable(text: str) -> str:
    """NUL characters and lone surrogates (JSON escapes) fit no database column."""
    if "\x00" in text:
        raise _Invalid("must not contain a NUL character")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise _Invalid("must not contain a lone surrogate (an unpaired \\ud800-\\udfff escape)") from None
    return text


def _text(value: Any, *, max_length: int, min_length: int = 0) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Invalid("must be a string")
    value = _storable(value).strip()
    if not value:
        if min_length:
            raise _Invalid("must not be empty")
        return None
    if len(value) < min_length:
        raise _Invalid(f"must be at least {min_length} characters (got {len(value)})")
    if len(value) > max_length:
        raise _Invalid(f"must be at most {max_length} characters (got {len(value)})")
    return value


def _string_list(value: Any, *, allowed: Iterable[str] | None = None, item_max: int = LIST_ITEM_MAX,
                 max_items: int = LIST_MAX_ITEMS) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Invalid("must be a list of strings")
    if len(value) > max_items:
        raise _Invalid(f"must have at most {max_items} items")
    allowed = tuple(allowed) if allowed is not None else None
    cleaned: list[str] = []
    for position, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _Invalid(f"item {position} must be a non-empty string")
        item = _storable(item).strip()
        if len(item) > item_max:
            raise _Invalid(f"item {position} must be at most {item_max} characters")
        if allowed is not None and item not in allowed:
            raise _Invalid(f"item {position} must be one of: {', '.join(allowed)}")
        if item not in cleaned:
            cleaned.append(item)
    return cleaned


def _date(value: Any, today: date) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _Invalid("must be a date as a string, YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        raise _Invalid("must be a date in ISO 8601 form, YYYY-MM-DD") from None
    # One day of slack: the sender's "today" may already be tomorrow in UTC.
    if parsed > today + timedelta(days=1):
        raise _Invalid("must not be in the future")
    return parsed


def _amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _Invalid("must be a decimal number, e.g. 1250.00")
    try:
        # str() of a float is its shortest round-trip form: 0.1 stays 0.1.
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise _Invalid("must be a decimal number, e.g. 1250.00") from None
    if not amount.is_finite():
        raise _Invalid("must be a decimal number, e.g. 1250.00")
    if amount < 0:
        raise _Invalid("must be zero or more")
    if amount > AMOUNT_MAX:
        raise _Invalid(f"must be at most {AMOUNT_MAX}")
    if amount != amount.quantize(Decimal("0.01")):
        raise _Invalid("must have at most 2 decimal places")
    return amount.quantize(Decimal("0.01"))


def _language(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value.strip() not in LANGUAGE_ALIASES:
        raise _Invalid(f"must be one of: {', '.join(LANGUAGES)} (also accepted: zh, zh-Hans, zh-CN)")
    return LANGUAGE_ALIASES[value.strip()]


def _jurisdiction(value: Any, allowed: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value.strip() not in allowed:
        raise _Invalid(f"must be one of the jurisdiction profiles: {', '.join(allowed)}")
    return value.strip()


def _currency(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not CURRENCY_PATTERN.match(value.strip()):
        raise _Invalid("must be a 3-letter ISO 4217 code, e.g. USD, CNY, GBP")
    return value.strip().upper()


def _account_ref(value: Any) -> str | None:
    value = _text(value, max_length=ACCOUNT_REF_MAX)
    if value is None:
        return None
    if sum(ch.isdigit() for ch in value) > ACCOUNT_REF_MAX_DIGITS:
        raise _Invalid(
            "must not be a full card number: give at most the last 4 digits "
            f"(the value has more than {ACCOUNT_REF_MAX_DIGITS} digits)"
        )
    return value


def _region(value: Any) -> str | None:
    """A state, province or county: published on /data, so a card or ID number in it is refused, not masked."""
    value = _text(value, max_length=REGION_MAX)
    if value is None:
        return None
    problem = region_problem(value)
    if problem == "number":
        raise _Invalid("must be a state, province or county, not a card or ID number")
    if problem == "contact":
        raise _Invalid("must be a state, province or county, not a phone number, e-mail or street address")
    return value


def _email(value: Any) -> str | None:
    value = _text(value, max_length=EMAIL_MAX)
    if value is None:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise _Invalid("must be a valid e-mail address") from None


def _publish_consent(value: Any) -> bool:
    """The cardholder's opt-in to publish the scrubbed narrative: a JSON boolean, false when omitted."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _Invalid("must be true or false (a JSON boolean)")
    return value


def _phone(value: Any) -> str | None:
    value = _text(value, max_length=PHONE_MAX)
    if value is None:
        return None
    if not PHONE_PATTERN.match(value) or sum(ch.isdigit() for ch in value) < 3:
        raise _Invalid("must be a telephone number (digits, spaces, + ( ) - . /)")
    return value


def validate_complaint(
    payload: Any,
    *,
    jurisdictions: Iterable[str] | None = None,
    today: date | None = None,
) -> Validation:
    """Check a complaint's JSON object; every problem is reported, none hidden.

    ``jurisdictions`` defaults to the profile ids on disk; ``today`` (for
    "not in the future") defaults to the current UTC date.
    """
    if jurisdictions is None:
        from ..domain.profiles import profile_ids

        jurisdictions = profile_ids()
    allowed_jurisdictions = tuple(jurisdictions)
    if today is None:
        from datetime import datetime, timezone

        today = datetime.now(timezone.utc).date()

    if not isinstance(payload, Mapping):
        return Validation(None, [FieldError("", "the body must be a JSON object of complaint fields")])

    checks: dict[str, Callable[[Any], Any]] = {
        "narrative": lambda v: _text(v, min_length=NARRATIVE_MIN, max_length=NARRATIVE_MAX),
        "language": _language,
        "jurisdiction": lambda v: _jurisdiction(v, allowed_jurisdictions),
        "agency": lambda v: _text(v, max_length=SHORT_TEXT_MAX),
        "agent_name": lambda v: _text(v, max_length=SHORT_TEXT_MAX),
        "incident_start": lambda v: _date(v, today),
        "incident_end": lambda v: _date(v, today),
        "contact_numbers": lambda v: _string_list(v, item_max=PHONE_MAX, max_items=MAX_CONTACT_NUMBERS),
        "channels": lambda v: _string_list(v, allowed=CHANNELS),
        "amount_demanded": _amount,
        "amount_believed_owed": _amount,
        "currency": _currency,
        "account_ref": _account_ref,
        "desired_resolution": lambda v: _text(v, max_length=RESOLUTION_MAX),
        "name": lambda v: _text(v, max_length=SHORT_TEXT_MAX),
        "email": _email,
        "phone": _phone,
        "region": _region,
        "vulnerabilities": lambda v: _string_list(v, allowed=VULNERABILITIES),
        "publish_narrative": _publish_consent,
    }

    errors: list[FieldError] = []
    cleaned: dict[str, Any] = {}
    for name in sorted(set(payload) - set(FIELDS), key=str):
        # The name comes from the sender: masked, and only what a JSON answer can carry.
        shown = mask_sensitive(str(name)).text.encode("utf-8", "replace").decode("utf-8")
        errors.append(FieldError(shown, "unknown field; see the API document for the fields accepted"))
    if payload.get("narrative") is None:
        errors.append(FieldError("narrative", "is required: what happened, in the cardholder's words"))
    for name, check in checks.items():
        if name == "narrative" and payload.get("narrative") is None:
            continue
        try:
            cleaned[name] = check(payload.get(name))
        except _Invalid as problem:
            errors.append(FieldError(name, problem.message))

    start, end = cleaned.get("incident_start"), cleaned.get("incident_end")
    if start and end and end < start:
        errors.append(FieldError("incident_end", "must not be before incident_start"))
    if (cleaned.get("amount_demanded") is not None or cleaned.get("amount_believed_owed") is not None) \
            and "currency" in cleaned and cleaned["currency"] is None:
        errors.append(FieldError("currency", "is required when an amount is given"))

    if errors:
        order = {name: i for i, name in enumerate(FIELDS)}
        errors.sort(key=lambda e: (order.get(e.field, len(FIELDS)), e.field))
        return Validation(None, errors)
    return Validation(ComplaintFields(**cleaned), [])
