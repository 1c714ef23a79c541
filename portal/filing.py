"""Filing a complaint: the one way a complaint comes into Redress.

The web form, the JSON API and staff taking a complaint by phone all build a
:class:`ComplaintDraft` and call :func:`file_complaint`. It masks every
free-text field (SPEC section 7) before anything is stored or passed on,
gives the complaint a unique reference and a private access code, records
the public ``submitted`` event, routes it with the classifier (a failure
leaves it stored and unrouted) and computes its deadlines.

Nothing here commits: the caller commits once, then sends any e-mail.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

import sqlalchemy as sa
from classifiers.redaction import mask_fields
from sqlalchemy.exc import IntegrityError

from .domain import references
from .domain.profiles import profile_ids
from .extensions import db
from .models import Attachment, Complaint
from .models.types import utcnow
from .site_settings import default_profile_id
from .timeline import record_event

SOURCES = ("web", "api", "staff")
LANGUAGES = ("en", "zh_Hans")
CHANNELS = ("phone", "text", "email", "letter", "visit", "social_media", "other")
VULNERABILITIES = ("older_person", "illness_or_disability", "servicemember", "mental_health_crisis")
NARRATIVE_MIN, NARRATIVE_MAX = 20, 10_000
MAX_CONTACT_NUMBERS = 10
REFERENCE_ATTEMPTS = 8

# Free-text fields and the column width each is cut to (masking can only
# change a number into a marker, which is at most a few characters longer).
TEXT_FIELDS: dict[str, int | None] = {
    "narrative": None,
    "agency": 200,
    "agent_name": 200,
    "desired_resolution": None,
    "name": 200,
    "email": 254,
    "phone": 40,
    "account_ref": 64,
}

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2013\uff0d.]+")


class Upload(Protocol):
    """An evidence file already written to storage (see portal.evidence_store)."""

    original_name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str


@dataclass
class ComplaintDraft:
    """The complaint as the cardholder (or an integrating system) gave it."""

    narrative: str
    language: str = "en"
    jurisdiction: str | None = None  # a profile id; the configured default when None
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
    vulnerabilities: list[str] = field(default_factory=list)
    consent: bool = False
    publish_narrative: bool = False  # the separate opt-in to the public record (portal.public.record)


@dataclass(frozen=True)
class FiledComplaint:
    complaint: Complaint
    access_code: str  # shown to the cardholder once; only its hash is stored


class FilingRefused(ValueError):
    """The draft cannot be filed; ``errors`` maps field names to reasons (English)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in errors.items()))
        self.errors = errors


def looks_like_card_number(text: str | None) -> bool:
    """Whether an account reference is a whole card number (13–19 digits).

    Luhn validity does not matter here: the field asks for the last four
    digits or the issuer's own reference, and a long run of digits is far more
    likely a mistyped card number than a reference.
    """
    if not text:
        return False
    compact = _SEPARATORS.sub("", text.translate(_FULL_WIDTH_DIGITS))
    return compact.isdigit() and 13 <= len(compact) <= 19


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def validate_draft(draft: ComplaintDraft) -> dict[str, str]:
    """Problems that stop a draft being filed, by field (empty when none)."""
    errors: dict[str, str] = {}
    narrative = (draft.narrative or "").strip()
    if len(narrative) < NARRATIVE_MIN:
        errors["narrative"] = f"must be at least {NARRATIVE_MIN} characters"
    elif len(narrative) > NARRATIVE_MAX:
        errors["narrative"] = f"must be at most {NARRATIVE_MAX} characters"
    if draft.language not in LANGUAGES:
        errors["language"] = f"must be one of {', '.join(LANGUAGES)}"
    if draft.jurisdiction is not None and draft.jurisdiction not in profile_ids():
        errors["jurisdiction"] = f"unknown profile; profiles are {', '.join(profile_ids())}"
    if draft.incident_start and draft.incident_end and draft.incident_end < draft.incident_start:
        errors["incident_end"] = "must not be before incident_start"
    for name in ("amount_demanded", "amount_believed_owed"):
        amount = getattr(draft, name)
        if amount is not None and (amount < 0 or amount >= Decimal("1e12")):
            errors[name] = "must be between 0 and 999,999,999,999.99"
    if draft.currency and not re.fullmatch(r"[A-Za-z]{3}", draft.currency):
        errors["currency"] = "must be a three-letter ISO 4217 code"
    unknown = sorted(set(draft.channels) - set(CHANNELS))
    if unknown:
        errors["channels"] = f"unknown channels {unknown}; channels are {', '.join(CHANNELS)}"
    unknown = sorted(set(draft.vulnerabilities) - set(VULNERABILITIES))
    if unknown:
        errors["vulnerabilities"] = (
            f"unknown values {unknown}; values are {', '.join(VULNERABILITIES)}"
        )
    if len(draft.contact_numbers) > MAX_CONTACT_NUMBERS:
        errors["contact_numbers"] = f"at most {MAX_CONTACT_NUMBERS} numbers"
    for name, width in TEXT_FIELDS.items():
        value = getattr(draft, name)
        if value is not None and not isinstance(value, str):
            errors[name] = "must be text"
        elif width and value and len(value.strip()) > width:
            errors[name] = f"must be at most {width} characters"
    return errors


