"""The public record's part of the OpenAPI document (pure: built from record's vocabularies)."""
from __future__ import annotations

from typing import Any

from ..domain.profiles import profile_ids
from . import record


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def public_parameters() -> list[dict[str, Any]]:
    """The query parameters of GET /public/complaints (any other is refused)."""
    return [
        _query("q", "Full-text search over published narratives only (every word must match; the last also "
               "matches words it begins).", {"type": "string", "maxLength": 200}),
        _query("category", "Complaint category.", {"type": "string", "enum": list(record.CATEGORIES)}),
        _query("urgency", "Urgency band.", {"type": "string", "enum": list(record.URGENCIES)}),
        _query("jurisdiction", "Jurisdiction profile id.", {"type": "string", "enum": list(profile_ids())}),
        _query("agency", "Collection agency (exact, case-insensitive).", {"type": "string", "maxLength": 200}),
        _query("channel", "How the collector made contact.", {"type": "string", "enum": list(record.CHANNELS)}),
        _query("region", "State or province (exact).", {"type": "string", "maxLength": 64}),
        _query("company_response", "The company's response.", {"type": "string", "enum": list(record.OUTCOMES)}),
        _query("timely", "Whether the first response was within its deadline.", {"type": "string", "enum": ["yes", "no"]}),
        _query("received_from", "Received on or after this day (UTC).", {"type": "string", "format": "date"}),
        _query("received_to", "Received on or before this day (UTC).", {"type": "string", "format": "date"}),
        _query("with_narrative", "Only complaints with a published narrative.", {"type": "string", "enum": ["yes"]}),
        _query("per_page", "Complaints per page.", {"type": "integer", "minimum": 1,
                                                    "maximum": record.MAX_PAGE_SIZE, "default": record.PAGE_SIZE}),
        _query("after", "The cursor from the previous page's `next` link.", {"type": "string"}),
        _query("lang", "Language of the error messages: en or zh_Hans.", {"type": "string", "enum": ["en", "zh_Hans"]}),
    ]


def public_paths() -> dict[str, Any]:
    parameters = public_parameters()
    return {
        "/public/complaints": {
            "get": {
                "operationId": "listPublicComplaints",
                "summary": "The public complaint database",
                "description": f"Published complaints only: the response was sent at least "
                f"{record.PUBLICATION_DELAY.days} days ago; duplicates are left out. The narrative is given only "
                "when the cardholder agreed to publish it, scrubbed of names, phone numbers, e-mail and postal "
                "addresses and account references; otherwise it is null. No key is needed; requests are "
                "rate-limited per address. Newest published first; follow `next` for the following page.",
                "security": [],
                "parameters": parameters,
                "responses": {
                    "200": {"description": "One page of published complaints.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PublicComplaintPage"}}}},
                    "400": {"description": "A query parameter is not valid or not one of these (for example "
                            "`page` or `limit`: pages are `per_page` and `after`); every problem is listed.",
                            "content": {"application/json": {"schema": {"type": "object", "properties": {
                                "error": {"type": "string"}, "status": {"type": "integer"},
                                "errors": {"type": "array", "items": {"type": "string"}}}}}}},
                    "429": {"description": "Too many requests from this address; retry after the time in Retry-After."},
                },
            }
        }
    }


def public_schemas() -> dict[str, Any]:
    nullable_string = {"type": ["string", "null"]}
    return {
        "PublicComplaint": {
            "type": "object",
            "required": list(record.FIELD_NAMES),
            "additionalProperties": False,
            "properties": {
                "complaint_id": {"type": "integer", "description": "A number for this published complaint."},
                "date_received": {"type": "string", "format": "date"},
                "category": {"type": ["string", "null"], "enum": [*record.CATEGORIES, None]},
                "urgency": {"type": ["string", "null"], "enum": [*record.URGENCIES, None]},
                "jurisdiction": {"type": "string"},
                "agency": nullable_string,
                "channels": {"type": "array", "items": {"type": "string", "enum": list(record.CHANNELS)}},
                "region": {**nullable_string, "description": "State or province, when given."},
                "company_response": {"type": "string", "enum": list(record.OUTCOMES)},
                "date_response_sent": {"type": "string", "format": "date"},
                "timely_response": {"type": ["boolean", "null"]},
                "narrative": {**nullable_string, "description": "Scrubbed; null without the cardholder's consent."},
            },
        },
        "PublicComplaintPage": {
            "type": "object",
            "required": ["items", "total", "total_is_lower_bound", "per_page", "next"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/PublicComplaint"}},
                "total": {"type": "integer", "description": f"Matching complaints, counted up to {record.COUNT_CAP:,}."},
                "total_is_lower_bound": {"type": "boolean", "description": f"True when more than {record.COUNT_CAP:,} match."},
                "per_page": {"type": "integer"},
                "next": {"type": ["string", "null"], "description": "The next page's URL, or null on the last page."},
            },
        },
    }
