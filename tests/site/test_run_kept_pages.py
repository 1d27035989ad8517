"""A run's kept ListRecords pages on the dashboard: listed on the run page and its JSON
twin, each downloadable exactly as received (never shown in the site's origin), linked
from the quarantined records they held, for the feed's own institution only.

The feed is a real recorded page (Harvard's MODS ListRecords page from DPLA's
ingestion3, ``fixtures/oai/PROVENANCE.md``) damaged in memory as the harvester tests
do: its first record loses its ``<header>`` (refused when the page is read) and its
second record's root is renamed (refused by the mapping). Its resumption token is
answered with an XHTML error page carrying a script: the run fails on page 2, which
is kept as ``failed``.
"""

from __future__ import annotations

import dataclasses
import http.server
import re
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from institution_site import EDITOR, OUTSIDER, build_accounts, log_in, site_settings
from starlette.testclient import TestClient

from tsunagu.config import Settings
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, Source, SourceStatus
from tsunagu.site import create_app
from tsunagu.site.run_pages import SHOWN_PAGES
from tsunagu.store.raw_pages import PageRequest

FIXTURES = Path(__file__).parent.parent / "fixtures" / "oai"
ERROR_PAGE = (b'<html xmlns="http://www.w3.org/1999/xhtml"><body>'
              b"<script>alert(document.cookie)</script>Service Unavailable</body></html>")


def damaged_page() -> bytes:
    """The recorded page, its first record without a header, its second's root renamed."""
    page = (FIXTURES / "dpla" / "oai-page.xml").read_bytes()
    page = re.sub(rb"<header>.*?</header>", b"", page, count=1, flags=re.S)
    second = page.index(b"<mods:mods ", page.index(b"<mods:mods ") + 1)
    end = page.index(b"</mods:mods>", second)
    return (page[:second] + b"<mods:notmods " + page[second + len(b"<mods:mods "):end]
            + b"</mods:notmods>" + page[end + len(b"</mods:mods>"):])


class RecordedFeed:
    """Answers Identify with VuFind's recorded one, the first ListRecords with ``first``
    and its token with :data:`ERROR_PAGE`; everything else is a 404."""

    def __init__(self, first: bytes) -> None:
        identify = (FIXTURES / "vufind" / "identify_response.xml").read_bytes()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                body = {"Identify": identify}.get(query.get("verb", ""), b"")
                if query.get("verb") == "ListRecords":
                    body = ERROR_PAGE if "resumptionToken" in query else first
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/oai"


@dataclasses.dataclass(frozen=True)
class Harvested:
    settings: Settings
    run_id: int
    page_ids: tuple[int, int]  # the run's pages 1 (stored) and 2 (failed)
    draft_run: int  # a run of another institution's draft feed …
    draft_page: int  # … and its kept page


@pytest.fixture
def harvested(tmp_path: Path) -> Iterator[Harvested]:
    settings = site_settings(tmp_path / "data")
    build_accounts(settings)
    feed = RecordedFeed(damaged_page())
    pipeline = Pipeline(dataclasses.replace(settings, retry_attempts=1))
    try:
        store = pipeline.store
        store.sources.add(Source(
            id="harvard", name="Harvard botanicals", base_url=feed.url, sector=Sector.LIBRARY,
            institution_id="nijl", status=SourceStatus.PUBLISHED, metadata_prefix="mods",
            window_days=0))
        store.sources.add(Source(
            id="other-draft", name="よその下書き", base_url=feed.url, sector=Sector.LIBRARY,
            institution_id="other", status=SourceStatus.DRAFT))
        (run,) = pipeline.harvest(["harvard"])
        assert run.status == "failed" and run.quarantined == 2
        first, second = store.pages.of_run(run.id)
        draft_run = store.runs.start("other-draft", None, None)
        draft_page = store.pages.add(PageRequest("other-draft", draft_run, 1, feed.url),
                                     b"<secret-of-another-feed/>")
        store.runs.finish(draft_run, "ok")
        yield Harvested(settings, run.id, (first.id, second.id), draft_run, draft_page)
    finally:
        pipeline.close()
        feed.server.shutdown()
        feed.server.server_close()


