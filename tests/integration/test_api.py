"""The JSON API: keys, filing a complaint, validation, masking, the document."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import ApiKey, Complaint, ComplaintEvent

NARRATIVE = (
    "The agent from Apex Recoveries phoned my employer three times last week and told "
    "my manager I was a deadbeat who owed money on my card."
)


@pytest.fixture
def api_key(app) -> str:
    from portal.api_keys import create_api_key

    with app.app_context():
        new = create_api_key("bank-crm")
        db.session.commit()
        return new.secret


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def post_complaint(client, key, payload):
    return client.post("/api/v1/complaints", json=payload, headers=bearer(key))


def stored(app, reference: str) -> Complaint:
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert complaint is not None
        db.session.expunge(complaint)
        return complaint


def complaint_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Complaint))


# --- authentication ------------------------------------------------------


def test_no_key_is_401_with_a_bearer_challenge(app, client):
    response = client.post("/api/v1/complaints", json={"narrative": NARRATIVE})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="redress"'
    assert response.is_json and response.json["status"] == 401
    assert complaint_count(app) == 0


@pytest.mark.parametrize(
    "header, error_code",
    [("Bearer rdk_not-a-real-key", "invalid_token"), ("Basic dXNlcjpwYXNz", "invalid_request"),
     ("Bearer ", "invalid_request")],
)
def test_wrong_key_is_401(app, client, api_key, header, error_code):
    response = client.post("/api/v1/complaints", json={"narrative": NARRATIVE}, headers={"Authorization": header})
    assert response.status_code == 401
    assert f'error="{error_code}"' in response.headers["WWW-Authenticate"]
    assert complaint_count(app) == 0


def test_revoked_key_is_401(app, client, api_key, runner):
    assert post_complaint(client, api_key, {"narrative": NARRATIVE}).status_code == 201
    result = runner.invoke(args=["api-keys", "revoke", "bank-crm"])
    assert result.exit_code == 0, result.output
    response = post_complaint(client, api_key, {"narrative": NARRATIVE})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert complaint_count(app) == 1


def test_use_is_recorded_on_the_key(app, client, api_key):
    assert post_complaint(client, api_key, {"narrative": NARRATIVE}).status_code == 201
    with app.app_context():
        key = db.session.scalar(sa.select(ApiKey))
        assert key.last_used_at is not None


# --- filing ----------------------------------------------------------------


def test_valid_complaint_is_filed(app, client, api_key):
    response = post_complaint(
        client,
        api_key,
        {
            "narrative": NARRATIVE,
            "language": "en",
            "jurisdiction": "uk-fca",
            "agency": "Apex Recoveries",
            "agent_name": "Mr Smith",
            "incident_start": "2026-10-01",
            "incident_end": "2026-10-08",
            "contact_numbers": ["+44 20 7946 0000"],
            "channels": ["phone"],
            "amount_demanded": "2400.00",
            "amount_believed_owed": 1200,
            "currency": "GBP",
            "account_ref": "4242",
            "desired_resolution": "Stop contacting my employer.",
            "name": "Ann Example",
            "email": "ann@example.org",
            "phone": "+44 7700 900123",
            "vulnerabilities": ["mental_health_crisis"],
        },
    )
    assert response.status_code == 201, response.json
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert {"reference", "access_code", "category", "urgency", "deadlines"} <= set(body)
    assert body["jurisdiction"] == "uk-fca"
    assert body["status"] == "received"

    complaint = stored(app, body["reference"])
    assert complaint.source == "api"
    assert complaint.agency == "Apex Recoveries"
    assert complaint.channels == ["phone"]
    assert str(complaint.amount_demanded) == "2400.00"
    assert complaint.currency == "GBP"
    assert complaint.vulnerabilities == ["mental_health_crisis"]
    assert body["category"] == complaint.category and body["urgency"] == complaint.urgency

    # Deadlines come from the stored due dates, in the profile's time zone.
    deadlines = body["deadlines"]
    assert set(deadlines) == {"acknowledgement", "first_response", "final"}
    for name, column in (("acknowledgement", complaint.ack_due_at),
                         ("first_response", complaint.first_response_due_at),
                         ("final", complaint.final_due_at)):
        if column is None:
            assert deadlines[name] is None
        else:
            assert datetime.fromisoformat(deadlines[name]) == column
    assert deadlines["final"] is not None
    assert datetime.fromisoformat(deadlines["final"]).utcoffset() is not None

    with app.app_context():
        events = db.session.scalars(
            sa.select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)).all()
        submitted = [e for e in events if e.kind == "submitted"]
        assert len(submitted) == 1 and submitted[0].actor_type == "api" and submitted[0].public


def test_reference_is_trackable_with_the_access_code(app, client, api_key):
    body = post_complaint(client, api_key, {"narrative": NARRATIVE}).json
    complaint = stored(app, body["reference"])
    assert body["access_code"] not in complaint.access_code_hash

    cardholder = app.test_client()
    wrong = cardholder.post("/track", data={"reference": body["reference"], "access_code": "AAAA-AAAA-AAAA-AAAA"})
    assert wrong.status_code == 401
    found = cardholder.post("/track", data={"reference": body["reference"], "access_code": body["access_code"]},
                            follow_redirects=True)
    assert found.status_code == 200
    page = found.get_data(as_text=True)
    assert body["reference"] in page
    assert "status-received" in page


def test_default_jurisdiction_is_the_chosen_profile(app, client, api_key):
    body = post_complaint(client, api_key, {"narrative": NARRATIVE}).json
    assert body["jurisdiction"] == app.config["DEFAULT_PROFILE"]


def test_card_number_in_narrative_is_stored_masked(app, client, api_key):
    narrative = NARRATIVE + " They read out my card number 4111 1111 1111 1111 on the phone."
    response = post_complaint(client, api_key, {"narrative": narrative, "desired_resolution": "Refund 5500-0000-0000-0004"})
    assert response.status_code == 201
    assert response.json["masked_items"] == 2
    complaint = stored(app, response.json["reference"])
    assert "4111 1111 1111 1111" not in complaint.narrative
    assert "1111" in complaint.narrative  # the last four digits remain to identify the card
    assert "5500-0000-0000-0004" not in complaint.desired_resolution
    assert complaint.redacted_count == 2
    with app.app_context():
        everything = json.dumps([
            [e.body, e.data] for e in db.session.scalars(sa.select(ComplaintEvent))])
    assert "4111 1111 1111 1111" not in everything


def test_chinese_narrative_without_language(app, client, api_key):
    narrative = "催收员每天给我单位打电话，还威胁要告诉我的家人，我已经说过不要再打到单位了。"
    response = post_complaint(client, api_key, {"narrative": narrative, "jurisdiction": "cn-nfra"})
    assert response.status_code == 201
    complaint = stored(app, response.json["reference"])
    assert complaint.narrative == narrative
    assert complaint.jurisdiction == "cn-nfra"


# --- validation ------------------------------------------------------------


def test_validation_errors_list_every_field(app, client, api_key):
    response = post_complaint(
        client,
        api_key,
        {
            "narrative": "too short",
            "jurisdiction": "atlantis",
            "incident_start": "yesterday",
            "amount_demanded": -10,
            "currency": "US",
            "account_ref": "4111111111111111",
            "email": "nobody",
            "channels": "phone",
            "colour": "blue",
        },
    )
    assert response.status_code == 422
    body = response.json
    assert body["status"] == 422
    fields = [e["field"] for e in body["errors"]]
    assert set(fields) == {"narrative", "jurisdiction", "incident_start", "amount_demanded", "currency",
                           "account_ref", "email", "channels", "colour"}
    assert all(e["message"] for e in body["errors"])
    assert complaint_count(app) == 0


def test_missing_narrative(client, api_key):
    response = post_complaint(client, api_key, {"name": "Ann"})
    assert response.status_code == 422
    assert response.json["errors"] == [
        {"field": "narrative", "message": "is required: what happened, in the cardholder's words"}]


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe"])
def test_body_not_json_is_400(app, client, api_key, body):
    response = client.post("/api/v1/complaints", data=body, headers={**bearer(api_key), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.is_json and "JSON" in response.json["error"]
    assert complaint_count(app) == 0


def test_body_not_an_object_is_422(client, api_key):
    response = client.post("/api/v1/complaints", json=["narrative"], headers=bearer(api_key))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == ""


def test_schema_vocabularies_match_the_filing_service():
    from portal import filing
    from portal.api import schemas

    assert schemas.CHANNELS == filing.CHANNELS
    assert schemas.VULNERABILITIES == filing.VULNERABILITIES
    assert schemas.LANGUAGES == filing.LANGUAGES
    assert (schemas.NARRATIVE_MIN, schemas.NARRATIVE_MAX) == (filing.NARRATIVE_MIN, filing.NARRATIVE_MAX)
    assert schemas.MAX_CONTACT_NUMBERS == filing.MAX_CONTACT_NUMBERS


# --- rate limit ------------------------------------------------------------


def test_rate_limit_per_key(app, api_key):
    from portal.api_keys import create_api_key
    from portal.extensions import limiter

    app.config.update(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    limiter.init_app(app)  # re-read the switched-on setting
    try:
        with app.app_context():
            other = create_api_key("collection-platform")
            db.session.commit()
            other_key = other.secret
        client = app.test_client()
        codes = [post_complaint(client, api_key, {"narrative": NARRATIVE}).status_code for _ in range(3)]
        assert codes == [201, 201, 429]
        limited = post_complaint(client, api_key, {"narrative": NARRATIVE})
        assert limited.is_json and limited.json["status"] == 429
        assert "Retry-After" in limited.headers
        assert complaint_count(app) == 2
        # Another key has its own allowance.
        assert post_complaint(client, other_key, {"narrative": NARRATIVE}).status_code == 201
    finally:
        limiter.reset()


# --- the API document -------------------------------------------------------


def test_openapi_document_is_valid(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerKey"] == {
        **document["components"]["securitySchemes"]["bearerKey"], "type": "http", "scheme": "bearer"}
    post = document["paths"]["/complaints"]["post"]
    assert {"201", "401", "422"} <= set(post["responses"])
    complaint_input = document["components"]["schemas"]["ComplaintInput"]
    assert complaint_input["additionalProperties"] is False
    assert complaint_input["required"] == ["narrative"]
    from portal.api.schemas import FIELDS

    assert set(complaint_input["properties"]) == set(FIELDS)


def test_openapi_example_is_accepted(client, api_key):
    document = client.get("/api/v1/openapi.json").json
    example = document["components"]["schemas"]["ComplaintInput"]["examples"][0]
    assert post_complaint(client, api_key, example).status_code == 201


# --- the api-keys command ---------------------------------------------------


def test_cli_create_prints_the_key_once_and_stores_only_its_hash(app, runner):
    result = runner.invoke(args=["api-keys", "create", "bank-crm"])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert key.startswith("rdk_") and len(key) == 4 + 43
    assert result.output.count(key) == 1
    with app.app_context():
        row = db.session.scalar(sa.select(ApiKey))
        assert row.name == "bank-crm"
        assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key.startswith(row.prefix) and len(row.prefix) < len(key) // 3
        for column in sa.inspect(ApiKey).columns:
            assert key not in str(getattr(row, column.key))

    listing = runner.invoke(args=["api-keys", "list"])
    assert listing.exit_code == 0
    assert "bank-crm" in listing.output and key not in listing.output and "active" in listing.output

    duplicate = runner.invoke(args=["api-keys", "create", "bank-crm"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output


def test_cli_created_key_works_until_revoked_by_prefix(app, client, runner):
    key = runner.invoke(args=["api-keys", "create", "crm"]).stdout.strip()
    assert post_complaint(client, key, {"narrative": NARRATIVE}).status_code == 201
    with app.app_context():
        prefix = db.session.scalar(sa.select(ApiKey.prefix))
    result = runner.invoke(args=["api-keys", "revoke", prefix])
    assert result.exit_code == 0 and "revoked" in result.output
    assert post_complaint(client, key, {"narrative": NARRATIVE}).status_code == 401
    assert "revoked" in runner.invoke(args=["api-keys", "list"]).output
    again = runner.invoke(args=["api-keys", "revoke", prefix])
    assert again.exit_code != 0 and "no active key" in again.output


# --- contact logs -------------------------------------------------------------


def contact_log(external_id: str, **changes) -> dict:
    row = {
        "external_id": external_id,
        "source": "apex-dialler",
        "agency": "Apex Recoveries",
        "agent_id": "A-17",
        "account_ref": "ACC-4242",
        "occurred_at": "2026-03-02T21:45:00-05:00",
        "consumer_tz": "America/New_York",
        "channel": "call",
        "direction": "outbound",
        "outcome": "connected",
        "duration_s": 240,
        "counterparty": "debtor",
        "contact_point": "+1 212 555 0100",
        "notes": "Consumer asked us to stop calling.",
        "disposition": "cease_request",
    }
    row.update(changes)
    return row


def post_logs(client, key, rows):
    return client.post("/api/v1/contact-logs", json=rows, headers=bearer(key))


def stored_logs(app) -> list[tuple[str, str]]:
    from portal.models import ContactLog

    with app.app_context():
        return sorted(db.session.execute(sa.select(ContactLog.source, ContactLog.external_id)).all())


def test_contact_logs_need_a_key(app, client):
    response = client.post("/api/v1/contact-logs", json=[contact_log("c-1")])
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert stored_logs(app) == []


def test_contact_logs_imported_then_duplicates(app, client, api_key):
    rows = [contact_log("c-1"), contact_log("c-2", channel="sms", duration_s=None, outcome="delivered")]
    response = post_logs(client, api_key, rows)
    assert response.status_code == 200, response.json
    assert response.json == {"imported": 2, "duplicates": 0, "rejected": 0, "rejects": []}
    assert stored_logs(app) == [("apex-dialler", "c-1"), ("apex-dialler", "c-2")]

    again = post_logs(client, api_key, rows)
    assert again.status_code == 200
    assert again.json == {"imported": 0, "duplicates": 2, "rejected": 0, "rejects": []}


def test_contact_logs_rejects_by_index_and_keeps_the_valid_ones(app, client, api_key):
    rows = [
        contact_log("c-1"),
        contact_log("c-2", occurred_at="2026-03-02 21:45"),
        "not an object",
        contact_log("c-4", channel="carrier-pigeon"),
        contact_log("c-5"),
    ]
    response = post_logs(client, api_key, rows)
    assert response.status_code == 207
    body = response.json
    assert (body["imported"], body["duplicates"], body["rejected"]) == (2, 0, 3)
    assert [r["index"] for r in body["rejects"]] == [1, 2, 3]
    assert "occurred_at" in body["rejects"][0]["reason"]
    assert "channel" in body["rejects"][2]["reason"]
    assert stored_logs(app) == [("apex-dialler", "c-1"), ("apex-dialler", "c-5")]


def test_contact_logs_conflicting_row_is_rejected_not_overwritten(app, client, api_key):
    assert post_logs(client, api_key, [contact_log("c-1")]).status_code == 200
    response = post_logs(client, api_key, [contact_log("c-1", agent_id="B-99")])
    assert response.status_code == 207
    assert response.json["rejected"] == 1 and "agent_id" in response.json["rejects"][0]["reason"]


@pytest.mark.parametrize("body", [{"external_id": "c-1"}, [], "rows"])
def test_contact_logs_body_must_be_a_non_empty_array(app, client, api_key, body):
    response = post_logs(client, api_key, body)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == ""
    assert stored_logs(app) == []


def test_openapi_describes_contact_logs(client):
    from portal.domain.contact_fields import REQUIRED_FIELDS

    document = client.get("/api/v1/openapi.json").json
    post = document["paths"]["/contact-logs"]["post"]
    assert {"200", "207", "401", "422"} <= set(post["responses"])
    row = document["components"]["schemas"]["ContactLogRow"]
    assert set(row["required"]) == set(REQUIRED_FIELDS)
    assert row["properties"]["channel"]["enum"][0] == "call"


def _validator(document: dict, name: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator({"components": document["components"], "$ref": f"#/components/schemas/{name}"})


def test_responses_match_the_api_document(client, api_key):
    document = client.get("/api/v1/openapi.json").json
    created = post_complaint(client, api_key, {"narrative": NARRATIVE, "jurisdiction": "cn-nfra"})
    assert not list(_validator(document, "ComplaintCreated").iter_errors(created.json))
    invalid = post_complaint(client, api_key, {"narrative": "short", "email": "x"})
    assert not list(_validator(document, "ValidationError").iter_errors(invalid.json))
    unauthorised = client.post("/api/v1/complaints", json={"narrative": NARRATIVE})
    assert not list(_validator(document, "Error").iter_errors(unauthorised.json))
    imported = post_logs(client, api_key, [contact_log("c-1"), contact_log("c-2", channel="fax")])
    assert not list(_validator(document, "ImportResult").iter_errors(imported.json))
    rows = _validator(document, "ContactLogRow")
    assert not list(rows.iter_errors(contact_log("c-3")))
    assert list(rows.iter_errors(contact_log("c-4", channel="fax")))


def test_document_input_schema_agrees_with_the_validator(client):
    from portal.api.schemas import validate_complaint

    document = client.get("/api/v1/openapi.json").json
    schema = _validator(document, "ComplaintInput")
    for payload, ok in [
        ({"narrative": NARRATIVE}, True),
        ({"narrative": NARRATIVE, "channels": ["phone"], "vulnerabilities": ["older_person"]}, True),
        ({"narrative": "short"}, False),
        ({"narrative": NARRATIVE, "channels": ["fax"]}, False),
        ({"narrative": NARRATIVE, "language": "fr"}, False),
        ({"narrative": NARRATIVE, "language": "zh-CN"}, True),
        ({"narrative": NARRATIVE, "surprise": 1}, False),
        ({}, False),
    ]:
        assert schema.is_valid(payload) is ok, payload
        assert validate_complaint(payload).ok is ok, payload


def test_contact_logs_batch_size_is_bounded(app, client, api_key):
    from portal.api.schemas import MAX_CONTACT_LOG_ROWS

    response = post_logs(client, api_key, [{"external_id": str(i)} for i in range(MAX_CONTACT_LOG_ROWS + 1)])
    assert response.status_code == 422
    assert f"at most {MAX_CONTACT_LOG_ROWS}" in response.json["errors"][0]["message"]
    assert stored_logs(app) == []
