"""Writing the index: create, rebuild, incremental updates, sequence, atomic swap."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tsunagu.errors import IndexingError, StoreError
from tsunagu.index import Indexer, SearchIndex, SearchQuery
from tsunagu.records import Record


def found(index_dir: Path, text: str) -> set[str]:
    index = SearchIndex(index_dir)
    try:
        return {h.id for h in index.search(SearchQuery(text, page_size=100)).hits}
    finally:
        index.close()


def generations(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.iterdir() if p.is_dir())


def test_new_index_is_empty_at_sequence_zero(index_dir: Path) -> None:
    indexer = Indexer(index_dir)
    assert indexer.applied_seq() == 0
    assert indexer.doc_count() == 0
    assert not indexer.needs_rebuild()
    assert (index_dir / "CURRENT").is_file()


def test_rebuild_indexes_every_record(index_dir: Path, records: list[Record]) -> None:
    indexer = Indexer(index_dir)
    assert indexer.rebuild(records, seq=12) == len(records)
    assert indexer.doc_count() == len(records)
    assert indexer.applied_seq() == 12


def test_applied_seq_persists_across_reopen(built: Indexer, index_dir: Path) -> None:
    built.update([], seq=40)
    assert Indexer(index_dir).applied_seq() == 40
    assert Indexer(index_dir).doc_count() == 12


def test_update_upserts_by_record_id(
    built: Indexer, index_dir: Path, make: Callable[..., Record]
) -> None:
    changed = make("3", "京都の寺院")
    added = make("99", "奈良の大仏")
    assert built.update([(changed.id, changed), (added.id, added)], seq=14) == 2
    assert built.doc_count() == 13
    assert built.applied_seq() == 14
    assert found(index_dir, "寺院") == {"ndl-3"}
    assert found(index_dir, "町並") == set()
    assert found(index_dir, "大仏") == {"ndl-99"}


def test_update_with_none_deletes(built: Indexer, index_dir: Path) -> None:
    assert found(index_dir, "夜桜") == {"tnm-9"}
    built.update([("tnm-9", None), ("no-such-id", None)], seq=13)
    assert found(index_dir, "夜桜") == set()
    assert built.doc_count() == 11


def test_last_change_of_an_id_in_a_batch_wins(
    built: Indexer, index_dir: Path, make: Callable[..., Record]
) -> None:
    first, second = make("50", "金閣寺"), make("50", "銀閣寺")
    built.update([(first.id, first), (second.id, second)], seq=13)
    built.update([(first.id, first), (first.id, None)], seq=14)
    assert found(index_dir, "閣寺") == set()
    built.update([(first.id, None), (second.id, second)], seq=15)
    assert found(index_dir, "閣寺") == {"ndl-50"}
    assert built.doc_count() == 13


def test_a_search_index_sees_updates_without_reopening(
    built: Indexer, index_dir: Path, make: Callable[..., Record]
) -> None:
    index = SearchIndex(index_dir)
    try:
        assert index.search(SearchQuery("大仏")).total == 0
        record = make("99", "奈良の大仏")
        built.update([(record.id, record)], seq=13)
        assert index.search(SearchQuery("大仏")).total == 1
    finally:
        index.close()


def test_rebuild_swaps_atomically(
    built: Indexer, index_dir: Path, records: list[Record], make: Callable[..., Record]
) -> None:
    index = SearchIndex(index_dir)
    seen_during_rebuild: list[int] = []

    def replacement() -> Iterator[Record]:
        for record in records[:5]:
            yield record
            # Half-way through, searches still see the complete old index.
            seen_during_rebuild.append(index.search(SearchQuery()).total)
        yield make("77", "奈良の大仏")

    try:
        assert index.search(SearchQuery()).total == 12
        assert built.rebuild(replacement(), seq=30) == 6
        assert seen_during_rebuild == [12] * 5
        assert index.search(SearchQuery()).total == 6
        assert index.search(SearchQuery("大仏")).total == 1
        assert built.applied_seq() == 30
    finally:
        index.close()


def test_rebuild_gives_the_same_results(
    built: Indexer, index_dir: Path, records: list[Record]
) -> None:
    queries = ["北斎", "東京", "桜", "watercolour", "", "ほくさい"]
    before = {q: found(index_dir, q) for q in queries}
    built.rebuild(reversed(records), seq=12)
    assert {q: found(index_dir, q) for q in queries} == before


def test_rebuild_keeps_only_the_current_and_previous_generation(
    built: Indexer, index_dir: Path, records: list[Record]
) -> None:
    for seq in (13, 14, 15):
        built.rebuild(records, seq=seq)
    current = (index_dir / "CURRENT").read_text().strip()
    assert len(generations(index_dir)) == 2
    assert current == generations(index_dir)[-1]


def test_failed_rebuild_leaves_the_old_index(
    built: Indexer, index_dir: Path, records: list[Record]
) -> None:
    before = generations(index_dir)

    def broken() -> Iterator[Record]:
        yield records[0]
        raise ValueError("feed exploded")

    with pytest.raises(IndexingError, match="feed exploded"):
        built.rebuild(broken(), seq=99)
    assert generations(index_dir) == before
    assert built.applied_seq() == 12
    assert found(index_dir, "") == {r.id for r in records}


def test_rebuild_lets_project_errors_through(built: Indexer, records: list[Record]) -> None:
    def broken() -> Iterator[Record]:
        yield records[0]
        raise StoreError("database is locked")

    with pytest.raises(StoreError):
        built.rebuild(broken(), seq=99)
    assert built.doc_count() == 12


def test_rebuild_skips_a_repeated_id(index_dir: Path, records: list[Record]) -> None:
    indexer = Indexer(index_dir)
    assert indexer.rebuild([*records, records[0]], seq=1) == len(records)
    assert indexer.doc_count() == len(records)


def test_parallel_rebuild(index_dir: Path, records: list[Record]) -> None:
    indexer = Indexer(index_dir, procs=2)
    assert indexer.rebuild(records, seq=5) == len(records)
    assert indexer.doc_count() == len(records)
    assert found(index_dir, "北斎") == {"tnm-1", "archives-8"}


def test_an_outdated_schema_asks_for_a_rebuild(
    built: Indexer, index_dir: Path, records: list[Record]
) -> None:
    current = index_dir / (index_dir / "CURRENT").read_text().strip()
    (current / "state.json").write_text(json.dumps({"applied_seq": 12, "schema_version": 0}))
    assert built.needs_rebuild()
    with pytest.raises(IndexingError, match="rebuild"):
        built.update([], seq=13)
    built.rebuild(records, seq=13)
    assert not built.needs_rebuild()


def test_the_index_opens_in_a_fresh_interpreter(built: Indexer, index_dir: Path) -> None:
    # The analyzer is pickled into the index: it must import by its own path.
    script = (
        "import sys; from pathlib import Path; from tsunagu.index import SearchIndex, SearchQuery;"
        "print(SearchIndex(Path(sys.argv[1])).search(SearchQuery('北斎')).total)"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script, str(index_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "2"


def test_a_corrupt_pointer_is_an_indexing_error(index_dir: Path) -> None:
    Indexer(index_dir)
    (index_dir / "CURRENT").write_text("../../etc")
    with pytest.raises(IndexingError, match="corrupt"):
        Indexer(index_dir).applied_seq()