@pytest.fixture
def client(harvested: Harvested) -> Iterator[TestClient]:
    with TestClient(create_app(harvested.settings)) as test_client:
        yield test_client


def page_url(harvested: Harvested, page_id: int, *, prefix: str = "") -> str:
    return f"{prefix}/sources/harvard/runs/{harvested.run_id}/pages/{page_id}.xml"


def stored_body(harvested: Harvested, page_id: int) -> bytes | None:
    pipeline = Pipeline(harvested.settings)
    try:
        return pipeline.store.pages.body(page_id)
    finally:
        pipeline.close()


def test_the_json_twin_lists_the_pages_and_links_the_quarantine(
        client: TestClient, harvested: Harvested) -> None:
    log_in(client, EDITOR)
    data = client.get(f"/sources/harvard/runs/{harvested.run_id}.json").json()
    first, second = data["pages"]
    assert first["page"] == 1 and first["status"] == "stored" and first["error"] is None
    assert first["size"] == len(damaged_page())
    assert first["response_date"] == "2024-08-04T15:44:58Z"  # the recorded page's
    assert first["token_sent"] is None
    assert first["token_next"] == "AoEuYXJuMDAwMDdjMDAwMTE=:botanicals:10:mods"
    assert first["download"] == page_url(harvested, harvested.page_ids[0])
    assert second["page"] == 2 and second["status"] == "failed"
    assert "not OAI-PMH" in second["error"] and second["size"] == len(ERROR_PAGE)
    assert second["token_sent"] == first["token_next"]
    assert second["download"] == page_url(harvested, harvested.page_ids[1])
    # both refused records came from page 1: read (parsing) and mapped (mapping)
    by_stage = {item["stage"]: item for item in data["quarantined"]}
    assert set(by_stage) == {"parsing", "mapping"}
    for item in by_stage.values():
        assert item["page"] == {"id": harvested.page_ids[0], "page": 1,
                                "download": page_url(harvested, harvested.page_ids[0])}
    api = client.get(f"/api/sources/harvard/runs/{harvested.run_id}.json").json()
    assert api["pages"][0]["download"] == page_url(harvested, harvested.page_ids[0],
                                                   prefix="/api")


def test_the_run_page_lists_the_pages_escaped_in_both_languages(
        client: TestClient, harvested: Harvested) -> None:
    log_in(client, EDITOR)
    path = f"/sources/harvard/runs/{harvested.run_id}"
    page = client.get(path, headers={"Accept-Language": "en"}).text
    assert "Harvested pages" in page and "Kept pages: 2 (failed: 1)" in page
    rows = re.findall(r'<tr id="page-(\d+)">', page)
    assert rows == [str(i) for i in harvested.page_ids]
    first, second = (page_url(harvested, i) for i in harvested.page_ids)
    assert page.count(f'href="{second}" download') == 2  # the failed list and the table
    assert page.count(f'href="{first}" download') == 3  # the table and both quarantined
    assert "Its page (page 1, XML)" in page
    assert "<details class=\"kept-pages\" open>" in page  # few pages: shown open
    assert "AoEuYXJuMDAwMDdjMDAwMTE=:botanicals:10:mods" in page  # the token sent
    assert "<script>alert" not in page  # the failed page's start, quoted in its error
    assert "&lt;script&gt;alert(document.cookie)" in page
    japanese = client.get(path, headers={"Accept-Language": "ja"}).text
    assert "収集したページ" in japanese and "元のページ（1ページ目、XML）" in japanese


