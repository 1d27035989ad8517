"""Relevance ranking of a hit set, every hit scored at once with numpy.

Whoosh scores a query one posting at a time through a tree of matchers, in
Python; ranking a word that occurs in tens of thousands of records over the
eleven boosted fields costs hundreds of milliseconds, and its block-max top-k
skipping is approximate among near-equal scores. :class:`Ranking` computes the
same BM25F scores (:class:`~tsunagu.index.weighting.Weighting`: the same
formula, parameters, global statistics and quantized field lengths) for every
hit as array operations and takes the best ``k`` exactly:

1. the hits (a bitset) become a sorted array of document numbers;
2. each term of the query is read a posting block at a time from each segment
   (document numbers and term weights), restricted to the hits, and scored
   with the segment's field lengths (a byte per document, read once per open
   searcher);
3. the query's structure combines the scores as Whoosh's matchers do: ``Or``
   adds the scores of the parts that match, ``And`` adds them where every part
   matches, a boost multiplies, ``AndNot`` keeps its positive side's score; a
   prefix adds the scores of the terms it expands to, times its boost;
4. the best ``k`` come from ``np.partition``; only they and the hits whose
   score ties with the last of them (to 9 decimals) are keyed
   ``(-round(score, 9), record id)``, so ties break by record id — through
   each segment's record-id order (:mod:`tsunagu.index.record_order`), so that
   only ``k`` ids a segment are read however many hits tie.

Sums may be added in another order than Whoosh's matcher tree, so a score can
differ from Whoosh's in its last bit; keys are rounded to 9 decimals. Two
Whoosh quirks are not reproduced: a prefix that expands to a single term in a
segment loses its boost there, and a prefix over more than two terms in a
segment of at most 5,000 documents scores 1 there; here a prefix's score never
depends on how the index is cut into segments.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import query as wq

from tsunagu.errors import IndexingError
from tsunagu.index.blocks import PostingArrays, docnum_array, read_postings, segment_bounds
from tsunagu.index.postings import BYTE_TO_LENGTH, length_bytes
from tsunagu.index.record_order import (
    RecordOrder,
    SegmentIds,
    after_by_id,
    best_by_id,
    rounded_keys,
)

_Floats = npt.NDArray[np.float64]
_Flags = npt.NDArray[np.bool_]
_Docnums = npt.NDArray[np.int64]
#: Scores that round to the same 9 decimals are never further apart than this.
_TIE_MARGIN = 2e-9
_LENGTH_OF_BYTE = np.array(BYTE_TO_LENGTH, dtype=np.float64)
#: The record key of a hit: ``(-round(score, 9), record id)``; smaller is better.
Key = tuple[float, str]


@dataclasses.dataclass(frozen=True)
class _Segment:
    segment_id: str
    reader: Any
    offset: int
    #: The slice of the hits that lies in this segment.
    start: int
    stop: int


@dataclasses.dataclass(frozen=True)
class _Scope:
    """The hits being scored and where each segment's hits are."""

    docnums: _Docnums
    segments: tuple[_Segment, ...]

    def empty(self) -> tuple[_Floats, _Flags]:
        size = len(self.docnums)
        return np.zeros(size, dtype=np.float64), np.zeros(size, dtype=np.bool_)


