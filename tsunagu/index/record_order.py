"""Record ids in order: how hits that tie on score are put in a total order.

Relevance keys are ``(-round(score, 9), record id)``. When thousands of hits
tie at a page's end (a common word, or a query of only excluded words, where
every hit scores the same), reading each tied hit's id costs a column read and
a decode per hit: ~10 ms for 4,000 ties, seconds for a million. Within one
segment, record-id order is fixed once the segment is written, so
:class:`RecordOrder` keeps, per segment, the rank of each document by record
id (two ``int32`` arrays, 8 bytes a document, built from the ``id`` column in
one read and kept while the segment lives, across searchers). A segment's best
``k`` hits by ``(key, id)`` are then found with array operations on
``(key, rank)``, and only those ``k`` ids are read; the segments' best are
merged by their real ids.

Small sets (a few dozen hits in a segment) read their ids directly: cheaper
than building a segment's order for them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

_Docnums = npt.NDArray[np.int64]
_Ranks = npt.NDArray[np.int32]
#: Up to this many hits of a segment, ids are read one by one.
DIRECT_READS = 64


@dataclasses.dataclass(frozen=True)
class _Order:
    """A segment's documents sorted by record id (``sorted``) and each document's
    position in that order (``rank``)."""

    sorted: _Ranks
    rank: _Ranks


class RecordOrder:
    """Record-id orders of segments, kept by segment id while the segment lives."""

    def __init__(self) -> None:
        self._orders: dict[str, _Order] = {}

    def keep_only(self, segment_ids: Iterable[str]) -> None:
        """Forget the segments that are gone (merged away or replaced)."""
        alive = set(segment_ids)
        for segment_id in [s for s in self._orders if s not in alive]:
            del self._orders[segment_id]

    def segment_ids(self) -> frozenset[str]:
        """The segments an order is kept of."""
        return frozenset(self._orders)

    def order(self, segment_id: str, ids: SegmentIds) -> _Order:
        """The order of a segment, built from its ids at first use."""
        found = self._orders.get(segment_id)
        if found is None:
            found = self._orders[segment_id] = _build(ids.all())
        return found

    def __len__(self) -> int:
        return len(self._orders)


def _build(keys: npt.NDArray[np.bytes_]) -> _Order:
    size = len(keys)
    ordered = np.argsort(keys, kind="stable").astype(np.int32)
    rank = np.empty(size, dtype=np.int32)
    rank[ordered] = np.arange(size, dtype=np.int32)
    return _Order(ordered, rank)


#: Ids laid out at once when a segment's order is built (bounds its scratch memory).
_CHUNK = 16_384


def _fixed_width(
    data: npt.NDArray[np.uint8], starts: _Docnums, counts: _Docnums
) -> npt.NDArray[np.bytes_]:
    """Each id (``counts[i]`` bytes of ``data`` from ``starts[i]``) in a row of the
    longest id's width, padded with NUL."""
    width = max(1, int(counts.max()))
    rows = np.zeros((len(starts), width), dtype=np.uint8)
    columns = np.arange(width, dtype=np.int64)
    last = max(0, len(data) - 1)
    for first in range(0, len(starts), _CHUNK):
        part = slice(first, first + _CHUNK)
        cells = np.minimum(starts[part, None] + columns, last)
        rows[part] = np.where(columns < counts[part, None], data[cells], 0)
    found: npt.NDArray[np.bytes_] = rows.view(f"S{width}").ravel()
    return found


