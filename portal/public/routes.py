"""The public complaint database at /data: anyone, no sign-in (SPEC section 8, "public record").

Views are thin: parse the filters, read one page (portal.public.record),
render. Downloads stream the whole filtered set from a server-side cursor,
so memory stays flat whatever its size.
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _

from ..domain.profiles import load_profile, profile_ids
from ..extensions import limiter
from ..models.types import utcnow
from . import record
from .downloads import csv_lines, json_array_chunks
from .filters import parse_filters
from .labels import channel_label, response_label

bp = Blueprint("public", __name__)

PAGE_RATE_LIMIT = "120 per minute"
DOWNLOAD_RATE_LIMIT = "10 per minute"


@bp.route("/data")
@limiter.limit(PAGE_RATE_LIMIT)
def database():
    filters, problems = parse_filters(request.args)
    try:
        cursor = record.Cursor.decode(request.args.get("after"))
    except record.BadCursor:
        cursor = None
        problems.append(_("That page link is out of date; here is the first page."))
    now = utcnow()
    page = record.page_of(filters, cursor, now=now)
    trend = record.trend_of(filters, now=now)
    args = filters.as_args()
    return render_template(
        "public/database.html",
        page=page,
        trend=trend,
        filters=filters,
        problems=problems,
        args=args,
        next_url=url_for("public.database", **args, after=page.next_cursor) if page.next_cursor else None,
        first_url=url_for("public.database", **args) if cursor else None,
        csv_url=url_for("public.download_csv", **args),
        json_url=url_for("public.download_json", **args),
        api_url=url_for("public_api.complaints", **args),
        categories=record.CATEGORIES,
        urgencies=record.URGENCIES,
        channels=record.CHANNELS,
        responses=record.OUTCOMES,
        jurisdictions=[(p, load_profile(p).names) for p in profile_ids()],
        channel_label=channel_label,
        response_label=response_label,
        delay_days=record.PUBLICATION_DELAY.days,
        count_cap=record.COUNT_CAP,
    )


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _refused(problems: list[str]) -> Response:
    """A download of a filtered set whose filters are not valid: nothing is
    downloaded (the whole record would be a surprise), the problems are said."""
    body = "\n".join([_("Some filters are not valid; nothing was downloaded."), *problems]) + "\n"
    return Response(body, status=400, mimetype="text/plain")


def _with_bom(lines):
    # A byte-order mark first, so spreadsheet programs read the file as UTF-8
    # (Chinese text and names stay readable).
    yield "\ufeff"
    yield from lines


@bp.route("/data/complaints.csv")
@limiter.limit(DOWNLOAD_RATE_LIMIT)
def download_csv():
    filters, problems = parse_filters(request.args)
    if problems:
        return _refused(problems)
    rows = record.iter_rows(filters, now=utcnow())
    return _download(_with_bom(csv_lines(record.FIELD_NAMES, rows, keys=record.FIELD_NAMES)), "text/csv",
                     "redress-complaints.csv")


@bp.route("/data/complaints.json")
@limiter.limit(DOWNLOAD_RATE_LIMIT)
def download_json():
    filters, problems = parse_filters(request.args)
    if problems:
        return _refused(problems)
    rows = record.iter_rows(filters, now=utcnow())
    return _download(json_array_chunks(rows), "application/json", "redress-complaints.json")
