"""Batch filing, idempotent requests and the cached API-key check (SPEC section 8)."""
from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import ApiKey, Complaint, ComplaintEvent, ContactLog, IdempotentRequest

from .test_api import NARRATIVE, bearer, complaint_count, contact_log

CARD = "4111 1111 1111 1111"
CHINESE = "催收员每天给我单位和父母打电话，说如果不还钱就上门，还在电话里骂人。我已经要求他们停止联系我的家人。"


@pytest.fixture
def api_key(app) -> str:
    from portal.api_keys import create_api_key

    with app.app_context():
        new = create_api_key("bank-crm")
        db.session.commit()
        return new.secret


def post_batch(client, key, items, idempotency_key=None):
    headers = bearer(key)
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return client.post("/api/v1/complaints/batch", json=items, headers=headers)


def post_keyed(client, key, path, body, idempotency_key):
    return client.post(path, json=body, headers={**bearer(key), "Idempotency-Key": idempotency_key})


def complaints(app) -> list[Complaint]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Complaint).order_by(Complaint.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def stored_text(app) -> str:
    """Every complaint and event column as text, for looking for a full card number."""
    with app.app_context():
        parts = []
        for model in (Complaint, ComplaintEvent, IdempotentRequest):
            for row in db.session.execute(sa.select(model.__table__)).all():
                parts.extend(str(value) for value in row)
        return "\n".join(parts)


def _tracks(client, reference, access_code) -> bool:
    found = client.post("/track", data={"reference": reference, "access_code": access_code}, follow_redirects=True)
    return found.status_code == 200 and reference in found.get_data(as_text=True)


# --- batch filing --------------------------------------------------------


def test_batch_answers_each_item_and_stores_only_the_valid_ones(app, client, api_key):
    items = [
        {"narrative": NARRATIVE, "channels": ["phone"], "jurisdiction": "uk-fca"},
        {"narrative": "too short"},
        {"narrative": CHINESE},
        {"narrative": NARRATIVE, "channels": ["fax"], "email": "not an address"},
        "not an object",
        {"narative": NARRATIVE},
    ]
    response = post_batch(client, api_key, items)
    assert response.status_code == 207, response.json
    body = response.json
    assert (body["filed"], body["rejected"]) == (2, 4)
    assert [r["index"] for r in body["results"]] == list(range(6))
    assert [r["status"] for r in body["results"]] == [201, 422, 201, 422, 422, 422]
    assert {e["field"] for e in body["results"][3]["errors"]} == {"channels", "email"}
    assert body["results"][1]["errors"][0]["field"] == "narrative"
    assert {e["field"] for e in body["results"][5]["errors"]} == {"narrative", "narative"}

    first, third = body["results"][0]["complaint"], body["results"][2]["complaint"]
    assert first["jurisdiction"] == "uk-fca" and third["language"] == "zh_Hans"
    for created in (first, third):
        assert created["category"] and created["urgency"] and created["deadlines"]["final"]
    stored = complaints(app)
    assert sorted(c.reference for c in stored) == sorted([first["reference"], third["reference"]])
    assert all(c.source == "api" and c.routed_at is not None and c.next_due_at is not None for c in stored)
    with app.app_context():
        kinds = sorted(db.session.scalars(sa.select(ComplaintEvent.kind)))
    assert kinds == ["routed", "routed", "submitted", "submitted"]
    assert _tracks(client, first["reference"], first["access_code"])
    assert _tracks(client, third["reference"], third["access_code"])


def test_batch_masks_every_field_as_single_filing_does(app, client, api_key):
    item = {
        "narrative": f"{NARRATIVE} They read my card {CARD} aloud.",
        "desired_resolution": f"Stop using card {CARD.replace(' ', '-')}",
        "agency": f"Collector for {CARD}",
        "agent_name": f"Agent {CARD}",
        "name": f"Card {CARD}",
        "contact_numbers": [CARD],
    }
    single = client.post("/api/v1/complaints", json=item, headers=bearer(api_key))
    batch = post_batch(client, api_key, [item])
    assert single.status_code == 201 and batch.status_code == 201, batch.json
    assert batch.json["results"][0]["complaint"]["masked_items"] == single.json["masked_items"] >= 6
    single_row, batch_row = complaints(app)
    for field in ("narrative", "desired_resolution", "agency", "agent_name", "name", "contact_numbers"):
        assert getattr(batch_row, field) == getattr(single_row, field), field
    # The search document starts with the reference (three words), then the same masked text.
    assert batch_row.search_document.split(" ", 3)[3] == single_row.search_document.split(" ", 3)[3]
    assert "4111" not in stored_text(app).replace("•••• 1111", "")
    assert "4111111111111111" not in stored_text(app).replace(" ", "").replace("-", "")


def test_batch_of_only_invalid_items_is_422_and_stores_nothing(app, client, api_key):
    response = post_batch(client, api_key, [{"narrative": "short"}, {}])
    assert response.status_code == 422
    assert response.json["filed"] == 0 and [r["status"] for r in response.json["results"]] == [422, 422]
    assert complaint_count(app) == 0


@pytest.mark.parametrize("body, message", [({"narrative": NARRATIVE}, "array"), ([], "empty"),
                                           ([{"narrative": NARRATIVE}] * 501, "at most 500")])
def test_batch_body_must_be_an_array_of_at_most_500(app, client, api_key, body, message):
    response = post_batch(client, api_key, body)
    assert response.status_code == 422
    assert message in response.json["errors"][0]["message"]
    assert complaint_count(app) == 0


def test_batch_of_500_is_written_once_in_one_commit(app, client, api_key):
    statements: list[str] = []
    commits: list[int] = []

    def count(conn, cursor, statement, *args):
        words = statement.split()
        verb = words[0].upper()
        statements.append(f"{verb} {words[2]}" if verb == "INSERT" else f"{verb} {words[1]}" if verb == "UPDATE"
                          else verb)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    sa.event.listen(engine, "commit", lambda conn: commits.append(1))
    try:
        response = post_batch(client, api_key, [{"narrative": f"{NARRATIVE} ({i})"} for i in range(500)])
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 201
    assert response.json["filed"] == 500 and complaint_count(app) == 500
    assert len(commits) == 1
    # Every row written once, nothing updated after (the key's first use is recorded on it).
    assert [s for s in statements if s.startswith("UPDATE")] == ["UPDATE api_key"]
    assert statements.count("SELECT") <= 4  # key, default profile, references: no lazy loads


def test_batch_routes_with_the_classifier_batch_path(app, client, api_key, monkeypatch):
    import classifiers

    calls = []
    real = classifiers.route_many
    monkeypatch.setattr(classifiers, "route_many", lambda texts, **kw: calls.append(len(texts)) or real(texts, **kw))
    monkeypatch.setattr(classifiers, "route", lambda text: pytest.fail("routed one at a time"))
    assert post_batch(client, api_key, [{"narrative": NARRATIVE}] * 3).status_code == 201
    assert calls == [3]


def test_batch_still_files_when_the_classifier_batch_fails(app, client, api_key, monkeypatch):
    import classifiers

    def broken(texts, **kwargs):
        raise RuntimeError("model missing")

    monkeypatch.setattr(classifiers, "route_many", broken)
    monkeypatch.setattr(classifiers, "route", broken)
    response = post_batch(client, api_key, [{"narrative": NARRATIVE}] * 2)
    assert response.status_code == 201
    assert [r["complaint"]["category"] for r in response.json["results"]] == [None, None]
    assert all(c.routing_error and c.next_due_at is not None for c in complaints(app))


def test_batch_is_in_the_api_document(client, api_key):
    from tests.integration.test_api import _validator

    document = client.get("/api/v1/openapi.json").json
    post = document["paths"]["/complaints/batch"]["post"]
    assert {"201", "207", "400", "401", "422"} <= set(post["responses"])
    assert post["requestBody"]["content"]["application/json"]["schema"]["maxItems"] == 500
    answer = post_batch(client, api_key, [{"narrative": NARRATIVE}, {"narrative": "short"}]).json
    assert not list(_validator(document, "BatchResult").iter_errors(answer))


# --- Idempotency-Key -----------------------------------------------------


def test_same_key_returns_the_first_answer_and_stores_nothing_new(app, client, api_key):
    body = {"narrative": NARRATIVE, "email": "cardholder@example.org"}
    first = post_keyed(client, api_key, "/api/v1/complaints", body, "crm-0001")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    # The same body with its keys in another order and other spacing is the same request.
    again = client.post("/api/v1/complaints", data=json.dumps(dict(reversed(list(body.items()))), indent=2),
                        headers={**bearer(api_key), "Idempotency-Key": "crm-0001",
                                 "Content-Type": "application/json"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    assert complaint_count(app) == 1
    assert _tracks(client, first.json["reference"], again.json["access_code"])
    # Only the access code's hash is stored, and the kept answer holds none.
    assert first.json["access_code"] not in stored_text(app)
    other = post_keyed(client, api_key, "/api/v1/complaints", body, "crm-0002")
    assert other.status_code == 201 and other.json["reference"] != first.json["reference"]
    assert complaint_count(app) == 2


def test_same_key_with_another_body_or_endpoint_is_refused(app, client, api_key):
    assert post_keyed(client, api_key, "/api/v1/complaints", {"narrative": NARRATIVE}, "k-1").status_code == 201
    changed = post_keyed(client, api_key, "/api/v1/complaints", {"narrative": NARRATIVE + " Again."}, "k-1")
    assert changed.status_code == 422
    assert "different body" in changed.json["error"] and "nothing was stored" in changed.json["error"]
    elsewhere = post_keyed(client, api_key, "/api/v1/complaints/batch", [{"narrative": NARRATIVE}], "k-1")
    assert elsewhere.status_code == 422 and "another endpoint" in elsewhere.json["error"]
    assert complaint_count(app) == 1


def test_keys_belong_to_one_api_key(app, client, api_key):
    from portal.api_keys import create_api_key

    with app.app_context():
        second = create_api_key("collections-platform").secret
        db.session.commit()
    a = post_keyed(client, api_key, "/api/v1/complaints", {"narrative": NARRATIVE}, "shared-key")
    b = post_keyed(client, second, "/api/v1/complaints", {"narrative": NARRATIVE}, "shared-key")
    assert a.status_code == b.status_code == 201
    assert a.json["reference"] != b.json["reference"] and complaint_count(app) == 2


def test_refused_requests_are_not_kept(app, client, api_key):
    invalid = post_keyed(client, api_key, "/api/v1/complaints", {"narrative": "short"}, "k-2")
    assert invalid.status_code == 422
    fixed = post_keyed(client, api_key, "/api/v1/complaints", {"narrative": NARRATIVE}, "k-2")
    assert fixed.status_code == 201 and complaint_count(app) == 1


@pytest.mark.parametrize("value", ["", "   ", "x" * 256, "has space", "ключ"])
def test_unusable_key_is_400(app, client, api_key, value):
    response = client.post("/api/v1/complaints", json={"narrative": NARRATIVE},
                           headers={**bearer(api_key), "Idempotency-Key": value.encode("utf-8").decode("latin-1")})
    assert response.status_code == 400 and "Idempotency-Key" in response.json["error"]
    assert complaint_count(app) == 0


def test_keyed_batch_is_replayed_with_every_access_code(app, client, api_key):
    items = [{"narrative": NARRATIVE}, {"narrative": "short"}, {"narrative": CHINESE}]
    first = post_batch(client, api_key, items, idempotency_key="batch-7")
    again = post_batch(client, api_key, items, idempotency_key="batch-7")
    assert first.status_code == again.status_code == 207
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    assert complaint_count(app) == 2
    for item in (again.json["results"][0], again.json["results"][2]):
        assert _tracks(client, item["complaint"]["reference"], item["complaint"]["access_code"])
    changed = post_batch(client, api_key, items[:2], idempotency_key="batch-7")
    assert changed.status_code == 422 and complaint_count(app) == 2


def test_keyed_contact_logs_return_the_first_answer(app, client, api_key):
    rows = [contact_log("c-1"), contact_log("c-2", channel="carrier-pigeon")]
    first = post_keyed(client, api_key, "/api/v1/contact-logs", rows, "logs-1")
    again = post_keyed(client, api_key, "/api/v1/contact-logs", rows, "logs-1")
    assert first.status_code == again.status_code == 207
    assert again.json == first.json and first.json["imported"] == 1  # not "1 duplicate"
    assert again.headers["Idempotent-Replayed"] == "true"
    other = post_keyed(client, api_key, "/api/v1/contact-logs", [contact_log("c-3")], "logs-1")
    assert other.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactLog)) == 1


def test_kept_answers_expire_after_24_hours(app, client, api_key):
    from datetime import timedelta

    first = post_keyed(client, api_key, "/api/v1/complaints", {"narrative": NARRATIVE}, "old-key")
    with app.app_context():
        kept = db.session.scalar(sa.select(IdempotentRequest))
        kept.created_at = kept.created_at - timedelta(hours=24, minutes=1)
        db.session.commit()
    later = post_keyed(client, api_key, "/api/v1/complaints", {"narrative": NARRATIVE}, "old-key")
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert later.json["reference"] != first.json["reference"] and complaint_count(app) == 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotentRequest)) == 1


