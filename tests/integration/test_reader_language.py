"""What a reader sees in their own language: status names, mask markers and values on the case page."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint
from tests.integration._cases import gen_complaint

from .intake_helpers import submit


def test_the_status_received_reads_as_already_received_not_as_the_date_heading(app, client, auth):
    _response, reference, code = submit(client, lang="zh_Hans")
    client.post("/track?lang=zh_Hans", data={"reference": reference, "access_code": code})
    tracking = client.get("/track?lang=zh_Hans").get_data(as_text=True)
    assert "已收到" in tracking and "收到日期" not in tracking

    client.post("/track/leave")
    auth.login("officer")
    queue = client.get("/staff/queue?lang=zh_Hans").get_data(as_text=True)
    assert "已收到" in queue and "收到日期" not in queue
    case = client.get(f"/staff/complaints/{reference}?lang=zh_Hans").get_data(as_text=True)
    assert "已收到" in case and "收到日期" not in case

    # Where "Received" heads the date column it still means the date.
    with app.test_request_context("/?lang=zh_Hans"):
        from flask_babel import gettext, refresh

        refresh()
        assert gettext("Received") == "收到日期"


CARD_0128 = "4111 1111 1110 2128"  # Luhn-valid


def test_a_card_number_in_the_phone_field_is_removed_with_one_error_in_chinese(client):
    client.get("/?lang=zh_Hans")
    from .intake_helpers import STEPS

    response = client.post("/complaint/who", data={**STEPS["who"], "contact_numbers": f"{CARD_0128}\n+1 202 555 0147",
                                                   "action": "continue"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "[card" not in page and "[卡号" not in page and "2128" not in page  # neither shown nor refilled
    assert page.count("我们删除了看起来像卡号或身份证号的内容。请输入您的电话号码。") == 2  # the summary and the field
    assert "看起来不像电话号码" not in page  # one error, not two
    assert "+1 202 555 0147" in page  # the valid number is kept
    # Nor is the marker kept in the saved answer.
    again = client.get("/complaint/who").get_data(as_text=True)
    assert "2128" not in again and "+1 202 555 0147" in again


def test_staff_pages_show_mask_markers_in_the_readers_language(app, client, auth):
    reference = gen_complaint(app, narrative="The collector read my card [card •••• 0128] and ID [ID •••• 002X] aloud.")
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        complaint.desired_resolution = "Refund [card •••• 0128]"
        db.session.commit()
    auth.login("officer")
    queue = client.get("/staff/queue?lang=zh_Hans").get_data(as_text=True)
    assert "[卡号 •••• 0128]" in queue and "[card •••• 0128]" not in queue
    case = client.get(f"/staff/complaints/{reference}?lang=zh_Hans").get_data(as_text=True)
    assert "[卡号 •••• 0128]" in case and "[身份证号 •••• 002X]" in case
    assert "[card •••• 0128]" not in case and "[ID •••• 002X]" not in case
    english = client.get(f"/staff/complaints/{reference}?lang=en").get_data(as_text=True)
    assert "[card •••• 0128]" in english and "[卡号" not in english


def test_the_count_of_hidden_numbers_covers_every_field_masked(app, client):
    from .intake_helpers import CARD

    from .intake_helpers import STEPS, fill_steps

    fill_steps(client, {"what": {"narrative": f"The collector asked me to read out my card {CARD} on the phone."}})
    refused = client.post("/complaint/details", data={**STEPS["details"], "phone": CARD_0128, "action": "continue"})
    assert refused.status_code == 422
    assert client.post("/complaint/details", data={**STEPS["details"], "action": "continue"}).status_code == 302
    sent = client.post("/complaint/review")
    assert sent.status_code == 303
    page = client.get("/track/confirmation").get_data(as_text=True)
    assert "We found and hid 2 card or ID numbers" in page


def test_the_time_limits_say_who_must_act_on_the_confirmation_and_tracking(app, client):
    wanted = {
        "en": "Under the rules where you live, we, Redress, the organisation handling your complaint, must act by these dates.",
        "zh_Hans": "根据您所在地的规定，受理您投诉的机构——也就是我们 Redress——必须在以下日期前处理。",
    }
    for language, sentence in wanted.items():
        browser = app.test_client()
        _response, reference, code = submit(browser, lang=language)
        confirmation = browser.get(f"/track/confirmation?lang={language}").get_data(as_text=True)
        tracking = browser.get(f"/track?lang={language}").get_data(as_text=True)
        assert sentence in confirmation and sentence in tracking
        assert "The company must answer" not in tracking and "相关机构必须" not in tracking
