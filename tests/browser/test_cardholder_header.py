"""The public pages' header on a 375 px phone: compact, each menu link on one line."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_the_header_is_compact_on_a_375px_phone(browser, live_server, artifacts, language):
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/?lang={language}")
        page.screenshot(path=str(artifacts / f"header-375-{language}.png"))
        header = page.locator("header.site-header").bounding_box()
        assert header["height"] <= 90, header  # it was about 180 px
        line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.main-nav a')).lineHeight) || 24")
        links = page.locator(".main-nav a")
        assert links.count() == 3
        for index in range(3):
            box = links.nth(index).bounding_box()
            assert box["height"] < 1.6 * line + 8, (index, box)  # one line, not two
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375.5, box
    finally:
        context.close()
