"""One end-to-end run in a real headless Chromium: search, refine, open, read, switch.

The app runs under uvicorn on 127.0.0.1 (a free port, in a thread); Playwright
drives Debian's Chromium (``/usr/bin/chromium``, never a downloaded build).
Requests to any other host are answered locally: images with a placeholder,
everything else aborted, so the test never leaves the machine.

Set ``TSUNAGU_SCREENSHOT_DIR`` to also save phone-width screenshots of the
search and item pages (for a person to look at; not committed).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    BROWSER_MARKS,
    CHROMIUM,
    CHROMIUM_ARGS,
    csp_violations,
    serve_site,
    stay_local,
)
from playwright.sync_api import Browser, expect, sync_playwright
from site_records import build_site_data, make_records

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_site(build_site_data(tmp_path_factory.mktemp("browser"), make_records())) as url:
        yield url


def test_search_refine_open_and_switch_language(base_url: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="ja-JP", viewport={"width": 1200, "height": 900})
            page = context.new_page()
            page.route("**/*", stay_local)
            violations = csp_violations(page)

            page.goto(base_url + "/")
            expect(page.locator("html")).to_have_attribute("lang", "ja")
            # keyboard: the first Tab reaches the visible skip link
            page.keyboard.press("Tab")
            skip = page.locator(".skip-link")
            expect(skip).to_be_focused()
            box = skip.bounding_box()
            assert box is not None and box["y"] >= 0
            # type a Japanese query into the labelled search box and submit with Enter
            search_box = page.get_by_label("資料を検索")
            search_box.focus()
            page.keyboard.type("浮世絵")
            page.keyboard.press("Enter")
            page.wait_for_url("**/search?q=*")
            heading = page.locator("#results-heading")
            expect(heading).to_contain_text("「浮世絵」の検索結果 10 件")
            expect(page.locator("ol.results > li")).to_have_count(5)

            # refine by a facet (a real link)
            facet = page.locator("#facet-sector ~ ul").get_by_role("link", name="博物館・美術館")
            facet.click()
            page.wait_for_url("**sector=museum*")
            expect(page.locator(".facet-link.selected")).to_contain_text("博物館・美術館")
            expect(page.locator(".active-filters")).to_contain_text("機関の種類: 博物館・美術館")
            expect(page.locator("ol.results > li")).to_have_count(2)

            # open an item and read its rights panel
            page.get_by_role("link", name="富嶽三十六景 神奈川沖浪裏").click()
            page.wait_for_url("**/item/**")
            expect(page.get_by_role("heading", level=1)).to_have_text("富嶽三十六景 神奈川沖浪裏")
            rights = page.get_by_role("region", name="この資料を利用できますか？")
            expect(rights).to_be_visible()
            expect(rights.locator(".reuse-verdict")).to_have_text("自由に利用できます")
            expect(rights.locator(".raw-statement").first).to_have_text("パブリックドメイン")
            source_link = page.get_by_role("link", name="東京国立博物館のページで見る")
            expect(source_link).to_have_attribute("rel", "noopener external")
            item_url = page.url

            # switch the interface to English: same item, English words
            page.get_by_role("link", name="English").click()
            page.wait_for_load_state()
            assert page.url == item_url
            expect(page.locator("html")).to_have_attribute("lang", "en")
            rights = page.get_by_role("region", name="Can I use it?")
            expect(rights.locator(".reuse-verdict")).to_have_text("Free to re-use")
            expect(page.get_by_role("link", name="View at Tokyo National Museum")).to_be_visible()
            # the choice sticks
            page.goto(base_url + "/")
            expect(page.locator("html")).to_have_attribute("lang", "en")
            assert violations == []
            context.close()

            _phone_screenshots(browser, base_url)
        finally:
            browser.close()


def _phone_screenshots(browser: Browser, base_url: str) -> None:
    """At 390 px wide nothing overflows sideways; optionally save screenshots."""
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 390, "height": 844}, device_scale_factor=2,
        is_mobile=True, has_touch=True,
    )
    page = context.new_page()
    page.route("**/*", stay_local)
    target = os.environ.get("TSUNAGU_SCREENSHOT_DIR")
    for name, path in (
        ("search", "/search?q=浮世絵"),
        ("item", "/item/tnm:oai:tnm.example:C0001"),
    ):
        page.goto(base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a phone"
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(target) / f"phone-{name}.png"), full_page=True)
    context.close()
