"""What the cardholder reads: amounts as typed, error texts, Chinese details."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint

from .intake_helpers import CARD, STEPS, fill_steps, submit


def _review(client, lang=None):
    return client.get("/complaint/review" + (f"?lang={lang}" if lang else "")).get_data(as_text=True)


# -- amounts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "demanded, owed, currency, shown_demanded, shown_owed, stored",
    [
        ("$4,870.22", "4 870,22", "USD", "$4,870.22", "$4,870.22", ("4870.22", "4870.22", "USD")),
        ("21000元", "¥21,000", "", "CN¥21,000.00", "CN¥21,000.00", ("21000.00", "21000.00", "CNY")),
        ("2.1万", "0", "CNY", "CN¥21,000.00", "CN¥0.00", ("21000.00", "0.00", "CNY")),
    ],
)
def test_amounts_as_people_type_them(app, client, demanded, owed, currency, shown_demanded, shown_owed, stored):
    response = client.post("/complaint/amounts", data={
        "amount_demanded": demanded, "amount_believed_owed": owed, "currency": currency, "action": "continue"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    # The step shows them back as typed.
    page = client.get("/complaint/amounts").get_data(as_text=True)
    assert f'value="{demanded}"' in page
    fill_steps(client, {"amounts": {"amount_demanded": demanded, "amount_believed_owed": owed, "currency": currency}})
    review = _review(client)
    section = review.split("<h2>Amounts</h2>", 1)[1].split("</section>", 1)[0]
    assert shown_demanded in section and shown_owed in section
    _r, reference, _code = submit(client, {"amounts": {"amount_demanded": demanded, "amount_believed_owed": owed,
                                                        "currency": currency}})
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert (str(complaint.amount_demanded), str(complaint.amount_believed_owed), complaint.currency) == stored


def test_chinese_readers_see_yuan_and_their_dates(client):
    fill_steps(client, {"amounts": {"amount_demanded": "21000元", "amount_believed_owed": "1.2万", "currency": ""},
                        "details": {"jurisdiction": "cn-nfra"}}, lang="zh_Hans")
    review = _review(client, "zh_Hans")
    assert "21,000.00 元" in review and "12,000.00 元" in review and "人民币（元）" in review
    assert "CNY" not in review.split("<main", 1)[1]
    assert "2026年10月1日" in review and "2026-10-01" not in review.split("<main", 1)[1]
    assert "电话、短信" in review  # a Chinese list, not "电话, 短信"


def test_a_symbol_that_disagrees_with_the_currency_is_pointed_out(client):
    response = client.post("/complaint/amounts", data={"amount_demanded": "£300", "currency": "USD"})
    assert response.status_code == 422
    assert "The currency chosen (US dollars (USD)) does not match the symbol in the amount." in response.get_data(as_text=True)
    response = client.post("/complaint/amounts", data={"amount_demanded": "£300", "amount_believed_owed": "¥5"})
    assert "The two amounts are written in different currencies." in response.get_data(as_text=True)


def test_a_dollar_sign_alone_chooses_us_dollars(app, client):
    response = client.post("/complaint/amounts", data={"amount_demanded": "$4,870.22", "currency": "", "action": "continue"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert '<option selected value="USD">' in client.get("/complaint/amounts").get_data(as_text=True)
    # "HK$" or "$" with Hong Kong dollars chosen still mean Hong Kong dollars.
    assert client.post("/complaint/amounts", data={"amount_demanded": "$100", "currency": "HKD"}).status_code == 302
    assert client.post("/complaint/amounts", data={"amount_demanded": "HK$100", "currency": ""}).status_code == 302
    assert '<option selected value="HKD">' in client.get("/complaint/amounts").get_data(as_text=True)


def test_wan_with_another_currency_is_shown_for_checking(client):
    response = client.post("/complaint/amounts", data={"amount_demanded": "2.1万", "amount_believed_owed": "100",
                                                       "currency": "USD", "action": "continue"})
    assert response.status_code == 302  # not refused
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please check: you wrote “2.1万” with 万 or 亿, which we read as $21,000.00 in US dollars (USD)." in page
    yuan = client.post("/complaint/amounts", data={"amount_demanded": "2.1万", "currency": "CNY", "action": "continue"})
    assert "Please check" not in client.get(yuan.headers["Location"]).get_data(as_text=True)


def test_owing_more_than_demanded_gets_a_gentle_check(client):
    response = client.post("/complaint/amounts", data={"amount_demanded": "100", "amount_believed_owed": "300",
                                                       "currency": "USD", "action": "continue"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "the amount you believe you owe is more than the amount they asked you to pay" in page
    fine = client.post("/complaint/amounts", data={"amount_demanded": "300", "amount_believed_owed": "100",
                                                   "currency": "USD", "action": "continue"})
    assert "Please check" not in client.get(fine.headers["Location"]).get_data(as_text=True)


# -- error texts ----------------------------------------------------------------------


def _summary(html: str) -> str:
    return html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]


def test_the_error_summary_gives_each_message_once(client):
    summary = _summary(client.post("/complaint/what", data={"narrative": "short"}).get_data(as_text=True))
    assert "Please write between 20 and 10000 characters." in summary
    assert "What happened?:" not in summary and "What happened?" not in summary
    html = client.post("/complaint/details", data={"jurisdiction": "us-cfpb"}).get_data(as_text=True)
    summary = _summary(html)
    assert '<a href="#consent">Please tick this box so we can handle your complaint.</a>' in summary
    assert "I agree that Redress" not in summary  # not the whole sentence again
    chinese = _summary(client.post("/complaint/what?lang=zh_Hans", data={"narrative": ""}).get_data(as_text=True))
    assert "发生了什么？:" not in chinese and "请告诉我们发生了什么" in chinese


def test_an_empty_add_information_is_reported_at_the_top(app, client):
    _r, reference, code = submit(client)
    client.post("/track", data={"reference": reference, "access_code": code})
    response = client.post("/track/add", data={"body": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    top = html.split("<main", 1)[1]
    assert top.index('id="error-summary"') < top.index("<h1>")
    assert '<a href="#body">Please write something or attach a file.</a>' in _summary(html)
    assert 'id="body-error"' in html  # and still next to the field


# -- Chinese details --------------------------------------------------------------------


def test_chinese_visitors_get_mainland_china_preselected(client):
    chinese = client.get("/complaint/details?lang=zh_Hans").get_data(as_text=True)
    assert re.search(r'<option selected value="cn-nfra">中国大陆</option>|<option value="cn-nfra" selected>', chinese)
    english = client.get("/complaint/details?lang=en").get_data(as_text=True)
    assert 'selected value="cn-nfra"' not in english and 'value="cn-nfra" selected' not in english
    # A choice already made is kept.
    client.post("/complaint/details?lang=zh_Hans", data={**STEPS["details"], "jurisdiction": "uk-fca"})
    kept = client.get("/complaint/details?lang=zh_Hans").get_data(as_text=True)
    assert re.search(r'<option selected value="uk-fca">|<option value="uk-fca" selected>', kept)


def test_mask_markers_and_zones_read_in_chinese(app, client):
    narrative = f"催收员每天打九次电话，还威胁要去我单位。我的卡号是 {CARD}。"
    fill_steps(client, {"what": {"narrative": narrative}, "details": {"jurisdiction": "cn-nfra"}}, lang="zh_Hans")
    review = _review(client, "zh_Hans")
    assert "[卡号 •••• 1111]" in review and "[card •••• 1111]" not in review
    _r, reference, code = submit(client, {"what": {"narrative": narrative}, "details": {"jurisdiction": "cn-nfra"}},
                                 lang="zh_Hans")
    with app.app_context():
        stored = db.session.scalar(sa.select(Complaint.narrative).where(Complaint.reference == reference))
    assert "[card •••• 1111]" in stored  # stored as masked, language-neutral
    client.post("/track", data={"reference": reference, "access_code": code})
    tracking = client.get("/track?lang=zh_Hans").get_data(as_text=True)
    assert "[卡号 •••• 1111]" in tracking
    assert "北京时间" in tracking and "CST" not in tracking
    english = client.get("/track?lang=en").get_data(as_text=True)
    assert "Beijing time" in english and "CST" not in english
