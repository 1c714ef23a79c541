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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

import sqlalchemy as sa
from classifiers.redaction import mask_fields
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from .domain import references
from .domain.profiles import profile_ids
from .extensions import db
from .models import Attachment, Complaint, ComplaintEvent
from .models.types import utcnow
from . import search  # noqa: F401  (its before_insert listener fills the search document)
from .site_settings import default_profile_id
from .timeline import record_event

SOURCES = ("web", "api", "staff")
LANGUAGES = ("en", "zh_Hans")
CHANNELS = ("phone", "text", "email", "letter", "visit", "social_media", "other")
VULNERABILITIES = ("older_person", "illness_or_disability", "servicemember", "mental_health_crisis")
NARRATIVE_MIN, NARRATIVE_MAX = 20, 10_000
MAX_CONTACT_NUMBERS = 10
REGION_MAX = 64  # complaint.region: a state, province or county, published on /data
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
    "region": REGION_MAX,
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
    region: str | None = None  # state or province
    vulnerabilities: list[str] = field(default_factory=list)
    consent: bool = False
    publish_narrative: bool = False  # the separate opt-in to the public record (portal.public.record)


@dataclass(frozen=True)
class FiledComplaint:
    complaint: Complaint
    access_code: str  # shown to the cardholder once; only its hash is stored


class ReferenceClash(Exception):
    """A new reference was already taken (``clash_raises``): roll back and file again."""


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
    access_code: str | None = None,
    language_from_narrative: bool = False,
    clash_raises: bool = False,
) -> FiledComplaint:
    """Store a complaint with its ``submitted`` event, routed and with deadlines.

    ``uploads`` are evidence files already stored (portal.evidence_store);
    ``masked_before`` counts numbers masked upstream (the web form masks its
    draft as it is saved), added to ``redacted_count``. ``access_code`` is
    the cardholder's code when the caller has one (an idempotent API request
    derives it); otherwise a random one is drawn. With
    ``language_from_narrative`` the classifier's reading of the narrative
    sets the language (the sender did not say). With ``clash_raises`` a
    new reference that clashes with a stored one raises
    :class:`ReferenceClash` (roll back and file again) instead of being
    retried in a savepoint: two fewer round trips for a caller that can
    repeat its whole transaction and only reads the complaint afterwards
    (it is not kept in the session; see :func:`_store`).

    Raises :class:`FilingRefused` for a draft that fails :func:`validate_draft`.
    Everything is written at once (one INSERT per table, see :func:`_insert`); does not commit.
    """
    uploads = list(uploads)

    def build() -> list[FiledComplaint]:
        filed = _prepare_complaint(
            draft, source=source, uploads=uploads, masked_before=masked_before, access_code=access_code
        )
        from .routing import route_complaint

        route_complaint(filed.complaint)
        _finish([filed], language_from_narrative=language_from_narrative)
        return [filed]

    return _store(build, clash_raises=clash_raises)[0]


def file_complaints(
    drafts: Sequence[ComplaintDraft],
    *,
    source: str,
    access_codes: Sequence[str | None] | None = None,
    language_from_narrative: Sequence[bool] | bool = False,
    clash_raises: bool = False,
) -> list[FiledComplaint]:
    """:func:`file_complaint` for many drafts at once: one classifier batch, one INSERT per table.

    Every draft must be valid (call :func:`validate_draft` first): a
    :class:`FilingRefused` for any of them files none. Does not commit.
    """
    access_codes = list(access_codes) if access_codes is not None else [None] * len(drafts)
    if isinstance(language_from_narrative, bool):
        language_from_narrative = [language_from_narrative] * len(drafts)

    def build() -> list[FiledComplaint]:
        filed = [
            _prepare_complaint(draft, source=source, access_code=code)
            for draft, code in zip(drafts, access_codes)
        ]
        from .routing import route_complaints

        route_complaints([f.complaint for f in filed])
        _finish(filed, language_from_narrative=language_from_narrative)
        return filed

    return _store(build, clash_raises=clash_raises)


