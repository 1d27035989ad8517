"""Posting blocks as arrays: a term's documents and weights in one segment.

Whoosh keeps a term's postings in blocks of up to 128 (document numbers as
differences, weights, positions), each pickled and compressed. Its matchers
decode them one posting at a time; here a block becomes two numpy arrays at
once (:func:`read_postings`), and a block that holds none of the wanted
documents is skipped without being decompressed (its last document number is
in its header).

Matching (:mod:`tsunagu.index.bitsets`) and ranking
(:mod:`tsunagu.index.ranking`) read the same terms one after the other, so
decoded postings are kept for a while in a :class:`PostingArrays` cache,
bounded in bytes and keyed by segment id (segments never change once written,
so entries stay valid across searchers until their segment is gone).
"""

from __future__ import annotations

import collections
import itertools
import zlib
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt

Docnums = npt.NDArray[np.int64]
Weights = npt.NDArray[np.float64]
V = TypeVar("V")
#: Memory for decoded postings kept between matching and ranking.
POSTING_CACHE_BYTES = 64 * 1024 * 1024


class TermCache(Generic[V]):
    """Values kept by (segment id, field, term), the least recently used dropped first
    once they take more than ``budget`` bytes (as ``size`` counts them); a value
    larger than the whole budget is not kept."""

    def __init__(self, budget: int, size: Callable[[V], int]) -> None:
        self._budget = budget
        self._size = size
        self._used = 0
        self._values: collections.OrderedDict[tuple[str, str, bytes], V] = (
            collections.OrderedDict())

    def keep_only(self, segment_ids: Iterable[str]) -> None:
        """Forget the segments that are gone (merged away or replaced)."""
        alive = set(segment_ids)
        for key in [key for key in self._values if key[0] not in alive]:
            self._used -= self._size(self._values.pop(key))

    def segment_ids(self) -> frozenset[str]:
        """The segments something is kept of."""
        return frozenset(segment_id for segment_id, _, _ in self._values)

    def get(self, segment_id: str, field: str, term: bytes) -> V | None:
        """The value if it is kept."""
        key = (segment_id, field, term)
        found = self._values.get(key)
        if found is not None:
            self._values.move_to_end(key)
        return found

    def put(self, segment_id: str, field: str, term: bytes, value: V) -> None:
        size = self._size(value)
        if size > self._budget:
            return
        self._values[(segment_id, field, term)] = value
        self._used += size
        while self._used > self._budget:
            self._used -= self._size(self._values.popitem(last=False)[1])


class PostingArrays(TermCache[tuple[Docnums, Weights]]):
    """Decoded postings of recently read terms, least recently used dropped first."""

    def __init__(self, budget: int = POSTING_CACHE_BYTES) -> None:
        super().__init__(budget, _size)

    def read(
        self, segment_id: str, reader: Any, field: str, term: bytes
    ) -> tuple[Docnums, Weights]:
        """Every posting of ``term`` in the segment (kept for the next reader)."""
        found = self.get(segment_id, field, term)
        if found is None:
            found = read_postings(reader, field, term)
            self.put(segment_id, field, term, found)
        return found


def _size(arrays: tuple[Docnums, Weights]) -> int:
    return int(arrays[0].nbytes + arrays[1].nbytes) + 200


def read_postings(
    reader: Any, field: str, term: bytes, within: Docnums | None = None
) -> tuple[Docnums, Weights]:
    """One segment's postings of a term: document numbers (ascending) and weights.

    With ``within`` (sorted document numbers of the segment), only the blocks
    that may hold one of them are decoded; the others' postings are left out.
    """
    matcher = reader.postings(field, term)
    matcher = getattr(matcher, "child", matcher)  # unwrap Whoosh's deletion filter
    if not hasattr(matcher, "_read_data"):  # postings kept inline in the term info
        ids: list[int] = []
        weights: list[float] = []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
    id_blocks: list[Docnums] = []
    weight_blocks: list[Weights] = []
    last = -1  # the last document number of the previous block
    while matcher.is_active():
        if within is not None:
            first_wanted = int(np.searchsorted(within, last, side="right"))
            if first_wanted == len(within):
                break  # no wanted document is left
            last = matcher._maxid
            if within[first_wanted] > last:
                matcher._next_block()
                continue
        _read_block(matcher, id_blocks, weight_blocks)
        matcher._next_block()
    if not id_blocks:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)


def _read_block(matcher: Any, id_blocks: list[Docnums], weight_blocks: list[Weights]) -> None:
    """Decode the current block of a Whoosh 3 posting matcher as its own reader does."""
    raw = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
    if matcher._compression:
        raw = zlib.decompress(raw)
    fast = _ids_and_weights(raw, matcher._blocklength)
    if fast is None:  # Whoosh's own reading (unpickling)
        matcher._read_data()
        stored_ids, stored_weights = matcher._data[0], matcher._data[1]
        block_ids = np.asarray(stored_ids, dtype=np.int64)
    else:
        block_ids, stored_weights = fast
    if not matcher._byteids:  # stored as differences within the block
        block_ids = np.cumsum(block_ids)
    id_blocks.append(block_ids)
    if stored_weights is None:
        weight_blocks.append(np.ones(len(block_ids), dtype=np.float64))
    elif isinstance(stored_weights, float):
        # Whoosh's reader widens a block's common weight through a 32-bit float.
        weight = float(np.float32(stored_weights))
        weight_blocks.append(np.full(len(block_ids), weight, dtype=np.float64))
    else:
        weight_blocks.append(np.asarray(stored_weights, dtype=np.float64))


