"""The token-authenticated JSON API under /api/v1 (SPEC section 8).

Views are thin: authenticate, validate with ``schemas``, call the filing
service, commit once, answer JSON.
"""
from __future__ import annotations

import copy
import json
from dataclasses import fields as dataclass_fields
from datetime import datetime, timezone

from flask import Blueprint, g, jsonify, request
from sqlalchemy.exc import IntegrityError

from ..domain.profiles import ProfileError, load_profile, profile_ids
from ..extensions import csrf, db
from ..models import Complaint
from . import idempotency
from .auth import bearer_token, per_key_rate_limit, requires_api_key
from .openapi import openapi_document
from .schemas import (
    MAX_BATCH_COMPLAINTS,
    MAX_CONTACT_LOG_ROWS,
    ComplaintFields,
    FieldError,
    validate_complaint,
)

bp = Blueprint("api", __name__)
# Endpoint names in kept idempotent answers.
COMPLAINTS, BATCH, CONTACT_LOGS = "complaints", "complaints/batch", "contact-logs"
# A new reference that clashes with a stored one (PostgreSQL, no savepoint) is drawn again this often.
CLASH_ATTEMPTS = 8
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
    except RecursionError:
        raise _BadJson("The request body is nested too deeply to be read.") from None


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


def _key_problem(error: Exception, status: int):
    return jsonify({"error": str(error), "status": status}), status


def _answer(status: int, body: dict, *, replayed: bool = False):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"  # may carry access codes
    if replayed:
        response.headers[idempotency.REPLAYED_HEADER] = "true"
    return response


def _code_filler(key: str | None, endpoint: str):
    """For a keyed request, the access code of the complaint at an index (see portal.api.idempotency)."""
    if key is None:
        return lambda index: None
    secret = bearer_token() or ""
    return lambda index: idempotency.derived_access_code(secret, key, endpoint, index)


def _replay(kept: idempotency.Kept, key: str, endpoint: str):
    """A kept answer with its access codes derived again."""
    body = copy.deepcopy(kept.response)
    code_for = _code_filler(key, endpoint)
    if endpoint == COMPLAINTS and "reference" in body:
        body["access_code"] = code_for(0)
    for item in body.get("results", []) if endpoint == BATCH else []:
        if item.get("complaint"):
            item["complaint"]["access_code"] = code_for(item["index"])
    return _answer(kept.status_code, body, replayed=True)


def _without_access_codes(body: dict) -> dict:
    kept = copy.deepcopy(body)
    if "access_code" in kept:
        kept["access_code"] = None
    for item in kept.get("results", []):
        if item.get("complaint"):
            item["complaint"]["access_code"] = None
    return kept


def _commit_keeping(key: str | None, endpoint: str, request_fingerprint: str | None, status: int, body: dict):
    """Commit what the request stored, with its kept answer when keyed; the response.

    When another request with the same key committed first (the unique
    constraint), this one's work is rolled back and that answer is given.
    """
    if key is None:
        db.session.commit()
        return _answer(status, body)
    idempotency.keep(g.api_key.id, key, endpoint, request_fingerprint, status, _without_access_codes(body))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        try:
            kept = idempotency.find(g.api_key.id, key, endpoint, request_fingerprint)
        except idempotency.KeyReused as reused:
            return _key_problem(reused, 422)
        if kept is None:
            raise
        return _replay(kept, key, endpoint)
    return _answer(status, body)


def _start_keyed(endpoint: str, payload):
    """(key, fingerprint, early response or None) for a request that may carry an Idempotency-Key."""
    key = idempotency.requested_key()  # BadIdempotencyKey is checked by the caller before the body
    if key is None:
        return None, None, None
    request_fingerprint = idempotency.fingerprint(endpoint, payload)
    try:
        kept = idempotency.find(g.api_key.id, key, endpoint, request_fingerprint)
    except idempotency.KeyReused as reused:
        return key, request_fingerprint, _key_problem(reused, 422)
    if kept is not None:
        return key, request_fingerprint, _replay(kept, key, endpoint)
    return key, request_fingerprint, None


def _draft_of(fields: ComplaintFields):
    """The filing draft of validated API fields, and whether the language is to be read from the narrative."""
    from ..filing import ComplaintDraft

    values = {f.name: getattr(fields, f.name) for f in dataclass_fields(fields)}  # shallow: asdict copies deep
    language_given = values["language"] is not None
    if not language_given:
        values["language"] = "en"
    return ComplaintDraft(**values), not language_given


