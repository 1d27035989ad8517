"""The ListRecords loop: the next page asked for early, by the token read from the body."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Sequence

import pytest
from harvest_support import ReplayServer, keep
from hostile_server import Fault, HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.harvester.client import OAIClient
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


PAGE = ('<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        "<responseDate>2026-11-25T00:00:00Z</responseDate><request>x</request><ListRecords>"
        "<record><header><identifier>oai:x:{n}</identifier><datestamp>2026-11-01</datestamp>"
        "</header><metadata><dc>{n}</dc></metadata></record>")


def test_a_page_cut_after_its_token_lets_the_request_sent_ahead_go_and_is_fetched_again(
        store: Store, settings: Settings) -> None:
    # The cut page's tail names the next page, which is asked for at once and holds the
    # host: fetching the cut page again must let it go first (or wait for itself forever).
    cut = iter([True])

    def respond(query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if "resumptionToken" in query:
            return 200, {}, (PAGE.format(n=2) + "</ListRecords></OAI-PMH>").encode()
        body = PAGE.format(n=1) + "<resumptionToken>t1</resumptionToken></ListRecords>"
        return 200, {}, (body if next(cut, False) else body + "</OAI-PMH>").encode()

    unpaused = dataclasses.replace(settings, request_delay=0.0, request_delay_factor=0.0)
    source = Source(id="cut", name="Cut", base_url="", sector=Sector.ARCHIVE)
    pages: list[list[str]] = []
    with ReplayServer(respond) as server:
        client = OAIClient(dataclasses.replace(source, base_url=server.url), unpaused)

        def run() -> None:
            with client:
                pages.extend([r.oai_identifier for r in page.records]
                             for page, _params in client.list_records())

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(10)
    assert not thread.is_alive(), "the harvest waited for a host its own request held"
    assert pages == [["oai:x:1"], ["oai:x:2"]]
    log = [(entry.query.split("&")[-1], entry.status) for entry in client.transport.log]
    assert ("resumptionToken=t1", None) in log  # the request sent ahead, let go unread
