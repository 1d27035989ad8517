"""The site in-process over a real store and index: pages, JSON twins, errors, security."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from site_records import (
    EVIL_RAW,
    EVIL_TITLE,
    GREAT_WAVE,
    SLASHED,
    TATE,
    build_site_data,
    make_records,
)
from starlette.testclient import TestClient

from tsunagu.config import Settings
from tsunagu.errors import ConfigError
from tsunagu.index import Indexer
from tsunagu.records import LangString, Record, Sector, record_to_dict
from tsunagu.site import create_app
from tsunagu.site.urls import item_path
from tsunagu.store import Store

EN = {"Accept-Language": "en"}
TOTAL = len(make_records())


# --- home ------------------------------------------------------------------------------


def test_home_lists_sources_with_counts(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.text
    assert '<a href="/search?provider=ndl">国立国会図書館</a>' in page
    row = r"東京国立博物館</a></th>\s*<td>博物館・美術館</td>\s*<td class=\"num\">3</td>"
    assert re.search(row, page)
    assert 'action="/search"' in page and 'name="q"' in page
    assert '<link rel="alternate" type="application/json" href="/index.json">' in page


def test_home_json(client: TestClient) -> None:
    data = client.get("/index.json").json()
    assert set(data) == {"sources", "total"}
    assert data["total"] == TOTAL
    by_id = {source["id"]: source for source in data["sources"]}
    assert by_id["tnm"] == {
        "id": "tnm", "name": "東京国立博物館", "name_en": "Tokyo National Museum",
        "sector": "museum", "sector_label": "博物館・美術館", "count": 3,
        "search_url": "/search?provider=tnm",
    }
    assert by_id["empty"]["count"] == 0 and by_id["empty"]["name_en"] is None
    assert client.get("/.json").json() == data
    # every search_url works and finds exactly count records
    for source in data["sources"]:
        found = client.get(source["search_url"].replace("/search", "/search.json", 1)).json()
        assert found["total"] == source["count"]


# --- search.json -----------------------------------------------------------------------

RESULT_KEYS = {"id", "title", "url", "source_url", "provider", "sector", "date", "rights"}


def test_search_json_shape(client: TestClient) -> None:
    data = client.get("/search.json", params={"q": "北斎"}).json()
    assert {"total", "page", "results", "facets"} <= set(data)
    assert isinstance(data["total"], int) and data["page"] == 1
    assert set(data["facets"]) == {"sector", "provider", "prefecture", "type", "period", "reuse",
                                   "use", "image", "language", "licence"}
    for values in data["facets"].values():
        for value in values:
            assert {"value", "count"} <= set(value)
            assert isinstance(value["count"], int)
    ids = [result["id"] for result in data["results"]]
    assert GREAT_WAVE in ids
    wave = data["results"][ids.index(GREAT_WAVE)]
    assert set(wave) >= RESULT_KEYS
    assert wave == wave | {
        "id": GREAT_WAVE,
        "title": "富嶽三十六景 神奈川沖浪裏",
        "url": "/item/tnm:oai:tnm.example:C0001",
        "source_url": "https://tnm.example/collection/C0001",
        "provider": "東京国立博物館",
        "sector": "museum",
        "date": "天保2年頃",
    }
    assert {"code": "PDM-1.0", "reuse": "open", "raw": "パブリックドメイン"}.items() <= (
        wave["rights"].items()
    )


def test_empty_query_browses_every_record(client: TestClient) -> None:
    data = client.get("/search.json").json()
    assert data["total"] == TOTAL
    assert data == client.get("/search.json?q=").json()
    counts = {v["value"]: v["count"] for v in data["facets"]["sector"]}
    assert counts == {"library": 10, "museum": 5, "archive": 1}


def test_english_query_finds_english_records(client: TestClient) -> None:
    data = client.get("/search.json", params={"q": "cherry blossom"}).json()
    assert [r["id"] for r in data["results"]] == ["tate:oai:tate.example:A00002"]


def test_facet_filters_and_counts(client: TestClient) -> None:
    museums = client.get("/search.json?sector=museum").json()
    assert museums["total"] == 5
    providers = {v["value"]: v["count"] for v in museums["facets"]["provider"]}
    assert providers == {"tnm": 3, "tate": 2}
    # the selected facet still counts its other values (OR within a facet)
    sectors = {v["value"]: (v["count"], v["selected"]) for v in museums["facets"]["sector"]}
    assert sectors["museum"] == (5, True) and sectors["library"] == (10, False)
    either = client.get("/search.json?sector=museum&sector=library").json()
    assert either["total"] == 15
    both = client.get("/search.json?sector=museum&reuse=open").json()
    assert sorted(r["id"] for r in both["results"]) == [GREAT_WAVE, "tnm:oai:tnm.example:C0002"]
    assert all(r["rights"]["reuse"] == "open" for r in both["results"])
    typed = client.get("/search.json?type=physical_object").json()
    assert [r["id"] for r in typed["results"]] == ["tnm:oai:tnm.example:C0003"]
    unknown = client.get("/search.json?reuse=unknown").json()
    assert [r["id"] for r in unknown["results"]] == ["ndl:oai:ndl.example:R101"]


def test_paging(client: TestClient) -> None:
    seen: list[str] = []
    for number in range(1, 5):
        data = client.get(f"/search.json?page={number}").json()
        assert data["page"] == number and data["pages"] == 4 and data["total"] == TOTAL
        seen.extend(r["id"] for r in data["results"])
    assert len(seen) == TOTAL == len(set(seen))
    page = client.get("/search?page=2").text
    assert 'rel="prev"' in page and 'rel="next"' in page
    assert '<a href="/search?page=2" aria-current="page">2</a>' in page
    assert '<ol class="results" start="6">' in page


# --- 400s ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sector=zoo", "“zoo” is not a valid value for “sector”"),
        ("reuse=free", "“free” is not a valid value for “reuse”"),
        ("type=painting", "“painting” is not a valid value for “type”"),
        ("provider=louvre", "“louvre” is not a valid value for “provider”"),
        ("page=abc", "The page number must be a whole number of 1 or more, not “abc”."),
        ("page=0", "The page number must be a whole number of 1 or more, not “0”."),
        ("page=-3", "not “-3”"),
        ("page=5", "Page 5 is beyond the last page of results (4)."),
        ("q=北斎&page=2", "Page 2 is beyond the last page of results (1)."),
        ("page=10000000000000000000", "at most 500 pages can be shown"),
        ("order=date", "Unknown parameter “order”. Valid parameters: q, page, sector, provider"),
        ("q=!!", "The search text could not be understood"),
        ("q=a&q=b", "The parameter “q” may be given only once."),
    ],
)
def test_bad_search_is_400(client: TestClient, query: str, message: str) -> None:
    json_response = client.get(f"/search.json?{query}", headers=EN)
    assert json_response.status_code == 400
    body = json_response.json()
    assert set(body) == {"error"} and message in body["error"]
    html_response = client.get(f"/search?{query}", headers=EN)
    assert html_response.status_code == 400
    assert html_response.headers["content-type"].startswith("text/html")
    assert message in html_response.text
    assert 'role="search"' in html_response.text  # the user can fix the search right there


def test_400_page_keeps_the_query_escaped(client: TestClient) -> None:
    response = client.get("/search", params={"q": "<b>北斎</b>", "page": "x"})
    assert response.status_code == 400
    assert 'value="&lt;b&gt;北斎&lt;/b&gt;"' in response.text
    assert "<b>北斎" not in response.text
    assert "ページ番号は1以上の整数で指定してください" in response.text


def test_other_pages_refuse_parameters(client: TestClient) -> None:
    assert client.get("/?utm_source=x").status_code == 400
    assert client.get("/index.json?x=1").json()["error"].startswith("「x」は不明なパラメータです")
    assert client.get(item_path(GREAT_WAVE) + "?x=1").status_code == 400


# --- item pages ------------------------------------------------------------------------


def test_item_page_shows_the_record_and_rights(client: TestClient) -> None:
    response = client.get(item_path(GREAT_WAVE))
    assert response.status_code == 200
    page = response.text
    assert '<h1 id="item-title" lang="ja">富嶽三十六景 神奈川沖浪裏</h1>' in page
    assert "The Great Wave off Kanagawa" in page and "ふがくさんじゅうろっけい" in page
    assert "葛飾北斎" in page and "(作成者)" in page and "(出版者)" in page
    assert "天保2年頃" in page and "(1831頃)" in page
    for text in ("浮世絵", "富士山", "神奈川", "日本語", "C0001", "北斎の代表作"):
        assert text in page
    assert '<img src="https://img.tnm.example/C0001.jpg"' in page
    # the link counts a click-through (/go/<id>) and then redirects to the landing page
    assert ('<a class="button" href="/go/tnm:oai:tnm.example:C0001" rel="noopener external">'
            "東京国立博物館のページで見る") in page
    # the rights panel: level in words, licence with its URI, raw statement, metadata licence
    verdict = '<p class="reuse-verdict"><span class="badge reuse-open">自由に利用できます</span>'
    assert verdict in page
    licence = ('<a href="http://creativecommons.org/publicdomain/mark/1.0/" '
               'rel="license noopener external" class="licence-link">'
               "パブリック・ドメイン・マーク 1.0</a>")
    assert licence in page
    assert '<code class="licence-code">PDM-1.0</code>' in page
    assert '<blockquote class="raw-statement">パブリックドメイン</blockquote>' in page
    assert "メタデータ（この資料情報）" in page and "CC0-1.0" in page
    assert f'href="{item_path(GREAT_WAVE, json=True)}"' in page


def test_item_page_in_english(client: TestClient) -> None:
    page = client.get(item_path("tnm:oai:tnm.example:C0003"), headers=EN).text
    assert '<span class="badge reuse-education">Educational use only</span>' in page
    assert "In Copyright – Educational Use Permitted" in page
    assert "教育目的に限り利用可" in page  # the raw statement is never translated
    assert "View at Tokyo National Museum" in page


def test_feed_html_is_shown_as_text(client: TestClient) -> None:
    page = client.get(item_path(TATE)).text
    assert "<script>alert" not in page and "<a href=\"https://evil.example/\"" not in page
    assert "<b>bold</b>" not in page and "<img src=x" not in page
    assert "The Great Wave &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page
    assert ("&lt;a href=&#34;https://evil.example/&#34;&gt;Click here&lt;/a&gt;" in page)
    assert "javascript:" not in page  # a non-http thumbnail is not shown at all
    results = client.get("/search", params={"q": "Great Wave"}).text
    assert "<script>alert" not in results and "&lt;script&gt;" in results
    data = client.get("/search.json", params={"q": "Great Wave"}).json()
    tate = next(r for r in data["results"] if r["id"] == TATE)
    assert tate["title"] == EVIL_TITLE and tate["rights"]["raw"] == EVIL_RAW  # JSON keeps it raw


def test_item_json_twin_is_the_full_record(client: TestClient, site_settings: Settings) -> None:
    store = Store(site_settings.db_path)
    try:
        record = store.records.get(GREAT_WAVE)
    finally:
        store.close()
    assert record is not None
    response = client.get(item_path(GREAT_WAVE, json=True))
    assert response.status_code == 200
    data = response.json()
    # The full normalized record, plus what the site derives from it.
    assert {k: v for k, v in data.items() if k not in ("uses", "credit")} == record_to_dict(record)
    assert set(data["credit"]) == {"ja", "en"}


def test_ids_with_slashes(client: TestClient) -> None:
    path = item_path(SLASHED)
    assert path == "/item/ndl:oai:ndl.example:R100%2F200"
    assert "古事記 上巻" in client.get(path).text
    assert client.get(item_path(SLASHED, json=True)).json()["id"] == SLASHED
    # the raw slash form reaches the same record
    assert client.get("/item/ndl:oai:ndl.example:R100/200.json").json()["id"] == SLASHED
    data = client.get("/search.json", params={"q": "古事記"}).json()
    assert data["results"][0]["url"] == path


def test_an_id_ending_in_dot_json(tmp_path: Path) -> None:
    record = dataclasses.replace(make_records()[1], id="tnm:oai:tnm.example:list.json",
                                 oai_identifier="oai:tnm.example:list.json")
    settings = build_site_data(tmp_path, [record])
    with TestClient(create_app(settings)) as client:
        page = client.get("/item/tnm:oai:tnm.example:list.json")
        assert page.headers["content-type"].startswith("text/html")
        assert "東海道五十三次" in page.text
        twin = client.get(item_path(record.id, json=True))
        assert twin.json()["id"] == record.id


def test_every_result_links_to_a_working_item_page(client: TestClient) -> None:
    for number in range(1, 5):
        for result in client.get(f"/search.json?page={number}").json()["results"]:
            assert client.get(result["url"]).status_code == 200, result["id"]


def test_unknown_item_is_404(client: TestClient) -> None:
    response = client.get("/item/tnm:oai:tnm.example:NOPE")
    assert response.status_code == 404
    assert "このIDの資料はありません。" in response.text
    response = client.get("/item/tnm:oai:tnm.example:NOPE.json", headers=EN)
    assert response.status_code == 404
    assert response.json() == {"error": "There is no record with this identifier."}
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/no/such/page.json").json()["error"] == "このアドレスのページはありません。"


def test_post_is_405(client: TestClient) -> None:
    # without a CSRF token every POST is refused before routing (tsunagu.site.csrf)
    assert client.post("/search", data={"q": "x"}).status_code == 403
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert match is not None
    response = client.post("/search", data={"q": "x", "csrf_token": match.group(1)})
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]


# --- security and plumbing -------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/search?q=北斎", "/search.json", item_path(TATE), "/nope", "/static/site.css"]
)
def test_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "Accept-Language" in headers["vary"]


@pytest.mark.parametrize("path", ["/", "/search?q=北斎&sector=museum", item_path(GREAT_WAVE)])
def test_pages_are_accessible_and_script_free(client: TestClient, path: str) -> None:
    page = client.get(path).text
    # No inline script or style: only scripts loaded from /static/ (the CSP allows 'self').
    scripts = re.findall(r"<script[^>]*>", page)
    assert all(re.fullmatch(r'<script src="/static/[\w.-]+\.js"( defer)?>', tag) for tag in scripts)
    assert "</script>" not in page.replace("></script>", "")
    assert " style=" not in page and " on" + "click" not in page
    assert '<a class="skip-link" href="#main">' in page and '<main id="main"' in page
    assert "<header" in page and "<footer" in page and page.count("<h1") == 1
    assert '<nav class="lang-switch"' in page
    for match in re.finditer(r'<a [^>]*href="https?://[^"]*"[^>]*>', page):
        assert 'rel="' in match.group(0) and "noopener" in match.group(0), match.group(0)


def test_search_page_facets_are_links(client: TestClient) -> None:
    page = client.get("/search?q=北斎&sector=museum").text
    assert '<label for="q" class="search-label">' in page
    assert 'value="北斎"' in page and '<input type="hidden" name="sector" value="museum">' in page
    # selected value: a link that removes it; others: links that add them
    assert re.search(r'<a class="facet-link selected" href="/search\?q=%E5%8C%97%E6%96%8E">', page)
    assert "sector=museum&amp;reuse=open" in page
    assert "すべての絞り込みを解除" in page


def test_static_css(client: TestClient) -> None:
    response = client.get("/static/site.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ":focus-visible" in response.text and "@media" in response.text


def test_index_changes_are_seen_without_restart(tmp_path: Path) -> None:
    settings = build_site_data(tmp_path, make_records())
    with TestClient(create_app(settings)) as client:
        assert client.get("/search.json", params={"q": "新収蔵"}).json()["total"] == 0
        store = Store(settings.db_path)
        try:
            store.records.put(Record(
                id="tnm:oai:tnm.example:N0001", source_id="tnm",
                oai_identifier="oai:tnm.example:N0001", datestamp="2024-06-01T00:00:00Z",
                title=LangString("新収蔵品 茶碗", "ja"), sector=Sector.MUSEUM,
                provider="東京国立博物館",
            ))
            indexer = Indexer(settings.index_dir)
            changes = list(store.records.changes_since(indexer.applied_seq()))
            indexer.update(((rid, rec) for _, rid, rec in changes), changes[-1][0])
        finally:
            store.close()
        data = client.get("/search.json", params={"q": "新収蔵"}).json()
        assert [r["id"] for r in data["results"]] == ["tnm:oai:tnm.example:N0001"]
        assert client.get("/index.json").json()["total"] == TOTAL + 1


def test_unreadable_index_is_503_not_500(tmp_path: Path) -> None:
    settings = build_site_data(tmp_path, make_records())
    (settings.index_dir / "CURRENT").write_text("garbage", encoding="ascii")
    with TestClient(create_app(settings)) as client:
        response = client.get("/search.json", headers=EN)
        assert response.status_code == 503
        assert response.json() == {
            "error": "The search index cannot be read at the moment. Please try again later."
        }
        assert client.get("/search").status_code == 503
        assert client.get(item_path(GREAT_WAVE)).status_code == 200  # the store still answers


def test_no_index_yet_browses_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    with TestClient(create_app(settings)) as client:
        assert client.get("/search.json").json()["total"] == 0
        assert "資料がありません" in client.get("/search").text
        assert client.get("/").status_code == 200


def test_bad_settings_fail_at_startup(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="page_size"):
        create_app(Settings(data_dir=tmp_path, page_size=1000))
    with pytest.raises(ValueError, match="default language"):
        create_app(Settings(data_dir=tmp_path, default_language="fr"))