def mask_draft(draft: ComplaintDraft) -> tuple[dict[str, Any], int]:
    """Every free-text value of the draft masked, and how many items were masked."""
    texts: dict[str, str | None] = {
        name: _clean(getattr(draft, name)) for name in TEXT_FIELDS
    }
    numbers = [n.strip() for n in draft.contact_numbers if n and n.strip()]
    texts.update({f"contact_numbers.{i}": n for i, n in enumerate(numbers)})
    masked, count = mask_fields(texts)
    account_ref = masked["account_ref"]
    if looks_like_card_number(account_ref):
        # Not Luhn-valid, so not masked above, but the field must never hold
        # a whole card-like number: keep the last four digits only.
        digits = _SEPARATORS.sub("", account_ref.translate(_FULL_WIDTH_DIGITS))
        masked["account_ref"] = f"[card •••• {digits[-4:]}]"
        count += 1
    values: dict[str, Any] = {
        name: masked[name][:width] if masked[name] and width else masked[name]
        for name, width in TEXT_FIELDS.items()
    }
    values["contact_numbers"] = [masked[f"contact_numbers.{i}"] for i in range(len(numbers))]
    return values, count


def file_complaint(
    draft: ComplaintDraft,
    *,
    source: str,
    uploads: Iterable[Upload] = (),
    masked_before: int = 0,
) -> FiledComplaint:
    """Store a complaint with its ``submitted`` event, routed and with deadlines.

    ``uploads`` are evidence files already stored (portal.evidence_store);
    ``masked_before`` counts numbers masked upstream (the web form masks its
    draft as it is saved), added to ``redacted_count``.

    Raises :class:`FilingRefused` for a draft that fails :func:`validate_draft`.
    Does not commit.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    errors = validate_draft(draft)
    if errors:
        raise FilingRefused(errors)
    values, redacted = mask_draft(draft)
    uploads = list(uploads)
    names, redacted_names = _masked_names(uploads)

    access_code = references.new_access_code()
    complaint = Complaint(
        access_code_hash=references.hash_access_code(access_code),
        source=source,
        language=draft.language,
        jurisdiction=draft.jurisdiction or default_profile_id(),
        status="received",
        incident_start=draft.incident_start,
        incident_end=draft.incident_end,
        channels=_unique(draft.channels),
        amount_demanded=draft.amount_demanded,
        amount_believed_owed=draft.amount_believed_owed,
        currency=draft.currency.upper() if draft.currency else None,
        vulnerabilities=_unique(draft.vulnerabilities),
        consent=bool(draft.consent),
        publish_narrative=bool(draft.publish_narrative),
        redacted_count=redacted + redacted_names + masked_before,
        received_at=utcnow(),
        **values,
    )
    _add_with_unique_reference(complaint)

    submitted = record_event(
        complaint,
        "submitted",
        actor_type="api" if source == "api" else ("staff" if source == "staff" else "cardholder"),
        public=True,
        data={"source": source, "attachments": names},
    )
    db.session.flush()  # the event id, for the attachments
    for upload, name in zip(uploads, names):
        db.session.add(_attachment(complaint, upload, name, event_id=submitted.id))

    from .routing import route_complaint

    route_complaint(complaint)
    from .cases.clock import refresh_deadlines

    refresh_deadlines(complaint)
    db.session.flush()
    return FiledComplaint(complaint=complaint, access_code=access_code)


def attach_evidence(
    complaint: Complaint, uploads: Sequence[Upload], *, event_id: int | None, uploaded_by: str = "cardholder"
) -> tuple[list[Attachment], int]:
    """Attachment rows for files added after filing (names masked); not committed."""
    names, redacted = _masked_names(list(uploads))
    rows = [
        _attachment(complaint, upload, name, event_id=event_id, uploaded_by=uploaded_by)
        for upload, name in zip(uploads, names)
    ]
    db.session.add_all(rows)
    return rows, redacted


def _masked_names(uploads: Sequence[Upload]) -> tuple[list[str], int]:
    """File names are free text too: a photo called after a card is masked."""
    masked, count = mask_fields({str(i): (u.original_name or "file")[:255] for i, u in enumerate(uploads)})
    return [masked[str(i)][:255] for i in range(len(uploads))], count


def _attachment(complaint: Complaint, upload: Upload, name: str, *, event_id, uploaded_by="cardholder") -> Attachment:
    return Attachment(
        complaint=complaint,
        event_id=event_id,
        original_name=name,
        stored_name=upload.stored_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_at=utcnow(),
        uploaded_by=uploaded_by,
    )


def _add_with_unique_reference(complaint: Complaint) -> None:
    """Give the complaint a reference no other complaint has, and add it.

    A reference already taken is skipped before inserting. Two requests that
    draw the same new reference at the same moment clash on the unique
    constraint; on PostgreSQL the insert runs in a savepoint so the clash is
    retried without losing the transaction. SQLite has one writer at a time,
    and its driver's savepoints would commit the outer transaction on release,
    so there the check before inserting is the whole guard.
    """
    use_savepoint = db.session.get_bind().dialect.name == "postgresql"
    for _ in range(REFERENCE_ATTEMPTS):
        reference = references.new_reference()
        taken = db.session.scalar(sa.select(Complaint.id).where(Complaint.reference == reference))
        if taken is not None:
            continue
        complaint.reference = reference
        if not use_savepoint:
            db.session.add(complaint)
            db.session.flush()
            return
        try:
            with db.session.begin_nested():
                db.session.add(complaint)
                db.session.flush()
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not draw an unused complaint reference")


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
