"""Bitsets: the document sets behind facet counts, filters and the query's matches."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from tsunagu.index import Indexer, SearchIndex, SearchQuery
from tsunagu.index.bitsets import BitsetFilter, from_docnums, iter_docnums
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