@pytest.mark.parametrize("prefix", ["", "/api"])
def test_a_page_downloads_as_received_and_is_never_shown(
        client: TestClient, harvested: Harvested, prefix: str) -> None:
    log_in(client, EDITOR)
    for number, page_id in enumerate(harvested.page_ids, start=1):
        response = client.get(page_url(harvested, page_id, prefix=prefix))
        assert response.status_code == 200
        assert response.content == stored_body(harvested, page_id)
        assert response.content == (damaged_page() if number == 1 else ERROR_PAGE)
        headers = response.headers
        assert headers["content-disposition"] == (
            f'attachment; filename="harvard-run{harvested.run_id}-page{number}.xml"')
        assert headers["content-type"] == "application/octet-stream"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["content-security-policy"].split(";")[0] == "sandbox"
        assert headers["cache-control"] == "no-store"


def test_only_the_run_s_own_pages_download(client: TestClient, harvested: Harvested) -> None:
    log_in(client, EDITOR)
    secret = client.get(page_url(harvested, harvested.draft_page))  # another feed's page
    assert secret.status_code == 404 and b"secret-of-another-feed" not in secret.content
    assert client.get(f"/sources/harvard/runs/{harvested.draft_run}/pages/"
                      f"{harvested.draft_page}.xml").status_code == 404
    other_run = f"/sources/harvard/runs/{harvested.run_id + 1}/pages/{harvested.page_ids[0]}.xml"
    assert client.get(other_run).status_code == 404  # the right source, another run
    assert client.get(page_url(harvested, 999_999)).status_code == 404
    # "²" and "١" pass str.isdigit; 19 digits overflow SQLite's integers: all 400s, no 500.
    for bad in ("abc", "-1", "1e3", "²", "١", "1" * 19, "9" * 5000):
        response = client.get(f"/sources/harvard/runs/{harvested.run_id}/pages/{bad}.xml")
        assert response.status_code == 400
        assert "a page id is a number" in response.text
        run = client.get(f"/sources/harvard/runs/{bad}/pages/{harvested.page_ids[0]}.xml")
        assert run.status_code == 400 and "a run id is a number" in run.text
    api = client.get(f"/api/sources/harvard/runs/{harvested.run_id}/pages/abc.xml")
    assert api.status_code == 400 and "a page id is a number" in api.json()["error"]


def test_only_the_institution_gets_the_pages(client: TestClient,
                                             harvested: Harvested) -> None:
    path = page_url(harvested, harvested.page_ids[0])
    anonymous = client.get(path, follow_redirects=False)
    assert anonymous.status_code in (302, 303, 401)
    assert b"arn00007c" not in anonymous.content
    log_in(client, OUTSIDER)
    refused = client.get(path)
    assert refused.status_code == 403 and b"arn00007c" not in refused.content
    assert client.get(f"/sources/harvard/runs/{harvested.run_id}.json").status_code == 403
    log_in(client, EDITOR)  # the draft's own pages, seen from the wrong institution
    assert client.get(f"/sources/other-draft/runs/{harvested.draft_run}/pages/"
                      f"{harvested.draft_page}.xml").status_code == 404


def test_a_run_of_many_pages_shows_the_first_and_counts(client: TestClient,
                                                        harvested: Harvested) -> None:
    pipeline = Pipeline(harvested.settings)
    try:
        store = pipeline.store
        run_id = store.runs.start("harvard", None, None)
        for number in range(1, SHOWN_PAGES + 6):
            store.pages.add(PageRequest("harvard", run_id, number, "http://127.0.0.1/oai",
                                        token_sent=f"t{number}"), b"<OAI-PMH/>")
        store.runs.finish(run_id, "ok")
    finally:
        pipeline.close()
    log_in(client, EDITOR)
    page = client.get(f"/sources/harvard/runs/{run_id}",
                      headers={"Accept-Language": "en"}).text
    assert len(re.findall(r'<tr id="page-\d+">', page)) == SHOWN_PAGES
    assert f"The first {SHOWN_PAGES} of {SHOWN_PAGES + 5} pages" in page
    assert '<details class="kept-pages">' in page  # collapsed
    data = client.get(f"/sources/harvard/runs/{run_id}.json").json()
    assert [p["page"] for p in data["pages"]] == list(range(1, SHOWN_PAGES + 6))