def _prepare_complaint(
    draft: ComplaintDraft,
    *,
    source: str,
    uploads: Iterable[Upload] = (),
    masked_before: int = 0,
    access_code: str | None = None,
) -> FiledComplaint:
    """Validate and mask the draft; the complaint, its ``submitted`` event and
    attachments added to the session (not written, no reference yet)."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    errors = validate_draft(draft)
    if errors:
        raise FilingRefused(errors)
    values, redacted = mask_draft(draft)
    uploads = list(uploads)
    names, redacted_names = _masked_names(uploads)

    access_code = access_code or references.new_access_code()
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
        routing_attempts=0,
        complexity="standard",
        pauses=[],
        **values,
    )
    db.session.add(complaint)

    submitted = record_event(
        complaint,
        "submitted",
        actor_type="api" if source == "api" else ("staff" if source == "staff" else "cardholder"),
        public=True,
        data={"source": source, "attachments": names},
    )
    for upload, name in zip(uploads, names):
        db.session.add(_attachment(complaint, upload, name, event=submitted))
    return FiledComplaint(complaint=complaint, access_code=access_code)


def _finish(filed: Sequence[FiledComplaint], *, language_from_narrative: Sequence[bool] | bool) -> None:
    """Deadlines (and the language, when read from the narrative) for complaints prepared and routed."""
    from .cases.clock import refresh_deadlines

    if isinstance(language_from_narrative, bool):
        language_from_narrative = [language_from_narrative] * len(filed)
    for item, detect in zip(filed, language_from_narrative):
        complaint = item.complaint
        if detect and (complaint.routing or {}).get("language") == "zh":
            complaint.language = "zh_Hans"
        # A new complaint has no reopening, so the review deadline needs no timeline.
        refresh_deadlines(complaint, now=complaint.received_at)


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


def _attachment(
    complaint: Complaint, upload: Upload, name: str, *, event_id=None, event=None, uploaded_by="cardholder"
) -> Attachment:
    return Attachment(
        complaint=complaint,
        **({"event": event} if event is not None else {"event_id": event_id}),
        original_name=name,
        stored_name=upload.stored_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_at=utcnow(),
        uploaded_by=uploaded_by,
    )


def _store(build: Callable[[], list[FiledComplaint]], *, clash_raises: bool = False) -> list[FiledComplaint]:
    """Build the complaints, give each a reference no other complaint has, and write them at once.

    On PostgreSQL everything is built and written inside a savepoint: a
    reference already taken (or drawn by another request at the same moment)
    clashes on the unique constraint, and the complaints are built again with
    fresh references without losing the transaction, so no query is needed
    before. SQLite has one writer at a time, and its driver's savepoints
    would commit the outer transaction on release, so there references
    already taken are skipped before inserting (one query for all), and that
    check is the whole guard.

    With ``clash_raises`` (PostgreSQL), no savepoint: a clash, about once in
    110,000 filings with ten million complaints stored, raises
    :class:`ReferenceClash` and the session must be rolled back. Such a
    caller (the API) only reads the complaints afterwards, so they are not
    kept in the session.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        filed = build()
        for item, reference in zip(filed, _unused_references(len(filed))):
            item.complaint.reference = reference
        _insert([item.complaint for item in filed], keep_in_session=not clash_raises)
        return filed
    if clash_raises:
        filed = build()
        for item, reference in zip(filed, _new_references(len(filed))):
            item.complaint.reference = reference
        try:
            _insert([item.complaint for item in filed], keep_in_session=not clash_raises)
        except IntegrityError as error:
            if "reference" in str(error.orig).lower():
                raise ReferenceClash() from error
            raise
        return filed
    for _ in range(REFERENCE_ATTEMPTS):
        try:
            with db.session.begin_nested():
                filed = build()
                for item, reference in zip(filed, _new_references(len(filed))):
                    item.complaint.reference = reference
                _insert([item.complaint for item in filed], keep_in_session=not clash_raises)
            return filed
        except IntegrityError as error:
            if "reference" not in str(error.orig).lower():
                raise
    raise RuntimeError("could not draw an unused complaint reference")


