"""The administrators' activity log: an append-only record of changes to
staff accounts, API keys and site settings.

Each change is recorded in the transaction that makes it, so the record and
the change are stored together or not at all. Details name what changed
(old and new values of a role, a name, a language); secrets never enter.

API::

    record(action, subject, actor=None, **details) -> AdminEvent   (not committed)
    staff_created(staff, actor, password_chosen) -> AdminEvent
    api_key_changed(action, api_key, actor) -> AdminEvent
    recent(limit=200, before_id=None) -> list[AdminEvent]          newest first
    changes(before, after) -> {field: [old, new]}
    ACTIONS, FIELDS, VALUES                                         labels for the activity page
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .extensions import db
from .models import AdminEvent, ApiKey, StaffUser
from .models.types import utcnow

ACTIONS = {
    "staff.created": _l("Staff account created"),
    "staff.updated": _l("Staff account changed"),
    "staff.deactivated": _l("Staff account deactivated"),
    "staff.reactivated": _l("Staff account reactivated"),
    "staff.password_reset": _l("Password reset"),
    "api_key.created": _l("API key created"),
    "api_key.revoked": _l("API key revoked"),
    "profile.default_changed": _l("Default jurisdiction profile changed"),
}
# How the detail fields and some of their values read on the activity page.
FIELDS = {
    "role": _l("Role"),
    "display_name": _l("Name"),
    "language": _l("Language"),
    "timezone": _l("Time zone"),
    "first_sign_in": _l("First password"),
    "name": _l("Name"),
    "prefix": _l("Key begins"),
    "previous": _l("Before"),
    "chosen": _l("Now"),
}
VALUES = {
    ("first_sign_in", "chosen"): _l("chosen by whoever made the account"),
    ("first_sign_in", "generated"): _l("generated and shown once"),
}
COMMAND_LINE = "command line"
# Nothing under these names is ever stored, whatever a caller passes.
_SECRET_WORDS = ("password", "secret", "token", "hash")


def record(action: str, subject: str, actor: StaffUser | None = None, **details: Any) -> AdminEvent:
    if action not in ACTIONS:
        raise ValueError(f"unknown administrative action {action!r}")
    clean = {k: v for k, v in details.items() if not any(word in k.lower() for word in _SECRET_WORDS)}
    event = AdminEvent(
        occurred_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_label=actor.email if actor is not None else COMMAND_LINE,
        action=action,
        subject=subject[:254],
        details=clean,
    )
    db.session.add(event)
    return event


def staff_created(staff: StaffUser, actor: StaffUser | None, password_chosen: bool) -> AdminEvent:
    return record("staff.created", staff.email, actor, role=staff.role, display_name=staff.display_name,
                  language=staff.language, first_sign_in="chosen" if password_chosen else "generated")


def api_key_changed(action: str, api_key: ApiKey, actor: StaffUser | None) -> AdminEvent:
    """``api_key.created`` or ``api_key.revoked``: named by prefix and name, never the key."""
    return record(action, f"{api_key.prefix}… {api_key.name}", actor, name=api_key.name, prefix=api_key.prefix)


def recent(limit: int = 200, before_id: int | None = None) -> list[AdminEvent]:
    query = sa.select(AdminEvent).order_by(AdminEvent.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AdminEvent.id < before_id)
    return list(db.session.scalars(query))


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value differs."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
