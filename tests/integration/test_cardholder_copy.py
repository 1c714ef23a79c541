"""The cardholder's journey after sending: the confirmation that survives a
reload, the PDF copy, the response with its relief, a new access code, and
safety help after a threat."""
from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint

from .intake_helpers import CARD, PNG, STEPS, read_outbox, submit, text_of
from .test_cases import post

THREAT = "The collector said he would come to my house and break my legs if I did not pay by Friday."
THREAT_ZH = "催收员在电话里说，如果我不还钱，就来我家打断我的腿。我的卡号是 4111 1111 1111 1111。"


def _complaint(app, reference) -> Complaint:
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        db.session.expunge(complaint)
        return complaint


def _track(client, reference, code):
    response = client.post("/track", data={"reference": reference, "access_code": code})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


# -- the confirmation page ------------------------------------------------------


def test_the_confirmation_survives_a_reload_and_shows_what_was_sent(app, client):
    _first, reference, code = submit(client, {"what": {"narrative": STEPS["what"]["narrative"] + f" My card is {CARD}."}})
    again = client.get("/track/confirmation")
    assert again.status_code == 200
    assert again.headers["Cache-Control"] == "no-store"
    html = again.get_data(as_text=True)
    assert f'id="reference">{reference}<' in html and f'id="access-code">{code}<' in html
    assert "[card •••• 1111]" in html and CARD not in html  # what was sent, masked
    assert "Acme Recovery" in html and "$1,250.00" in html and "October 1, 2026" in html
    # Each deadline with its expected date, in the profile's named zone.
    deadlines = html.split("What happens next", 1)[1].split("</ul>", 1)[0]
    assert deadlines.count("<li>") == 3 and re.search(r"20\d\d, 23:59 E[SD]T", deadlines)
    assert 'href="/track/confirmation.pdf"' in html


def test_the_confirmation_needs_the_reference_and_code(app, client):
    _first, reference, code = submit(client)
    stranger = app.test_client()
    response = stranger.get("/track/confirmation")
    assert response.status_code == 302 and response.headers["Location"].endswith("/track")
    assert stranger.get("/track/confirmation.pdf").status_code == 302
    # Back later with both codes: the page is there, the access code is not shown again.
    _track(stranger, reference, code)
    html = stranger.get("/track/confirmation").get_data(as_text=True)
    assert f'id="reference">{reference}<' in html
    assert code not in html and 'id="access-code"' not in html
    assert "/track/new-code" in html
    # "Leave this page" forgets both the proof and the code.
    client.post("/track/leave")
    assert client.get("/track/confirmation").status_code == 302


def test_a_second_send_of_the_review_does_not_file_twice(app, client):
    submit(client)
    again = client.post("/complaint/review")
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Complaint.id))) == 1


# -- the PDF copy ----------------------------------------------------------------