class Ranking:
    """Ranks hits of one open searcher by relevance (BM25F, exact top-k)."""

    def __init__(
        self, searcher: Any, arrays: PostingArrays, orders: RecordOrder | None = None
    ) -> None:
        self._searcher = searcher
        self._arrays = arrays
        self._schema = searcher.schema
        self._weighting = searcher.weighting
        self._size = int(searcher.doc_count_all())
        self._leaves = [
            (str(leaf.reader().segment().segment_id()), leaf.reader(), int(offset))
            for leaf, offset in searcher.leaf_searchers()
        ]
        self._lengths: dict[tuple[int, str], npt.NDArray[np.uint8] | None] = {}
        self._starts = np.array([offset for _, _, offset in self._leaves], dtype=np.int64)
        self._ids: list[SegmentIds | None] = [None] * len(self._leaves)
        self._orders = RecordOrder() if orders is None else orders

    @staticmethod
    def supports(q: Any) -> bool:
        """Whether :meth:`best` can rank ``q``.

        Every query :func:`~tsunagu.index.query.compile_text` makes can be, once
        :func:`rank_query` has turned its phrases into words. Not ranked (their
        scores would differ from Whoosh's): a phrase, an ``Or`` with a ``scale``,
        ``Every`` over one field, and any other kind of query.
        """
        return Ranking._supports(_positive(q))

    @staticmethod
    def _supports(q: Any) -> bool:
        if isinstance(q, (wq.Term, wq.Prefix)):
            return True
        if isinstance(q, wq.Every):
            return q.fieldname is None
        if isinstance(q, wq.AndNot):
            return Ranking._supports(q.a) and Ranking._supports(q.b)
        if type(q) in (wq.And, wq.Or):
            return not getattr(q, "scale", None) and all(
                Ranking._supports(sub) for sub in q.subqueries
            )
        return False

    def best(
        self, q: Any, hits: int, count: int, after: Key | None = None
    ) -> list[tuple[Key, int]]:
        """``(key, docnum)`` of the best ``count`` hits (after ``after``), best first.

        Every document in ``hits`` must match ``q``.
        """
        positive = _rankable(q)
        if not hits or count <= 0:
            return []
        scope = self._scope(hits)
        scores, _ = self._evaluate(positive, scope)
        return self._top(scores, scope.docnums, count, after)

    def scores(self, q: Any, hits: int) -> dict[int, float]:
        """Docnum → score of every hit (every one must match ``q``)."""
        positive = _rankable(q)
        scope = self._scope(hits)
        scores, _ = self._evaluate(positive, scope)
        return {int(d): float(s) for d, s in zip(scope.docnums, scores, strict=True)}

    def _scope(self, hits: int) -> _Scope:
        docnums = docnum_array(hits, self._size)
        segments = []
        for segment, start, stop in segment_bounds(docnums, self._starts):
            segment_id, reader, offset = self._leaves[segment]
            segments.append(_Segment(segment_id, reader, offset, start, stop))
        return _Scope(docnums, tuple(segments))

    def _evaluate(self, q: Any, scope: _Scope) -> tuple[_Floats, _Flags]:
        """The scores of ``q`` for the hits (0 where it does not match) and where it matches."""
        if isinstance(q, wq.Term):
            scores, matched = self._term(q.fieldname, q.text, scope)
            return _boosted(scores, q.boost), matched
        if isinstance(q, wq.Prefix):
            return self._prefix(q, scope)
        if isinstance(q, wq.Every):
            return np.full(len(scope.docnums), float(q.boost)), np.ones(len(scope.docnums), bool)
        if isinstance(q, wq.AndNot):
            scores, matched = self._evaluate(q.a, scope)
            _, excluded = self._evaluate(q.b, scope)
            matched &= ~excluded
            scores[~matched] = 0.0
            return scores, matched
        subqueries = list(q.subqueries)
        if not subqueries:
            return scope.empty()
        if len(subqueries) == 1:  # Whoosh ignores the boost of a one-part And/Or
            return self._evaluate(subqueries[0], scope)
        parts = [self._evaluate(sub, scope) for sub in subqueries]
        scores, matched = parts[0][0].copy(), parts[0][1].copy()
        for part_scores, part_matched in parts[1:]:
            scores += part_scores
            if isinstance(q, wq.And):
                matched &= part_matched
            else:
                matched |= part_matched
        if isinstance(q, wq.And):
            scores[~matched] = 0.0
        return _boosted(scores, q.boost), matched

    def _prefix(self, q: Any, scope: _Scope) -> tuple[_Floats, _Flags]:
        scores, matched = scope.empty()
        for term in self._searcher.reader().expand_prefix(q.fieldname, q.text):
            term_scores, term_matched = self._term(q.fieldname, term, scope)
            scores += term_scores
            matched |= term_matched
        return _boosted(scores, q.boost), matched

    def _term(self, field: str, text: str | bytes, scope: _Scope) -> tuple[_Floats, _Flags]:
        scores, matched = scope.empty()
        if field not in self._schema:
            return scores, matched
        try:
            term = text if isinstance(text, bytes) else self._schema[field].to_bytes(text)
        except ValueError:
            return scores, matched
        if (field, term) not in self._searcher.reader():
            return scores, matched
        model = self._model(field, term)
        for segment in scope.segments:
            reader = segment.reader
            if (field, term) not in reader:
                continue
            local = scope.docnums[segment.start : segment.stop] - segment.offset
            kept = self._arrays.get(segment.segment_id, field, term)
            ids, weights = read_postings(reader, field, term, local) if kept is None else kept
            at = np.searchsorted(local, ids)
            found = at < len(local)
            found[found] = local[at[found]] == ids[found]
            ids, weights, at = ids[found], weights[found], at[found] + segment.start
            if model is None:  # a field without lengths: the weight is the score
                scores[at] = weights
            else:
                idf, avgfl, b, k1 = model
                lengths = self._field_lengths(segment, field, ids)
                # Whoosh's bm25(), operation by operation (same rounding).
                norm = weights + k1 * ((1 - b) + b * lengths / avgfl)
                scores[at] = idf * ((weights * (k1 + 1)) / norm)
            matched[at] = True
        return scores, matched

    def _model(self, field: str, term: bytes) -> tuple[float, float, float, float] | None:
        """``(idf, average field length, B, K1)`` of a term, or ``None`` if not scored."""
        if not self._schema[field].scorable:
            return None
        searcher = self._searcher
        avgfl = searcher.avg_field_length(field) or 1
        return (
            float(searcher.idf(field, term)),
            float(avgfl),
            float(self._weighting.field_b(field)),
            float(self._weighting.K1),
        )

    def _field_lengths(self, segment: _Segment, field: str, ids: _Docnums) -> _Floats:
        key = (segment.offset, field)
        if key not in self._lengths:
            raw = length_bytes(segment.reader, field)
            table = None
            if raw is not None:
                table = np.zeros(segment.reader.doc_count_all(), dtype=np.uint8)
                stored = np.frombuffer(raw, dtype=np.uint8)[: len(table)]
                table[: len(stored)] = stored
            self._lengths[key] = table
        table = self._lengths[key]
        if table is None:  # Whoosh's default length for a field without lengths
            return np.ones(len(ids), dtype=np.float64)
        lengths: _Floats = _LENGTH_OF_BYTE[table[ids]]
        return lengths

    def _top(
        self, scores: _Floats, docnums: _Docnums, count: int, after: Key | None
    ) -> list[tuple[Key, int]]:
        negated = -scores
        if after is not None:
            keep = negated > after[0] + _TIE_MARGIN
            near = np.flatnonzero(np.abs(negated - after[0]) <= _TIE_MARGIN)
            if len(near):
                keep[near] = self._after(rounded_keys(scores[near]), docnums[near], after)
            negated, docnums = negated[keep], docnums[keep]
        if len(negated) > count:
            kth = np.partition(negated, count - 1)[count - 1]
            chosen = np.flatnonzero(negated <= kth + _TIE_MARGIN)
            negated, docnums = negated[chosen], docnums[chosen]
        keys = rounded_keys(-negated)
        best: list[tuple[Key, int]] = []
        for segment, first, stop in segment_bounds(docnums, self._starts):
            offset = int(self._starts[segment])
            found = best_by_id(
                keys[first:stop], docnums[first:stop] - offset, count,
                self._segment_ids(segment), functools.partial(self._order, segment),
            )
            best.extend((key, docnum + offset) for key, docnum in found)
        return heapq.nsmallest(count, best)

    def _after(self, keys: _Floats, docnums: _Docnums, after: Key) -> _Flags:
        """Which hits (ascending docnums, their rounded keys) come after ``after``."""
        later = np.zeros(len(docnums), dtype=np.bool_)
        for segment, first, stop in segment_bounds(docnums, self._starts):
            later[first:stop] = after_by_id(
                keys[first:stop], docnums[first:stop] - self._starts[segment], after,
                self._segment_ids(segment), functools.partial(self._order, segment),
            )
        return later

    def _segment_ids(self, segment: int) -> SegmentIds:
        ids = self._ids[segment]
        if ids is None:
            ids = self._ids[segment] = SegmentIds(self._leaves[segment][1])
        return ids

    def _order(self, segment: int) -> Any:
        return self._orders.order(self._leaves[segment][0], self._segment_ids(segment))


