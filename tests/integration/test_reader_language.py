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
    # The valid number is kept, and the message says so.
    assert page.count("我们删除了看起来像卡号或身份证号的内容。请核对这里剩下的电话号码。") == 2  # the summary and the field
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


def test_the_count_of_hidden_numbers_is_what_was_filed(app, client):
    from .intake_helpers import CARD

    from .intake_helpers import STEPS, fill_steps

    fill_steps(client, {"what": {"narrative": f"The collector asked me to read out my card {CARD} on the phone."}})
    refused = client.post("/complaint/details", data={**STEPS["details"], "phone": CARD_0128, "action": "continue"})
    assert refused.status_code == 422
    assert client.post("/complaint/details", data={**STEPS["details"], "action": "continue"}).status_code == 302
    sent = client.post("/complaint/review")
    assert sent.status_code == 303
    page = client.get("/track/confirmation").get_data(as_text=True)
    # The number removed from the phone field (typed again without it) was
    # never filed: only the narrative's is counted, here and for the officer.
    assert "We found and hid 1 card or ID number" in page and "hid 2" not in page


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


def test_the_case_page_writes_amounts_dates_lists_and_zones_in_the_readers_language(app, client, auth):
    import datetime as dt
    from decimal import Decimal

    reference = gen_complaint(app, jurisdiction="cn-nfra", language="zh_Hans", status="closed",
                              narrative="催收员每天给我打九次电话，还威胁要告诉我的单位。")
    usd = gen_complaint(app)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        complaint.amount_demanded, complaint.amount_believed_owed, complaint.currency = Decimal("21000"), Decimal("2100"), "CNY"
        complaint.incident_start, complaint.incident_end = dt.date(2026, 11, 2), dt.date(2026, 11, 30)
        complaint.channels = ["phone", "text"]
        complaint.contact_numbers = ["+86 10 5555 0147", "+86 10 5555 0199"]
        complaint.outcome, complaint.relief_amount, complaint.relief_currency = "closed_with_monetary_relief", Decimal("2100"), "CNY"
        other = db.session.scalar(sa.select(Complaint).where(Complaint.reference == usd))
        other.amount_demanded, other.currency = Decimal("4870.22"), "USD"
        other.incident_start = dt.date(2026, 11, 2)
        db.session.commit()
    auth.login("officer")
    zh = client.get(f"/staff/complaints/{reference}?lang=zh_Hans").get_data(as_text=True)
    assert "21,000.00 元" in zh and "2,100.00 元" in zh and "CNY" not in zh.split("<main", 1)[1].split("<form", 1)[0]
    assert "2026年11月2日 – 2026年11月30日" in zh and "2026-11-02 –" not in zh
    assert "电话、短信" in zh and "+86 10 5555 0147、+86 10 5555 0199" in zh
    assert "处理结果：" in zh and "处理结果:" not in zh and "(2100.00 CNY)" not in zh
    en = client.get(f"/staff/complaints/{usd}?lang=en").get_data(as_text=True)
    assert "$4,870.22" in en and "4870.22 USD" not in en
    assert "November 2, 2026" in en


def test_the_zone_where_deadlines_fall_due_is_named_not_a_raw_key(app, client, auth):
    from portal.models import StaffUser

    reference = gen_complaint(app, jurisdiction="cn-nfra", language="zh_Hans")
    auth.create("officer")
    with app.app_context():
        staff = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == "officer@redress.test"))
        staff.timezone = "Europe/London"
        db.session.commit()
    auth.login("officer")
    zh = client.get(f"/staff/complaints/{reference}?lang=zh_Hans").get_data(as_text=True)
    assert "各期限以 北京时间 当日结束时为准" in zh and "Asia/Shanghai" not in zh
    en = client.get(f"/staff/complaints/{reference}?lang=en").get_data(as_text=True)
    assert "Deadlines fall due at the end of their day in Beijing time." in en
