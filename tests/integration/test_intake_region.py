"""The state-or-province question: asked on the form and the API, stored in ``region``, published on /data."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint

from .intake_helpers import CARD, CARD_DIGITS, STEPS, fill_steps, submit
from .test_api import NARRATIVE, api_key, bearer, post_complaint, stored  # noqa: F401 (fixture)
from .test_intake_form import errors_of

UTC = dt.timezone.utc


def _region_of(app, reference: str) -> str | None:
    with app.app_context():
        return db.session.scalar(sa.select(Complaint.region).where(Complaint.reference == reference))


def test_the_form_stores_the_region(app, client):
    _response, reference, _code = submit(client, {"details": dict(STEPS["details"], region="  Texas ")})
    assert _region_of(app, reference) == "Texas"


def test_the_region_is_optional(app, client):
    _response, reference, _code = submit(client)
    assert _region_of(app, reference) is None


@pytest.mark.parametrize("jurisdiction,lang,label", [
    ("us-cfpb", "en", "State"), ("uk-fca", "en", "County or region"), ("cn-nfra", "en", "Province"),
    ("", "en", "State or province"), ("cn-nfra", "zh_Hans", "省份"), ("us-cfpb", "zh_Hans", "州"),
    ("", "zh_Hans", "州或省份"),
])
def test_the_question_is_worded_for_where_the_cardholder_lives(client, jurisdiction, lang, label):
    data = dict(STEPS["details"], jurisdiction=jurisdiction, region="x" * 65)
    html = client.post(f"/complaint/details?lang={lang}", data=data).get_data(as_text=True)
    assert f'<label for="region">{label}</label>' in html
    assert ("public complaint database" if lang == "en" else "公开投诉数据库") in html  # the hint says it is published


@pytest.mark.parametrize("lang,too_long,card", [
    ("en", "Please keep this under 64 characters.",
     "Please do not enter a card or ID number here: give only your state, province or county."),
    ("zh_Hans", "请不要超过 64 个字。", "请不要在此填写卡号或身份证号，只需填写您所在的州、省份或郡。"),
])
def test_a_long_region_or_a_card_number_gets_a_field_error(app, client, lang, too_long, card):
    response = client.post(f"/complaint/details?lang={lang}", data=dict(STEPS["details"], region="x" * 65))
    assert response.status_code == 422
    assert errors_of(response.get_data(as_text=True))["region"] == too_long
    for value in (CARD, f"Texas {CARD_DIGITS}", "4111-1111-1111-1112"):  # the last one fails Luhn: refused all the same
        response = client.post(f"/complaint/details?lang={lang}", data=dict(STEPS["details"], region=value))
        html = response.get_data(as_text=True)
        assert response.status_code == 422, value
        assert errors_of(html)["region"] == card, value
        assert CARD not in html and CARD_DIGITS not in html and "1111-1112" not in html
        assert 'value="Jane Doe"' in html  # the rest is kept
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0


def test_the_review_and_the_cardholders_copy_show_the_region(client):
    data = dict(STEPS["details"], region="Texas")
    fill_steps(client, {"details": data})
    review = client.get("/complaint/review").get_data(as_text=True)
    assert "<dt>State</dt>" in review and "Texas" in review  # worded for us-cfpb, chosen on the same step
    client.post("/complaint/review")
    copy = client.get("/track/confirmation").get_data(as_text=True)
    assert "Texas" in copy


def test_the_api_stores_the_region_single_and_in_a_batch(app, client, api_key):  # noqa: F811
    created = post_complaint(client, api_key, {"narrative": NARRATIVE, "region": " 广东 "})
    assert created.status_code == 201, created.json
    assert stored(app, created.json["reference"]).region == "广东"
    batch = client.post("/api/v1/complaints/batch", headers=bearer(api_key), json=[
        {"narrative": NARRATIVE, "region": "Greater Manchester", "jurisdiction": "uk-fca"},
        {"narrative": NARRATIVE, "region": "x" * 65},
        {"narrative": NARRATIVE, "region": CARD},
    ])
    assert batch.status_code == 207, batch.json
    results = batch.json["results"]
    assert stored(app, results[0]["complaint"]["reference"]).region == "Greater Manchester"
    assert results[1]["errors"] == [{"field": "region", "message": "must be at most 64 characters (got 65)"}]
    assert results[2]["errors"] == [{"field": "region",
                                     "message": "must be a state, province or county, not a card or ID number"}]
    assert CARD not in batch.get_data(as_text=True)


@pytest.mark.parametrize("value", [CARD, f"TX {CARD_DIGITS}", "1234567890123", 12, "x" * 65])
def test_the_api_refuses_a_bad_region_with_a_field_error(app, client, api_key, value):  # noqa: F811
    response = post_complaint(client, api_key, {"narrative": NARRATIVE, "region": value})
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["region"]


def test_the_api_document_describes_the_region(client):
    document = client.get("/api/v1/openapi.json").json
    region = document["components"]["schemas"]["ComplaintInput"]["properties"]["region"]
    assert region["maxLength"] == 64 and "public record" in region["description"]


def test_a_published_complaint_shows_its_region_on_data(app, client):
    _response, reference, _code = submit(client, {"details": dict(STEPS["details"], region="Texas")})
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        responded = dt.datetime.now(UTC) - dt.timedelta(days=20)
        complaint.first_responded_at = complaint.responded_at = complaint.closed_at = responded
        complaint.outcome, complaint.status = "closed_with_explanation", "closed"
        db.session.commit()
        complaint_id = complaint.id
    from portal.public import record

    record.clear_caches()
    page = client.get("/data?region=Texas").get_data(as_text=True)
    assert f"#{complaint_id}" in page and "<dd>Texas</dd>" in page
    items = client.get("/api/v1/public/complaints?region=Texas").json["items"]
    assert [(i["complaint_id"], i["region"]) for i in items] == [(complaint_id, "Texas")]
    record.clear_caches()


@pytest.mark.parametrize("lang,message", [
    ("en", "Please give only your state, province or county here, not a phone number, e-mail or street address."),
    ("zh_Hans", "这里只需填写您所在的州、省份或郡，请勿填写电话号码、电子邮箱或街道地址。"),
])
def test_a_phone_email_or_street_address_in_the_region_gets_a_field_error(app, client, lang, message):
    # The answer is published: nothing that reaches a person may stand in it.
    for value in ("4155551234", "+1 415 555 1234", "someone@mail.example", "12 High Street, Leeds LS1 1AA",
                  "www.example.com"):
        response = client.post(f"/complaint/details?lang={lang}", data=dict(STEPS["details"], region=value))
        html = response.get_data(as_text=True)
        assert response.status_code == 422, value
        assert errors_of(html)["region"] == message, value
        assert value not in html
    for value in ("Texas", "广东省", "Greater Manchester", "District 9"):
        response = client.post(f"/complaint/details?lang={lang}", data=dict(STEPS["details"], region=value))
        assert "region" not in errors_of(response.get_data(as_text=True)), value


def test_the_api_refuses_a_phone_or_email_in_the_region(client, api_key):  # noqa: F811
    for value in ("4155551234", "jane@example.com"):
        response = post_complaint(client, api_key, {"narrative": NARRATIVE, "region": value})
        assert response.status_code == 422, value
        assert response.json["errors"] == [{"field": "region", "message":
                                            "must be a state, province or county, not a phone number, e-mail or street address"}]
