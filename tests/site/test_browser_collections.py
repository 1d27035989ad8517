"""An educator's whole flow in a real headless Chromium (Debian's ``/usr/bin/chromium``).

Sign up, get approved (by the administrator, through the service), log in, search,
add items, reorder them with the keyboard and by drag and drop, add a question for
students, set the intended use and read the warnings, share an unlisted link and
open it as an anonymous visitor, export CSV and the IIIF Collection, print view.
"""

from __future__ import annotations

import csv
import io
import re
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
from collection_site import HIROSHIGE, IN_COPYRIGHT, PASSWORD, approve, build_collection_site
from playwright.sync_api import Page, expect, sync_playwright
from site_records import GREAT_WAVE

from tsunagu.config import Settings
from tsunagu.site.urls import item_path

pytestmark = BROWSER_MARKS

EMAIL = "browser.teacher@school.example.jp"
TITLE = "Edo prints for Year 8"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    settings = build_collection_site(tmp_path_factory.mktemp("browser-collections"))
    with serve_site(settings) as url:
        yield url, settings


def _titles(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#entries > li .entry-title, "
                                                  "#entries > li .text-question").all_inner_texts()]


def _add_from_item_page(page: Page, base_url: str, record_id: str) -> None:
    page.goto(base_url + item_path(record_id))
    page.get_by_role("link", name="Add to a collection").click()
    page.get_by_role("button", name=f"Add to “{TITLE}”").click()
    page.wait_for_url(re.compile(r".*/collections/\d+#entry-\d+$"))


