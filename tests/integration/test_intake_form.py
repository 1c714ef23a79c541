"""The guided form: validation next to each field, values kept, the draft between steps."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint, IntakeDraft

from .intake_helpers import CARD, STEPS, fill_steps


def errors_of(html: str) -> dict[str, str]:
    """Field id -> its error message, as shown next to the field."""
    return dict(re.findall(r'<p class="error" id="([\w-]+)-error" role="alert">(.*?)</p>', html))


def test_short_narrative_is_refused_next_to_its_field_and_kept(client):
    response = client.post("/complaint/what", data={"narrative": "They keep calling"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert errors_of(html) == {"narrative": "Please write between 20 and 10000 characters."}
    assert 'class="error-summary"' in html and 'href="#narrative"' in html
    assert 'aria-invalid="true"' in html
    assert "They keep calling</textarea>" in html


def test_long_narrative_is_refused(client):
    response = client.post("/complaint/what", data={"narrative": "x" * 10_001})
    assert response.status_code == 422
    assert "narrative" in errors_of(response.get_data(as_text=True))
    assert client.post("/complaint/what", data={"narrative": "x" * 10_000}).status_code == 302


def test_who_step_checks_dates_and_numbers_and_keeps_what_was_typed(client):
    response = client.post(
        "/complaint/who",
        data={
            "agency": "Acme Recovery",
            "contact_numbers": "+1 202 555 0147\ncall me maybe",
            "channels": ["phone", "carrier-pigeon"],
            "incident_start": "2026-10-20",
            "incident_end": "2026-10-01",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    errors = errors_of(html)
    assert errors["incident_end"] == "This date is before the date it started."
    assert "does not look like a phone number" in errors["contact_numbers"]
    assert "Please choose only from the options shown." in html
    assert 'value="Acme Recovery"' in html
    assert "+1 202 555 0147\ncall me maybe</textarea>" in html
    assert 'value="2026-10-20"' in html


def test_amounts_need_figures_and_a_currency(client):
    response = client.post("/complaint/amounts", data={"amount_demanded": "lots", "amount_believed_owed": "-5"})
    assert response.status_code == 422
    errors = errors_of(response.get_data(as_text=True))
    assert errors["amount_demanded"] == "Please enter the amount in figures, for example 1250.50."
    assert errors["amount_believed_owed"] == "Please enter an amount of 0 or more."
    assert errors["currency"] == "Please choose the currency of the amounts."
    ok = client.post("/complaint/amounts", data={"amount_demanded": "1,250.50", "currency": "USD"})
    assert ok.status_code == 302
    # "Write 0 if you believe you owe nothing": a lone 0 needs no currency.
    nothing = client.post("/complaint/amounts", data={"amount_believed_owed": "0", "currency": ""})
    assert nothing.status_code == 302


def test_the_publishing_choice_says_it_changes_nothing_about_the_handling(client):
    page = client.get("/complaint/details").get_data(as_text=True)
    assert "Whether you tick this or not changes nothing about how your complaint is handled." in page
    assert 'aria-describedby="publish_narrative-hint"' in page


def test_details_refuse_a_full_card_number_without_echoing_it(client):
    data = dict(STEPS["details"], account_ref=CARD, email="not-an-email")
    data.pop("consent")
    response = client.post("/complaint/details", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    errors = errors_of(html)
    assert errors["account_ref"].startswith("Please do not enter your full card number.")
    assert errors["email"] == "Please enter an e-mail address like name@example.com."
    assert "consent" in html and "Please tick this box so we can handle your complaint." in html
    assert CARD not in html
    assert 'value="Jane Doe"' in html  # the rest is kept


def test_details_need_where_you_live(client):
    data = dict(STEPS["details"], jurisdiction="")
    response = client.post("/complaint/details", data=data)
    assert errors_of(response.get_data(as_text=True))["jurisdiction"] == "Please choose where you live."
    data["jurisdiction"] = "atlantis"
    response = client.post("/complaint/details", data=data)
    assert errors_of(response.get_data(as_text=True))["jurisdiction"] == "Please choose only from the options shown."


def test_draft_is_kept_between_steps_and_shown_for_review(app, client):
    fill_steps(client)
    page = client.get("/complaint/what").get_data(as_text=True)
    assert STEPS["what"]["narrative"] + "</textarea>" in page
    review = client.get("/complaint/review").get_data(as_text=True)
    for text in ("Acme Recovery", "Mr Smith", "Phone calls", "Text messages", "$1,250.00", "$300.00", "US dollars (USD)", "October 1, 2026",
                 "Stop calling my workplace", "Jane Doe", "jane@example.com", "I am an older person",
                 "United States"):
        assert text in review, text
    # "Change" comes back to the summary.
    change = client.get("/complaint/wish?return_to=review").get_data(as_text=True)
    assert 'name="return_to" value="review"' in change
    response = client.post("/complaint/wish", data={"desired_resolution": "An apology.", "return_to": "review"})
    assert response.headers["Location"].endswith("/complaint/review")
    assert "An apology." in client.get("/complaint/review").get_data(as_text=True)
    # Only the draft's random token is in the cookie; the draft is a row.
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IntakeDraft)) == 1


def test_a_ten_thousand_character_narrative_survives_the_steps(client):
    narrative = ("收债人每天打电话骚扰我。" * 1000)[:10_000]
    assert client.post("/complaint/what", data={"narrative": narrative}).status_code == 302
    page = client.get("/complaint/what").get_data(as_text=True)
    assert narrative + "</textarea>" in page


def test_sending_an_incomplete_complaint_goes_back_to_the_missing_step(app, client):
    client.post("/complaint/what", data={"narrative": STEPS["what"]["narrative"]})
    response = client.post("/complaint/review")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/complaint/details?return_to=review&check=1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please choose where you live." in page  # the saved answers checked, their errors shown
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0


def test_switching_language_mid_step_keeps_what_was_typed(client):
    response = client.post("/complaint/what", data={"narrative": "Half a sentence", "switch_language": "zh_Hans"})
    assert response.status_code == 302
    assert "lang=zh_Hans" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    assert "Half a sentence</textarea>" in page
    assert "发生了什么？" in page


def test_home_and_start_pages(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/complaint"' in home and 'href="/track"' in home
    assert "What Redress is not" in home
    start = client.get("/complaint").get_data(as_text=True)
    assert 'href="/complaint/what"' in start
    assert client.get("/complaint/nonsense").status_code == 404


def test_every_page_names_the_icon_and_favicon_ico_leads_to_it(client):
    home = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/img/favicon.svg">' in home
    old = client.get("/favicon.ico")
    assert old.status_code == 301 and old.headers["Location"].endswith("/static/img/favicon.svg")
    icon = client.get("/static/img/favicon.svg")
    try:
        assert icon.status_code == 200 and icon.get_data(as_text=True).startswith("<svg")
    finally:
        icon.close()  # a static file is sent from an open file


def test_abandoned_drafts_expire_with_their_files(app, client):
    from datetime import timedelta
    from pathlib import Path

    from tests.integration.intake_helpers import PNG, multipart

    body, content_type = multipart({"action": "upload"}, [("files", "photo.png", PNG)])
    client.post("/complaint/evidence", data=body, content_type=content_type)
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert len(list(folder.iterdir())) == 1
    with app.app_context():
        draft = db.session.scalar(sa.select(IntakeDraft))
        draft.expires_at = draft.expires_at - timedelta(hours=25)
        db.session.commit()
    # The same browser finds its draft gone...
    assert "photo.png" not in client.get("/complaint/evidence").get_data(as_text=True)
    # ...and a new cardholder starting a draft clears expired ones and their files.
    client.post("/complaint/what", data=STEPS["what"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IntakeDraft)) == 1
    assert list(folder.iterdir()) == []


def test_back_keeps_what_was_typed_on_the_step_without_judging_it(client):
    client.post("/complaint/what", data=STEPS["what"])
    response = client.post("/complaint/who", data={"agency": "Acme", "incident_start": "not a date", "action": "back"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/complaint/what")
    page = client.get("/complaint/who").get_data(as_text=True)
    assert 'value="Acme"' in page and 'value="not a date"' in page


@pytest.mark.parametrize("number", ["(602) 555-0177", "（021）6234 5678", "+44 20 7946 0958", "602.555.0177",
                                    "+1 (602) 555-0177", "138 0013 8000"])
def test_phone_numbers_are_accepted_as_people_write_them(number):
    from portal.intake.forms import PHONE

    assert PHONE.match(number)


@pytest.mark.parametrize("text", ["call me maybe", "(", "()", "+", "phone: 555"])
def test_what_is_no_phone_number_is_refused(text):
    from portal.intake.forms import PHONE

    assert not PHONE.match(text)