def test_idempotency_is_in_the_api_document(client):
    document = client.get("/api/v1/openapi.json").json
    parameter = document["components"]["parameters"]["IdempotencyKey"]
    assert parameter["in"] == "header" and parameter["name"] == "Idempotency-Key"
    assert "24 hours" in parameter["description"]
    for path in ("/complaints", "/complaints/batch", "/contact-logs"):
        assert {"$ref": "#/components/parameters/IdempotencyKey"} in document["paths"][path]["post"]["parameters"]


# --- the API-key check, cached ---------------------------------------------


def test_a_filing_reads_the_key_once_per_cache_time(app, client, api_key):
    key_reads: list[str] = []

    def watch(conn, cursor, statement, *args):
        if "FROM api_key" in statement:
            key_reads.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", watch)
    try:
        for _ in range(3):
            assert client.post("/api/v1/complaints", json={"narrative": NARRATIVE},
                               headers=bearer(api_key)).status_code == 201
    finally:
        sa.event.remove(engine, "before_cursor_execute", watch)
    assert len(key_reads) == 1


def test_key_revoked_elsewhere_is_refused_within_the_cache_time(app, client, api_key, monkeypatch):
    import portal.api_keys as api_keys

    clock = [1000.0]
    monkeypatch.setattr(api_keys, "_clock", lambda: clock[0])
    app.config["API_KEY_CACHE_SECONDS"] = 5
    post = lambda: client.post("/api/v1/complaints", json={"narrative": NARRATIVE}, headers=bearer(api_key))  # noqa: E731
    assert post().status_code == 201
    # Revoked by another app server: a plain UPDATE this process does not see.
    with app.app_context():
        db.session.execute(sa.update(ApiKey).values(revoked_at=sa.func.current_timestamp()))
        db.session.commit()
    clock[0] += 4.9
    assert post().status_code == 201  # still inside the cache time
    clock[0] += 0.2
    refused = post()
    assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    clock[0] += 60
    assert post().status_code == 401
    assert complaint_count(app) == 2


