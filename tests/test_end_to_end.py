"""End to end: a real OAI-PMH server on 127.0.0.1 → harvest over HTTP → SQLite store →
mapping → Whoosh index → the site's search and item pages, driven in-process."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from tsunagu.config import Settings
from tsunagu.demo.catalog import demo_feed
from tsunagu.demo.provider import ProviderServer
from tsunagu.demo.run import demo_source
from tsunagu.pipeline import Pipeline
from tsunagu.site import create_app

FEEDS = ("tate", "nijl", "keio", "kansai")


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, list]]:
    data_dir = tmp_path_factory.mktemp("e2e")
    settings = Settings(data_dir=data_dir, allow_private_hosts=True)
    feeds = {feed_id: demo_feed(feed_id).path for feed_id in FEEDS}
    with ProviderServer(feeds, page_size=100) as provider:
        pipeline = Pipeline(settings)
        for feed_id in FEEDS:
            pipeline.add_source(demo_source(demo_feed(feed_id), provider.base_url(feed_id)))
        runs = pipeline.harvest()
        pipeline.update_index()
        pipeline.close()
        yield settings, runs


@pytest.fixture(scope="module")
def client(harvested: tuple[Settings, list]) -> Iterator[TestClient]:
    settings, _runs = harvested
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_every_record_was_harvested_over_http_and_mapped(harvested) -> None:
    settings, runs = harvested
    assert [run.status for run in runs] == ["ok"] * len(FEEDS), [r.error for r in runs]
    by_source = {run.source_id: run for run in runs}
    pipeline = Pipeline(settings)
    counts = pipeline.store.records.counts_by_source()
    for feed_id in FEEDS:
        run = by_source[feed_id]
        assert run.new > 0 and run.requests >= 2
        assert run.quarantined == 0
        assert counts[feed_id] == run.new
        assert pipeline.store.raw.count(feed_id) == run.new
    assert counts["tate"] >= 2000
    pipeline.close()


def test_search_json_finds_japanese_inside_longer_words(client: TestClient) -> None:
    """北斎 finds the books illustrated by 葛飾/北斎 (a name written with a slash)."""
    data = client.get("/search.json", params={"q": "北斎"}).json()
    assert data["total"] >= 6
    for hit in data["results"]:
        record = client.get(hit["url"] + ".json").json()
        names = " ".join(agent["name"] for agent in record["agents"])
        titles = " ".join([record["title"]["value"]] + [t["value"] for t in record["title_alt"]])
        assert "北斎" in names + titles, hit["id"]
    assert {hit["provider"] for hit in data["results"]} == {"国文学研究資料館 国書データベース"}


def test_tokyo_finds_longer_place_names(client: TestClient) -> None:
    data = client.get("/search.json", params={"q": "東京"}).json()
    assert data["total"] > 0
    assert any("東京" in hit["title"] and hit["title"] != "東京" for hit in data["results"])
    assert all("東京" in hit["title"] or "京" in hit["title"] for hit in data["results"][:10])


def test_romaji_and_kana_readings_are_searchable(client: TestClient) -> None:
    hokusai = client.get("/search.json", params={"q": "hokusai"}).json()
    assert hokusai["total"] >= 6
    reading = client.get("/search.json", params={"q": "しんがたこもんちょう"}).json()
    assert reading["results"][0]["title"] == "新形小紋帳"


def test_search_json_shape(client: TestClient) -> None:
    response = client.get("/search.json", params={"q": "", "sector": "museum"})
    assert response.status_code == 200
    data = response.json()
    assert data["page"] == 1 and data["total"] >= 2000
    hit = data["results"][0]
    assert set(hit) >= {"id", "title", "url", "source_url", "provider", "sector", "date",
                        "rights"}
    assert set(hit["rights"]) >= {"code", "reuse", "raw"}
    assert hit["sector"] == "museum"
    assert {"sector", "provider", "type", "reuse"} <= set(data["facets"])
    assert {"value", "count"} <= set(data["facets"]["sector"][0])


def test_english_words_still_match(client: TestClient) -> None:
    data = client.get("/search.json", params={"q": "watercolour"}).json()
    assert data["total"] > 0
    assert {hit["provider"] for hit in data["results"]} == {"Tate"}


def test_item_page_and_its_json_twin(client: TestClient) -> None:
    data = client.get("/search.json", params={"q": "", "provider": "kansai"}).json()
    hit = data["results"][0]
    page = client.get(hit["url"])
    assert page.status_code == 200
    assert hit["rights"]["code"] == "PDM-1.0" and hit["rights"]["reuse"] == "open"
    record = client.get(hit["url"] + ".json").json()
    assert record["id"] == hit["id"]
    assert record["rights"]["content"]["raw"] == hit["rights"]["raw"]
    assert quote(hit["id"], safe=":") in hit["url"] or hit["id"] in hit["url"]


def test_html_licence_text_from_a_feed_is_escaped(client: TestClient) -> None:
    data = client.get("/search.json", params={"provider": "keio"}).json()
    raw = data["results"][0]["rights"]["raw"]
    assert "<a" in raw  # Keio's real licence value is an HTML anchor
    page = client.get(data["results"][0]["url"]).text
    assert "&lt;a" in page


def test_unknown_facet_value_is_a_400(client: TestClient) -> None:
    response = client.get("/search.json", params={"sector": "zoo"})
    assert response.status_code == 400
    assert "zoo" in response.json()["error"]


def test_incremental_reharvest_changes_nothing(harvested) -> None:
    settings, _runs = harvested
    feeds = {feed_id: demo_feed(feed_id).path for feed_id in FEEDS}
    with ProviderServer(feeds) as provider:
        pipeline = Pipeline(dataclasses.replace(settings))
        for feed_id in FEEDS:
            pipeline.add_source(demo_source(demo_feed(feed_id), provider.base_url(feed_id)),
                                replace=True)
        before = pipeline.store.records.last_seq()
        runs = pipeline.harvest(full=True)
        assert all(run.status == "ok" for run in runs)
        assert sum(run.new + run.updated for run in runs) == 0
        assert sum(run.unchanged for run in runs) > 2000
        assert pipeline.store.records.last_seq() == before
        update = pipeline.update_index()
        assert update.changes == 0 and not update.rebuilt
        pipeline.close()


def test_tmp_data_dir_holds_store_and_index(harvested) -> None:
    settings, _ = harvested
    assert Path(settings.db_path).is_file()
    assert any(Path(settings.index_dir).iterdir())
