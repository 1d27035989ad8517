"""The mass-deletion guard's two limits, over a real harvest from the hostile server: a
share of the source's live records (only once at least ``mass_deletion_min`` would go,
so tiny sources are not held for a handful), or an absolute number of records
(``mass_deletion_max``, ``0``: none), whichever is passed first."""

from __future__ import annotations

import dataclasses

import pytest
from harvest_support import keep
from hostile_server import HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester import approve, harvest_source
from tsunagu.records import Sector, Source
from tsunagu.store import HarvestRun, Store

BY_COUNT = "records allowed at once"
BY_SHARE = "% allowed"


def delete_and_harvest(store: Store, settings: Settings, total: int,
                       deleted: int) -> HarvestRun:
    """Harvest ``total`` records, then a full run where ``deleted`` of them are gone."""
    with HostileServer(items(total), page_size=50) as server:
        source = Source(id="hostile", name="Hostile", base_url=server.url,
                        sector=Sector.ARCHIVE)
        store.sources.add(source)
        first = harvest_source(source, store, settings, on_page=keep)
        assert first.status == "ok" and first.new == total, first.error
        for item in server.items[:deleted]:
            item.title = None  # a deleted header
        return harvest_source(source, store, settings, on_page=keep, full=True)


def test_a_small_share_above_the_absolute_limit_is_held(store: Store,
                                                        settings: Settings) -> None:
    limited = dataclasses.replace(settings, mass_deletion_max=10)
    held = delete_and_harvest(store, limited, 100, 15)  # 15 %: below the 20 % share
    assert held.status == "held"
    assert "15 of 100" in (held.error or "")
    assert "more than the 10 records allowed at once" in (held.error or "")
    assert BY_SHARE not in (held.error or "")
    assert store.raw.count("hostile") == 100  # nothing deleted
    done = approve(store, "hostile", held.id, keep)
    assert done.status == "ok" and done.deleted == 15
    assert store.raw.count("hostile") == 85


@pytest.mark.parametrize(("total", "deleted", "limit"), [
    (100, 15, 20),  # below both limits
    (100, 15, 0),  # 0: no absolute limit, and below the share
    (5, 3, 10_000),  # 60 %, but fewer than mass_deletion_min (10): a tiny source
])
def test_below_the_limits_the_deletions_go_ahead(
    store: Store, settings: Settings, total: int, deleted: int, limit: int
) -> None:
    run = delete_and_harvest(store, dataclasses.replace(settings, mass_deletion_max=limit),
                             total, deleted)
    assert run.status == "ok", run.error
    assert run.deleted == deleted and store.raw.count("hostile") == total - deleted


@pytest.mark.parametrize(("total", "deleted", "limit", "held_by"), [
    (100, 30, 0, {BY_SHARE}),  # the share alone
    (100, 30, 10, {BY_COUNT, BY_SHARE}),  # both, both named
    (5, 3, 2, {BY_COUNT}),  # the absolute limit holds whatever the minimum
])
def test_each_limit_passed_holds_the_run_and_is_named(
    store: Store, settings: Settings, total: int, deleted: int, limit: int,
    held_by: set[str]
) -> None:
    run = delete_and_harvest(store, dataclasses.replace(settings, mass_deletion_max=limit),
                             total, deleted)
    assert run.status == "held"
    assert store.raw.count("hostile") == total  # nothing deleted
    assert {phrase for phrase in (BY_COUNT, BY_SHARE) if phrase in (run.error or "")} == held_by