def rank_query(compiled: Any) -> Any:
    """The query that ranks the hits.

    A phrase's positions were checked when its documents were found (the hits
    bitset); ranking scores its words without positions (the same term
    frequencies, a fraction of the cost), restricted to the hits.
    """
    if isinstance(compiled, wq.Phrase):
        terms = [wq.Term(compiled.fieldname, word) for word in compiled.words]
        return wq.And(terms, boost=compiled.boost)
    if isinstance(compiled, (wq.And, wq.Or)):
        parts = [rank_query(sub) for sub in compiled.subqueries]
        if any(part is not sub for part, sub in zip(parts, compiled.subqueries, strict=True)):
            return type(compiled)(parts, boost=compiled.boost)
        return compiled
    if isinstance(compiled, wq.AndNot):
        positive = rank_query(compiled.a)
        return compiled if positive is compiled.a else wq.AndNot(positive, compiled.b)
    return compiled


def _rankable(q: Any) -> Any:
    """``q``'s positive side (:func:`_positive`); :class:`IndexingError` for a
    query :meth:`Ranking.supports` says it cannot rank (none that
    :func:`~tsunagu.index.query.compile_text` makes, after :func:`rank_query`)."""
    if not Ranking.supports(q):
        raise IndexingError(f"relevance ranking cannot score this query: {q!r}", field="q")
    return _positive(q)


def _positive(q: Any) -> Any:
    """``q`` without its outermost exclusions: a hit that matches ``q`` matches
    their positive side and has its score (Whoosh's ``AndNot`` scores so)."""
    while isinstance(q, wq.AndNot):
        q = q.a
    return q


def _boosted(scores: _Floats, boost: float) -> _Floats:
    if boost != 1.0:  # Whoosh wraps the matcher only for another boost
        scores *= boost
    return scores
