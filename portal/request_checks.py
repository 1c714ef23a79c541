"""Input no database can store is refused at the door, never a 500.

* A NUL character (PostgreSQL text cannot hold one) or a lone surrogate in
  the path, the query string or a form: the path gets 404 (no page has such
  a name), the rest 400, with the usual error page.
* Whole numbers in URLs (``<int:...>``) above the largest id a 64-bit column
  holds do not match any route: 404. Query-string numbers go through
  :func:`bounded_int`.
"""
from __future__ import annotations

from flask import Flask, abort, current_app, request
from werkzeug.routing import IntegerConverter

# The largest value of a signed 64-bit column (BIGINT; SQLite's INTEGER).
MAX_STORED_INT = 2**63 - 1


class StoredIntConverter(IntegerConverter):
    """``<int:...>`` limited to what a database id can be."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_STORED_INT)
        super().__init__(map, *args, **kwargs)


def bounded_int(text: str | None, *, minimum: int = 0, maximum: int = MAX_STORED_INT) -> int | None:
    """A whole number written in plain digits within the bounds, or None."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def unstorable(text: str) -> bool:
    """Whether ``text`` holds a NUL or a lone surrogate (from a JSON or URL escape)."""
    if "\x00" in text:
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def refuse_unstorable_input() -> None:
    if unstorable(request.path):
        abort(404)
    # The API reads its body as JSON whatever the content type (curl -d sends a
    # form type) and checks each field itself; a view that sets its own upload
    # size (own_size_limit) parses its body itself, and checks it: neither
    # body is parsed here.
    view = current_app.view_functions.get(request.endpoint or "")
    own_body = request.path.startswith("/api/") or getattr(view, "own_size_limit", False)
    sources = (request.args,) if own_body else (request.args, request.form)
    for values in sources:
        for key, value in values.items(multi=True):
            if unstorable(key) or unstorable(value):
                abort(400)
    if own_body:
        return
    for upload in request.files.values():
        if upload.filename and unstorable(upload.filename):
            abort(400)


def register(app: Flask) -> None:
    """Before the blueprints: their routes take the bounded ``int`` converter."""
    app.url_map.converters["int"] = StoredIntConverter
    app.before_request(refuse_unstorable_input)