def _insert(complaints: Sequence[Complaint], *, keep_in_session: bool = True) -> None:
    """Write new complaints with their events and files: one INSERT per table, then persistent.

    The unit of work would spend more time ordering a handful of new rows
    than the database spends storing them, so they are written as one
    multi-row INSERT per table (ids returned in order) and then attached to
    the session as if just loaded: later changes to them are ordinary
    UPDATEs, and nothing is read back. Column defaults are applied here, and
    each model's ``before_insert`` listeners run as in a flush. Without
    ``keep_in_session`` they are left out of the session (ids set, nothing
    more to write), for a caller that only reads them.
    """
    if not complaints:
        return
    session = db.session
    events = [e for c in complaints for e in c.events]
    attachments = [a for c in complaints for a in c.attachments]
    with session.no_autoflush:
        for obj in (*attachments, *events, *complaints):
            if obj in session:
                session.expunge(obj)
        connection = session.connection()
        _before_insert(connection, Complaint, complaints)
        _insert_rows(connection, Complaint, complaints)
        for event in events:
            event.complaint_id = event.complaint.id
        _before_insert(connection, ComplaintEvent, events)
        _insert_rows(connection, ComplaintEvent, events)
        for attachment in attachments:
            attachment.complaint_id = attachment.complaint.id
            if attachment.event is not None:
                attachment.event_id = attachment.event.id
        _before_insert(connection, Attachment, attachments)
        _insert_rows(connection, Attachment, attachments)
        if not keep_in_session:
            return  # the caller only reads them (an API answer)
        for obj in (*complaints, *events, *attachments):
            make_transient_to_detached(obj)
        session.add_all(complaints)  # events and files follow by cascade


def _before_insert(connection, model, objects: Sequence[Any]) -> None:
    """Run the model's ``before_insert`` listeners (the search document, the
    published narrative, …) as the unit of work would, so no hook is skipped."""
    mapper = sa.inspect(model)
    for obj in objects:
        mapper.dispatch.before_insert(mapper, connection, sa.inspect(obj))


def _insert_rows(connection, model, objects: Sequence[Any]) -> None:
    """One INSERT of ``objects`` (defaults filled in on them), their ids set from RETURNING."""
    if not objects:
        return
    columns = _columns(model)
    rows = []
    for obj in objects:
        state = obj.__dict__  # the values set on a new object (reading through the attributes costs more)
        row = {}
        for key, default in columns:
            value = state.get(key)
            if value is None and default is not None:
                value = default.arg(None) if default.is_callable else default.arg
                setattr(obj, key, value)
            row[key] = value
        rows.append(row)
    statement = _INSERTS.get(model)
    if statement is None:
        table = model.__table__
        statement = _INSERTS[model] = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
    # One row goes as a plain INSERT ... RETURNING (cheaper than the many-rows path).
    ids = connection.execute(statement, rows if len(rows) > 1 else rows[0]).scalars().all()
    for obj, new_id in zip(objects, ids):
        obj.id = new_id


_COLUMNS: dict[type, list[tuple[str, Any]]] = {}
_INSERTS: dict[type, Any] = {}


def _columns(model) -> list[tuple[str, Any]]:
    """(attribute key, column default) of each column but the id; the keys are the column names."""
    columns = _COLUMNS.get(model)
    if columns is None:
        columns = []
        for prop in sa.inspect(model).column_attrs:
            column = prop.columns[0]
            if prop.key != "id":
                assert prop.key == column.key, f"{model.__name__}.{prop.key} is column {column.key}"
                columns.append((prop.key, column.default))
        _COLUMNS[model] = columns
    return columns


def _new_references(count: int) -> list[str]:
    """``count`` different new references (not checked against the stored ones)."""
    drawn: dict[str, None] = {}
    while len(drawn) < count:
        drawn[references.new_reference()] = None
    return list(drawn)


def _unused_references(count: int) -> list[str]:
    """``count`` new references, none of them stored (one query)."""
    drawn: list[str] = []
    while len(drawn) < count:
        wanted = count - len(drawn)
        candidates = list(dict.fromkeys(references.new_reference() for _ in range(wanted)))
        candidates = [c for c in candidates if c not in drawn]
        match = Complaint.reference == candidates[0] if len(candidates) == 1 else Complaint.reference.in_(candidates)
        taken = set(db.session.connection().execute(sa.select(Complaint.reference).where(match)).scalars())
        drawn.extend(c for c in candidates if c not in taken)
    return drawn


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
