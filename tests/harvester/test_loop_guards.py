"""The guards that stop a ListRecords loop the server would keep going, on 127.0.0.1.

A hostile server answers page after page without records but each with a new
token (the cap ``Settings.max_empty_pages``), or leads the client back to a token
it followed two pages before (a cycle A, B, A, which a check against the last
token alone would miss). Either way the run fails with a clear error, the pages
before are kept, and nothing is counted twice.
"""

from __future__ import annotations

import dataclasses

import pytest
from harvest_support import keep
from hostile_server import Fault, HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.records import Sector, Source
from tsunagu.store import Store

UNTIL = "2026-11-25T12:00:00Z"  # the hostile server's clock
TOKEN_10 = f"10||{UNTIL}|"


@pytest.fixture
def fast(settings: Settings) -> Settings:
    return dataclasses.replace(settings, read_timeout=2.0, connect_timeout=1.0,
                               retry_attempts=2)


def register(store: Store, url: str) -> Source:
    source = Source(id="loops", name="Loops", base_url=url, sector=Sector.ARCHIVE)
    store.sources.add(source)
    return source


def test_empty_pages_with_new_tokens_stop_at_the_cap_and_keep_the_records_before(
    store: Store, fast: Settings
) -> None:
    # Ten empty pages, each with a token never seen before, then the list would go on:
    # without the cap the run ends "ok" with all 25 records.
    capped = dataclasses.replace(fast, max_empty_pages=3)
    with HostileServer(items(25), faults=[Fault("hollow", at=2, times=10)]) as server:
        run = harvest_source(register(store, server.url), store, capped, on_page=keep)
    assert run.status == "failed"
    assert "4 empty pages in a row that carry a token" in (run.error or ""), run.error
    assert "source=loops" in (run.error or "")
    assert store.raw.count("loops") == 10 and run.new == 10  # the first page is kept
    # The first page, then four empty ones (the fourth is one too many); a request for
    # the fifth may have been sent ahead and let go.
    assert 5 <= server.list_requests <= 6
    checkpoint = store.runs.checkpoint("loops")
    assert checkpoint is not None and checkpoint.token is not None  # resumable


def test_empty_pages_below_the_cap_are_followed_to_the_end(
    store: Store, fast: Settings
) -> None:
    capped = dataclasses.replace(fast, max_empty_pages=3)
    with HostileServer(items(25), faults=[Fault("hollow", at=2, times=3)]) as server:
        run = harvest_source(register(store, server.url), store, capped, on_page=keep)
    assert run.status == "ok", run.error
    assert store.raw.count("loops") == 25 and run.new == 25
    assert server.list_requests == 3 + 3  # three pages of records, three empty ones


def test_a_token_cycle_a_b_a_stops_with_an_error_and_counts_nothing_twice(
    store: Store, fast: Settings
) -> None:
    # Page 1 gives A (10), page 2 gives B (20), page 3 gives A again. Followed, A
    # would give B again, and so on: a guard that compares with the last token only
    # goes round (and with times=1 the run would end "ok").
    with HostileServer(items(45), faults=[Fault("cycle", at=3)]) as server:
        run = harvest_source(register(store, server.url), store, fast, on_page=keep)
    assert run.status == "failed"
    assert f"the server sent the resumption token {TOKEN_10!r} twice" in (run.error or "")
    tokens = [r.get("resumptionToken") for r in server.requests if r["verb"] == "ListRecords"]
    assert tokens[:3] == [None, TOKEN_10, f"20||{UNTIL}|"]
    assert tokens.count(TOKEN_10) == 1  # never asked again
    assert store.raw.count("loops") == 30  # the three pages received are kept
    assert run.new == 30 and sorted(store.runs.log.changes(run.id)["new"]) == sorted(
        item.identifier for item in server.items[:30])