class SegmentIds:
    """Reads one open segment's record ids (valid while its searcher is open)."""

    def __init__(self, reader: Any) -> None:
        self._size = int(reader.doc_count_all())
        column = reader.column_reader("id", translate=False)
        self._read: Callable[[int], bytes]
        self._all: Callable[[], npt.NDArray[np.bytes_]]
        if all(hasattr(column, a) for a in ("_dbfile", "_basepos", "_offsets", "_lengths")):
            # Whoosh's variable-length column: its offsets and lengths, read directly.
            get, base = column._dbfile.get, column._basepos
            offsets, lengths = column._offsets, column._lengths

            def read(docnum: int) -> bytes:
                return bytes(get(base + offsets[docnum], lengths[docnum]))

            def read_all() -> npt.NDArray[np.bytes_]:
                size = self._size
                if not size:
                    return np.zeros(0, dtype="S1")
                data = np.frombuffer(get(base, offsets[size - 1] + lengths[size - 1]), np.uint8)
                starts = np.asarray(offsets, dtype=np.int64)[:size]
                counts = np.asarray(lengths, dtype=np.int64)[:size]
                return _fixed_width(data, starts, counts)

            self._read, self._all = read, read_all
        else:  # another column type: through its reader

            def read_value(docnum: int) -> bytes:
                value = column[docnum]
                return value if isinstance(value, bytes) else str(value).encode("utf-8")

            self._read = read_value
            self._all = lambda: np.array(
                [read_value(d) for d in range(self._size)] or [b""], dtype=np.bytes_
            )[: self._size]

    def of(self, local: Iterable[int]) -> list[str]:
        """The ids of some documents (segment numbers)."""
        read = self._read
        return [read(docnum).decode("utf-8") for docnum in local]

    def all(self) -> npt.NDArray[np.bytes_]:
        """Every document's id as fixed-width UTF-8 bytes (which sort as the ids do:
        ids hold no NUL, and UTF-8 sorts as the strings), by document number."""
        return self._all()

    def first_after(self, order: _Order, record_id: str) -> int:
        """How many of the segment's documents have an id ``<= record_id``."""
        target = record_id.encode("utf-8")
        low, high = 0, len(order.sorted)
        while low < high:
            middle = (low + high) // 2
            if self._read(int(order.sorted[middle])) <= target:
                low = middle + 1
            else:
                high = middle
        return low


def best_by_id(
    keys: npt.NDArray[np.float64],
    local: _Docnums,
    count: int,
    ids: SegmentIds,
    order: Callable[[], _Order],
) -> list[tuple[tuple[float, str], int]]:
    """The ``count`` smallest ``((key, record id), local docnum)`` of one segment's hits.

    ``keys`` are the hits' rounded keys, ``local`` their segment document numbers;
    ``order`` gives the segment's record-id order (built on first use).
    """
    if count <= 0 or not len(local):
        return []
    if len(local) > max(count, DIRECT_READS):
        rank = order().rank[local]
        kth = np.partition(keys, count - 1)[count - 1]
        better = np.flatnonzero(keys < kth)
        tied = np.flatnonzero(keys == kth)
        need = count - len(better)
        if len(tied) > need:
            tied = tied[np.argpartition(rank[tied], need - 1)[:need]]
        chosen = np.concatenate([better, tied])
        keys, local = keys[chosen], local[chosen]
    docnums = local.tolist()
    keyed = zip(zip(keys.tolist(), ids.of(docnums), strict=True), docnums, strict=True)
    return sorted(keyed)[:count]


def after_by_id(
    keys: npt.NDArray[np.float64],
    local: _Docnums,
    after: tuple[float, str],
    ids: SegmentIds,
    order: Callable[[], _Order],
) -> npt.NDArray[np.bool_]:
    """Which of one segment's hits have ``(key, record id) > after``."""
    later = keys > after[0]
    same = np.flatnonzero(keys == after[0])
    if len(same) > DIRECT_READS:
        segment_order = order()
        threshold = ids.first_after(segment_order, after[1])
        later[same] = segment_order.rank[local[same]] >= threshold
    elif len(same):
        later[same] = [record_id > after[1] for record_id in ids.of(local[same].tolist())]
    return later


def rounded_keys(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``-round(score, 9)`` of each score, as Python rounds (once per distinct score)."""
    if not len(scores):
        return np.zeros(0, dtype=np.float64)
    low, high = float(scores.min()), float(scores.max())
    if low == high:  # one score (every hit of a query of only excluded words)
        return np.full(len(scores), -round(low, 9), dtype=np.float64)
    distinct, positions = np.unique(scores, return_inverse=True)
    keys = np.array([-round(score, 9) for score in distinct.tolist()], dtype=np.float64)
    found: npt.NDArray[np.float64] = keys[positions]
    return found

