"""After sending, in a real headless Chromium, in English and Chinese: the
cardholder sees the response and its relief, gets a new access code by
e-mail, keeps a PDF copy, and sees safety help after a threat.
Screenshots (and the PDF's first page as PNG) go to test-artifacts/."""
from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.cases import actions
from portal.extensions import db
from portal.models import Complaint, StaffUser
from tests.integration._cases import gen_complaint
from tests.integration.intake_helpers import read_outbox, text_of

pytestmark = pytest.mark.browser

ACCESS_CODE = "K7M2-9QXT-4HPD-WZ3A"

TEXT = {
    "en": {
        "reference": "Complaint reference", "code": "Access code", "show": "Show my complaint",
        "new_code_link": "Send me a new access code", "email": "The e-mail address you gave with your complaint",
        "send_code": "Send a new access code", "sent": "we have sent a new access code",
        "not_found": "We could not find a complaint with that reference and access code.",
        "response": "Our response", "outcome": "Closed with monetary relief", "relief": "$125.50",
        "pdf": "Download a PDF copy", "start": "Start", "continue": "Continue", "what": "What happened?",
        "where": "Where do you live?", "agree": "I agree that Redress", "send": "Send my complaint",
        "received": "We have received your complaint", "safety": "If you are in danger or thinking of harming yourself",
    },
    "zh_Hans": {
        "reference": "投诉编号", "code": "查询码", "show": "查看我的投诉",
        "new_code_link": "给我发送新的查询码", "email": "您提交投诉时留下的电子邮箱",
        "send_code": "发送新的查询码", "sent": "我们已将新的查询码发送到该邮箱",
        "not_found": "我们找不到与该编号和查询码相符的投诉。",
        "response": "我们的答复", "outcome": "已结案：给予经济补偿", "relief": "2,100.50 元",
        "pdf": "下载 PDF 副本", "start": "开始", "continue": "继续", "what": "发生了什么？",
        "where": "您住在哪里？", "agree": "我同意 Redress", "send": "提交投诉",
        "received": "我们已收到您的投诉", "safety": "如果您有危险，或有伤害自己的念头",
    },
}


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def _sign_in_to_track(page, live_server, lang, reference, code):
    t = TEXT[lang]
    page.goto(f"{live_server}/track?lang={lang}")
    page.get_by_label(t["reference"]).fill(reference)
    page.get_by_label(t["code"], exact=True).fill(code)
    page.get_by_role("button", name=t["show"]).click()


def _closed_with_relief(app, lang) -> str:
    """A complaint answered and closed with monetary relief by an officer."""
    jurisdiction, currency, amount = ("cn-nfra", "CNY", "2100.50") if lang == "zh_Hans" else ("us-cfpb", "USD", "125.50")
    reference = gen_complaint(app, jurisdiction=jurisdiction, language=lang, access_code=ACCESS_CODE,
                              email="card@example.com")
    response = ("我们已核实：催收公司多收了手续费，将全额退还，并已要求其停止给您单位打电话。" if lang == "zh_Hans"
                else "We checked the account: the agency added fees it may not charge. They are refunded, and the calls to your workplace have stopped.")
    with app.test_request_context(f"/?lang={lang}"):
        officer = StaffUser(email=f"officer-{lang}@redress.test", role="officer", password_hash="x", display_name="Officer")
        db.session.add(officer)
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        complaint.currency = currency
        actions.respond(complaint, officer, response, final=True)
        actions.close(complaint, officer, "closed_with_monetary_relief", None, Decimal(amount))
        db.session.commit()
    return reference


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_the_cardholder_sees_the_response_and_relief(app, live_server, page, artifacts, lang):
    t = TEXT[lang]
    reference = _closed_with_relief(app, lang)
    _sign_in_to_track(page, live_server, lang, reference, ACCESS_CODE)
    item = page.locator("#response")
    expect(item.get_by_role("heading", name=t["response"])).to_be_visible()
    expect(item.locator(".outcome")).to_have_text(t["outcome"])
    expect(item.locator(".relief")).to_have_text(t["relief"])
    expect(item.locator(".response-text")).to_contain_text("退还" if lang == "zh_Hans" else "refunded")
    if lang == "zh_Hans":
        expect(item).to_contain_text("北京时间")
        assert "CST" not in page.content() and "CNY" not in item.inner_text()
    item.scroll_into_view_if_needed()
    shot(page, artifacts, f"response-and-relief-{lang}")


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_a_new_access_code_by_e_mail(app, live_server, page, artifacts, outbox, lang):
    t = TEXT[lang]
    reference = gen_complaint(app, language=lang, access_code=ACCESS_CODE, email="Card@Example.com",
                              jurisdiction="cn-nfra" if lang == "zh_Hans" else "us-cfpb")
    page.goto(f"{live_server}/track?lang={lang}")
    page.get_by_role("link", name=t["new_code_link"]).click()
    page.get_by_label(t["reference"]).fill(reference.lower())
    page.get_by_label(t["email"]).fill("card@example.com")
    shot(page, artifacts, f"01-ask-for-a-new-code-{lang}")
    page.get_by_role("button", name=t["send_code"]).click()
    expect(page.locator(".flash").first).to_contain_text(t["sent"])
    shot(page, artifacts, f"02-new-code-sent-{lang}")

    (message,) = [m for m in read_outbox(outbox) if m["To"] == "Card@Example.com"]
    body = text_of(message)
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", body).group(0)
    assert code != ACCESS_CODE and reference in body

    # The old code no longer works; the new one does.
    page.get_by_label(t["reference"]).fill(reference)
    page.get_by_label(t["code"], exact=True).fill(ACCESS_CODE)
    page.get_by_role("button", name=t["show"]).click()
    expect(page.get_by_text(t["not_found"]).first).to_be_visible()
    _sign_in_to_track(page, live_server, lang, reference, code)
    expect(page.locator(".timeline")).to_contain_text(
        "新的查询码已发送到您的电子邮箱" if lang == "zh_Hans" else "A new access code was sent to your e-mail address")
    shot(page, artifacts, f"03-tracking-with-the-new-code-{lang}")


