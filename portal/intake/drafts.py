"""The guided form's draft, kept in the database between steps.

The session holds only the draft's random token. What the cardholder typed is
saved as the raw form values of each step (so a step re-displays exactly as
typed), masked first like everything else that is stored.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from classifiers.redaction import mask_sensitive
from flask import current_app, session
from werkzeug.datastructures import MultiDict

from ..domain.display_text import localise_mask_markers, stored_mask_markers
from ..evidence_store import StoredEvidence, discard, upload_folder
from ..extensions import db
from ..i18n import current_language
from ..models import IntakeDraft
from ..models.types import utcnow

SESSION_KEY = "intake_draft"
LIFETIME = timedelta(hours=24)
# The marker classifiers.redaction puts in place of a number (as stored, or as
# a Chinese page shows it): counting them in a saved value tells how many
# numbers that value has masked.
_MASK_MARKER = re.compile(r"\[(?:card|ID|卡号|身份证号) •••• [0-9X]{4}\]")


def holds_mask(text: str) -> bool:
    """Whether ``text`` holds a marker put in place of a card or ID number."""
    return bool(_MASK_MARKER.search(text))


def without_masks(text: str) -> str:
    """``text`` without its mask markers (and the lines they leave empty)."""
    lines = (_MASK_MARKER.sub("", line).strip(" ,;，；、") for line in text.splitlines())
    return "\n".join(line for line in lines if line.strip()).strip()


def current(create: bool = False) -> IntakeDraft | None:
    """The draft of this browser session, if any and not expired."""
    token = session.get(SESSION_KEY)
    draft = db.session.get(IntakeDraft, token) if isinstance(token, str) else None
    if draft is not None and draft.expires_at <= utcnow():
        _delete(draft)
        draft = None
    if draft is None and create:
        purge_expired()  # abandoned drafts go as new ones start: no scheduler needed
        draft = IntakeDraft(
            token=secrets.token_urlsafe(32),
            created_at=utcnow(),
            expires_at=utcnow() + LIFETIME,
            answers={},
            uploads=[],
            redacted_count=0,
        )
        db.session.add(draft)
        session[SESSION_KEY] = draft.token
    return draft


def save_values(draft: IntakeDraft, values: dict[str, str | list[str]]) -> None:
    """Store raw step values (masked); lists for multi-choice fields."""
    answers = dict(draft.answers or {})
    counts = dict(answers.get("_masked", {}))
    for name, value in values.items():
        if isinstance(value, list):
            answers[name] = [str(v) for v in value][:20]
            continue
        text = mask_sensitive(stored_mask_markers(value or "")).text
        answers[name] = text
        # The numbers hidden in what will be filed: one the cardholder was
        # told about and typed again without is not counted.
        counts[name] = len(_MASK_MARKER.findall(text))
    answers["_masked"] = counts
    draft.answers = answers  # a new dict, so the JSON column is seen as changed
    draft.redacted_count = sum(counts.values())
    draft.expires_at = utcnow() + LIFETIME


def raw_values(form, names) -> dict[str, str | list[str]]:
    """What the cardholder sent for ``names``, exactly as typed."""
    values: dict[str, str | list[str]] = {}
    for name in names:
        field = form[name]
        raw = field.raw_data or []
        if field.type in ("MultiCheckboxField", "SelectMultipleField"):
            values[name] = [str(v) for v in raw]
        else:
            values[name] = str(raw[0]) if raw else ""
    return values


def formdata(draft: IntakeDraft | None, names, shown: bool = False) -> MultiDict | None:
    """The saved values of one step as form data, or None if never saved;
    ``shown``: to refill the page, mask markers in the page's language (sent
    again, they are stored as before)."""
    if draft is None:
        return None
    answers = draft.answers or {}
    if not any(name in answers for name in names):
        return None
    data = MultiDict()
    for name in names:
        value = answers.get(name)
        if isinstance(value, list):
            for item in value:
                data.add(name, item)
        elif value:
            data.add(name, localise_mask_markers(value, current_language()) if shown else value)
    return data


def uploads_of(draft: IntakeDraft | None) -> list[StoredEvidence]:
    return [StoredEvidence(**u) for u in (draft.uploads if draft else [])]


def add_upload(draft: IntakeDraft, stored: StoredEvidence) -> None:
    draft.uploads = [*(draft.uploads or []), stored.as_dict()]


def remove_upload(draft: IntakeDraft, stored_name: str) -> None:
    kept = [u for u in draft.uploads or [] if u["stored_name"] != stored_name]
    if len(kept) != len(draft.uploads or []):
        discard(upload_folder(current_app.config), [stored_name])
    draft.uploads = kept


def finish(draft: IntakeDraft) -> None:
    """The complaint is filed: forget the draft (its files now belong to the complaint)."""
    db.session.delete(draft)
    session.pop(SESSION_KEY, None)


def _delete(draft: IntakeDraft) -> None:
    discard(upload_folder(current_app.config), [u.get("stored_name") for u in draft.uploads or []])
    db.session.delete(draft)
    session.pop(SESSION_KEY, None)


def purge_expired(limit: int = 100) -> int:
    """Delete expired drafts and their files; returns how many (not committed)."""
    expired = db.session.scalars(
        sa.select(IntakeDraft).where(IntakeDraft.expires_at <= utcnow()).limit(limit)
    ).all()
    folder = upload_folder(current_app.config)
    for draft in expired:
        discard(folder, [u.get("stored_name") for u in draft.uploads or []])
        db.session.delete(draft)
    return len(expired)
