"""Activity counters: per record, per day, per kind, and nothing personal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tsunagu.records import LangString, Record, Sector, Source
from tsunagu.store import Store
from tsunagu.store.activity import ActivityKind

DAY1, DAY2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store(tmp_path / "a.sqlite3")
    for source_id in ("a", "b"):
        opened.sources.add(Source(id=source_id, name=source_id, base_url="https://e.jp/oai",
                                  sector=Sector.MUSEUM))
        for n in (1, 2):
            opened.records.put(Record(id=f"{source_id}:{n}", source_id=source_id,
                                      oai_identifier=str(n), datestamp="2026-01-01",
                                      title=LangString(f"t{n}"), sector=Sector.MUSEUM,
                                      provider=source_id))
    yield opened
    opened.close()


def test_events_are_counted_per_record_day_and_kind(store: Store) -> None:
    assert store.activity.record_event(ActivityKind.VIEW, ["a:1"], DAY1) == 1
    store.activity.record_event(ActivityKind.VIEW, ["a:1"], DAY1)
    # A results page lists a record once even if the id is passed twice.
    assert store.activity.record_event(ActivityKind.SEARCH, ["a:1", "a:2", "a:1", "b:1"],
                                       DAY1) == 3
    store.activity.record_event(ActivityKind.CLICK, ["a:2"], DAY2)
    store.activity.record_event(ActivityKind.COLLECTION, ["a:2"], DAY2)
    # Ids the store does not have are not counted.
    assert store.activity.record_event(ActivityKind.VIEW, ["nope:1", "<script>"], DAY1) == 0

    per_record = store.activity.per_record(["a"])
    assert per_record["a:1"][ActivityKind.VIEW] == 2
    assert per_record["a:1"][ActivityKind.SEARCH] == 1
    assert per_record["a:2"][ActivityKind.CLICK] == 1
    assert "b:1" not in per_record
    days = store.activity.per_day(["a"])
    assert [d.day for d in days] == ["2026-03-01", "2026-03-02"]
    assert days[0].counts[ActivityKind.VIEW] == 2 and days[0].counts[ActivityKind.SEARCH] == 2
    assert days[1].counts == {ActivityKind.VIEW: 0, ActivityKind.SEARCH: 0,
                              ActivityKind.CLICK: 1, ActivityKind.COLLECTION: 1}
    only_second = store.activity.per_day(["a", "b"], start=DAY2, end=DAY2)
    assert [d.day for d in only_second] == ["2026-03-02"]
    counts = list(store.activity.counts(["b"]))
    assert [(c.record_id, c.kind, c.count) for c in counts] == [("b:1", ActivityKind.SEARCH, 1)]
    assert store.activity.per_day([]) == [] and list(store.activity.counts([])) == []


def test_no_personal_data_is_stored(store: Store) -> None:
    columns = {row[1] for row in
               store.db.connection().execute("PRAGMA table_info(activity)")}
    assert columns == {"record_id", "source_id", "day", "kind", "count"}
