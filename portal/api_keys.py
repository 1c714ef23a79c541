"""API keys for integrating systems: create, verify, revoke.

A key is ``rdk_`` followed by 32 random bytes in URL-safe base64. It is shown
once, when it is made; only its SHA-256 is stored, with a short prefix so an
administrator can tell keys apart. SHA-256 (not a slow password hash) is the
right tool here: the key is 256 bits of randomness, so there is nothing to
guess, and every API request must verify it cheaply.

Nothing here commits: the command or view that calls it does.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from classifiers.redaction import mask_sensitive

from .extensions import db
from .models import ApiKey
from .models.types import utcnow

KEY_PREFIX = "rdk_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8  # "rdk_" and the first 8 random characters
MAX_NAME_LENGTH = 120
# last_used_at is informative; writing it on every request would turn each
# read into a write, so it is refreshed at most once a minute per key.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyError(ValueError):
    pass


@dataclass(frozen=True)
class NewApiKey:
    """A key just made: ``secret`` exists only here and is never stored."""

    api_key: ApiKey
    secret: str


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_api_key(name: str) -> NewApiKey:
    name = mask_sensitive((name or "").strip()).text  # free text, stored and shown like any other
    if not name:
        raise ApiKeyError("a key needs a name (the system that will use it)")
    if len(name) > MAX_NAME_LENGTH:
        raise ApiKeyError(f"the name may be at most {MAX_NAME_LENGTH} characters")
    clash = db.session.scalar(
        sa.select(ApiKey.id).where(ApiKey.name == name, ApiKey.revoked_at.is_(None))
    )
    if clash is not None:
        raise ApiKeyError(f"an active key named {name!r} already exists; revoke it first or choose another name")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey(name=name, prefix=secret[:PREFIX_LENGTH], key_hash=hash_key(secret), created_at=utcnow())
    db.session.add(api_key)
    return NewApiKey(api_key=api_key, secret=secret)


def verify_api_key(secret: str | None) -> ApiKey | None:
    """The active key matching ``secret``, or None (unknown, malformed or revoked)."""
    if not secret or not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    digest = hash_key(secret)
    api_key = db.session.scalar(sa.select(ApiKey).where(ApiKey.key_hash == digest))
    # The lookup is by hash, so timing reveals nothing about the key; the
    # constant-time comparison guards against a collation that is not exact.
    if api_key is None or not hmac.compare_digest(api_key.key_hash, digest):
        return None
    if api_key.revoked_at is not None:
        return None
    now = utcnow()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        api_key.last_used_at = now
    return api_key


def find_active_keys(name_or_prefix: str) -> list[ApiKey]:
    needle = (name_or_prefix or "").strip()
    if not needle:
        return []
    return list(
        db.session.scalars(
            sa.select(ApiKey)
            .where(ApiKey.revoked_at.is_(None), sa.or_(ApiKey.name == needle, ApiKey.prefix == needle))
            .order_by(ApiKey.id)
        )
    )


def revoke_api_key(name_or_prefix: str) -> ApiKey:
    """Revoke the one active key with this name or prefix."""
    matches = find_active_keys(name_or_prefix)
    if not matches:
        raise ApiKeyError(f"no active key with the name or prefix {name_or_prefix!r}")
    if len(matches) > 1:
        raise ApiKeyError(
            f"{len(matches)} active keys match {name_or_prefix!r}; give the prefix: "
            + ", ".join(k.prefix for k in matches)
        )
    return revoke(matches[0])


def revoke(api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
    return api_key


def all_keys() -> list[ApiKey]:
    """Every key, active ones first, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())
        )
    )
