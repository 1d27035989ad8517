"""Document sets as bitsets, read from Whoosh postings and cached per segment.

A set of documents is a Python ``int`` whose bit *n* is document *n* of the
open searcher (Whoosh's global document numbers). ``&``, ``|`` and
``int.bit_count()`` run in C, so intersecting a query with a facet value and
counting the result costs microseconds even at a million documents, where
Whoosh's ``groupedby`` visits every hit in Python.

Postings are read a block at a time straight from each segment into arrays
(:mod:`tsunagu.index.blocks`: no scoring, no per-document matcher calls; the
query's terms are kept decoded for ranking) and the bits of one term in one
segment are cached under the segment's id: segments never change once written
(only their deletion sets do, applied through :attr:`Bitsets.live`), so an
incremental update keeps every cached set of the untouched segments. Query-level sets
(phrases, prefixes) are cached per searcher, in a small LRU. :class:`SegmentCache`
holds every cache kept by segment id (these sets and those of the other modules)
and forgets the gone segments in all of them at once.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, runtime_checkable

from whoosh import query as wq
from whoosh.idsets import DocIdSet

from tsunagu.index.blocks import PostingArrays, TermCache, bits_of, read_postings
from tsunagu.index.facet_table import FacetTables
from tsunagu.index.record_order import RecordOrder

#: Query-level sets kept per open searcher.
QUERY_CACHE_SIZE = 256
#: Memory for cached term sets of segments (the least recently used go first).
TERM_CACHE_BYTES = 256 * 1024 * 1024


@runtime_checkable
class PerSegment(Protocol):
    """A cache keyed by segment id: segments never change once written, so its
    entries stay valid across searchers until their segment is gone."""

    def keep_only(self, segment_ids: Iterable[str]) -> None:
        """Forget the segments not in ``segment_ids``."""

    def segment_ids(self) -> frozenset[str]:
        """The segments it holds something of."""


class TermSets(TermCache[int]):
    """Term bitsets of segments (local document numbers), least recently used
    dropped first once they hold more than ``budget`` bytes."""

    def __init__(self, budget: int = TERM_CACHE_BYTES) -> None:
        super().__init__(budget, _size)


class SegmentCache:
    """Every cache kept by segment id across searchers: term bitsets, decoded
    postings, record-id orders and facet tables.

    :meth:`prune` forgets the gone segments in each of them at once — every
    attribute that is a :class:`PerSegment` cache, so a cache added here is
    pruned too. Whoever opens a searcher calls it once after each (re)open.
    """

    def __init__(self, budget: int = TERM_CACHE_BYTES) -> None:
        self.terms = TermSets(budget)
        #: Decoded postings of the query terms read last, for ranking them.
        self.arrays = PostingArrays()
        self.orders = RecordOrder()
        self.tables = FacetTables()

    def caches(self) -> list[PerSegment]:
        """Every per-segment cache held here."""
        return [cache for cache in vars(self).values() if isinstance(cache, PerSegment)]

    def prune(self, searcher: Any) -> None:
        """Forget, in every cache, the segments ``searcher`` does not read."""
        self.keep_only(
            str(leaf.reader().segment().segment_id()) for leaf, _ in searcher.leaf_searchers()
        )

    def keep_only(self, segment_ids: Iterable[str]) -> None:
        """Forget, in every cache, the segments not in ``segment_ids``."""
        alive = frozenset(segment_ids)
        for cache in self.caches():
            cache.keep_only(alive)

    def term_bits(
        self, segment_id: str, reader: Any, field: str, term: bytes, keep_arrays: bool = False
    ) -> int:
        """The segment's documents holding ``term`` (local numbers); with
        ``keep_arrays`` the decoded postings are kept in :attr:`arrays` too."""
        bits = self.terms.get(segment_id, field, term)
        if bits is None:
            if keep_arrays:
                ids, _ = self.arrays.read(segment_id, reader, field, term)
            else:
                ids, _ = read_postings(reader, field, term)
            bits = bits_of(ids, reader.doc_count_all())
            self.terms.put(segment_id, field, term, bits)
        return bits


def _size(bits: int) -> int:
    return (bits.bit_length() + 7) // 8 + 32


class Bitsets:
    """The document sets of one open searcher."""

    def __init__(self, searcher: Any, segments: SegmentCache) -> None:
        self._searcher = searcher
        self._segments = segments
        self._leaves: list[tuple[str, Any, int]] = []
        live = 0
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            count = reader.doc_count_all()
            if not count:
                continue
            segment_id = str(reader.segment().segment_id())
            self._leaves.append((segment_id, reader, offset))
            segment_live = (1 << count) - 1
            if reader.has_deletions():
                segment_live &= ~from_docnums(reader.deleted_docs_set)
            live |= segment_live << offset
        self.live = live
        self._queries: collections.OrderedDict[Any, int] = collections.OrderedDict()
        self._values: dict[str, dict[str, int]] = {}

    def term(self, field: str, text: str) -> int:
        """Live documents holding ``text`` in ``field``."""
        return self._cached(("term", field, text), lambda: self._term(field, text))

    def query_term(self, field: str, text: str) -> int:
        """:meth:`term` for a term the query will rank by (its postings are kept)."""
        return self._cached(("term", field, text), lambda: self._term(field, text, True))

    def values(self, field: str) -> dict[str, int]:
        """Every term of ``field`` → its live documents (facet values)."""
        found = self._values.get(field)
        if found is None:
            terms: set[str] = set()
            for _, reader, _ in self._leaves:
                terms.update(_decode(t) for t in reader.lexicon(field))
            found = {term: self._term(field, term) for term in sorted(terms)}
            self._values[field] = found
        return found

    @property
    def segments(self) -> list[tuple[str, int, int]]:
        """``(segment id, first document number, documents)`` of each segment."""
        return [(sid, offset, reader.doc_count_all()) for sid, reader, offset in self._leaves]

    def segment_values(self, segment_id: str, field: str) -> dict[str, int]:
        """Every term of ``field`` in one segment → its documents there (the
        segment's own numbers, deleted documents included)."""
        for leaf_id, reader, _ in self._leaves:
            if leaf_id == segment_id:
                return {
                    _decode(term): self._segments.term_bits(segment_id, reader, field, term)
                    for term in reader.lexicon(field)
                }
        raise KeyError(segment_id)

    def query(self, q: Any) -> int:
        """Live documents matching a Whoosh query (without scoring)."""
        if isinstance(q, wq.Term):
            return self.query_term(q.fieldname, q.text)
        if isinstance(q, wq.Every):
            return self.live
        if isinstance(q, wq.And):
            bits = self.live
            for sub in q.subqueries:
                bits &= self.query(sub)
                if not bits:
                    break
            return bits
        if isinstance(q, wq.Or):
            bits = 0
            for sub in q.subqueries:
                bits |= self.query(sub)
            return bits
        if isinstance(q, wq.AndNot):
            return self.query(q.a) & ~self.query(q.b)
        if isinstance(q, wq.Prefix):
            return self._cached(("prefix", q.fieldname, q.text), lambda: self._prefix(q))
        if isinstance(q, wq.Phrase):
            return self._cached(("phrase", q.fieldname, tuple(q.words)), lambda: self._phrase(q))
        return self._cached(("query", repr(q)), lambda: self._matched(q, None))

    def _term(self, field: str, text: str, keep_arrays: bool = False) -> int:
        bits = 0
        term = text.encode("utf-8")
        for segment_id, reader, offset in self._leaves:
            if (field, term) in reader:
                found = self._segments.term_bits(segment_id, reader, field, term, keep_arrays)
                bits |= found << offset
        return bits & self.live

    def _prefix(self, q: Any) -> int:
        bits = 0
        for term in self._searcher.reader().expand_prefix(q.fieldname, q.text):
            bits |= self.query_term(q.fieldname, _decode(term))
        return bits

    def _phrase(self, q: Any) -> int:
        candidates = self.live
        for word in q.words:
            candidates &= self.query_term(q.fieldname, word)
            if not candidates:
                return 0
        return self._matched(q, candidates)

    def _matched(self, q: Any, within: int | None) -> int:
        """Whoosh's own matching (positions checked), limited to ``within``."""
        allow = None if within is None else BitsetFilter(within)
        results = self._searcher.search(q, limit=None, scored=False, filter=allow)
        return from_docnums(results.docs()) & self.live

    def _cached(self, key: Any, compute: Any) -> int:
        bits = self._queries.get(key)
        if bits is None:
            bits = compute()
            self._queries[key] = bits
            if len(self._queries) > QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        else:
            self._queries.move_to_end(key)
        return int(bits)


class BitsetFilter(DocIdSet):  # type: ignore[misc]
    """A bitset that Whoosh can use as a search filter (``docnum in allowed``)."""

    def __init__(self, bits: int) -> None:
        self._bytes = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
        self._size = len(self._bytes)
        self._count = bits.bit_count()

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return True  # an empty filter still filters everything out

    def __contains__(self, docnum: object) -> bool:
        if not isinstance(docnum, int):
            return False
        byte = docnum >> 3
        return byte < self._size and bool(self._bytes[byte] >> (docnum & 7) & 1)

    def __iter__(self) -> Iterator[int]:
        return iter_docnums(int.from_bytes(self._bytes, "little"))


def from_docnums(docnums: Iterable[int]) -> int:
    """The bitset of some document numbers."""
    buffer = bytearray()
    for docnum in docnums:
        byte = docnum >> 3
        if byte >= len(buffer):
            buffer.extend(bytes(byte - len(buffer) + 1 + len(buffer) // 2))
        buffer[byte] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


def iter_docnums(bits: int) -> Iterator[int]:
    """The document numbers of a bitset, ascending."""
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index, byte in enumerate(data):
        if byte:
            base = index << 3
            for bit in range(8):
                if byte >> bit & 1:
                    yield base + bit


def _decode(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)