def _pdf_page_as_png(pdf_path, artifacts, name):
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm (poppler-utils) is needed to look at the PDF copy")
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf_path),
                    str(artifacts / name)], check=True)
    return subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_the_pdf_copy(app, live_server, page, artifacts, tmp_path, lang):
    t = TEXT[lang]
    narrative = ("催收员从十月开始每天给我打九次电话，还威胁说要去我单位找领导。我的卡号是 [card •••• 1111]。"
                 if lang == "zh_Hans" else "They call me nine times a day and said they would tell my employer. Card [card •••• 1111].")
    reference = gen_complaint(app, language=lang, access_code=ACCESS_CODE, narrative=narrative,
                              jurisdiction="cn-nfra" if lang == "zh_Hans" else "us-cfpb")
    _sign_in_to_track(page, live_server, lang, reference, ACCESS_CODE)
    with page.expect_download() as download:
        page.get_by_role("link", name=t["pdf"]).first.click()
    path = tmp_path / "copy.pdf"
    download.value.save_as(path)
    assert download.value.suggested_filename == f"redress-{reference}.pdf"
    text = re.sub(r"\s+", "", _pdf_page_as_png(path, artifacts, f"pdf-copy-{lang}"))  # lines wrap anywhere
    assert reference in text
    if lang == "zh_Hans":
        for wanted in ("每天给我打九次电话", "[卡号 •••• 1111]", "处理时限", "北京时间", "中国大陆"):
            assert re.sub(r"\s+", "", wanted) in text, wanted
    else:
        assert "ninetimesaday" in text and "Timelimits" in text and "UnitedStates" in text


def _file_a_complaint(page, live_server, lang, narrative, jurisdiction):
    t = TEXT[lang]
    page.goto(f"{live_server}/complaint?lang={lang}")
    page.get_by_role("link", name=t["start"]).click()
    page.get_by_label(t["what"]).fill(narrative)
    for _ in range(5):  # what, who, amounts, wish, evidence: nothing else is required
        page.get_by_role("button", name=t["continue"]).click()
    page.get_by_label(t["where"]).select_option(jurisdiction)
    page.get_by_label(t["agree"]).check()
    page.get_by_role("button", name=t["continue"]).click()
    page.get_by_role("button", name=t["send"]).click()
    expect(page.get_by_role("heading", name=t["received"])).to_be_visible()


@pytest.mark.parametrize(
    "lang, jurisdiction, narrative, numbers",
    [
        pytest.param("en", "us-cfpb", "The collector said he would come to my house and break my legs if I did not pay by Friday.",
                     ["911", "988"], id="en"),
        pytest.param("zh_Hans", "cn-nfra", "催收员在电话里说，如果我不还钱，就来我家打断我的腿。我现在很害怕。",
                     ["110", "12356", "400-161-9995"], id="zh_Hans"),
    ],
)
def test_safety_help_after_a_threat(app, live_server, page, artifacts, lang, jurisdiction, narrative, numbers):
    t = TEXT[lang]
    _file_a_complaint(page, live_server, lang, narrative, jurisdiction)
    help_box = page.locator("#safety-help")
    expect(help_box.get_by_role("heading", name=t["safety"])).to_be_visible()
    for number in numbers:
        expect(help_box.get_by_role("link", name=number, exact=True)).to_be_visible()
    assert help_box.get_by_role("link", name=numbers[0], exact=True).get_attribute("href") == f"tel:{numbers[0]}"
    shot(page, artifacts, f"safety-help-{lang}")
    # A reload keeps the confirmation, its codes and the help.
    reference = page.locator("#reference").inner_text()
    code = page.locator("#access-code").inner_text()
    page.reload()
    expect(page.locator("#reference")).to_have_text(reference)
    expect(page.locator("#access-code")).to_have_text(code)
    expect(page.locator("#safety-help")).to_be_visible()