@bp.post("/complaints")
@requires_api_key
@per_key_rate_limit
def create_complaint():
    from ..filing import FilingRefused, ReferenceClash, file_complaint

    try:
        idempotency.requested_key()
        payload = _json_body()
    except idempotency.BadIdempotencyKey as error:
        return _key_problem(error, 400)
    except _BadJson as error:
        return _bad_json(error)
    key, request_fingerprint, early = _start_keyed(COMPLAINTS, payload)
    if early is not None:
        return early
    validation = validate_complaint(payload)
    if not validation.ok:
        return _unprocessable(validation.errors)

    draft, detect_language = _draft_of(validation.fields)
    for attempt in range(CLASH_ATTEMPTS):
        try:
            filed = file_complaint(draft, source="api", language_from_narrative=detect_language,
                                   access_code=_code_filler(key, COMPLAINTS)(0), clash_raises=True)
            break
        except FilingRefused as refused:
            db.session.rollback()
            return _unprocessable([FieldError(name, reason) for name, reason in refused.errors.items()])
        except ReferenceClash:
            db.session.rollback()  # nothing was stored yet: file again with a fresh reference
    else:
        raise RuntimeError("could not draw an unused complaint reference")
    # Read before committing: after the commit every attribute would be reloaded.
    created = complaint_created(filed.complaint, filed.access_code)
    return _commit_keeping(key, COMPLAINTS, request_fingerprint, 201, created)


@bp.post("/complaints/batch")
@requires_api_key
@per_key_rate_limit
def create_complaints_batch():
    """File up to MAX_BATCH_COMPLAINTS complaints in one transaction, each answered on its own.

    201 when every item was filed, 207 when some were refused (the others are
    filed), 422 when none could be (nothing stored). Each item of
    ``results`` has its ``index`` (from 0) and ``status``: 201 with the
    ``complaint`` as ``POST /complaints`` answers it, or 422 with its
    ``errors``. Filed in one classifier batch and one flush.
    """
    from ..domain.profiles import profile_ids
    from ..filing import ReferenceClash, file_complaints, validate_draft

    try:
        idempotency.requested_key()
        items = _json_body()
    except idempotency.BadIdempotencyKey as error:
        return _key_problem(error, 400)
    except _BadJson as error:
        return _bad_json(error)
    if not isinstance(items, list):
        return _unprocessable([FieldError("", "the body must be a JSON array of complaints")])
    if not items:
        return _unprocessable([FieldError("", "the array is empty: send at least one complaint")])
    if len(items) > MAX_BATCH_COMPLAINTS:
        return _unprocessable([FieldError("", f"at most {MAX_BATCH_COMPLAINTS} complaints a request "
                                              f"(got {len(items)}); split the array")])
    key, request_fingerprint, early = _start_keyed(BATCH, items)
    if early is not None:
        return early

    jurisdictions = profile_ids()
    today = datetime.now(timezone.utc).date()
    results: list[dict | None] = [None] * len(items)
    accepted: list[tuple[int, object, bool]] = []
    for index, item in enumerate(items):
        validation = validate_complaint(item, jurisdictions=jurisdictions, today=today)
        if not validation.ok:
            results[index] = _refused_item(index, validation.errors)
            continue
        draft, detect_language = _draft_of(validation.fields)
        problems = validate_draft(draft)
        if problems:
            results[index] = _refused_item(index, [FieldError(n, r) for n, r in problems.items()])
            continue
        accepted.append((index, draft, detect_language))

    code_for = _code_filler(key, BATCH)
    for attempt in range(CLASH_ATTEMPTS):
        try:
            filed = file_complaints(
                [draft for _, draft, _ in accepted],
                source="api",
                access_codes=[code_for(index) for index, _, _ in accepted],
                language_from_narrative=[detect for _, _, detect in accepted],
                clash_raises=True,
            )
            break
        except ReferenceClash:
            db.session.rollback()  # nothing was stored yet: file again with fresh references
    else:
        raise RuntimeError("could not draw unused complaint references")
    for (index, _, _), one in zip(accepted, filed):
        results[index] = {"index": index, "status": 201,
                          "complaint": complaint_created(one.complaint, one.access_code)}
    refused = len(items) - len(filed)
    body = {"filed": len(filed), "rejected": refused, "results": results}
    if not filed:
        db.session.rollback()
        return _answer(422, {"error": f"None of the {len(items)} complaints could be filed; nothing was stored.",
                             "status": 422, **body})
    return _commit_keeping(key, BATCH, request_fingerprint, 207 if refused else 201, body)


def _refused_item(index: int, errors: list[FieldError]) -> dict:
    return {"index": index, "status": 422, "errors": [e.to_dict() for e in errors]}


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
        idempotency.requested_key()
        rows = _json_body()
    except idempotency.BadIdempotencyKey as error:
        return _key_problem(error, 400)
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
        return _unprocessable([FieldError("jurisdiction", "is not a profile; use one of "
                                                          f"{', '.join(profile_ids())}")])
    key, request_fingerprint, early = _start_keyed(CONTACT_LOGS, rows)
    if early is not None:
        return early
    # The lookup's read must not hold the database while the importer works.
    db.session.commit()
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
    # The importer commits per batch, so its rows are stored before the answer
    # is kept; a retry after a crash in between finds them as duplicates.
    return _commit_keeping(key, CONTACT_LOGS, request_fingerprint, 207 if result.rejected else 200,
                           _import_summary(result))


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
