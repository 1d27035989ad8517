"""Long ranges are listed as windows planned up front, against a hostile server on 127.0.0.1.

A first harvest from ``earliestDatestamp`` and a long incremental gap run as a
sequence of windows (30 days by default); the high-water mark moves as each
window completes, and a run killed in a window resumes in that window.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from harvest_support import keep
from hostile_server import HostileServer, Item

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.records import RawRecord, Sector, Source
from tsunagu.store import ChangeKind, HarvestRun, Store

UNTIL = "2026-11-25T12:00:00Z"
#: The 30-day windows of a full harvest of ``spread()`` (the grid ends at 2026-11-26).
WINDOW_ENDS = ["2026-07-28T23:59:59Z", "2026-08-27T23:59:59Z", "2026-09-26T23:59:59Z",
               "2026-10-26T23:59:59Z", UNTIL]


def spread(count: int = 40, *, start: datetime = datetime(2026, 7, 1, 9, tzinfo=UTC),
           step_days: int = 3, prefix: str = "oai:spread:",
           sets: tuple[str, ...] = ()) -> list[Item]:
    return [Item(f"{prefix}{n:04d}",
                 (start + timedelta(days=step_days * n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 f"Record {n}", sets) for n in range(count)]


def register(store: Store, url: str, **kw: object) -> Source:
    source = Source(id="spread", name="Spread", base_url=url, sector=Sector.MUSEUM,
                    **kw)  # type: ignore[arg-type]
    store.sources.add(source)
    return source


def listings(server: HostileServer) -> list[dict[str, str]]:
    return [r for r in server.requests if r["verb"] == "ListRecords"
            and "resumptionToken" not in r]


def assert_exactly_the_server(store: Store, server: HostileServer, run: HarvestRun) -> None:
    assert run.status == "ok", run.error
    assert store.raw.identifiers("spread") == {i.identifier for i in server.items}
    assert sorted(store.runs.log.changes(run.id)["new"]) == sorted(
        i.identifier for i in server.items)  # each stored and counted once
    assert store.runs.checkpoint("spread") is None
    assert store.sources.high_water("spread") == UNTIL


def test_a_first_harvest_runs_as_monthly_windows_from_the_earliest_datestamp(
    store: Store, settings: Settings
) -> None:
    with HostileServer(spread(), earliest="2026-07-01T09:00:00Z") as server:
        run = harvest_source(register(store, server.url), store, settings, on_page=keep)
    assert_exactly_the_server(store, server, run)
    windows = [(r.get("from"), r["until"]) for r in listings(server)]
    assert windows == [(None, WINDOW_ENDS[0]), ("2026-07-29T00:00:00Z", WINDOW_ENDS[1]),
                       ("2026-08-28T00:00:00Z", WINDOW_ENDS[2]),
                       ("2026-09-27T00:00:00Z", WINDOW_ENDS[3]),
                       ("2026-10-27T00:00:00Z", UNTIL)]
    assert (run.from_param, run.until_param) == (None, UNTIL)  # the run's whole range


def test_no_windows_lists_the_range_at_once(store: Store, settings: Settings) -> None:
    with HostileServer(spread(), earliest="2026-07-01T09:00:00Z") as server:
        run = harvest_source(register(store, server.url, window_days=0), store, settings,
                             on_page=keep)
    assert_exactly_the_server(store, server, run)
    assert [(r.get("from"), r["until"]) for r in listings(server)] == [(None, UNTIL)]


def test_a_kill_in_the_third_window_keeps_the_mark_of_the_second_and_resumes_there(
    store: Store, settings: Settings
) -> None:
    def crash_in_september(changes: Sequence[tuple[RawRecord, ChangeKind]],
                           run_id: int) -> int:
        if any(raw.datestamp >= "2026-08-28" for raw, _kind in changes):
            raise RuntimeError("power cut")
        return 0

    with HostileServer(spread(), earliest="2026-07-01T09:00:00Z") as server:
        source = register(store, server.url)
        with pytest.raises(RuntimeError):
            harvest_source(source, store, settings, on_page=crash_in_september)
        assert store.sources.high_water("spread") == WINDOW_ENDS[1]
        checkpoint = store.runs.checkpoint("spread")
        assert checkpoint is not None
        assert (checkpoint.from_param, checkpoint.until_param) == ("2026-08-28T00:00:00Z",
                                                                   WINDOW_ENDS[2])
        asked = len(listings(server))
        resumed = harvest_source(source, store, settings, on_page=keep)
    assert resumed.id == checkpoint.run_id
    assert_exactly_the_server(store, server, resumed)
    assert [r.get("from") for r in listings(server)[asked:]] == [
        "2026-08-28T00:00:00Z", "2026-09-27T00:00:00Z", "2026-10-27T00:00:00Z"]


def test_windows_go_over_every_set_in_turn_and_resume_in_the_right_set(
    store: Store, settings: Settings
) -> None:
    records = spread(20, sets=("a",)) + spread(20, prefix="oai:spread:b", sets=("b",),
                                               start=datetime(2026, 7, 2, tzinfo=UTC))

    def crash_in_b_in_august(changes: Sequence[tuple[RawRecord, ChangeKind]],
                             run_id: int) -> int:
        if any("b" in raw.set_specs and raw.datestamp >= "2026-07-29" for raw, _ in changes):
            raise RuntimeError("power cut")
        return 0

    with HostileServer(records, earliest="2026-07-01T09:00:00Z") as server:
        source = register(store, server.url, set_specs=("a", "b"))
        with pytest.raises(RuntimeError):
            harvest_source(source, store, settings, on_page=crash_in_b_in_august)
        checkpoint = store.runs.checkpoint("spread")
        assert checkpoint is not None and checkpoint.set_spec == "b"
        assert checkpoint.from_param == "2026-07-29T00:00:00Z"
        assert store.sources.high_water("spread") == WINDOW_ENDS[0]
        resumed = harvest_source(source, store, settings, on_page=keep)
    assert_exactly_the_server(store, server, resumed)
    order = [(r["set"], r.get("from")) for r in listings(server)]
    assert order[:4] == [("a", None), ("b", None), ("a", "2026-07-29T00:00:00Z"),
                         ("b", "2026-07-29T00:00:00Z")]
    assert order[4] == ("b", "2026-07-29T00:00:00Z")  # resumed: window 2, set b again


def test_a_long_incremental_gap_is_listed_in_windows(store: Store, settings: Settings) -> None:
    # The gap ends before this machine's clock: a server clock ahead of it would be capped.
    with HostileServer(spread(10), earliest="2026-07-01T09:00:00Z") as server:
        server.clock = datetime(2026, 8, 25, 12, tzinfo=UTC)
        source = register(store, server.url)
        harvest_source(source, store, settings, on_page=keep)
        server.clock += timedelta(days=75)
        server.items += spread(25, prefix="oai:spread:new", start=datetime(
            2026, 8, 26, tzinfo=UTC))
        asked = len(listings(server))
        run = harvest_source(source, store, settings, on_page=keep)
    assert run.status == "ok", run.error
    assert not run.full
    assert store.raw.identifiers("spread") == {i.identifier for i in server.items}
    windows = [(r["from"], r["until"]) for r in listings(server)[asked:]]
    assert windows[0][0] == "2026-08-25T11:00:00Z"  # the mark minus the hour of overlap
    assert windows == [("2026-08-25T11:00:00Z", "2026-09-09T23:59:59Z"),
                       ("2026-09-10T00:00:00Z", "2026-10-09T23:59:59Z"),
                       ("2026-10-10T00:00:00Z", "2026-11-08T12:00:00Z")]
    assert store.sources.high_water("spread") == "2026-11-08T12:00:00Z"


def test_a_resumed_left_half_of_a_split_window_goes_on_with_the_rest(
    store: Store, settings: Settings
) -> None:
    # 503 for lists of more than 15 records: the window is bisected down to a part of
    # 14 records (two pages); the run is killed after its first page. The re-run must
    # finish that part from its token and then list the rest of the window.
    quick = dataclasses.replace(settings, retry_attempts=1)
    stored = []

    def crash_on_second_page(changes: Sequence[tuple[RawRecord, ChangeKind]],
                             run_id: int) -> int:
        stored.append(len(changes))
        if len(stored) == 2:
            raise RuntimeError("power cut")
        return 0

    with HostileServer(spread(60), max_list=15, earliest="2026-11-01T00:00:00Z") as server:
        for n, item in enumerate(server.items):  # a record every 6 hours from Nov 1
            item.datestamp = (datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=6 * n)
                              ).strftime("%Y-%m-%dT%H:%M:%SZ")
        source = register(store, server.url)
        with pytest.raises(RuntimeError):
            harvest_source(source, store, quick, on_page=crash_on_second_page)
        checkpoint = store.runs.checkpoint("spread")
        assert checkpoint is not None and checkpoint.token is not None
        assert checkpoint.until_param is not None and checkpoint.until_param < UNTIL
        resumed = harvest_source(source, store, quick, on_page=keep)
    assert_exactly_the_server(store, server, resumed)
