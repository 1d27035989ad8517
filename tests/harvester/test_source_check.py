"""Before every harvest the source's metadataPrefix and sets are checked against the server."""

from __future__ import annotations

import dataclasses

import pytest
from harvest_support import keep, status_of, zenodo
from hostile_server import Fault, HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.records import Sector, Source
from tsunagu.store import HarvestRun, Store


@pytest.fixture
def fast(settings: Settings) -> Settings:
    return dataclasses.replace(settings, read_timeout=0.5, connect_timeout=0.5,
                               retry_attempts=2)


def run_on(store: Store, url: str, settings: Settings, *, prefix: str = "oai_dc",
           sets: tuple[str, ...] = (), full: bool = False) -> HarvestRun:
    source = Source(id="src", name="Src", base_url=url, sector=Sector.LIBRARY,
                    metadata_prefix=prefix, set_specs=sets)
    if not store.sources.list():
        store.sources.add(source)
    return harvest_source(source, store, settings, on_page=keep, full=full)


def listings(server: HostileServer) -> list[dict[str, str]]:
    return [r for r in server.requests if r["verb"] == "ListRecords"]


def test_a_prefix_the_server_dropped_fails_before_any_record_is_touched(
    store: Store, fast: Settings
) -> None:
    with HostileServer(items(30)) as server:
        assert run_on(store, server.url, fast).new == 30
        high_water = store.sources.high_water("src")
        server.formats = ("mods", "lido")
        asked = len(listings(server))
        run = run_on(store, server.url, fast, full=True)  # a full run could infer deletions
    assert run.status == "failed"
    assert "no longer disseminates metadataPrefix 'oai_dc' (it offers lido, mods)" in (
        run.error or "")
    assert len(listings(server)) == asked  # not one ListRecords request
    assert store.raw.count("src") == 30 and run.deleted == 0
    assert store.sources.high_water("src") == high_water


def test_a_set_that_is_gone_fails_the_run_and_names_it(store: Store, fast: Settings) -> None:
    records = items(6, sets=("a",)) + items(4, prefix="oai:x:", sets=("c", "d"))
    with HostileServer(records) as server:
        run = run_on(store, server.url, fast, sets=("a", "b"))
    assert run.status == "failed" and "no longer has the set(s) b" in (run.error or "")
    assert listings(server) == []
    assert [r.get("resumptionToken") for r in server.requests if r["verb"] == "ListSets"] == [
        None, "sets|2"]  # paged to the end (a, c; d): b is really gone


def test_listsets_paging_stops_once_every_set_is_seen(store: Store, fast: Settings) -> None:
    records = [dataclasses.replace(item, sets=(s,)) for item, s in
               zip(items(5), ("a", "b", "c", "d", "e"), strict=True)]
    with HostileServer(records) as server:
        run = run_on(store, server.url, fast, sets=("a",))
    assert run.status == "ok", run.error
    assert [r for r in server.requests if r["verb"] == "ListSets"] == [{"verb": "ListSets"}]
    assert store.raw.count("src") == 1


def test_sets_on_a_server_without_sets_is_an_error(store: Store, fast: Settings) -> None:
    with HostileServer(items(5)) as server:
        run = run_on(store, server.url, fast, sets=("a",))
    assert run.status == "failed" and "noSetHierarchy" in (run.error or "")
    assert listings(server) == []


def test_no_sets_configured_asks_no_listsets(store: Store, fast: Settings) -> None:
    with HostileServer(items(5)) as server:
        run = run_on(store, server.url, fast)
    assert run.status == "ok"
    assert [r["verb"] for r in server.requests[:3]] == [
        "Identify", "ListMetadataFormats", "ListRecords"]


@pytest.mark.parametrize("broken", ["badVerb", "HTTP 500"])
def test_a_server_that_fails_these_verbs_is_harvested_with_a_warning(
    store: Store, fast: Settings, broken: str
) -> None:
    records = items(12, sets=("a",))
    faults = [] if broken == "badVerb" else [
        Fault("status", status=500, times=None, verb="ListMetadataFormats"),
        Fault("status", status=500, times=None, verb="ListSets")]
    with HostileServer(records, faults=faults, formats=None if broken == "badVerb" else ("x",),
                       list_sets=broken != "badVerb") as server:
        run = run_on(store, server.url, fast, sets=("a",))
    assert run.status == "ok", run.error
    assert store.raw.count("src") == 12
    warnings = [i.message for i in store.runs.log.issues(run.id, ["check"])]
    assert len(warnings) == 2
    assert warnings[0].startswith("ListMetadataFormats failed") and "unchecked" in warnings[0]
    assert warnings[1].startswith("ListSets failed")
    assert (broken in warnings[0]) if broken == "badVerb" else ("500" in warnings[0])


def test_zenodo_formats_and_sets_recorded(replay, store: Store, fast: Settings) -> None:
    def zenodo_like(query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        verb = query.get("verb")
        name = {"Identify": "identify__02_200.body",
                "ListMetadataFormats": "list_metadata_formats__00_200.body",
                "ListSets": "list_sets__02_200.body" if "resumptionToken" in query
                else "list_sets__00_200.body"}.get(verb or "", "list_records__02_422.body")
        return status_of(name), {"Content-Type": "text/xml"}, zenodo(name)

    server = replay(zenodo_like)
    # user-digiclass is on the second of Zenodo's 8,414 ListSets pages: found, paging stops.
    # The recording answers every ListRecords alike: one window, not monthly ones from 2014.
    run = run_on(store, server.url, dataclasses.replace(fast, window_days=0),
                 sets=("user-digiclass",))
    assert run.status == "ok", run.error
    assert [r["verb"] for r in server.requests] == [
        "Identify", "ListMetadataFormats", "ListSets", "ListSets", "ListRecords"]
    wrong = run_on(store, server.url, fast, prefix="mods", sets=("user-digiclass",))
    assert wrong.status == "failed" and "'mods'" in (wrong.error or "")
    assert "oai_datacite" in (wrong.error or "")
