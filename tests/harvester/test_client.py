"""The ListRecords loop: the next page asked for early, by the token read from the body."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

import pytest
from harvest_support import keep
from hostile_server import Fault, HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.records import RawRecord, Sector, Source
from tsunagu.store import ChangeKind, Store


def harvest(store: Store, server: HostileServer, settings: Settings) -> tuple[int, int]:
    source = Source(id="loop", name="Loop", base_url=server.url, sector=Sector.ARCHIVE)
    store.sources.add(source)
    # No pause between requests: the next page may be asked for as soon as it is named.
    unpaused = dataclasses.replace(settings, request_delay=0.0, request_delay_factor=0.0)
    run = harvest_source(source, store, unpaused, on_page=keep)
    assert run.status == "ok", run.error
    assert store.raw.identifiers("loop") == {item.identifier for item in server.items}
    return run.requests, server.list_requests


@pytest.mark.parametrize("prefetch", [True, False])
def test_early_requests_are_the_requests_the_pages_name(
        store: Store, settings: Settings, prefetch: bool) -> None:
    # Tokens with characters that are escaped in URLs ("|", ":").
    with HostileServer(items(95), page_size=10) as server:
        requests, lists = harvest(store, server,
                                  dataclasses.replace(settings, prefetch_pages=prefetch))
    assert lists == 10 and requests == 2 + 10  # Identify, formats; not one extra request
    tokens = [query.get("resumptionToken") for query in server.requests
              if query.get("verb") == "ListRecords"]
    assert tokens[0] is None and [t.split("|")[0] for t in tokens[1:]] == [
        str(n) for n in range(10, 100, 10)]


def test_a_token_misread_from_the_body_costs_one_request_and_nothing_else(
        store: Store, settings: Settings) -> None:
    with HostileServer(items(50), page_size=10, faults=[Fault("decoy", at=2)]) as server:
        requests, lists = harvest(store, server, settings)
    # Page 2's end read by pattern gives the decoy: asked for, answered
    # badResumptionToken, dropped; the parsed token is then followed.
    assert lists == 5 + 1 and requests == 2 + 6
    asked = [query.get("resumptionToken", "") for query in server.requests]
    assert "decoy|10" in asked
    assert asked.index("decoy|10") < next(i for i, t in enumerate(asked) if t.startswith("20|"))
    assert store.raw.count("loop") == 50


def asked_while_storing(store: Store, server: HostileServer, settings: Settings,
                        ) -> list[int]:
    """For each page stored, how many ListRecords requests the server had seen by then."""
    seen: list[int] = []

    def watch(changes: Sequence[tuple[RawRecord, ChangeKind]], run_id: int) -> int:
        before = len(seen) + 1  # requests up to this page's own
        deadline = time.monotonic() + 0.3  # time for a request sent ahead to arrive
        while server.list_requests == before and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(server.list_requests)
        return 0

    source = Source(id="watch", name="Watch", base_url=server.url, sector=Sector.ARCHIVE)
    store.sources.add(source)
    run = harvest_source(source, store, settings, on_page=watch)
    assert run.status == "ok", run.error
    assert store.raw.count("watch") == len(server.items)
    return seen


def test_the_next_page_is_asked_for_while_this_one_is_stored(
        store: Store, settings: Settings) -> None:
    unpaused = dataclasses.replace(settings, request_delay=0.0, request_delay_factor=0.0)
    with HostileServer(items(40), page_size=10) as server:
        seen = asked_while_storing(store, server, unpaused)
    assert seen == [2, 3, 4, 4]  # the last page names no next one


@pytest.mark.parametrize("change", [{"prefetch_pages": False}, {"request_delay": 2.0}])
def test_nothing_is_asked_for_ahead_when_off_or_while_the_host_has_its_pause(
        store: Store, settings: Settings, change: dict[str, object]) -> None:
    chosen = dataclasses.replace(settings, request_delay=0.0, request_delay_factor=0.0)
    chosen = dataclasses.replace(chosen, **change)  # type: ignore[arg-type]
    with HostileServer(items(30), page_size=10) as server:
        seen = asked_while_storing(store, server, chosen)
    assert seen == [1, 2, 3]
