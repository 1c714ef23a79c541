"""GET /api/v1/public/complaints: the public record as JSON, no key, rate-limited per address."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from ..extensions import csrf, limiter
from ..models.types import utcnow
from . import record
from .filters import parse_filters
from .openapi import public_parameters

# Every query parameter this endpoint reads: any other (``page``, ``limit``…)
# is refused, so a caller's mistake is not answered as if it had worked.
KNOWN_PARAMETERS = frozenset(p["name"] for p in public_parameters())

bp = Blueprint("public_api", __name__)
csrf.exempt(bp)

RATE_LIMIT = "60 per minute"  # per address; PUBLIC_API_RATE_LIMIT in the configuration changes it


def _rate_limit() -> str:
    return current_app.config.get("PUBLIC_API_RATE_LIMIT") or RATE_LIMIT


@bp.get("/complaints")
@limiter.limit(_rate_limit)
def complaints():
    filters, problems = parse_filters(request.args)
    unknown = sorted(name for name in request.args if name not in KNOWN_PARAMETERS)
    if unknown:
        problems.append(f"not parameters of this API: {', '.join(n[:40] for n in unknown[:10])}; "
                        f"pages are chosen with per_page and after (see /api/v1/openapi.json)")
    size_text = request.args.get("per_page", "").strip()
    if size_text and not (size_text.isdigit() and 1 <= int(size_text) <= record.MAX_PAGE_SIZE):
        problems.append(f"per_page: a whole number from 1 to {record.MAX_PAGE_SIZE}")
    try:
        cursor = record.Cursor.decode(request.args.get("after"))
    except record.BadCursor:
        cursor = None
        problems.append("after: not a cursor this API gave; start again without it")
    if problems:
        return jsonify({"error": "Some query parameters are not valid; nothing was searched.", "status": 400,
                        "errors": problems}), 400
    size = int(size_text) if size_text else record.PAGE_SIZE
    page = record.page_of(filters, cursor, size, now=utcnow())
    args = filters.as_args()
    if size_text:
        args["per_page"] = str(size)
    response = jsonify({
        "items": page.rows,
        "total": page.total,
        "total_is_lower_bound": page.total_capped,
        "per_page": size,
        "next": url_for("public_api.complaints", **args, after=page.next_cursor) if page.next_cursor else None,
    })
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