# Pickle opcodes (protocol 2) of a block's ``(ids, weights, values)`` tuple.
_MARK, _TUPLE, _BINPUT, _LONG_BINPUT = 0x28, 0x74, 0x71, 0x72
_BININT1, _BININT2, _BININT = 0x4B, 0x4D, 0x4A
_NONE, _BINFLOAT = 0x4E, 0x47
_BLOCK_START = b"\x80\x02("
_INT_SIZE = {_BININT1: 1, _BININT2: 2, _BININT: 4}


def _ids_and_weights(data: bytes, count: int) -> tuple[Docnums, Weights | float | None] | None:
    """The stored ids and weights of a pickled block, read without unpickling it.

    Unpickling a block builds every posting's value too (positions, through a
    function call each), which is most of the cost of reading postings. The
    common layout — ``count`` ids as pickled integers, then ``None``, one float
    or ``count`` floats — is read directly (with numpy when the ids after the
    first are one-byte numbers); anything else gives ``None`` (the caller
    unpickles).
    """
    if count < 4 or not data.startswith(_BLOCK_START):
        return None
    found = _small_ids(data, count) or _ids(data, count)
    if found is None:
        return None
    ids, stop = found
    memo = data[stop + 1] if len(data) > stop + 1 else None
    at = stop + (3 if memo == _BINPUT else 6 if memo == _LONG_BINPUT else 0)
    if at == stop or len(data) <= at + 9:
        return None
    kind = data[at]
    if kind == _NONE:
        return ids, None
    if kind == _BINFLOAT:
        return ids, float(np.frombuffer(data, dtype=">f8", count=1, offset=at + 1)[0])
    end = at + 1 + 9 * count
    if kind != _MARK or len(data) <= end or data[end] != _TUPLE:
        return None
    cells = np.frombuffer(data, dtype=np.uint8, count=9 * count, offset=at + 1).reshape(-1, 9)
    if not (cells[:, 0] == _BINFLOAT).all():
        return None
    weights = np.ascontiguousarray(cells[:, 1:]).view(">f8").ravel().astype(np.float64)
    return ids, weights


def _small_ids(data: bytes, count: int) -> tuple[Docnums, int] | None:
    """The ids when all after the first are one-byte numbers, and where they end."""
    size = _INT_SIZE.get(data[3])
    if size is None:
        return None
    start = 4 + size
    stop = start + 2 * (count - 1)
    if len(data) <= stop or data[stop] != _TUPLE:
        return None
    pairs = np.frombuffer(data, dtype=np.uint8, count=stop - start, offset=start).reshape(-1, 2)
    if not (pairs[:, 0] == _BININT1).all():
        return None
    ids = np.empty(count, dtype=np.int64)
    ids[0] = int.from_bytes(data[4:start], "little", signed=size == 4)
    ids[1:] = pairs[:, 1]
    return ids, stop


def _ids(data: bytes, count: int) -> tuple[Docnums, int] | None:
    """The ids as pickled integers of any size, one by one, and where they end."""
    values = []
    at = 3
    try:
        for _ in range(count):
            size = _INT_SIZE[data[at]]
            values.append(int.from_bytes(data[at + 1 : at + 1 + size], "little", signed=size == 4))
            at += 1 + size
        if data[at] != _TUPLE:
            return None
    except (KeyError, IndexError):
        return None
    return np.array(values, dtype=np.int64), at


def docnum_array(bits: int, size: int) -> Docnums:
    """The document numbers of a bitset over ``size`` documents, ascending."""
    raw = np.frombuffer(bits.to_bytes((bits.bit_length() + 7) // 8, "little"), dtype=np.uint8)
    if bits.bit_count() * 8 > size:  # dense: unpack every byte
        dense: Docnums = np.flatnonzero(np.unpackbits(raw, bitorder="little")).astype(np.int64)
        return dense
    occupied = np.flatnonzero(raw)  # sparse: only the bytes with a document are unpacked
    flags = np.unpackbits(raw[occupied].reshape(-1, 1), axis=1, bitorder="little")
    rows, columns = np.nonzero(flags)  # row by row: ascending
    found: Docnums = occupied[rows].astype(np.int64) * 8 + columns
    return found


def bits_of(docnums: Docnums, size: int) -> int:
    """The bitset of some document numbers below ``size``."""
    if len(docnums) * 64 < size:  # few: set them one by one
        buffer = bytearray((size + 7) // 8)
        for docnum in docnums.tolist():
            buffer[docnum >> 3] |= 1 << (docnum & 7)
        return int.from_bytes(buffer, "little")
    flags = np.zeros(size, dtype=np.uint8)
    flags[docnums] = 1
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def segment_bounds(docnums: Docnums, starts: Docnums) -> list[tuple[int, int, int]]:
    """``(segment, first, stop)``: the slice of ascending ``docnums`` (the open
    searcher's numbers) in each segment that holds any; ``starts`` are the
    segments' first document numbers, ascending, the first one 0."""
    bounds = [*np.searchsorted(docnums, starts).tolist(), len(docnums)]
    return [
        (segment, first, stop)
        for segment, (first, stop) in enumerate(itertools.pairwise(bounds))
        if stop > first
    ]
