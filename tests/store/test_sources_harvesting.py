"""What a source harvests: its sets, the sets it leaves out and its window size, stored."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tsunagu.errors import ConfigError
from tsunagu.records import Sector, Source
from tsunagu.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "store.sqlite3")
    yield s
    s.close()


def add(store: Store, **kw: object) -> Source:
    source = Source(id="ndl", name="NDL", base_url="https://example.org/oai",
                    sector=Sector.LIBRARY, **kw)  # type: ignore[arg-type]
    store.sources.add(source)
    return source


def test_excluded_sets_and_window_size_round_trip(store: Store) -> None:
    add(store, set_specs=("books",), exclude_sets=("private", "test"), window_days=365)
    source = store.sources.get("ndl")
    assert source.exclude_sets == ("private", "test") and source.window_days == 365
    assert store.sources.get("ndl") == store.sources.list()[0]


def test_changing_the_sets_makes_the_next_harvest_full_and_the_window_does_not(
    store: Store
) -> None:
    add(store)
    store.sources.set_high_water("ndl", "2026-11-25T12:00:00Z")
    changed = store.sources.set_harvesting("ndl", window_days=365)
    assert changed.window_days == 365
    assert store.sources.high_water("ndl") == "2026-11-25T12:00:00Z"
    changed = store.sources.set_harvesting("ndl", exclude_sets=(" private ", "private"))
    assert changed.exclude_sets == ("private",) and changed.window_days == 365
    assert store.sources.high_water("ndl") is None
    store.sources.set_high_water("ndl", "2026-11-26T12:00:00Z")
    store.sources.set_harvesting("ndl", exclude_sets=("private",), default_window=True)
    assert store.sources.get("ndl").window_days is None
    assert store.sources.high_water("ndl") == "2026-11-26T12:00:00Z"  # the sets are the same


def test_an_update_keeps_the_exclusions_and_new_allowed_sets_clear_the_mark(
    store: Store
) -> None:
    add(store, exclude_sets=("private",), window_days=7)
    store.sources.set_high_water("ndl", "2026-11-25T12:00:00Z")
    store.sources.add(Source(id="ndl", name="NDL 2", base_url="https://example.org/oai",
                             sector=Sector.LIBRARY), replace=True)
    kept = store.sources.get("ndl")
    assert (kept.name, kept.exclude_sets, kept.window_days) == ("NDL 2", ("private",), 7)
    assert store.sources.high_water("ndl") == "2026-11-25T12:00:00Z"
    store.sources.add(Source(id="ndl", name="NDL 2", base_url="https://example.org/oai",
                             sector=Sector.LIBRARY, set_specs=("maps",)), replace=True)
    assert store.sources.high_water("ndl") is None


def test_a_set_cannot_be_both_harvested_and_left_out(store: Store) -> None:
    add(store, set_specs=("books",))
    with pytest.raises(ConfigError, match="both harvested and left out"):
        store.sources.set_harvesting("ndl", exclude_sets=("books",))
    with pytest.raises(ConfigError, match="window_days"):
        store.sources.set_harvesting("ndl", window_days=-1)
    with pytest.raises(ConfigError, match="empty"):
        store.sources.set_harvesting("ndl", set_specs=("",))
    assert store.sources.get("ndl").exclude_sets == ()


def test_a_store_without_the_new_columns_gains_them_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    store = Store(path)
    add(store, set_specs=("books",))
    store.close()
    with sqlite3.connect(path) as conn:  # as the store was before these columns
        conn.execute("ALTER TABLE sources DROP COLUMN exclude_sets")
        conn.execute("ALTER TABLE sources DROP COLUMN window_days")
    conn.close()
    reopened = Store(path)
    try:
        source = reopened.sources.get("ndl")
        assert (source.set_specs, source.exclude_sets, source.window_days) == (
            ("books",), (), None)
        reopened.sources.set_harvesting("ndl", exclude_sets=("private",))
        assert reopened.sources.get("ndl").exclude_sets == ("private",)
    finally:
        reopened.close()
