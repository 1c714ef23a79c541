"""The token-authenticated JSON API under /api/v1 (SPEC section 8).

Views are thin: authenticate, validate with ``schemas``, call the filing
service, commit once, answer JSON.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from flask import Blueprint, jsonify, request

from ..domain.profiles import ProfileError, load_profile, profile_ids
from ..extensions import csrf, db
from ..models import Complaint
from .auth import per_key_rate_limit, requires_api_key
from .openapi import openapi_document
from .schemas import MAX_CONTACT_LOG_ROWS, FieldError, validate_complaint

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # bearer-token API: no cookies, so no CSRF


class _BadJson(ValueError):
    pass


def _json_body():
    """The request body parsed as JSON (any content type), or _BadJson."""
    raw = request.get_data(cache=False)
    if not raw.strip():
        raise _BadJson("The request body is empty; send a JSON document.")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _BadJson(f"The request body is not valid JSON: {error}") from None


def _bad_json(error: _BadJson):
    return jsonify({"error": str(error), "status": 400}), 400


def _unprocessable(errors: list[FieldError]):
    count = len(errors)
    return (
        jsonify(
            {
                "error": f"The request has {count} invalid field{'s' if count != 1 else ''}; nothing was stored.",
                "status": 422,
                "errors": [e.to_dict() for e in errors],
            }
        ),
        422,
    )


def _local_iso(complaint: Complaint, moment: datetime | None) -> str | None:
    """A stored (UTC) due date in the complaint's profile time zone, ISO 8601."""
    if moment is None:
        return None
    try:
        zone = load_profile(complaint.jurisdiction).timezone
    except ProfileError:
        return moment.isoformat()
    return moment.astimezone(zone).isoformat()


def complaint_created(complaint: Complaint, access_code: str) -> dict:
    return {
        "reference": complaint.reference,
        "access_code": access_code,
        "status": complaint.status,
        "jurisdiction": complaint.jurisdiction,
        "language": complaint.language,
        "received_at": _local_iso(complaint, complaint.received_at),
        "category": complaint.category,
        "urgency": complaint.urgency,
        "masked_items": complaint.redacted_count,
        "deadlines": {
            "acknowledgement": _local_iso(complaint, complaint.ack_due_at),
            "first_response": _local_iso(complaint, complaint.first_response_due_at),
            "final": _local_iso(complaint, complaint.final_due_at),
        },
    }


@bp.post("/complaints")
@requires_api_key
@per_key_rate_limit
def create_complaint():
    from ..filing import ComplaintDraft, FilingRefused, file_complaint

    try:
        payload = _json_body()
    except _BadJson as error:
        return _bad_json(error)
    validation = validate_complaint(payload)
    if not validation.ok:
        return _unprocessable(validation.errors)

    fields = asdict(validation.fields)
    language_given = fields["language"] is not None
    if not language_given:
        fields["language"] = "en"
    try:
        filed = file_complaint(ComplaintDraft(**fields), source="api")
    except FilingRefused as refused:
        db.session.rollback()
        return _unprocessable([FieldError(name, reason) for name, reason in refused.errors.items()])
    complaint = filed.complaint
    if not language_given:
        # The sender did not say: take the classifier's reading of the narrative.
        detected = (complaint.routing or {}).get("language")
        if detected == "zh":
            complaint.language = "zh_Hans"
    # Read before committing: after the commit every attribute would be reloaded.
    created = complaint_created(complaint, filed.access_code)
    db.session.commit()
    response = jsonify(created)
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"  # carries the access code
    return response


@bp.post("/contact-logs")
@requires_api_key
@per_key_rate_limit
def import_contact_logs():
    """Import an array of contact logs: 200 when all stored or duplicates, 207 when some rejected.

    The importer commits per batch (its own transaction rule); rejects come
    back with their index in the array (from 0) and the reason.
    """
    from ..contacts.importer import ImportFailed, import_rows

    try:
        rows = _json_body()
    except _BadJson as error:
        return _bad_json(error)
    if not isinstance(rows, list):
        return _unprocessable([FieldError("", "the body must be a JSON array of contact logs")])
    if not rows:
        return _unprocessable([FieldError("", "the array is empty: send at least one contact log")])
    if len(rows) > MAX_CONTACT_LOG_ROWS:
        return _unprocessable([FieldError("", f"at most {MAX_CONTACT_LOG_ROWS} contact logs a request "
                                              f"(got {len(rows)}); split the array")])
    # The logs' jurisdiction, for rows that name none: ?jurisdiction=ID (a profile id).
    jurisdiction = (request.args.get("jurisdiction") or "").strip() or None
    if jurisdiction is not None and jurisdiction not in profile_ids():
        return _unprocessable([FieldError("jurisdiction", f"{jurisdiction[:20]!r} is not a profile; use one of "
                                                          f"{', '.join(profile_ids())}")])
    try:
        result = import_rows(rows, source=None, channel="api", jurisdiction=jurisdiction)
    except ImportFailed as failure:
        db.session.rollback()
        return jsonify({
            "error": "The import stopped part-way; the counts say what was stored. Send the same array again "
                     "to finish: stored logs come back as duplicates.",
            "status": 500,
            **_import_summary(failure.result),
        }), 500
    return jsonify(_import_summary(result)), (207 if result.rejected else 200)


def _import_summary(result) -> dict:
    return {
        "imported": result.imported,
        "duplicates": result.duplicates,
        "rejected": result.rejected,
        "rejects": [{"index": reject.line - 1, "reason": reject.reason} for reject in result.rejects],
    }


@bp.get("/openapi.json")
def openapi():
    """The API document; public, it describes the API and holds no data."""
    return jsonify(openapi_document())
