"""Windows that keep failing are split in two, down to the server's granularity.

Hostile servers on 127.0.0.1 fail lists that are too long (HTTP 503 like a query
that times out, or resumption tokens that expire), or any list holding one
poison record. The harvest must end with exactly the server's records, each
stored and counted once, and the high-water mark may move only when the whole
window is complete.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

import pytest
from harvest_support import keep
from hostile_server import DAY, Fault, HostileServer, items

from tsunagu.config import Settings
from tsunagu.errors import NotFoundError
from tsunagu.harvester import OAIClient, harvest_source
from tsunagu.harvester.transport import HttpTransport, RetryPolicy
from tsunagu.records import RawRecord, Sector, Source
from tsunagu.store import ChangeKind, HarvestRun, Store

UNTIL = "2026-11-25T12:00:00Z"
EARLIEST = "2026-11-01T00:00:00Z"  # the records are dated 2026-11-01 .. 09


@pytest.fixture
def quick(settings: Settings) -> Settings:
    return dataclasses.replace(settings, read_timeout=1.0, connect_timeout=1.0,
                               retry_attempts=2)


def harvest(store: Store, url: str, settings: Settings, on_page=keep) -> HarvestRun:  # type: ignore[no-untyped-def]
    """Harvest with short backoffs (a real transport, only its waits shortened)."""
    try:
        source = store.sources.get("hostile")
    except NotFoundError:
        source = Source(id="hostile", name="Hostile", base_url=url, sector=Sector.ARCHIVE)
        store.sources.add(source)
    transport = HttpTransport(settings, retry=RetryPolicy(attempts=settings.retry_attempts,
                                                          base_delay=0.01))
    with OAIClient(source, settings, transport) as client:
        try:
            return harvest_source(source, store, settings, on_page=on_page, client=client)
        finally:
            transport.close()


def assert_exactly_the_server(store: Store, server: HostileServer, run: HarvestRun,
                              until: str = UNTIL) -> None:
    assert run.status == "ok", run.error
    assert store.raw.identifiers("hostile") == {i.identifier for i in server.items}
    assert (run.new, run.updated, run.unchanged) == (len(server.items), 0, 0)
    assert sorted(store.runs.log.changes(run.id)["new"]) == sorted(
        i.identifier for i in server.items)  # each record changed once, never twice
    assert store.runs.checkpoint("hostile") is None
    assert store.sources.high_water("hostile") == until


def splits(store: Store, run: HarvestRun) -> list[str]:
    return [i.message for i in store.runs.log.issues(run.id, ["retry"]) if "splitting" in i.message]


def test_a_server_failing_long_lists_with_503_is_harvested_in_smaller_windows(
    store: Store, quick: Settings
) -> None:
    with HostileServer(items(60), max_list=15, earliest=EARLIEST) as server:
        run = harvest(store, server.url, quick)
    assert_exactly_the_server(store, server, run)
    assert splits(store, run) and "(the beginning) .. 2026-11-25T12:00:00Z" in splits(store, run)[0]
    # Each part that failed (503 on both attempts) was split once, and nothing else was.
    statuses = [entry.status for entry in store.runs.log.requests(run.id)]
    assert statuses.count(503) == 2 * len(splits(store, run))
    assert run.requests == len(server.requests)


def test_tokens_that_expire_on_long_lists_split_the_window(
    store: Store, quick: Settings
) -> None:
    # Only the first page of a list can be had: a list of more than 10 records never
    # completes, whatever the restarts, until the window holds at most one page.
    with HostileServer(items(60), token_pages=1, earliest=EARLIEST) as server:
        run = harvest(store, server.url, quick)
    assert_exactly_the_server(store, server, run)
    retries = [i.message for i in store.runs.log.issues(run.id, ["retry"])]
    assert any("restarting" in m for m in retries) and splits(store, run)


def test_a_day_granularity_window_is_cut_in_days(store: Store, quick: Settings) -> None:
    with HostileServer(items(60), max_list=15, earliest="2026-11-01", granularity=DAY) as server:
        run = harvest(store, server.url, quick)
    assert_exactly_the_server(store, server, run, until="2026-11-25")
    assert splits(store, run)
    listed = [r for r in server.requests if r["verb"] == "ListRecords"]
    assert all(len(r.get("from", "2026-11-01")) == 10 and len(r["until"]) == 10
               for r in listed if "until" in r)


def test_a_poison_record_is_isolated_to_one_second_and_named(
    store: Store, quick: Settings
) -> None:
    poison = "oai:hostile:00013"  # dated 2026-11-05T10:00:00Z, with six other records
    with HostileServer(items(60), poison=poison, earliest=EARLIEST) as server:
        started = time.monotonic()
        run = harvest(store, server.url, quick)
        assert run.status == "failed"
        assert ("the window 2026-11-05T10:00:00Z .. 2026-11-05T10:00:00Z of set (all) keeps "
                "failing and cannot be split further") in (run.error or "")
        assert time.monotonic() - started < 30
        # Left to right: everything before the poisoned second is stored, nothing is lost
        # for good: the checkpoint names the rest of the window and the mark did not move.
        before = {i.identifier for i in server.items if i.datestamp < "2026-11-05T10:00:00Z"}
        assert store.raw.identifiers("hostile") == before and run.new == len(before)
        assert store.sources.high_water("hostile") is None
        checkpoint = store.runs.checkpoint("hostile")
        assert checkpoint is not None and checkpoint.token is None
        assert (checkpoint.from_param, checkpoint.until_param) == ("2026-11-05T10:00:00Z", UNTIL)
        server.poison = None  # the institution fixed the record
        resumed = harvest(store, server.url, quick)
    assert resumed.id == run.id
    assert_exactly_the_server(store, server, resumed)


def test_a_crash_inside_a_split_window_resumes_there_and_moves_the_mark_only_at_the_end(
    store: Store, quick: Settings
) -> None:
    stored_pages = []

    def crash_on_fourth_page(changes: Sequence[tuple[RawRecord, ChangeKind]],
                             run_id: int) -> int:
        stored_pages.append(len(changes))
        if len(stored_pages) == 4:
            raise RuntimeError("power cut")
        return 0

    with HostileServer(items(60), max_list=15, earliest=EARLIEST) as server:
        with pytest.raises(RuntimeError):
            harvest(store, server.url, quick, on_page=crash_on_fourth_page)
        checkpoint = store.runs.checkpoint("hostile")
        assert checkpoint is not None and checkpoint.pages == 3
        run = store.runs.get(checkpoint.run_id)
        assert (run.from_param, run.until_param) == (None, UNTIL)  # the whole window
        assert checkpoint.until_param == UNTIL and checkpoint.from_param is not None  # its rest
        assert store.sources.high_water("hostile") is None
        resumed = harvest(store, server.url, quick)
    assert resumed.id == run.id
    assert_exactly_the_server(store, server, resumed)


def test_a_window_is_not_split_when_the_fault_is_not_the_window(
    store: Store, quick: Settings
) -> None:
    # HTML instead of XML is not a transient failure: no bisection, a clear error.
    with HostileServer(items(25), faults=[Fault("html", at=1, times=None)],
                       earliest=EARLIEST) as server:
        run = harvest(store, server.url, quick)
    assert run.status == "failed" and "Maintenance" in (run.error or "")
    assert server.list_requests == 1 and splits(store, run) == []
