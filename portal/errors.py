"""Error pages in the user's language; JSON under /api; never a stack trace."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db, limiter


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Please go back and try again."),
        401: _("Please sign in to continue."),
        403: _("You do not have permission to see this page."),
        404: _("We could not find that page."),
        405: _("That action is not allowed here."),
        413: _("The upload is too large. Each file may be at most 10 MB, and at most 5 files."),
        429: _("Too many attempts. Please wait a few minutes and try again."),
        500: _("Something went wrong on our side. Nothing you submitted has been lost; please try again."),
    }


def wait_minutes(reset_at: list[float], now: float) -> int | None:
    """Whole minutes (at least 1) until the latest breached limit resets, or None."""
    if not reset_at:
        return None
    seconds = max(reset_at) - now
    return max(1, -(-int(seconds) // 60))


def _too_many_message() -> str:
    import time

    try:
        resets = [float(lim.reset_at) for lim in limiter.current_limits if lim.breached]
    except Exception:  # the limiter's storage is unreachable: say what we can
        resets = []
    minutes = wait_minutes(resets, time.time())
    if minutes is None:
        return _messages()[429]
    return ngettext("Too many attempts. Please wait about %(num)d minute and try again.",
                    "Too many attempts. Please wait about %(num)d minutes and try again.", minutes)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, message: str | None = None):
    message = message or _messages().get(status) or _messages()[500]
    if _wants_json():
        return jsonify({"error": message, "status": status}), status
    return render_template("errors/error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if _wants_json():
            return _render(400, "CSRF token missing or invalid.")
        return _render(400, _("Your session expired or the form was sent twice. Please reload the page and try again; nothing has been saved yet."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        body, status = _render(status, _too_many_message() if status == 429 else None)
        # What the exception says about itself: Allow on a 405 (RFC 9110), a challenge on a 401.
        headers = {name: value for name, value in error.get_headers()
                   if name.lower() in ("allow", "www-authenticate", "retry-after")}
        return body, status, headers

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s", request.path)
        return _render(500)
