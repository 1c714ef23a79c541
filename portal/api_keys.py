"""API keys for integrating systems: create, verify, revoke.

A key is ``rdk_`` followed by 32 random bytes in URL-safe base64. It is shown
once, when it is made; only its SHA-256 is stored, with a short prefix so an
administrator can tell keys apart. SHA-256 (not a slow password hash) is the
right tool here: the key is 256 bits of randomness, so there is nothing to
guess, and every API request must verify it cheaply.

Every API request authenticates, so a verified key is remembered in the
app server's memory for ``API_KEY_CACHE_SECONDS`` (5 s unless configured):
a key revoked in this process is forgotten at once; one revoked on another
app server is refused here within that time.

Nothing here commits: the command or view that calls it does.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from classifiers.redaction import mask_sensitive
from flask import current_app

from .extensions import db
from .models import ApiKey
from .models.types import utcnow

KEY_PREFIX = "rdk_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8  # "rdk_" and the first 8 random characters
MAX_NAME_LENGTH = 120
# last_used_at is informative; writing it on every request would turn each
# read into a write, so it is refreshed at most once a minute per key.
LAST_USED_RESOLUTION = timedelta(minutes=1)
DEFAULT_CACHE_SECONDS = 5.0
_CACHE = "redress.api_key_cache"
_clock = time.monotonic  # the cache's clock (tests move it)


@dataclass(frozen=True)
class VerifiedKey:
    """What a request needs of the key it came with (read from the cache or the database)."""

    id: int
    name: str
    prefix: str


@dataclass
class _Cached:
    key: VerifiedKey
    checked_at: float  # time.monotonic() of the database read
    used_at: object  # the last_used_at this process knows of (aware datetime or None)


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


def authenticate_api_key(secret: str | None) -> VerifiedKey | None:
    """The active key matching ``secret``, or None; remembered briefly (see the module).

    Records the use on the key at most once a minute (an UPDATE in the
    request's transaction, committed with it).
    """
    if not secret or not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    digest = hash_key(secret)
    cache = _cache()
    now = _clock()
    entry = cache.get(digest)
    if entry is None or now - entry.checked_at >= _cache_seconds():
        row = db.session.connection().execute(
            sa.select(ApiKey.id, ApiKey.name, ApiKey.prefix, ApiKey.key_hash, ApiKey.revoked_at,
                      ApiKey.last_used_at).where(ApiKey.key_hash == digest)
        ).first()
        # The lookup is by hash, so timing reveals nothing about the key; the
        # constant-time comparison guards against a collation that is not exact.
        if row is None or not hmac.compare_digest(row.key_hash, digest) or row.revoked_at is not None:
            cache.pop(digest, None)
            return None
        used_at = row.last_used_at
        if used_at is not None and used_at.tzinfo is None:
            from datetime import timezone

            used_at = used_at.replace(tzinfo=timezone.utc)
        entry = _Cached(VerifiedKey(row.id, row.name, row.prefix), now, used_at)
        cache[digest] = entry
    moment = utcnow()
    if entry.used_at is None or moment - entry.used_at >= LAST_USED_RESOLUTION:
        entry.used_at = moment
        db.session.execute(sa.update(ApiKey).where(ApiKey.id == entry.key.id).values(last_used_at=moment))
    return entry.key


def forget_cached_key(key_hash: str) -> None:
    """Drop a key from this process's cache (it was revoked here)."""
    _cache().pop(key_hash, None)


def _cache() -> dict[str, _Cached]:
    return current_app.extensions.setdefault(_CACHE, {})


def _cache_seconds() -> float:
    return float(current_app.config.get("API_KEY_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


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
    forget_cached_key(api_key.key_hash)
    return api_key


def all_keys() -> list[ApiKey]:
    """Every key, active ones first, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())
        )
    )
