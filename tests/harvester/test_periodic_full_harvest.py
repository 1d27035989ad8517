"""The periodic full harvest of servers that do not keep deletions, on 127.0.0.1.

A server whose Identify says ``deletedRecord`` ``no`` or ``transient`` may drop a
record without ever sending a deleted header. An incremental run cannot see that;
so once the last complete full run is older than ``Settings.full_harvest_days``,
the next run is a full one, and it reconciles: the record the server no longer
lists becomes a tombstone. A ``persistent`` server, or a recent full run, keeps
runs incremental.
"""

from __future__ import annotations

import dataclasses

import pytest
from harvest_support import keep
from hostile_server import HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.records import Sector, Source
from tsunagu.store import HarvestRun, Store

DROPPED = "oai:hostile:00007"


def two_runs(store: Store, settings: Settings, deleted_record: str,
             full_harvest_days: int) -> tuple[HarvestRun, HarvestRun, list[dict[str, str]]]:
    """A first harvest, the server drops a record silently, a second harvest; and the
    ListRecords requests of the second."""
    chosen = dataclasses.replace(settings, full_harvest_days=full_harvest_days)
    with HostileServer(items(30), deleted_record=deleted_record) as server:
        source = Source(id="hostile", name="Hostile", base_url=server.url,
                        sector=Sector.ARCHIVE)
        store.sources.add(source)
        first = harvest_source(source, store, chosen, on_page=keep)
        server.items = [item for item in server.items if item.identifier != DROPPED]
        server.clock = server.clock.replace(hour=13)
        asked = len(server.requests)
        second = harvest_source(source, store, chosen, on_page=keep)
        lists = [r for r in server.requests[asked:] if r["verb"] == "ListRecords"]
    assert first.status == "ok" and first.full, first.error
    return first, second, lists


@pytest.mark.parametrize("deleted_record", ["no", "transient"])
def test_a_full_harvest_falls_due_and_reconciles_a_silently_dropped_record(
    store: Store, settings: Settings, deleted_record: str
) -> None:
    # full_harvest_days=0: the full run a moment ago is already too old.
    _first, second, lists = two_runs(store, settings, deleted_record, full_harvest_days=0)
    assert second.status == "ok", second.error
    assert second.full and second.from_param is None
    assert "from" not in lists[0]  # the whole repository was listed
    assert second.deleted == 1 and second.unchanged == 29 and second.new == 0
    tomb = store.raw.get("hostile", DROPPED)
    assert tomb is not None and tomb.deleted
    assert store.raw.count("hostile") == 29
    assert store.runs.log.changes(second.id)["deleted"] == [DROPPED]


def test_a_recent_full_harvest_keeps_the_next_run_incremental(
    store: Store, settings: Settings
) -> None:
    _first, second, lists = two_runs(store, settings, "no", full_harvest_days=30)
    assert second.status == "ok", second.error
    assert not second.full and lists[0]["from"] == "2026-11-25T11:00:00Z"
    assert second.deleted == 0
    assert store.raw.count("hostile") == 30  # the dropped record cannot be seen yet


def test_a_server_with_persistent_deletions_is_never_fully_reharvested_for_it(
    store: Store, settings: Settings
) -> None:
    _first, second, lists = two_runs(store, settings, "persistent", full_harvest_days=0)
    assert second.status == "ok", second.error
    assert not second.full and "from" in lists[0]
    assert second.deleted == 0 and store.raw.count("hostile") == 30
