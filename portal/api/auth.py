"""Bearer-key authentication and per-key rate limits for the JSON API."""
from __future__ import annotations

from functools import wraps
from typing import Callable, TypeVar

from flask import current_app, g, jsonify, request

from ..api_keys import authenticate_api_key
from ..extensions import limiter

F = TypeVar("F", bound=Callable)

REALM = "redress"
DEFAULT_RATE_LIMIT = "120 per minute"


def _unauthorised(message: str, error_code: str | None):
    response = jsonify({"error": message, "status": 401})
    response.status_code = 401
    challenge = f'Bearer realm="{REALM}"'
    if error_code:  # RFC 6750 section 3: no error code when no credentials were sent
        challenge += f', error="{error_code}", error_description="{message}"'
    response.headers["WWW-Authenticate"] = challenge
    response.headers["Cache-Control"] = "no-store"
    return response


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def requires_api_key(view: F) -> F:
    """401 with a WWW-Authenticate challenge unless a valid, unrevoked key is sent.

    The key (a :class:`~portal.api_keys.VerifiedKey`) is available to the view as ``g.api_key``.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not request.headers.get("Authorization"):
            return _unauthorised("Send an API key: Authorization: Bearer <key>.", None)
        token = bearer_token()
        if token is None:
            return _unauthorised("The Authorization header must use the Bearer scheme.", "invalid_request")
        api_key = authenticate_api_key(token)
        if api_key is None:
            return _unauthorised("The API key is unknown or has been revoked.", "invalid_token")
        g.api_key = api_key
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def _rate_limit_key() -> str:
    api_key = g.get("api_key")
    return f"api-key:{api_key.id}" if api_key is not None else f"ip:{request.remote_addr}"


# Applied inside ``requires_api_key`` so the limit counts per key, not per
# address: several systems behind one gateway each get their own allowance.
per_key_rate_limit = limiter.limit(_rate_limit, key_func=_rate_limit_key)
