"""English and Simplified Chinese on the cardholder side."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from .intake_helpers import STEPS, read_outbox, submit, text_of

PORTAL = Path(__file__).resolve().parents[2] / "portal"


def test_a_chinese_page(client):
    html = client.get("/?lang=zh_Hans").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert "催收人员是否对您不公？" in html
    assert "提交投诉" in html and "查询投诉" in html
    # The choice sticks for the next pages.
    assert "发生了什么？" in client.get("/complaint/what").get_data(as_text=True)
    assert "What happened?" in client.get("/complaint/what?lang=en").get_data(as_text=True)


def test_accept_language_zh_cn_picks_chinese(client):
    html = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html and "催收人员是否对您不公？" in html
    html = client.get("/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Has a debt collector treated you unfairly?" in html


def test_chinese_error_messages_including_wtforms_own(client):
    client.get("/?lang=zh_Hans")
    html = client.post("/complaint/what", data={"narrative": "太短了"}).get_data(as_text=True)
    assert "请填写 20 到 10000 个字。" in html
    assert "请检查以下内容" in html  # the error summary
    html = client.post("/complaint/who", data={"incident_start": "2026-02-30"}).get_data(as_text=True)
    assert "不是有效的日期值" in html  # WTForms' own message, translated
    html = client.post("/complaint/details", data=dict(STEPS["details"], account_ref="4111 1111 1111 1111")).get_data(as_text=True)
    assert "请不要填写完整的卡号。" in html


def test_chinese_error_page_and_tracking_message(client):
    client.get("/?lang=zh_Hans")
    assert "找不到该页面。" in client.get("/no-such-page").get_data(as_text=True)
    html = client.post("/track", data={"reference": "RD-0000-0000", "access_code": "AAAA-BBBB-CCCC-DDDD"}).get_data(as_text=True)
    assert "我们找不到与该编号和查询码相符的投诉。" in html


def test_a_complaint_filed_in_chinese_gets_a_chinese_email_and_pages(app, client, outbox):
    response, reference, code = submit(
        client, {"what": {"narrative": "催收员每天给我打九次电话，还威胁要告诉我的单位。"}}, lang="zh_Hans"
    )
    assert "我们已收到您的投诉" in response.get_data(as_text=True)
    message = read_outbox(outbox)[0]
    assert message["Subject"] == f"我们已收到您的投诉 {reference}"
    body = text_of(message)
    assert "查询码：" in body and code in body
    client.post("/track", data={"reference": reference, "access_code": code})
    page = client.get("/track").get_data(as_text=True)
    assert "您提交了投诉" in page and "处理时限" in page
    from portal.extensions import db
    from portal.models import Complaint
    import sqlalchemy as sa

    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert complaint.language == "zh_Hans"


@pytest.mark.parametrize("catalogue", ["intake", "translations"])
def test_every_message_of_our_catalogues_is_translated(catalogue):
    directory = PORTAL / catalogue if catalogue == "translations" else PORTAL / catalogue / "translations"
    with open(directory / "zh_Hans" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\((\w+)\)", ids[0]))
        for string in strings:
            assert set(re.findall(r"%\((\w+)\)", string)) == wanted, message.id


@pytest.mark.parametrize("catalogue", ["intake", "translations"])
def test_catalogues_hold_every_message_of_the_code(catalogue, tmp_path):
    import subprocess
    import sys

    directory = PORTAL / catalogue if catalogue == "translations" else PORTAL / catalogue / "translations"
    mapping = PORTAL / catalogue / "babel.cfg" if catalogue == "intake" else PORTAL / "translations" / "babel.cfg"
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "-F", str(mapping),
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
        cwd=PORTAL.parent, check=True,
    )
    with open(pot, "rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with open(directory / "zh_Hans" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert sorted(wanted - have) == []
