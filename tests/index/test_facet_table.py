"""Facet counts looked up by document agree with the bitset intersections."""

from __future__ import annotations

import random

import numpy as np
import pytest

from tsunagu.index.bitsets import from_docnums
from tsunagu.index.blocks import docnum_array
from tsunagu.index.facet_table import FacetTable

SIZE = 5_000


def _values(rng: random.Random, multi: bool) -> dict[str, int]:
    """Value → bitset: each document has one value (or, with ``multi``, zero to three)."""
    members: dict[str, list[int]] = {f"v{n}": [] for n in range(12)}
    for docnum in range(SIZE):
        count = rng.choice((0, 1, 1, 2, 3)) if multi else 1
        for value in rng.sample(sorted(members), count):
            members[value].append(docnum)
    members["never"] = []
    return {value: from_docnums(docnums) for value, docnums in members.items()}


@pytest.mark.parametrize("multi", [False, True])
@pytest.mark.parametrize("hits", [0, 1, 17, 300, SIZE])
def test_counts_equal_the_bitset_intersections(multi: bool, hits: int) -> None:
    rng = random.Random(hits * 2 + multi)
    values = _values(rng, multi)
    table = FacetTable(values, SIZE)
    chosen = from_docnums(sorted(rng.sample(range(SIZE), hits)))
    expected = {v: c for v, bits in values.items() if (c := (chosen & bits).bit_count())}
    assert table.counts(docnum_array(chosen, SIZE)) == expected
    if not multi:  # one value a document: the counts add up to the hits
        assert sum(expected.values()) == hits


def test_documents_past_the_last_value_and_an_empty_facet() -> None:
    table = FacetTable({"a": from_docnums([0, 3]), "b": from_docnums([3])}, 10)
    assert table.counts(np.array([3, 9], dtype=np.int64)) == {"a": 1, "b": 1}
    assert table.counts(np.array([9], dtype=np.int64)) == {}
    assert FacetTable({}, 10).counts(np.array([1, 2], dtype=np.int64)) == {}
