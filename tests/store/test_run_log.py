"""The run's change list (multi-row inserts) and the per-page quarantine count."""

from __future__ import annotations

from pathlib import Path

import pytest

from tsunagu.errors import NotFoundError
from tsunagu.records import Sector, Source
from tsunagu.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "store.sqlite3")
    s.sources.add(Source(id="tate", name="Tate", base_url="http://x/oai", sector=Sector.MUSEUM))
    return s


def test_changes_of_a_long_page_are_all_listed(store: Store) -> None:
    # More rows than one statement takes: the list is written in several statements.
    run_id = store.runs.start("tate", None, None)
    names = ("new", "updated", "deleted")
    pairs = [(f"oai:t:{n:04d}", names[n % 3]) for n in range(1_000)]
    with store.db.transaction():
        store.runs.log.add_changes(run_id, pairs)
    found = store.runs.log.changes(run_id)
    for name in names:
        assert found[name] == sorted(oid for oid, change in pairs if change == name)


def test_a_later_change_of_a_record_wins_within_and_across_calls(store: Store) -> None:
    run_id = store.runs.start("tate", None, None)
    store.runs.log.add_changes(run_id, [("oai:t:1", "new"), ("oai:t:2", "new"),
                                        ("oai:t:1", "deleted"), ("oai:t:3", "unchanged")])
    assert store.runs.log.changes(run_id) == {
        "new": ["oai:t:2"], "updated": [], "deleted": ["oai:t:1"]}
    store.runs.log.add_changes(run_id, [("oai:t:2", "updated")])
    store.runs.log.add_changes(run_id, [("oai:t:4", "unchanged")])  # nothing to write
    assert store.runs.log.changes(run_id) == {
        "new": [], "updated": ["oai:t:2"], "deleted": ["oai:t:1"]}
    other = store.runs.start("tate", None, None)
    assert store.runs.log.changes(other) == {"new": [], "updated": [], "deleted": []}


def test_quarantined_count_of_a_run(store: Store) -> None:
    run_id = store.runs.start("tate", None, None)
    assert store.runs.quarantined(run_id) == 0
    store.runs.add_counts(run_id, quarantined=2, new=5)
    store.runs.add_counts(run_id, quarantined=1)
    assert store.runs.quarantined(run_id) == 3 == store.runs.get(run_id).quarantined
    with pytest.raises(NotFoundError):
        store.runs.quarantined(run_id + 1)