def test_educator_flow(served: tuple[str, Settings], tmp_path: Path) -> None:
    base_url, settings = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="en-US", viewport={"width": 1200, "height": 900},
                                          accept_downloads=True)
            page = context.new_page()
            page.route("**/*", stay_local)
            violations = csp_violations(page)

            # sign up: pending until an administrator approves
            page.goto(base_url + "/educators/signup")
            page.get_by_label("Your e-mail address").fill(EMAIL)
            page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
            page.get_by_role("button", name="Sign up").click()
            expect(page.locator(".notice")).to_contain_text("waits for an administrator")
            approve(settings, EMAIL)
            page.goto(base_url + "/login")
            page.locator("input[name=email]").fill(EMAIL)
            page.locator("input[name=password]").fill(PASSWORD)
            with page.expect_navigation():
                page.locator("form[action='/login'] button[type=submit]").click()

            # search, open a result, start a collection with it
            page.goto(base_url + "/")
            search_box = page.locator("input[name=q]").first
            search_box.fill("神奈川沖浪裏")
            search_box.press("Enter")
            page.wait_for_url("**/search?q=*")
            page.get_by_role("link", name="富嶽三十六景 神奈川沖浪裏").first.click()
            page.wait_for_url("**/item/**")
            page.get_by_role("link", name="Add to a collection").click()
            page.get_by_role("link", name="New collection with this item").click()
            page.get_by_label("Title").fill(TITLE)
            page.get_by_label("Intended use").select_option("class_website")
            page.get_by_role("button", name="Create the collection").click()
            page.wait_for_url(re.compile(r".*/collections/\d+$"))
            collection_url = page.url
            _add_from_item_page(page, base_url, HIROSHIGE)
            _add_from_item_page(page, base_url, IN_COPYRIGHT)
            page.goto(collection_url)
            assert _titles(page) == ["富嶽三十六景 神奈川沖浪裏", "東海道五十三次 日本橋 朝之景",
                                     "Mount Fuji seen through cherry blossom"]

            # the warnings for a class website
            summary = page.get_by_role("region", name="Intended use: Class website")
            expect(summary.locator(".summary-line")).to_have_text(
                "2 of 3 items usable for this use (Class website).")
            expect(summary).to_contain_text("Need permission: 1")
            locked = page.locator("#entries > li").nth(2)
            expect(locked.locator(".state")).to_have_text("Needs permission — ask the institution")
            expect(locked.get_by_role("link", name="Find usable alternatives")).to_be_visible()

            # reorder with the keyboard: focus "Move up" of the last item, press Enter
            page.get_by_role("button", name="Move “Mount Fuji seen through cherry blossom” up"
                             ).focus()
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert _titles(page)[1] == "Mount Fuji seen through cherry blossom"
            # and by drag and drop (saved with fetch + X-CSRF-Token)
            page.goto(collection_url)  # from the top (the header must not cover the handle)
            entries = page.locator("#entries > li")
            with page.expect_response("**/order") as saved:
                entries.nth(1).drag_to(entries.nth(0), source_position={"x": 4, "y": 4},
                                        target_position={"x": 4, "y": 4})
            assert saved.value.ok
            page.reload()
            assert _titles(page)[0] == "Mount Fuji seen through cherry blossom"

            # a question for students between the items
            page.get_by_label("Text (a heading, a question for students …)").fill(
                "Which print shows Mount Fuji?")
            page.get_by_label("Kind of text", exact=True).last.select_option("question")
            page.locator("#new-position").select_option("1")
            with page.expect_navigation():
                page.get_by_role("button", name="Add the text").click()
            assert _titles(page)[1] == "Question: Which print shows Mount Fuji?"

            # another intended use: the answers change; then share it unlisted
            page.locator("details.collection-settings > summary").click()
            page.locator("#c-use").select_option("modified_work")
            page.get_by_label("Unlisted: anyone with the link").check()
            with page.expect_navigation():
                page.locator("details.collection-settings button[type=submit]").first.click()
            expect(page.locator(".summary-line")).to_contain_text(
                "2 of 3 items usable for this use (Modified or remixed work).")
            page.get_by_role("link", name="Share this collection").click()
            share_url = page.locator("#share-link").input_value()
            assert re.fullmatch(re.escape(base_url) + r"/c/[A-Za-z0-9_-]{22}", share_url)
            qr = page.get_by_role("img", name="QR code of the link")
            expect(qr).to_be_visible()
            assert page.evaluate("document.querySelector('.qr img').naturalWidth") > 0
            assert "/embed" in page.locator("#embed-code").input_value()

            # the link, opened by an anonymous visitor
            visitor_context = browser.new_context(locale="en-US")
            visitor = visitor_context.new_page()
            visitor.route("**/*", stay_local)
            visitor.goto(share_url)
            expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
            expect(visitor.locator("#entries > li")).to_have_count(4)
            expect(visitor.get_by_role("button", name=re.compile("Move"))).to_have_count(0)
            assert visitor.goto(collection_url).status == 404  # not by its id
            visitor_context.close()

            # exports: CSV (a download) and the IIIF Collection
            page.goto(collection_url)
            with page.expect_download() as download_info:
                page.get_by_role("link", name="Export CSV").click()
            path = tmp_path / "collection.csv"
            download_info.value.save_as(path)
            rows = list(csv.DictReader(io.StringIO(
                path.read_text(encoding="utf-8").removeprefix("\ufeff"))))
            assert [r["kind"] for r in rows] == ["item", "text", "item", "item"]
            assert {r["record_id"] for r in rows if r["kind"] == "item"} == {
                GREAT_WAVE, HIROSHIGE, IN_COPYRIGHT}
            iiif = page.request.get(collection_url + "/iiif.json").json()
            assert iiif["@context"] == "http://iiif.io/api/presentation/3/context.json"
            assert iiif["type"] == "Collection" and iiif["label"] == {"en": [TITLE]}
            assert iiif["items"] and all(
                set(item) == {"id", "type", "label"} and item["type"] == "Manifest"
                and item["id"].startswith("https://")
                and all(isinstance(v, list) for v in item["label"].values())
                for item in iiif["items"])

            # the print view: no site chrome on paper, thumbnails, captions, credits
            page.goto(collection_url + "/print")
            page.emulate_media(media="print")
            expect(page.locator(".site-header")).to_be_hidden()
            expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
            expect(page.locator(".handout-item img").first).to_be_visible()
            expect(page.locator(".handout-credits li")).to_have_count(3)
            pdf = page.pdf(format="A4")
            assert pdf.startswith(b"%PDF")
            assert violations == []
            context.close()
        finally:
            browser.close()
