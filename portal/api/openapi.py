"""The OpenAPI 3.1 document of /api/v1, built from the validation constants.

Pure (no Flask): the limits and vocabularies come from ``schemas`` and
``domain.contact_fields``, so the document says what the code enforces.
"""
from __future__ import annotations

from typing import Any

from ..domain.contact_fields import (
    ALLOWED_VALUES,
    KNOWN_FIELDS,
    MAX_DURATION_S,
    MAX_LENGTHS,
    OCCURRED_YEARS,
    REQUIRED_FIELDS,
)
from ..domain.profiles import profile_ids
from . import schemas as s
from .idempotency import KEY_MAX

API_VERSION = "1.0.0"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    return schema


def _complaint_input() -> dict[str, Any]:
    text = lambda n, d: _nullable({"type": "string", "maxLength": n, "description": d})  # noqa: E731
    amount = {
        "type": ["string", "number", "null"],
        "description": "A decimal amount, 0 or more, at most 2 decimal places (a string keeps it exact), "
        f"at most {s.AMOUNT_MAX}. Needs currency.",
        "minimum": 0,
        "maximum": float(s.AMOUNT_MAX),
        "pattern": r"^\s*[0-9]{1,12}(\.[0-9]{1,2})?\s*$",
        "examples": ["1250.00"],
    }
    listed = lambda values, d: {  # noqa: E731
        "type": ["array", "null"], "maxItems": s.LIST_MAX_ITEMS,
        "items": {"type": "string", "enum": list(values)}, "description": d + " Repeated items count once.",
    }
    date = {"type": ["string", "null"], "format": "date", "description": "ISO 8601 date, YYYY-MM-DD; not in the future."}
    return {
        "type": "object",
        "additionalProperties": False,
        "description": "A complaint taken by an integrating system. Unknown fields are refused (422), so a "
        "misspelt field name never loses information. Free text is scanned and card and ID numbers are "
        "masked before anything is stored. Strings are trimmed; an empty string counts as absent. No "
        "string may hold a NUL character or a lone surrogate (an unpaired \\ud800-\\udfff escape). An "
        "amount needs a currency.",
        "required": ["narrative"],
        "allOf": [
            {"if": {"required": [name], "properties": {name: {"type": ["string", "number"]}}},
             "then": {"required": ["currency"], "properties": {"currency": {"type": "string"}}}}
            for name in ("amount_demanded", "amount_believed_owed")
        ],
        "properties": {
            "narrative": {"type": "string", "minLength": s.NARRATIVE_MIN, "maxLength": s.NARRATIVE_MAX,
                          "description": "What happened, in the cardholder's words (trimmed)."},
            "language": _nullable({"type": "string", "enum": list(s.LANGUAGE_ALIASES),
                                   "description": "The cardholder's language: en or zh_Hans (zh, zh-Hans and zh-CN "
                                   "mean zh_Hans). When omitted, read from the narrative."}),
            "jurisdiction": _nullable({"type": "string", "enum": list(profile_ids()),
                                       "description": "Jurisdiction profile id; the portal's default when omitted."}),
            "agency": text(s.SHORT_TEXT_MAX, "The collection agency."),
            "agent_name": text(s.SHORT_TEXT_MAX, "The collector's name as given."),
            "incident_start": date,
            "incident_end": {**date, "description": date["description"] + " Not before incident_start."},
            "contact_numbers": {"type": ["array", "null"], "maxItems": s.MAX_CONTACT_NUMBERS,
                                "items": {"type": "string", "minLength": 1, "maxLength": s.PHONE_MAX,
                                          "pattern": r"\S"},
                                "description": "Numbers the collector called from (each not blank)."},
            "channels": listed(s.CHANNELS, "How the collector made contact."),
            "amount_demanded": amount,
            "amount_believed_owed": amount,
            "currency": _nullable({"type": "string", "pattern": "^[A-Za-z]{3}$",
                                   "description": "ISO 4217 code; required when an amount is given."}),
            "account_ref": _nullable({
                "type": "string", "maxLength": s.ACCOUNT_REF_MAX,
                "pattern": rf"^[^0-9]*(?:[0-9][^0-9]*){{0,{s.ACCOUNT_REF_MAX_DIGITS}}}$",
                "description": f"The card account reference: at most {s.ACCOUNT_REF_MAX_DIGITS} digits in all "
                "(never a full card number; give the last 4 digits).",
            }),
            "desired_resolution": text(s.RESOLUTION_MAX, "What the cardholder wants done."),
            "name": text(s.SHORT_TEXT_MAX, "The cardholder's name."),
            "email": _nullable({"type": "string", "format": "email", "maxLength": s.EMAIL_MAX}),
            "phone": _nullable({"type": "string", "maxLength": s.PHONE_MAX, "pattern": s.PHONE_PATTERN.pattern,
                                "description": "A telephone number: at least 3 digits; digits, spaces, + ( ) - . /"}),
            "region": _nullable({
                "type": "string", "maxLength": s.REGION_MAX,
                "pattern": rf"^[^0-9]*(?:[0-9][^0-9]*){{0,{s.ACCOUNT_REF_MAX_DIGITS}}}$",
                "description": "The cardholder's state, province or county (e.g. TX, 广东, Greater Manchester). "
                "Published with the complaint in the public record; a value holding a card or ID number "
                f"(or more than {s.ACCOUNT_REF_MAX_DIGITS} digits) is refused.",
            }),
            "vulnerabilities": listed(s.VULNERABILITIES, "Circumstances that call for extra care."),
            "publish_narrative": {"type": ["boolean", "null"], "default": False,
                                  "description": "The cardholder agreed to publish the narrative in the public "
                                  "complaint database (scrubbed of names, contact details, addresses and "
                                  "account references). Off unless true."},
        },
        "examples": [{
            "narrative": "The agent called my employer three times last week and told my manager about the debt.",
            "jurisdiction": "us-cfpb",
            "agency": "Apex Recoveries",
            "channels": ["phone"],
            "amount_demanded": "2400.00",
            "currency": "USD",
            "account_ref": "4242",
            "email": "cardholder@example.org",
            "region": "TX",
        }],
    }


