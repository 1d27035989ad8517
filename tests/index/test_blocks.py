"""Posting blocks as arrays: what Whoosh's matchers read, a block at a time."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tsunagu.index import Indexer
from tsunagu.index.bitsets import from_docnums
from tsunagu.index.blocks import (
    PostingArrays,
    bits_of,
    docnum_array,
    read_postings,
    segment_bounds,
)
from tsunagu.index.directory import IndexDirectory
from tsunagu.records import Record


@pytest.fixture
def reader(tmp_path: Path, make: Callable[..., Record], records: list[Record]) -> object:
    """One segment where a word is in 600 titles (five blocks) with varied
    frequencies, and another in every 300th (far apart: larger stored numbers)."""
    common = [
        make(f"w{n}", "富嶽 " * (1 + n % 3) + f"図{n}" + (" 山水" if n % 300 == 0 else ""))
        for n in range(1200)
    ]
    Indexer(tmp_path / "index").rebuild([*records, *common], seq=1)
    directory = IndexDirectory(tmp_path / "index")
    generation = directory.current()
    assert generation is not None
    searcher = directory.open(generation).searcher()
    leaves = searcher.leaf_searchers()
    assert len(leaves) == 1
    return leaves[0][0].reader()


def _whoosh_postings(reader: object, field: str, term: bytes) -> tuple[list[int], list[float]]:
    matcher = reader.postings(field, term)  # type: ignore[attr-defined]
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def test_every_term_reads_as_whoosh_reads_it(reader: object) -> None:
    compared = 0
    for field in ("title", "chars", "provider_id", "reuse", "description"):
        for term in reader.lexicon(field):  # type: ignore[attr-defined]
            ids, weights = read_postings(reader, field, term)
            expected_ids, expected_weights = _whoosh_postings(reader, field, term)
            assert ids.tolist() == expected_ids, (field, term)
            assert weights.tolist() == expected_weights, (field, term)
            compared += len(ids)
    ids, weights = read_postings(reader, "title", "富岳".encode())
    assert len(ids) == 1201 and set(weights.tolist()) == {1.0, 2.0, 3.0}  # several blocks
    sparse, _ = read_postings(reader, "title", "山水".encode())
    assert len(sparse) == 4 and min(np.diff(sparse)) > 255
    assert compared > 10_000


def test_blocks_without_a_wanted_document_are_skipped(reader: object) -> None:
    term = "富岳".encode()
    all_ids, all_weights = read_postings(reader, "title", term)
    wanted = np.array([int(all_ids[3]), int(all_ids[300]), 10**6], dtype=np.int64)
    assert len(all_ids) > 1000
    ids, weights = read_postings(reader, "title", term, wanted)
    assert len(ids) < len(all_ids) / 4  # only the blocks of the two documents were read
    assert {int(all_ids[3]), int(all_ids[300])} <= set(ids.tolist())
    kept = np.isin(all_ids, ids)
    assert weights.tolist() == all_weights[kept].tolist()
    empty, _ = read_postings(reader, "title", term, np.zeros(0, dtype=np.int64))
    assert len(empty) == 0


def test_the_cache_keeps_what_fits_and_forgets_gone_segments(reader: object) -> None:
    term = "富岳".encode()
    arrays = PostingArrays(budget=30_000)
    ids, _ = arrays.read("s1", reader, "title", term)
    assert arrays.get("s1", "title", term) is not None
    arrays.read("s2", reader, "title", term)  # over the budget: the older one goes
    assert arrays.get("s1", "title", term) is None
    assert arrays.get("s2", "title", term) is not None
    arrays.keep_only(["s3"])
    assert arrays.get("s2", "title", term) is None
    assert len(ids) == 1201
    small = PostingArrays(budget=100)  # too big to keep at all: still read
    assert len(small.read("s1", reader, "title", term)[0]) == 1201
    assert small.get("s1", "title", term) is None


@pytest.mark.parametrize("count", [0, 1, 40, 5_000, 90_000])
def test_bitsets_and_arrays_round_trip(count: int) -> None:
    size = 100_003
    docnums = sorted(random.Random(count).sample(range(size), count))
    array = np.array(docnums, dtype=np.int64)
    bits = bits_of(array, size)
    assert bits == from_docnums(docnums)
    assert docnum_array(bits, size).tolist() == docnums


def test_segment_bounds_slice_the_hits_of_each_segment() -> None:
    starts = np.array([0, 10, 10, 25, 40], dtype=np.int64)  # the second segment is empty
    docnums = np.array([0, 9, 10, 24, 41, 45], dtype=np.int64)  # none in the fourth
    assert segment_bounds(docnums, starts) == [(0, 0, 2), (2, 2, 4), (4, 4, 6)]
    assert segment_bounds(np.zeros(0, dtype=np.int64), starts) == []
