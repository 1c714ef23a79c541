"""A cardholder files a complaint in Chinese with an attachment, then tracks it,
in a real headless Chromium against a live server (CSRF on)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint
from tests.integration.intake_helpers import PNG

pytestmark = pytest.mark.browser

NARRATIVE = "催收员从十月开始每天给我打九次电话，还威胁说要去我单位找领导。我的卡号是 4111 1111 1111 1111。"


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def test_file_in_chinese_with_an_attachment_then_track(live_server, page, artifacts, app, tmp_path):
    evidence = tmp_path / "催收短信截图.png"
    evidence.write_bytes(PNG)

    page.goto(f"{live_server}/?lang=zh_Hans")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    shot(page, artifacts, "01-home")
    page.locator("main").get_by_role("link", name="提交投诉").click()
    page.get_by_role("link", name="开始").click()

    # An error first: shown next to the field and in the summary, in Chinese.
    page.get_by_label("发生了什么？").fill("电话太多")
    page.get_by_role("button", name="继续").click()
    assert page.locator("#narrative-error").inner_text() == "请填写 20 到 10000 个字。"
    expect(page.locator("#error-summary")).to_be_visible()
    assert page.get_by_label("发生了什么？").input_value() == "电话太多"
    shot(page, artifacts, "02-error-in-chinese")

    # A text over the limit is not cut short by the browser: the count says it
    # is too long, and the server refuses it with every character kept.
    long_text = "催收员天天打电话骚扰我。" * 1000  # 12,000 characters
    page.get_by_label("发生了什么？").fill(long_text)
    counter = page.locator("#narrative-counter")
    expect(counter).to_have_class(re.compile(r"\bover\b"))
    assert counter.inner_text().startswith("12,000 / 10,000") and "内容过长" in counter.inner_text()
    page.get_by_role("button", name="继续").click()
    assert page.locator("#narrative-error").inner_text() == "请填写 20 到 10000 个字。"
    assert page.get_by_label("发生了什么？").input_value() == long_text

    # Switching language half-way keeps what was typed (intake.js).
    page.get_by_label("发生了什么？").fill(NARRATIVE)
    page.locator(".language-switch").get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.get_by_label("What happened?").input_value().startswith("催收员从十月开始")
    page.locator(".language-switch").get_by_role("link", name="简体中文").click()
    page.wait_for_url(re.compile(r"lang=zh_Hans"))
    page.get_by_role("button", name="继续").click()

    page.get_by_label("是哪家公司或催收机构联系了您？").fill("某某资产管理有限公司")
    page.get_by_label("对方自称的姓名（如有）").fill("王经理")
    page.get_by_label("给您打电话或发短信的号码").fill("010-6552 9988\n+86 138 0013 8000")
    page.get_by_role("checkbox", name="电话", exact=True).check()
    page.get_by_role("checkbox", name="短信", exact=True).check()
    page.get_by_label("从什么时候开始的？").fill("2026-10-01")
    page.get_by_label("最近一次是什么时候？").fill("2026-11-20")
    shot(page, artifacts, "03-who")
    page.get_by_role("button", name="继续").click()

    page.get_by_label("对方要求您支付多少钱？").fill("18,500")
    page.get_by_label("您认为自己实际欠多少钱？").fill("12000")
    page.get_by_label("币种").select_option("CNY")
    page.get_by_role("button", name="继续").click()

    page.get_by_label("您希望得到怎样的处理？").fill("停止骚扰我的单位，核实欠款金额。")
    page.get_by_role("button", name="继续").click()

    page.get_by_label("添加文件").set_input_files(str(evidence))
    page.get_by_role("button", name="上传").click()
    expect(page.locator(".file-list .file-name")).to_have_text("催收短信截图.png")
    shot(page, artifacts, "04-evidence")
    page.get_by_role("button", name="继续").click()

    page.get_by_label("您的姓名").fill("李女士")
    page.get_by_label("您的电子邮箱").fill("li@example.com")
    page.get_by_label("账户参考号").fill("1111")
    page.get_by_label("我是老年人").check()
    # The region question follows the residence as soon as it is chosen.
    page.get_by_label("您住在哪里？").select_option("us-cfpb")
    expect(page.locator("label[for=region]")).to_have_text("州")
    expect(page.locator("#region-hint")).to_contain_text("Texas")
    page.get_by_label("您住在哪里？").select_option("cn-nfra")
    expect(page.locator("label[for=region]")).to_have_text("省份")
    page.get_by_label("我同意 Redress").check()
    shot(page, artifacts, "05-details")
    page.get_by_role("button", name="继续").click()

    expect(page.get_by_role("heading", name="提交前请核对您的投诉")).to_be_visible()
    assert page.get_by_text("[卡号 •••• 1111]").count() >= 1  # the card number is already hidden, its marker in Chinese
    expect(page.get_by_text("中国大陆")).to_be_visible()
    shot(page, artifacts, "06-review")
    page.get_by_role("button", name="提交投诉").click()

    expect(page.get_by_role("heading", name="我们已收到您的投诉")).to_be_visible()
    reference = page.locator("#reference").inner_text()
    code = page.locator("#access-code").inner_text()
    shot(page, artifacts, "07-filed")
    page.reload()  # the confirmation survives a reload, codes included
    expect(page.locator("#access-code")).to_have_text(code)

    # This browser may follow the complaint straight away; after leaving, it needs both codes.
    page.locator("main").get_by_role("link", name="查看我的投诉").click()
    expect(page.get_by_role("heading", name=f"您的投诉 {reference}")).to_be_visible()
    page.get_by_role("button", name="离开此页面").click()
    page.get_by_label("投诉编号").fill(reference.lower())
    page.get_by_label("查询码").fill("AAAA-BBBB-CCCC-DDDD")
    page.get_by_role("button", name="查看我的投诉").click()
    expect(page.get_by_text("我们找不到与该编号和查询码相符的投诉。").first).to_be_visible()
    page.get_by_label("投诉编号").fill(reference)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查看我的投诉").click()
    expect(page.get_by_role("heading", name=f"您的投诉 {reference}")).to_be_visible()
    expect(page.get_by_text("您提交了投诉")).to_be_visible()
    expect(page.locator(".timeline .file-list")).to_have_text("催收短信截图.png")
    shot(page, artifacts, "08-tracking")

    page.get_by_label("您想补充什么？").fill("今天早上七点他们又打来了。")
    page.get_by_role("button", name="补充到我的投诉").click()
    expect(page.get_by_text("谢谢。我们已将这些内容加入您的投诉。")).to_be_visible()
    expect(page.get_by_text("今天早上七点他们又打来了。")).to_be_visible()
    shot(page, artifacts, "09-information-added")

    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert complaint.language == "zh_Hans" and complaint.jurisdiction == "cn-nfra"
        assert "4111 1111 1111 1111" not in complaint.narrative
        assert [a.original_name for a in complaint.attachments] == ["催收短信截图.png"]
        assert str(complaint.amount_demanded) == "18500.00"
