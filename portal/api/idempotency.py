"""Idempotent API requests (SPEC section 8, "idempotent filing").

A client that may retry (a timeout, a crashed server, a lost answer) sends an
``Idempotency-Key`` header, any string of 1–255 visible ASCII characters
that it never reuses for another request (a UUID). The first answer that
stored something is kept for 24 hours, per API key, in the same transaction
as what it stored: the same key again gets that answer (with
``Idempotent-Replayed: true``) and stores nothing; the same key with another
body, or on another endpoint, is refused (422). Two requests with one key at
the same moment are settled by the unique constraint: the second waits for
the first and answers with the first's answer.

Access codes are never stored in the kept answer. A complaint filed under an
idempotency key gets an access code derived from the API key's secret and
the idempotency key (HMAC-SHA256), so a replay can give it again while the
database holds only its salted hash, as for any complaint. Only a caller
holding the API key can derive it, and that caller could replay anyway.

Nothing here commits.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, request

from ..domain.references import ALPHABET, ACCESS_CODE_CHARS
from ..extensions import db
from ..models import IdempotentRequest
from ..models.types import utcnow

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX = 255
WINDOW = timedelta(hours=24)
PURGE_EVERY_SECONDS = 600.0
_PURGED = "redress.idempotency_purged_at"


class BadIdempotencyKey(ValueError):
    """The header is present but not a usable key (answered 400)."""


class KeyReused(ValueError):
    """The key was used for a different request (answered 422)."""


@dataclass(frozen=True)
class Kept:
    status_code: int
    response: dict[str, Any]


def requested_key() -> str | None:
    """The request's idempotency key, None without the header; BadIdempotencyKey when unusable."""
    value = request.headers.get(HEADER)
    if value is None:
        return None
    value = value.strip()
    if not value:
        raise BadIdempotencyKey(f"The {HEADER} header is empty; send 1 to {KEY_MAX} visible ASCII characters, "
                                "such as a UUID, or leave the header out.")
    if len(value) > KEY_MAX or not all("!" <= ch <= "~" for ch in value):
        raise BadIdempotencyKey(f"The {HEADER} header must be 1 to {KEY_MAX} visible ASCII characters "
                                "(letters, digits, punctuation; no spaces), such as a UUID.")
    return value


def fingerprint(endpoint: str, payload: Any) -> str:
    """SHA-256 of the endpoint and the body as canonical JSON (key order and spacing do not matter)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"{endpoint}\n{canonical}".encode("utf-8")).hexdigest()


def find(api_key_id: int, key: str, endpoint: str, request_fingerprint: str) -> Kept | None:
    """The kept answer for this key, or None; KeyReused when the key was used for another request.

    An answer older than the window is deleted (the key may be used afresh).
    """
    row = db.session.connection().execute(
        sa.select(IdempotentRequest.id, IdempotentRequest.endpoint, IdempotentRequest.fingerprint,
                  IdempotentRequest.status_code, IdempotentRequest.response, IdempotentRequest.created_at)
        .where(IdempotentRequest.api_key_id == api_key_id, IdempotentRequest.key == key)
    ).first()
    if row is None:
        return None
    if utcnow() - row.created_at >= WINDOW:
        db.session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.id == row.id))
        return None
    if row.endpoint != endpoint or not hmac.compare_digest(row.fingerprint, request_fingerprint):
        where = "another endpoint" if row.endpoint != endpoint else "a request with a different body"
        raise KeyReused(f"This {HEADER} was already used for {where} in the last 24 hours; nothing was stored. "
                        "Use a new key for a new request, or send exactly the same request to get its answer again.")
    return Kept(row.status_code, row.response)


def keep(api_key_id: int, key: str, endpoint: str, request_fingerprint: str, status_code: int,
         response: dict[str, Any]) -> None:
    """Add the answer to the session (committed with what the request stored)."""
    _purge_now_and_then()
    db.session.add(IdempotentRequest(api_key_id=api_key_id, key=key, endpoint=endpoint,
                                     fingerprint=request_fingerprint, status_code=status_code,
                                     response=response, created_at=utcnow()))


def derived_access_code(api_secret: str, key: str, endpoint: str, index: int = 0) -> str:
    """The access code of the complaint at ``index`` of a keyed request (see the module)."""
    digest = hmac.new(api_secret.encode("utf-8"),
                      f"redress access code\n{endpoint}\n{key}\n{index}".encode("utf-8"), hashlib.sha256).digest()
    bits = int.from_bytes(digest[:10], "big")  # 80 bits: 16 characters of 5 bits
    chars = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(ACCESS_CODE_CHARS))
    return "-".join(chars[i:i + 4] for i in range(0, ACCESS_CODE_CHARS, 4))


def _purge_now_and_then() -> None:
    """Delete answers past the window, at most every PURGE_EVERY_SECONDS per process."""
    now = time.monotonic()
    last = current_app.extensions.get(_PURGED)
    if last is not None and now - last < PURGE_EVERY_SECONDS:
        return
    current_app.extensions[_PURGED] = now
    db.session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.created_at < utcnow() - WINDOW))