def _due(description: str) -> dict[str, Any]:
    return {"type": ["string", "null"], "format": "date-time",
            "description": description + " ISO 8601 in the profile's time zone; null when unknown."}


def _complaint_created() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["reference", "access_code", "category", "urgency", "deadlines"],
        "properties": {
            "reference": {"type": "string", "description": "The complaint's public reference."},
            "access_code": {"type": "string", "description": "Private code for the cardholder to track the "
                            "complaint at /track. Shown once: only its hash is stored."},
            "status": {"type": "string"},
            "jurisdiction": {"type": "string"},
            "language": {"type": "string", "enum": list(s.LANGUAGES)},
            "received_at": {"type": "string", "format": "date-time"},
            "category": {"type": ["string", "null"], "description": "null when the classifier could not route it yet."},
            "urgency": {"type": ["string", "null"], "enum": ["critical", "high", "normal", "low", None]},
            "masked_items": {"type": "integer", "description": "How many card or ID numbers were masked."},
            "deadlines": {
                "type": "object",
                "required": ["acknowledgement", "first_response", "final"],
                "properties": {
                    "acknowledgement": _due("Acknowledge by."),
                    "first_response": _due("First response due."),
                    "final": _due("Final response due."),
                },
            },
        },
    }


def _contact_log_row() -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name in KNOWN_FIELDS:
        if name in ALLOWED_VALUES:
            schema: dict[str, Any] = {"type": "string", "enum": list(ALLOWED_VALUES[name])}
        elif name == "duration_s":
            schema = {"type": ["integer", "string"], "minimum": 0, "maximum": MAX_DURATION_S,
                      "pattern": r"^\s*[0-9]+\s*$", "description": "Whole seconds, 0 or more; calls only."}
        elif name == "occurred_at":
            schema = {"type": "string", "format": "date-time",
                      "description": "ISO 8601 date and time with an offset (or Z), in the years "
                      f"{OCCURRED_YEARS[0]} to {OCCURRED_YEARS[1]} once in UTC."}
        elif name == "consumer_tz":
            schema = {"type": "string", "description": "IANA time zone of the consumer."}
        elif name == "jurisdiction":
            schema = {"type": "string", "enum": list(profile_ids()),
                      "description": "The profile whose audits cover this log; empty: the request's "
                      "jurisdiction, else the profile whose zones hold consumer_tz."}
        else:
            schema = {"type": "string"}
        if name in MAX_LENGTHS:
            schema["maxLength"] = MAX_LENGTHS[name]
        if name not in REQUIRED_FIELDS:
            schema = _nullable(schema)
        properties[name] = schema
    return {
        "type": "object",
        "description": "One collection contact or attempt (SPEC section 5); the same validation as the "
        "CSV and JSON Lines import. Keys other than these fields reject the row. Text is trimmed (an empty "
        "string counts as absent) and may not hold a NUL character or a lone surrogate; card and ID "
        "numbers in source, external_id, agency, agent_id, account_ref, contact_point and notes are "
        "masked before the row is compared or stored, and a value the mask makes longer than its "
        "maxLength rejects the row. A rejected row's reason names the field and the problem, never the value.",
        "additionalProperties": False,
        "required": list(REQUIRED_FIELDS),
        "properties": properties,
    }


