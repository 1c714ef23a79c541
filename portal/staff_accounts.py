"""Creating and changing staff accounts (used by the CLI and the admin pages)."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from classifiers.redaction import mask_sensitive

from .auth.passwords import hash_password, password_problem
from .extensions import db
from .models import ROLES, StaffUser


class StaffAccountError(ValueError):
    pass


def create_staff(email: str, role: str, password: str, display_name: str | None = None,
                 language: str | None = None) -> StaffUser:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise StaffAccountError(f"not an e-mail address: {email!r}")
    if role not in ROLES:
        raise StaffAccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    problem = password_problem(password)
    if problem:
        raise StaffAccountError(f"password too weak: {problem}")
    if db.session.scalar(sa.select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise StaffAccountError(f"a staff account for {email} already exists")
    staff = StaffUser(
        email=email,
        role=role,
        password_hash=hash_password(password),
        display_name=mask_sensitive(display_name or email.split("@")[0]).text,
        language=language,
        session_token=secrets.token_hex(16),
    )
    db.session.add(staff)
    return staff


def set_password(staff: StaffUser, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise StaffAccountError(f"password too weak: {problem}")
    staff.password_hash = hash_password(password)
    staff.session_token = secrets.token_hex(16)
