"""Facet values by document, for counting the facets of a small hit set.

Facet counts are intersections of bitsets (:mod:`tsunagu.index.bitsets`): for
every value of every facet one ``&`` and one ``bit_count()`` over the whole
index, whatever the number of hits — about 160 values, ~70 µs each at a
million documents. When the hits are few, it is cheaper to look their values
up: a :class:`FacetTable` keeps, for one facet, each document's value codes
(compressed sparse rows: where each document's codes start, then the codes), so
counting costs a few array operations over the hits and their values.
:class:`FacetTables` keeps the tables of each segment while it lives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import numpy.typing as npt

from tsunagu.index.blocks import Docnums, docnum_array

#: Hit sets up to this fraction of the index are counted through the table.
SPARSE_FRACTION = 1 / 16


class FacetTable:
    """The values of one facet for every document of an open searcher."""

    def __init__(self, values: Mapping[str, int], size: int) -> None:
        """``values``: each value → the bitset of its documents; ``size``: documents."""
        self.names = list(values)
        docs = [docnum_array(bits, size) for bits in values.values()]
        codes = [np.full(len(d), code, dtype=np.int32) for code, d in enumerate(docs)]
        all_docs = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
        all_codes = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
        order = np.argsort(all_docs, kind="stable")
        self._codes: npt.NDArray[np.int32] = all_codes[order]
        per_doc = np.bincount(all_docs, minlength=size)[:size]
        starts = np.concatenate(([0], np.cumsum(per_doc, dtype=np.int64)))
        # Half the memory while the pairs fit 32 bits (a billion values).
        self._starts: npt.NDArray[np.int64] | npt.NDArray[np.int32] = (
            starts.astype(np.int32) if starts[-1] < 2**31 else starts
        )

    def counts(self, docnums: Docnums) -> dict[str, int]:
        """Value → how many of ``docnums`` (distinct) have it; values counted 0 left out."""
        first = self._starts[docnums]
        lengths = self._starts[docnums + 1] - first
        total = int(lengths.sum())
        if not total:
            return {}
        # The positions of every hit's codes: each hit's run first..first+length.
        run_starts = np.cumsum(lengths) - lengths
        positions = np.repeat(first - run_starts, lengths) + np.arange(total)
        tally = np.bincount(self._codes[positions], minlength=len(self.names))
        return {self.names[code]: int(tally[code]) for code in np.flatnonzero(tally)}


class FacetTables:
    """Facet tables by segment id and field, kept across searchers while the segment lives."""

    def __init__(self) -> None:
        self._tables: dict[tuple[str, str], FacetTable] = {}

    def keep_only(self, segment_ids: Iterable[str]) -> None:
        """Forget the segments that are gone (merged away or replaced)."""
        alive = set(segment_ids)
        for key in [key for key in self._tables if key[0] not in alive]:
            del self._tables[key]

    def segment_ids(self) -> frozenset[str]:
        """The segments a table is kept of."""
        return frozenset(segment_id for segment_id, _ in self._tables)

    def table(
        self, segment_id: str, field: str, values: Callable[[], Mapping[str, int]], size: int
    ) -> FacetTable:
        """The table of ``field`` in a segment of ``size`` documents, built at first
        use from ``values`` (each value → the bitset of its documents there)."""
        found = self._tables.get((segment_id, field))
        if found is None:
            found = self._tables[(segment_id, field)] = FacetTable(values(), size)
        return found
