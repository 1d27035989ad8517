"""An institution's editor in a real headless Chromium: log in, register an OAI-PMH feed
from a local provider, see the sandbox, publish, find the records in public search, read
the run report and download a page the run kept. Debian's ``/usr/bin/chromium`` (never a
downloaded build); every request to another host is aborted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    BROWSER_MARKS,
    CHROMIUM,
    CHROMIUM_ARGS,
    serve_site,
    stay_local,
)
from institution_site import EDITOR, PASSWORD, build_accounts, site_settings, write_nijl_feed
from playwright.sync_api import expect, sync_playwright

from tsunagu.demo.provider import ProviderServer

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    with ProviderServer({"nijl": write_nijl_feed(tmp_path_factory.mktemp("feed"))},
                        page_size=5) as server:
        yield server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = site_settings(tmp_path_factory.mktemp("browser-institution") / "data")
    build_accounts(settings)
    with serve_site(settings) as url:
        yield url


def test_register_sandbox_publish_and_search(site: str, provider: ProviderServer) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="en-US", viewport={"width": 1200,
                                                                     "height": 900})
            page = context.new_page()
            page.route("**/*", stay_local)
            violations: list[str] = []
            page.on("console", lambda m: violations.append(m.text)
                    if "Content Security Policy" in m.text else None)

            page.goto(site + "/dashboard/nijl")
            page.wait_for_url("**/login?next=*")
            page.get_by_label("E-mail address").fill(EDITOR)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/dashboard/nijl")
            expect(page.get_by_role("heading", level=1)).to_have_text("国文学研究資料館")

            page.get_by_role("link", name="Register an OAI-PMH feed").click()
            page.get_by_label("Base URL").fill(provider.base_url("nijl"))
            page.get_by_role("button", name="Ask the repository").click()
            expect(page.locator(".probe-identity")).to_be_visible()
            expect(page.get_by_label("Metadata format")).to_have_value("oai_dc")
            page.get_by_label("ID (a-z, 0-9, - and _)").fill("nijl-books")
            page.get_by_label("Name", exact=True).fill("国文研 古典籍")
            page.get_by_label("Kind of institution").select_option("research_repository")
            page.get_by_label("Schedule").select_option("weekly")
            page.get_by_role("button", name="Register as a draft and open the sandbox").click()

            page.wait_for_url("**/sources/nijl-books/sandbox")
            expect(page.locator(".checks .check-ok")).to_have_count(4)
            expect(page.locator(".sandbox-record")).to_have_count(5)
            expect(page.locator(".sandbox-record .rights-panel").first).to_be_visible()
            page.get_by_role("button", name="Publish").click()
            page.wait_for_url("**/sources/nijl-books")
            expect(page.locator(".status-published").first).to_be_visible()

            page.get_by_role("button", name="Harvest now").click()
            page.wait_for_url("**/sources/nijl-books/runs/*")
            expect(page.get_by_role("heading", name="Changes since the previous run")
                   ).to_be_visible()
            expect(page.locator("table.runs tbody tr td").first).to_have_text("ok")
            # the pages the run kept (one or more a date window; folded when more than
            # 20), each saved as received
            expect(page.get_by_role("heading", name="Harvested pages")).to_be_visible()
            kept = page.locator("details.kept-pages")
            if kept.get_attribute("open") is None:
                kept.locator("summary").click()
            first = kept.locator("table.pages tbody tr").first.get_by_role(
                "link", name="Download (XML)")
            expect(first).to_be_visible()
            run_path = page.url.split(site, 1)[1]
            assert re.fullmatch(re.escape(run_path) + r"/pages/\d+\.xml",
                                first.get_attribute("href") or "")
            with page.expect_download() as saved:
                first.click()
            assert re.fullmatch(r"nijl-books-run\d+-page1\.xml", saved.value.suggested_filename)
            assert b"<ListRecords" in Path(saved.value.path()).read_bytes()

            visitor = browser.new_context(locale="ja-JP")
            public = visitor.new_page()
            public.route("**/*", stay_local)
            public.goto(site + "/search?provider=nijl-books")
            expect(public.locator("#results-heading")).to_contain_text("12")
            visitor.close()
            assert violations == []
            context.close()
        finally:
            browser.close()
