"""Bitsets: the document sets behind facet counts, filters and the query's matches."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from pathlib import Path

from tsunagu.index import Indexer, SearchIndex, SearchQuery
from tsunagu.index.bitsets import BitsetFilter, SegmentCache, from_docnums, iter_docnums
from tsunagu.index.directory import IndexDirectory
from tsunagu.records import Record


def test_docnums_round_trip() -> None:
    rng = random.Random(3)
    docnums = sorted(set(rng.sample(range(100_000), 5_000)))
    bits = from_docnums(docnums)
    assert bits.bit_count() == len(docnums)
    assert list(iter_docnums(bits)) == docnums
    assert from_docnums([]) == 0 and list(iter_docnums(0)) == []


def test_a_filter_answers_membership_like_the_set() -> None:
    docnums = {0, 7, 8, 63, 64, 1000}
    allowed = BitsetFilter(from_docnums(docnums))
    assert [n for n in range(1100) if n in allowed] == sorted(docnums)
    assert 10**9 not in allowed and "7" not in allowed
    assert len(allowed) == len(docnums) and sorted(allowed) == sorted(docnums)
    assert BitsetFilter(0)  # an empty filter still filters (everything out)


def test_cached_sets_follow_new_segments_and_deletions(
    tmp_path: Path, records: list[Record]
) -> None:
    indexer = Indexer(tmp_path / "index")
    indexer.rebuild(records[:6], seq=1)
    index = SearchIndex(tmp_path / "index")
    before = index.search(SearchQuery("", filters=(("provider", ("tnm",)),))).total
    for n, record in enumerate(records[6:], start=2):  # one commit (segment) each
        indexer.update([(record.id, record)], seq=n)
    indexer.update([(records[0].id, None)], seq=50)  # tnm-1, from the first segment
    moved = dataclasses.replace(records[3], source_id="ndl")  # tnm-4 becomes ndl's
    indexer.update([(moved.id, moved)], seq=51)
    after = index.search(SearchQuery("", filters=(("provider", ("tnm",)),)))
    expected = {r.id for r in records[1:] if r.source_id == "tnm" and r.id != moved.id}
    assert {h.id for h in after.hits} == expected
    assert after.total == len(expected)
    assert before == 2  # tnm-1 and tnm-4, both gone from tnm now
    index.close()


def _live_segments(index_dir: Path) -> set[str]:
    directory = IndexDirectory(index_dir)
    generation = directory.current()
    assert generation is not None
    ix = directory.open(generation)
    with ix.searcher() as searcher:
        found = {str(leaf.reader().segment().segment_id())
                 for leaf, _ in searcher.leaf_searchers()}
    ix.close()
    return found


def _fill(index: SearchIndex) -> None:
    """Searches that fill every per-segment cache: term sets and postings (a
    word), facet tables (its hits are few), record-id orders (every hit ties)."""
    assert index.search(SearchQuery("雪景")).total >= 2 * 12
    assert index.search(SearchQuery("-zzz")).total > 1_000


def test_one_prune_keeps_every_per_segment_cache_to_the_live_segments(
    tmp_path: Path, make: Callable[..., Record]
) -> None:
    index_dir = tmp_path / "index"
    indexer = Indexer(index_dir)

    def batch(name: str, count: int) -> list[Record]:
        return [make(f"{name}{n:03d}", "雪景 図" if n < 2 else "富嶽 図",
                     source=("ndl", "tnm", "tate")[n % 3]) for n in range(count)]

    indexer.rebuild(batch("r", 400), seq=1)
    rebuilt = _live_segments(index_dir)
    for seq in range(2, 13):  # eleven segments of 70 (each > DIRECT_READS, so ordered)
        indexer.update([(r.id, r) for r in batch(f"u{seq:02d}-", 70)], seq=seq)
    segments = SegmentCache()
    index = SearchIndex(index_dir, segments)
    _fill(index)
    before = {type(cache).__name__: cache.segment_ids() for cache in segments.caches()}
    assert set(before) == {"TermSets", "PostingArrays", "RecordOrder", "FacetTables"}
    # Whoosh merges the eleven small segments into the new one; the rebuilt one stays.
    indexer.update([(r.id, r) for r in batch("last", 5)], seq=13)
    live = _live_segments(index_dir)
    assert rebuilt <= live and len(live) == 2
    _fill(index)
    for cache in segments.caches():
        name = type(cache).__name__
        assert len(before[name] - live) >= 11, name  # it held the segments merged away …
        assert cache.segment_ids() <= live, name  # … and holds only live ones now
    assert rebuilt <= segments.orders.segment_ids()  # the untouched segment's are kept
    index.close()
