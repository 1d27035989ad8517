"""Harvest runs over HTTP from recorded Zenodo responses into a real SQLite store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from harvest_support import status_of, zenodo

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.harvester.protocol import parse_list_records
from tsunagu.records import RawRecord, Sector, Source
from tsunagu.store import ChangeKind, Store

FIRST = "list_records__05_200.body"   # 3 records + token
SECOND = "list_records__00_200.body"  # 50 records + token
TOKEN_1 = parse_list_records(zenodo(FIRST), source_id="z", metadata_prefix="oai_dc").token
TOKEN_2 = parse_list_records(zenodo(SECOND), source_id="z", metadata_prefix="oai_dc").token


def zenodo_server(query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Identify, formats and sets, then 3 + 50 records over two tokens, then noRecordsMatch
    (sent as 422)."""
    if query.get("verb") == "Identify":
        name = "identify__02_200.body"
    elif query.get("verb") == "ListMetadataFormats":
        name = "list_metadata_formats__00_200.body"
    elif query.get("verb") == "ListSets":
        name = "list_sets__02_200.body" if "resumptionToken" in query else "list_sets__00_200.body"
    elif query.get("resumptionToken") == TOKEN_1:
        name = SECOND
    elif query.get("resumptionToken") == TOKEN_2 or "from" in query:
        name = "list_records__02_422.body"
    elif query.get("resumptionToken"):
        name = "list_records__10_422.body"
    else:
        name = FIRST
    return status_of(name), {"Content-Type": "text/xml"}, zenodo(name)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.sqlite3")


def register(store: Store, url: str) -> Source:
    # The recorded responses do not honour from/until (any "from" is answered with
    # noRecordsMatch), so these runs list their range as one window (window_days=0)
    # instead of monthly windows from Zenodo's earliestDatestamp (2014).
    source = Source(id="zenodo", name="Zenodo", base_url=url, sector=Sector.RESEARCH_REPOSITORY,
                    window_days=0)
    store.sources.add(source)
    return source


def no_mapping(changes: Sequence[tuple[RawRecord, ChangeKind]], run_id: int) -> int:
    return 0


def test_full_harvest_stores_every_record_once(replay, store: Store, settings: Settings) -> None:
    server = replay(zenodo_server)
    source = register(store, server.url)
    run = harvest_source(source, store, settings, on_page=no_mapping)
    assert run.status == "ok", run.error
    assert (run.new, run.updated, run.unchanged) == (53, 0, 0)
    assert store.raw.count("zenodo") == 53
    assert run.requests == 5  # Identify, ListMetadataFormats + 3 ListRecords pages
    assert store.sources.high_water("zenodo") == "2026-08-10T08:56:30Z"
    assert store.runs.checkpoint("zenodo") is None
    raw = store.raw.get("zenodo", "oai:zenodo.org:20510666")
    assert raw is not None and b"Meika4" in raw.xml


def test_second_run_is_incremental_from_the_high_water_mark(
    replay, store: Store, settings: Settings
) -> None:
    server = replay(zenodo_server)
    source = register(store, server.url)
    harvest_source(source, store, settings, on_page=no_mapping)
    server.requests.clear()
    run = harvest_source(source, store, settings, on_page=no_mapping)
    assert run.status == "ok"
    listing = server.requests[2]  # after Identify and ListMetadataFormats
    # From the last until (the server's clock), minus the configured overlap of one hour.
    assert listing["from"] == "2026-08-10T07:56:30Z"
    assert listing["until"] == "2026-08-10T08:56:30Z"
    assert run.new == 0  # noRecordsMatch is an empty success


def test_a_crash_mid_run_resumes_from_the_checkpoint(
    replay, store: Store, settings: Settings
) -> None:
    server = replay(zenodo_server)
    source = register(store, server.url)
    pages = []

    def crash_on_second_page(changes: Sequence[tuple[RawRecord, ChangeKind]], run_id: int) -> int:
        pages.append(len(changes))
        if len(pages) == 2:
            raise RuntimeError("power cut")
        return 0

    with pytest.raises(RuntimeError):
        harvest_source(source, store, settings, on_page=crash_on_second_page)
    # The first page and its checkpoint are stored; the second page was rolled back.
    assert store.raw.count("zenodo") == 3
    checkpoint = store.runs.checkpoint("zenodo")
    assert checkpoint is not None and checkpoint.token == TOKEN_1
    assert store.sources.high_water("zenodo") is None

    server.requests.clear()
    run = harvest_source(source, store, settings, on_page=no_mapping)
    assert run.status == "ok", run.error
    assert server.requests[2] == {"verb": "ListRecords", "resumptionToken": TOKEN_1}
    assert store.raw.count("zenodo") == 53
    assert run.new == 53 and run.id == checkpoint.run_id


def test_rejected_stored_token_restarts_the_window(
    replay, store: Store, settings: Settings
) -> None:
    from tsunagu.store import Checkpoint

    server = replay(zenodo_server)
    source = register(store, server.url)
    run_id = store.runs.start("zenodo", None, None)
    store.runs.save_checkpoint(Checkpoint("zenodo", run_id, None, None, None, "expired", 1))
    run = harvest_source(source, store, settings, on_page=no_mapping)
    assert run.status == "ok", run.error
    assert store.raw.count("zenodo") == 53


def test_html_server_fails_the_run_with_a_clear_error(
    replay, store: Store, settings: Settings
) -> None:
    server = replay(lambda query: (200, {"Content-Type": "text/html"},
                                   zenodo("identify__00_200.body")))
    source = register(store, server.url)
    run = harvest_source(source, store, settings, on_page=no_mapping)
    assert run.status == "failed"
    assert run.error is not None and "not well-formed XML" in run.error
    assert run.requests == 1


def test_repeated_token_stops_the_loop(replay, store: Store, settings: Settings) -> None:
    def looping(query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if query.get("verb") == "Identify":
            return 200, {}, zenodo("identify__02_200.body")
        return 200, {}, zenodo(FIRST)  # always the same page and the same token

    server = replay(looping)
    source = register(store, server.url)
    run = harvest_source(source, store, settings, on_page=no_mapping)
    assert run.status == "failed"
    assert run.error is not None and "twice" in run.error
    assert store.raw.count("zenodo") == 3
    # The repeated page was recognised as already stored by this run: not counted twice.
    assert (run.new, run.unchanged) == (3, 0)


def test_a_source_is_harvested_by_one_process_at_a_time(
    replay, store: Store, settings: Settings
) -> None:
    from tsunagu.harvester.lock import source_lock

    server = replay(zenodo_server)
    source = register(store, server.url)
    with source_lock(settings, "zenodo") as held:  # another process's harvest
        assert held
        run = harvest_source(source, store, settings, on_page=no_mapping)
        assert run.status == "failed" and run.error is not None and "running" in run.error
        assert server.requests == [] and store.raw.count("zenodo") == 0
        with source_lock(settings, "zenodo") as again:
            assert not again
    run = harvest_source(source, store, settings, on_page=no_mapping)
    assert run.status == "ok" and store.raw.count("zenodo") == 53
