"""Ties broken by record id through each segment's record-id order (``record_order``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from opened_index import OpenedIndex

from tsunagu.index import Indexer, SearchIndex, SearchQuery
from tsunagu.index.bitsets import SegmentCache
from tsunagu.index.ranking import Ranking
from tsunagu.index.record_order import DIRECT_READS, RecordOrder, rounded_keys
from tsunagu.records import Record

COUNT = 420


def _record_id(n: int) -> str:
    """Ids whose order is not the order records are indexed in."""
    return f"{(n * 163) % 1000:03d}-{'長' if n % 3 else 'x'}"


def _records(make: Callable[..., Record]) -> list[Record]:
    # Two title lengths: every hit of 富嶽 has one of two scores, ties in the hundreds.
    return [
        make(f"t{_record_id(n)}", "富嶽 図" if n % 2 else "富嶽 山水 図",
             source=("ndl", "tnm")[n % 2])
        for n in range(COUNT)
    ]


@pytest.fixture
def tied(tmp_path: Path, make: Callable[..., Record]) -> tuple[Path, list[Record]]:
    """Three segments (a rebuild, an update, a replacement) and some deletions."""
    records = _records(make)
    index_dir = tmp_path / "index"
    indexer = Indexer(index_dir)
    indexer.rebuild(records[:300], seq=1)
    indexer.update([(r.id, r) for r in records[300:]], seq=2)
    indexer.update([*((r.id, None) for r in records[::11]), *((r.id, r) for r in records[5:60:6])],
                   seq=3)
    deleted = {r.id for r in records[::11]} - {r.id for r in records[5:60:6]}
    return index_dir, [r for r in records if r.id not in deleted]


@pytest.fixture
def opened(tied: tuple[Path, list[Record]]) -> Iterator[OpenedIndex]:
    found = OpenedIndex(tied[0], RecordOrder())
    assert len(found.searcher.leaf_searchers()) >= 3
    yield found
    found.close()


def test_hundreds_of_ties_rank_as_whoosh_and_ids_order_them(opened: OpenedIndex) -> None:
    q, hits, expected = opened.ranked("富嶽")
    scores = {key[0] for key, _ in expected}
    assert len(scores) == 2 and len(expected) > 2 * DIRECT_READS  # two groups of ties
    for count in (1, 20, 150, len(expected) // 2 + 3, len(expected) + 1):
        assert opened.ranking.best(q, hits, count) == expected[:count], count
    for start in (1, 20, 199, len(expected) // 2, len(expected) - 3):
        after = expected[start - 1][0]
        assert opened.ranking.best(q, hits, 20, after) == expected[start : start + 20], start


def test_ties_use_the_segments_id_order(opened: OpenedIndex) -> None:
    q, hits, expected = opened.ranked("富嶽")
    orders = RecordOrder()
    ranking = Ranking(opened.searcher, SegmentCache().arrays, orders)
    assert ranking.best(q, hits, 5) == expected[:5]
    assert len(orders) >= 1  # built for the segments with more than DIRECT_READS ties


def test_a_query_of_only_excluded_words_pages_by_record_id(
    tied: tuple[Path, list[Record]],
) -> None:
    index_dir, live = tied
    expected = sorted(r.id for r in live if "山水" not in r.title.value)
    index = SearchIndex(index_dir)
    first = index.search(SearchQuery("-山水", page_size=25))
    assert first.total == len(expected)
    assert [hit.id for hit in first.hits] == expected[:25]
    third = index.search(SearchQuery("-山水", page=3, page_size=25))
    assert [hit.id for hit in third.hits] == expected[50:75]
    walked: list[str] = []
    results = first
    while True:
        walked += [hit.id for hit in results.hits]
        if results.next_cursor is None:
            break
        results = index.search(SearchQuery("-山水", page_size=25, cursor=results.next_cursor))
    assert walked == expected  # every hit once, in record-id order
    index.close()


def test_orders_kept_across_a_reopen_still_rank_right(
    tied: tuple[Path, list[Record]], make: Callable[..., Record]
) -> None:
    index_dir, _ = tied
    orders = RecordOrder()
    before = OpenedIndex(index_dir, orders)
    q, hits, _ = before.ranked("富嶽")
    before.ranking.best(q, hits, 10)
    built = len(orders)
    before.close()
    assert built >= 1
    # Replace records of every segment: the rebuilt segment survives (with new deletions).
    Indexer(index_dir).update([(r.id, r) for r in _records(make)[:400:40]], seq=4)
    after = OpenedIndex(index_dir, orders)
    alive = {str(leaf.reader().segment().segment_id())
             for leaf, _ in after.searcher.leaf_searchers()}
    orders.keep_only(alive)
    assert 1 <= len(orders) <= built  # the untouched segment's order is kept
    q, hits, expected = after.ranked("富嶽")
    for count in (1, 20, len(expected)):
        assert after.ranking.best(q, hits, count) == expected[:count]
    after.close()
    orders.keep_only(set())
    assert len(orders) == 0


def test_rounded_keys_round_as_python_does() -> None:
    rng = np.random.default_rng(6)
    scores = np.concatenate([
        rng.random(500) * 20,
        np.array([0.0, 1.0000000005, 2.0000000015, 0.1234567895, 7.25, 7.25]),
    ])
    assert rounded_keys(scores).tolist() == [-round(s, 9) for s in scores.tolist()]
    assert rounded_keys(np.zeros(0)).tolist() == []