def _pdf_text(tmp_path, data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDF copy back")
    path = tmp_path / "copy.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdf_copy_in_chinese_embeds_a_font_subset(app, client, tmp_path):
    _first, reference, code = submit(
        client,
        {"what": {"narrative": THREAT_ZH},
         "amounts": {"amount_demanded": "2.1万", "amount_believed_owed": "¥12,000", "currency": ""},
         "details": {"jurisdiction": "cn-nfra"}},
        lang="zh_Hans",
    )
    response = client.get("/track/confirmation.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f"redress-{reference}.pdf" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(b"%PDF-")
    assert b"/FontFile" in data and b"NotoSansCJK" in data  # embedded, not referenced
    assert len(data) < 400_000  # a subset, not the 20 MB collection
    text = _pdf_text(tmp_path, data)
    for wanted in (reference, code, "打断我的腿", "[卡号 •••• 1111]", "21,000.00 元", "12,000.00 元", "北京时间",
                   "处理时限", "12356", "400-161-9995"):
        assert wanted in text, wanted
    assert "4111 1111 1111 1111" not in text and "CST" not in text and "CNY" not in text


def test_the_pdf_copy_in_english_and_without_a_font(app, client, tmp_path, monkeypatch):
    from portal.intake import routes

    _first, reference, _code = submit(client)
    text = _pdf_text(tmp_path, client.get("/track/confirmation.pdf").get_data())
    assert reference in text and "Acme Recovery" in text and "$1,250.00" in text
    # No font on the server: an English copy falls back to the PDF core font ...
    monkeypatch.setattr(routes, "find_font", lambda configured=None: None)
    english = client.get("/track/confirmation.pdf")
    assert english.status_code == 200 and b"Helvetica" in english.get_data()
    # ... a Chinese one cannot be written, and the page says so and offers printing.
    chinese = client.get("/track/confirmation.pdf?lang=zh_Hans")
    assert chinese.status_code == 302 and chinese.headers["Location"].endswith("/track/confirmation")
    page = client.get("/track/confirmation").get_data(as_text=True)
    assert "服务器暂时无法生成中文 PDF 副本。请改用“打印本页”" in page


# -- the response, outcome and relief ---------------------------------------------


def test_the_response_outcome_and_relief_are_shown_and_emailed(app, client, auth, outbox):
    cardholder = app.test_client()
    _first, reference, code = submit(
        cardholder,
        {"amounts": {"amount_demanded": "21000元", "amount_believed_owed": "0", "currency": ""},
         "details": {"jurisdiction": "cn-nfra", "email": "li@example.com"}},
        lang="zh_Hans",
    )
    assert _complaint(app, reference).currency == "CNY"  # read from 元
    auth.login("officer")
    assert post(client, reference, "respond", "respond", kind="final",
                text="我们已核实：催收公司多收了费用，将退还。").status_code == 303
    assert post(client, reference, "close", "close", outcome="closed_with_monetary_relief",
                relief_amount="2100.50", relief_currency="", explanation="退还多收的费用。").status_code == 303
    stored = _complaint(app, reference)
    assert (stored.relief_amount, stored.relief_currency) == (Decimal("2100.50"), "CNY")

    _track(cardholder, reference, code)
    html = cardholder.get("/track?lang=zh_Hans").get_data(as_text=True)
    item = html.split('id="response"', 1)[1].split("</section>", 1)[0]
    assert "已结案：给予经济补偿" in item and "2,100.50 元" in item and "退还多收的费用。" in item
    assert "北京时间" in item and "CNY" not in item
    english = cardholder.get("/track?lang=en").get_data(as_text=True)
    assert "Closed with monetary relief" in english and "CN¥2,100.50" in english

    decisions = [m for m in read_outbox(outbox) if m["To"] == "li@example.com" and "答复" in m["Subject"]]
    assert len(decisions) == 2  # the final response, then the closing with its outcome
    decision = next(m for m in decisions if "补救措施" in text_of(m))
    assert decision["Subject"] == f"我们对您的投诉 {reference} 的答复"
    body = text_of(decision)
    assert "处理结果：已结案：给予经济补偿" in body and "补救措施：2,100.50 元" in body
    assert "退还多收的费用。" in body


def test_relief_in_another_currency_and_refused_without_one(app, client, auth):
    from ._cases import gen_complaint

    reference = gen_complaint(app, jurisdiction="us-cfpb")
    auth.login("officer")
    response = post(client, reference, "close", "close", outcome="closed_with_monetary_relief",
                    relief_amount="80", relief_currency="GBP", explanation="Refunded in pounds.")
    assert response.status_code == 303
    assert _complaint(app, reference).relief_currency == "GBP"
    other = gen_complaint(app, jurisdiction="us-cfpb")
    response = post(client, other, "close", "close", outcome="closed_with_monetary_relief",
                    relief_amount="80", relief_currency="XXX", explanation="?")
    assert response.status_code == 400  # not one of the choices
    assert _complaint(app, other).status != "closed"


# -- a new access code --------------------------------------------------------------


def test_a_new_access_code_goes_to_the_address_on_file(app, client, outbox):
    _first, reference, old_code = submit(client)
    client.post("/track/leave")
    before = len(read_outbox(outbox))
    response = client.post("/track/new-code", data={"reference": reference.lower(), "email": "JANE@example.com"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/track")
    same_answer = client.get("/track").get_data(as_text=True)
    assert "If a complaint with that reference has this e-mail address, we have sent a new access code" in same_answer
    assert len(read_outbox(outbox)) == before + 1
    messages = [m for m in read_outbox(outbox) if m["Subject"].startswith("A new access code")]
    assert len(messages) == 1 and messages[0]["To"] == "jane@example.com"
    new_code = re.search(r"Your new access code: (\S+)", text_of(messages[0])).group(1)
    assert new_code != old_code

    assert client.post("/track", data={"reference": reference, "access_code": old_code}).status_code == 401
    _track(client, reference, new_code)
    html = client.get("/track").get_data(as_text=True)
    assert "A new access code was sent to your e-mail address" in html  # on the timeline
    assert new_code not in html


@pytest.mark.parametrize("reference, address", [("RD-AAAA-BBBB", "jane@example.com"), (None, "someone@example.com")])
def test_no_hint_whether_the_reference_exists(app, client, outbox, reference, address):
    _first, real, code = submit(client)
    before = len(read_outbox(outbox))
    response = client.post("/track/new-code", data={"reference": reference or real, "email": address})
    assert response.status_code == 303
    assert "If a complaint with that reference has this e-mail address" in client.get("/track").get_data(as_text=True)
    assert len(read_outbox(outbox)) == before  # nothing sent
    _track(app.test_client(), real, code)  # the code still works


def test_the_new_code_form_checks_its_fields_and_is_rate_limited(app, client):
    response = client.post("/track/new-code", data={"reference": "", "email": "not an address"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please enter your complaint reference." in html and "Please enter an e-mail address like" in html

    from portal.extensions import limiter

    app.config["RATELIMIT_ENABLED"] = True
    limiter.enabled = True
    try:
        limiter.reset()
        statuses = [client.post("/track/new-code", data={"reference": "RD-AAAA-BBBB", "email": "x@example.com"}).status_code
                    for _ in range(4)]
        other = [client.post("/track/new-code", data={"reference": f"RD-AAAA-BBB{c}", "email": "x@example.com"}).status_code
                 for c in "CDEFGHJ"]
    finally:
        limiter.enabled = False
        limiter.reset()
    assert statuses == [303, 303, 303, 429]  # three a day per reference
    assert other == [303] * 6 + [429]  # and ten an hour per address


# -- safety help ------------------------------------------------------------------


@pytest.mark.parametrize(
    "jurisdiction, lang, narrative, wanted, not_wanted",
    [
        ("us-cfpb", "en", THREAT, ["911", "988", "988 Suicide &amp; Crisis Lifeline"], ["12356"]),
        ("cn-nfra", "zh_Hans", THREAT_ZH, ["110", "12356", "400-161-9995", "全国统一心理援助热线", "中国大陆"], ["988"]),
        ("uk-fca", "en", "I cannot take these calls any more and I have been thinking about killing myself.",
         ["999", "116 123", "Samaritans"], ["988"]),
    ],
)
def test_safety_help_after_a_threat_for_the_cardholders_country(app, client, jurisdiction, lang, narrative, wanted, not_wanted):
    _first, reference, _code = submit(
        client, {"what": {"narrative": narrative}, "details": {"jurisdiction": jurisdiction}}, lang=lang
    )
    html = client.get("/track/confirmation").get_data(as_text=True)
    assert 'id="safety-help"' in html
    section = html.split('id="safety-help"', 1)[1].split("</section>", 1)[0]
    for text in wanted:
        assert text in section, text
    for text in not_wanted:
        assert text not in section, text
    routing = _complaint(app, reference).routing  # the evidence behind it is stored with the complaint
    assert {e["label"] for e in routing["evidence"] if e["source"] == "rule"} & {"violence_threat", "self_harm"}


def test_safety_help_when_only_the_model_read_a_self_harm_mention(app, client):
    # No phrase rule knows these words; the trained model made the complaint critical.
    narrative = ("The collector added $340 in late fees and interest to my balance and they will not show me where "
                 "the numbers come from. I sent my statements twice. Honestly everybody would be better off if I just "
                 "wasn't around anymore, and I have been thinking about how I would do it. I just want the right balance.")
    _first, reference, _code = submit(client, {"what": {"narrative": narrative}})
    routing = _complaint(app, reference).routing
    assert routing["urgency"] == "critical"
    assert not {e["label"] for e in routing["evidence"] if e["source"] == "rule"} & {"self_harm", "violence_threat"}
    html = client.get("/track/confirmation").get_data(as_text=True)
    assert 'id="safety-help"' in html and "988" in html


def test_no_safety_help_without_a_signal(app, client):
    submit(client)
    assert 'id="safety-help"' not in client.get("/track/confirmation").get_data(as_text=True)


def test_safety_help_when_a_mental_health_crisis_is_ticked(app, client):
    submit(client, {"details": {"vulnerabilities": ["mental_health_crisis"]}})
    html = client.get("/track/confirmation").get_data(as_text=True)
    assert 'id="safety-help"' in html and "988" in html
    assert "You told us you are going through a mental-health crisis." in html


# -- the tracking page shows what the cardholder sent --------------------------------


def test_tracking_shows_the_cardholders_own_narrative_and_files(app, client):
    client.post("/complaint/what", data={"narrative": STEPS["what"]["narrative"] + f" Card {CARD}."})
    import io

    client.post("/complaint/evidence", data={"files": [(io.BytesIO(PNG), "letter.png")], "action": "upload"},
                content_type="multipart/form-data")
    _first, reference, code = submit(client, {"what": {"narrative": STEPS["what"]["narrative"] + f" Card {CARD}."}})
    viewer = app.test_client()
    _track(viewer, reference, code)
    html = viewer.get("/track").get_data(as_text=True)
    own = html.split('id="your-complaint"', 1)[1].split("</section>", 1)[0]
    assert "threatened to tell my employer. Card [card •••• 1111]." in own and CARD not in html
    assert "letter.png" in own.split("own-files", 1)[1]
    assert "Acme Recovery" in own and "$300.00" in own


def test_an_interim_update_still_sends_the_short_update_mail(app, client, auth, outbox):
    from ._cases import gen_complaint

    reference = gen_complaint(app, email="card@example.com")
    auth.login("officer")
    assert post(client, reference, "respond", "respond", kind="interim", text="Still looking into it.").status_code == 303
    (message,) = read_outbox(outbox)
    assert message["Subject"] == f"Update on your complaint {reference}"
    assert "Our response to your complaint" not in text_of(message)


def test_the_access_code_is_kept_only_for_a_while(app, client):
    _first, reference, code = submit(client)
    with client.session_transaction() as session:
        session["filed"] = {**session["filed"], "until": 0}
    html = client.get("/track/confirmation").get_data(as_text=True)
    assert f'id="reference">{reference}<' in html and code not in html


def test_the_new_code_form_needs_its_csrf_token(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/track/new-code", data={"reference": "RD-AAAA-BBBB", "email": "x@example.com"}).status_code == 400
    page = client.get("/track/new-code").get_data(as_text=True)
    assert 'name="csrf_token"' in page


def test_a_new_access_code_ends_the_tracking_sessions_opened_with_the_old_one(app, client, outbox):
    _first, reference, old_code = submit(client)
    client.post("/track/leave")
    _track(client, reference, old_code)  # this browser opened the complaint with the old code
    assert reference in client.get("/track").get_data(as_text=True)

    other_browser = app.test_client()
    other_browser.post("/track/new-code", data={"reference": reference, "email": "jane@example.com"})

    page = client.get("/track").get_data(as_text=True)
    assert reference not in page and 'name="access_code"' in page
    for url in ("/track/confirmation", "/track/confirmation.pdf"):
        assert client.get(url).headers["Location"].endswith("/track")
    before = _complaint(app, reference)
    response = client.post("/track/feedback", data={"resolved": "no", "comment": "Added with the old code."})
    assert response.status_code == 302 and response.headers["Location"].endswith("/track")
    after = _complaint(app, reference)
    assert after.feedback_at is None and after.status == before.status

    sent = [m for m in read_outbox(outbox) if m["Subject"].startswith("A new access code")]
    new_code = re.search(r"Your new access code: (\S+)", text_of(sent[-1])).group(1)
    _track(client, reference, new_code)  # the new code opens it again
    assert reference in client.get("/track").get_data(as_text=True)