def test_key_revoked_in_this_process_is_refused_at_once(app, client, api_key):
    from portal.api_keys import revoke_api_key

    app.config["API_KEY_CACHE_SECONDS"] = 3600
    assert client.post("/api/v1/complaints", json={"narrative": NARRATIVE}, headers=bearer(api_key)).status_code == 201
    with app.app_context():
        revoke_api_key("bank-crm")
        db.session.commit()
    response = client.post("/api/v1/complaints", json={"narrative": NARRATIVE}, headers=bearer(api_key))
    assert response.status_code == 401


def test_key_hash_is_what_the_cache_is_keyed_by(app, api_key):
    with app.app_context():
        from portal.api_keys import _cache, authenticate_api_key

        assert authenticate_api_key(api_key) is not None
        assert list(_cache()) == [hashlib.sha256(api_key.encode()).hexdigest()]
        assert authenticate_api_key(api_key[:-1] + ("A" if api_key[-1] != "A" else "B")) is None


@pytest.mark.parametrize("path", ["/api/v1/complaints", "/api/v1/complaints/batch"])
def test_a_reference_already_taken_is_drawn_again_through_the_api(app, client, api_key, monkeypatch, path):
    from portal.domain import references

    first = client.post("/api/v1/complaints", json={"narrative": NARRATIVE}, headers=bearer(api_key)).json
    draws = iter([first["reference"], "RD-ZZZZ-ZZZZ"])
    monkeypatch.setattr(references, "new_reference", lambda: next(draws))
    body = {"narrative": NARRATIVE}
    response = client.post(path, json=[body] if path.endswith("batch") else body,
                           headers={**bearer(api_key), "Idempotency-Key": "after-a-clash"})
    assert response.status_code == 201, response.json
    created = response.json["results"][0]["complaint"] if path.endswith("batch") else response.json
    assert created["reference"] == "RD-ZZZZ-ZZZZ"
    assert sorted(c.reference for c in complaints(app)) == sorted([first["reference"], "RD-ZZZZ-ZZZZ"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotentRequest)) == 1