def _error(status: int, description: str, schema: str = "Error") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def openapi_document() -> dict[str, Any]:
    unauthorised = {
        **_error(401, "No key, a malformed Authorization header, or an unknown or revoked key."),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"},
                                         "description": 'Bearer challenge, e.g. Bearer realm="redress", error="invalid_token"'}},
    }
    common = {
        "400": _error(400, "The body is empty, not JSON (UTF-8) or nested too deeply to read."),
        "405": {"description": "Method not allowed; the Allow header lists the methods this path takes.",
                "headers": {"Allow": {"schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "401": unauthorised,
        "422": _error(422, "Invalid fields: every problem is listed at once; nothing was stored.", "ValidationError"),
        "429": _error(429, "Too many requests for this key; retry after the time in Retry-After."),
    }
    idempotency_key = {"$ref": "#/components/parameters/IdempotencyKey"}
    replayed = {"Idempotent-Replayed": {"schema": {"type": "string", "const": "true"},
                                        "description": "Present on a kept answer given again for a repeated "
                                        "Idempotency-Key; nothing new was stored."}}
    key_refused = {
        "400": _error(400, "The body is not JSON, or the Idempotency-Key header is empty or not 1 to "
                      f"{KEY_MAX} visible ASCII characters."),
    }
    key_reused = ("; or the Idempotency-Key was already used in the last 24 hours for another endpoint or a "
                  "different body (nothing was stored)")
    paths: dict[str, Any] = {
        "/complaints": {
            "post": {
                "operationId": "createComplaint",
                "summary": "File a complaint taken by an integrating system",
                "parameters": [idempotency_key],
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ComplaintInput"}}}},
                "responses": {
                    "201": {"description": "Filed: routed, with its deadlines (or, for a repeated Idempotency-Key, "
                            "the first answer again).",
                            "headers": replayed,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ComplaintCreated"}}}},
                    **common,
                    **key_refused,
                    "422": _error(422, "Invalid fields: every problem is listed at once; nothing was stored"
                                  + key_reused + ".", "ValidationError"),
                },
            }
        },
        "/complaints/batch": {
            "post": {
                "operationId": "createComplaints",
                "summary": "File many complaints at once, each answered on its own",
                "description": f"Up to {s.MAX_BATCH_COMPLAINTS} complaints, each validated and masked as "
                "POST /complaints does. Valid ones are filed together in one transaction; each item of "
                "`results` (in the order sent) has its `index` (from 0) and `status`: 201 with the complaint as "
                "POST /complaints answers it, or 422 with its errors. 201 when every item was filed, 207 when "
                "some were refused and the others filed, 422 when none could be filed.",
                "parameters": [idempotency_key],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "array", "minItems": 1, "maxItems": s.MAX_BATCH_COMPLAINTS,
                    "items": {"$ref": "#/components/schemas/ComplaintInput"}}}}},
                "responses": {
                    "201": {"description": "Every complaint filed.", "headers": replayed,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchResult"}}}},
                    "207": {"description": "Some complaints refused (status 422 in their items); the others filed.",
                            "headers": replayed,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchResult"}}}},
                    **common,
                    **key_refused,
                    "422": {"description": "No complaint could be filed (each item says why; the body is a "
                            "BatchResult with error and status), or the body is not an array, is empty or has more "
                            f"than {s.MAX_BATCH_COMPLAINTS} items (a ValidationError)" + key_reused + ".",
                            "content": {"application/json": {"schema": {"oneOf": [
                                {"$ref": "#/components/schemas/BatchResult"},
                                {"$ref": "#/components/schemas/ValidationError"},
                                {"$ref": "#/components/schemas/Error"}]}}}},
                },
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenApiDocument",
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "The OpenAPI document.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }
        },
    }
    paths["/contact-logs"] = {
        "post": {
            "operationId": "importContactLogs",
            "summary": "Import contact logs",
            "description": "Each valid row is stored; a row identical to one already stored with the same "
            "source and external_id is a duplicate and changes nothing; invalid rows are rejected with "
            "their index (from 0) and reason, and never stop the valid ones. 200 when every row was "
            "imported or a duplicate, 207 when some were rejected.",
            "parameters": [idempotency_key,
                           {"name": "jurisdiction", "in": "query", "required": False,
                            "description": "Profile id the logs belong to, for rows with no jurisdiction "
                            "of their own (else the profile whose zones hold the row's consumer_tz).",
                            "schema": {"type": "string", "enum": list(profile_ids())}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "array", "minItems": 1, "maxItems": s.MAX_CONTACT_LOG_ROWS,
                "items": {"$ref": "#/components/schemas/ContactLogRow"}}}}},
            "responses": {
                "200": {"description": "Every row imported or a duplicate.", "headers": replayed,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportResult"}}}},
                "207": {"description": "Some rows rejected; the others were imported.", "headers": replayed,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportResult"}}}},
                **common,
                **key_refused,
                "422": _error(422, "The body is not an array, is empty or has more than "
                              f"{s.MAX_CONTACT_LOG_ROWS:,} rows; nothing was stored" + key_reused + ".",
                              "ValidationError"),
                "500": {"description": "The import stopped part-way (a database failure). Every batch counted "
                        "was stored; sending the same array again finishes it, stored rows coming back "
                        "as duplicates.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportResult"}}}},
            },
        }
    }
    from ..public.openapi import public_paths, public_schemas

    paths.update(public_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Redress API",
            "version": API_VERSION,
            "description": "Complaints about credit-card debt-collection conduct and collection contact logs, "
            "pushed by integrating systems (bank CRMs, collection platforms). Keys are made with "
            "`flask --app portal api-keys create NAME` or on the admin pages, and sent as "
            "`Authorization: Bearer KEY`. Requests are rate-limited per key.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerKey": []}],
        "paths": paths,
        "components": {
            "parameters": {
                "IdempotencyKey": {
                    "name": "Idempotency-Key", "in": "header", "required": False,
                    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX, "pattern": "^[!-~]+$"},
                    "description": "Makes a retry safe: a key (a UUID) the client uses for this request only. The "
                    "first answer that stored something is kept 24 hours per API key; the same key again returns "
                    "it, with its access codes, and the Idempotent-Replayed header, and stores nothing new. The "
                    "same key with a different body or on another endpoint is refused (422). Two requests with "
                    "the same key at once: the second waits and gets the first's answer. Answers that stored "
                    "nothing (400, 401, 422, 429) are not kept.",
                },
            },
            "securitySchemes": {
                "bearerKey": {"type": "http", "scheme": "bearer", "bearerFormat": "rdk_<43 URL-safe characters>",
                              "description": "An API key; only its SHA-256 is stored."},
            },
            "schemas": {
                "ComplaintInput": _complaint_input(),
                "ComplaintCreated": _complaint_created(),
                "ContactLogRow": _contact_log_row(),
                **public_schemas(),
                "ImportResult": {
                    "type": "object",
                    "required": ["imported", "duplicates", "rejected", "rejects"],
                    "properties": {
                        "imported": {"type": "integer"},
                        "duplicates": {"type": "integer"},
                        "rejected": {"type": "integer"},
                        "rejects": {"type": "array", "items": {
                            "type": "object", "required": ["index", "reason"],
                            "properties": {"index": {"type": "integer", "description": "Position in the array, from 0."},
                                           "reason": {"type": "string"}}}},
                    },
                },
                "BatchResult": {
                    "type": "object",
                    "required": ["filed", "rejected", "results"],
                    "properties": {
                        "filed": {"type": "integer"},
                        "rejected": {"type": "integer"},
                        "error": {"type": "string", "description": "Only when nothing was filed."},
                        "status": {"type": "integer", "description": "Only when nothing was filed (422)."},
                        "results": {"type": "array", "items": {
                            "type": "object", "required": ["index", "status"],
                            "properties": {
                                "index": {"type": "integer", "description": "Position in the array, from 0."},
                                "status": {"type": "integer", "enum": [201, 422]},
                                "complaint": {"$ref": "#/components/schemas/ComplaintCreated"},
                                "errors": {"type": "array", "minItems": 1, "items": {
                                    "type": "object", "required": ["field", "message"],
                                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
                            }}},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "status"],
                    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
                },
                "ValidationError": {
                    "type": "object",
                    "required": ["error", "status", "errors"],
                    "properties": {
                        "error": {"type": "string"},
                        "status": {"type": "integer", "const": 422},
                        "errors": {"type": "array", "minItems": 1, "items": {
                            "type": "object", "required": ["field", "message"],
                            "properties": {
                                "field": {"type": "string", "description": "The field's name; empty for the body as a whole."},
                                "message": {"type": "string"}}}},
                    },
                },
            },
        },
    }
