"""Resumption tokens that expire after a time, not after a number of pages.

The hostile server on 127.0.0.1 refuses a token ``token_lifetime`` seconds after
it sent it (badResumptionToken), as many real servers do. A harvest that is
slow at one moment, or resumed later than that, must still end with the store
equal to the server: every record once, none lost.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

import pytest
from harvest_support import keep
from hostile_server import HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.records import RawRecord, Sector, Source
from tsunagu.store import ChangeKind, HarvestRun, Store


def register(store: Store, url: str) -> Source:
    source = Source(id="hostile", name="Hostile", base_url=url, sector=Sector.ARCHIVE)
    store.sources.add(source)
    return source


def assert_equal_to_the_server(store: Store, server: HostileServer, run: HarvestRun) -> None:
    assert run.status == "ok", run.error
    assert store.raw.identifiers("hostile") == {i.identifier for i in server.items}
    assert sorted(store.runs.log.changes(run.id)["new"]) == sorted(
        i.identifier for i in server.items)  # each record stored and counted once
    assert store.runs.checkpoint("hostile") is None


def restarts(store: Store, run: HarvestRun) -> list[str]:
    return [i.message for i in store.runs.log.issues(run.id, ["retry"])
            if "restarting" in i.message]


@pytest.mark.parametrize("prefetch", [True, False])
def test_a_slow_page_lets_the_token_expire_and_the_window_is_listed_again(
    store: Store, settings: Settings, prefetch: bool
) -> None:
    slow_once = []

    def slow_second_page(changes: Sequence[tuple[RawRecord, ChangeKind]],
                         run_id: int) -> int:
        slow_once.append(1)
        if len(slow_once) == 2:
            time.sleep(1.5)  # e.g. mapping a page of huge records
        return 0

    chosen = dataclasses.replace(settings, prefetch_pages=prefetch)
    with HostileServer(items(70), token_lifetime=1.0) as server:
        run = harvest_source(register(store, server.url), store, chosen,
                             on_page=slow_second_page)
        tokens = [r.get("resumptionToken") for r in server.requests
                  if r["verb"] == "ListRecords"]
    assert_equal_to_the_server(store, server, run)
    assert restarts(store, run)  # a token did expire, and the window was listed again
    assert tokens.count(None) == 2 and len(tokens) > 7


def test_a_run_resumed_after_its_token_expired_restarts_its_window(
    store: Store, settings: Settings
) -> None:
    with HostileServer(items(25), token_lifetime=0.5) as server:
        source = register(store, server.url)
        parked = harvest_source(source, store, dataclasses.replace(settings, run_deadline=0.0),
                                on_page=keep)
        assert parked.status == "parked" and store.raw.count("hostile") == 10
        checkpoint = store.runs.checkpoint("hostile")
        assert checkpoint is not None and checkpoint.token is not None
        time.sleep(0.7)  # the checkpoint's token has expired by now
        before = server.list_requests
        resumed = harvest_source(source, store, settings, on_page=keep)
        listed = [r.get("resumptionToken") for r in server.requests
                  if r["verb"] == "ListRecords"]
    assert resumed.id == parked.id
    assert_equal_to_the_server(store, server, resumed)
    # the stale token, once more after a pause, then the window from its start
    assert listed[before:before + 3] == [checkpoint.token, checkpoint.token, None]
    assert restarts(store, resumed)
