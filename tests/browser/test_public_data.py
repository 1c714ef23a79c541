"""A visitor reads the public complaint database in English and in Chinese, filters and
searches it, and downloads the CSV. Real headless Chromium against a live server."""
from __future__ import annotations

import re

import pytest

from tests.integration.test_public_record import publish

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_public_caches():
    """Counts and charts are cached per process for minutes; each test starts without."""
    from portal.public import record

    record.clear_caches()
    yield
    record.clear_caches()


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def test_the_public_database_in_both_languages(app, live_server, page, artifacts):
    publish(app, category="harassment", channels=["phone"], agency="Apex Recoveries", region="CA",
            publish_narrative=True, name="Margaret Thistlewood",
            narrative="Margaret Thistlewood here. They called my office 14 times on Monday and told my boss.")
    publish(app, category="threats", channels=["visit"], agency="Brook Collections", region="TX",
            narrative="Private: they threatened to have me arrested.")
    publish(app, category="threats", agency="北方催收", language="zh_Hans", publish_narrative=True,
            narrative="催收员每天打电话骚扰我的家人，还威胁要起诉我。", region="上海")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "404" not in m.text else None)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)

    page.goto(f"{live_server}/data?lang=en")
    assert page.get_by_role("heading", level=1).inner_text() == "Public complaint database"
    assert page.locator(".public-complaint").count() == 3
    text = page.locator("main").inner_text()
    assert "[name] here. They called my office 14 times" in text
    assert "Margaret" not in text and "Private: they threatened" not in text
    assert page.locator("figure.category-trend").count() == 2
    shot(page, artifacts, "01-data-en")

    # Filter by category, then search the published narratives.
    page.select_option("#category", "harassment")
    page.get_by_role("button", name="Show complaints").click()
    page.wait_for_url(re.compile(r"category=harassment"))
    assert page.locator(".public-complaint").count() == 1
    page.fill("#q", "office boss")
    page.get_by_role("button", name="Show complaints").click()
    assert page.locator(".public-complaint").count() == 1
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as fh:
        content = fh.read()
    assert content.splitlines()[0].startswith("complaint_id,date_received,category")
    assert len(content.strip().splitlines()) == 2 and "Apex Recoveries" in content

    page.goto(f"{live_server}/data?lang=zh_Hans")
    assert page.get_by_role("heading", level=1).inner_text() == "公开投诉数据库"
    assert page.locator(".public-complaint").count() == 3
    main = page.locator("main").inner_text()
    assert "各类别每月投诉数" in main and "催收员每天打电话骚扰我的家人" in main
    page.fill("#q", "骚扰")
    page.get_by_role("button", name="显示投诉").click()
    assert page.locator(".public-complaint").count() == 1
    shot(page, artifacts, "02-data-zh")

    # On a phone two facts share a line: a page of complaints stays short.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/data?lang=en")
    facts = page.locator(".public-complaint").first.locator(".facts > div")
    first, second, third = (facts.nth(i).bounding_box() for i in range(3))
    assert first["y"] == second["y"] and second["x"] > first["x"] and third["y"] > first["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the screen
    # The less used filters fold away, so the complaints start within the first screen...
    assert page.locator("form.public-filters").bounding_box()["height"] < 800
    # ...and open with one tap.
    page.get_by_text("More filters").click()
    page.select_option("#channel", "visit")
    page.get_by_role("button", name="Show complaints").click()
    page.wait_for_url(re.compile(r"channel=visit"))
    assert page.locator(".public-complaint").count() == 1
    assert page.locator("details.more-filters").get_attribute("open") is not None
    shot(page, artifacts, "03-data-phone")
    assert errors == [] and missing == []  # no CSP violations, script errors or missing files
