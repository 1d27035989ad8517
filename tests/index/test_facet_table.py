"""Facet counts looked up by document agree with the bitset intersections."""

from __future__ import annotations

import random

import numpy as np
import pytest

from tsunagu.index.bitsets import from_docnums
from tsunagu.index.blocks import docnum_array
from tsunagu.index.facet_table import FacetTable, FacetTables

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


def test_tables_are_built_once_per_segment_and_forgotten_with_it() -> None:
    tables = FacetTables()
    built: list[str] = []

    def values(segment_id: str) -> dict[str, int]:
        built.append(segment_id)
        return {"a": from_docnums([0, 2]), "b": from_docnums([1])}

    hits = np.array([0, 1], dtype=np.int64)
    for segment_id in ("s1", "s2", "s1"):
        table = tables.table(segment_id, "sector", lambda: values(segment_id), 3)
        assert table.counts(hits) == {"a": 1, "b": 1}
    assert built == ["s1", "s2"] and tables.segment_ids() == {"s1", "s2"}
    tables.keep_only(["s2", "s9"])
    assert tables.segment_ids() == {"s2"}
    tables.table("s1", "sector", lambda: values("s1"), 3)
    assert built == ["s1", "s2", "s1"]  # built again: it was forgotten
