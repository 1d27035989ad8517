"""An index opened the way the search opens it, beside Whoosh's own exhaustive scoring:
what the ranking tests compare against (imported by name; not a conftest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoosh import query as wq

from tsunagu.index.bitsets import BitsetFilter, Bitsets, SegmentCache
from tsunagu.index.directory import IndexDirectory
from tsunagu.index.query import compile_text
from tsunagu.index.ranking import Ranking, rank_query
from tsunagu.index.record_order import RecordOrder
from tsunagu.index.weighting import Weighting


class OpenedIndex:
    """The current generation of ``index_dir``: its searcher, bitsets and ranking."""

    def __init__(self, index_dir: Path, orders: RecordOrder | None = None) -> None:
        directory = IndexDirectory(index_dir)
        generation = directory.current()
        assert generation is not None
        self.ix = directory.open(generation)
        self.searcher = self.ix.searcher(weighting=Weighting())
        segments = SegmentCache()
        self.bits = Bitsets(self.searcher, segments)
        self.ranking = Ranking(self.searcher, segments.arrays, orders)
        ids = self.searcher.reader().column_reader("id")
        self.record_id: Callable[[int], str] = lambda d: str(ids[d])

    def whoosh_scores(self, q: Any, hits: int) -> dict[int, float]:
        """Whoosh's own scores, every hit scored (prefixes spelled out as an Or)."""
        spelled = _spelled_out(q, self.searcher.reader())
        results = self.searcher.search(spelled, limit=None, filter=BitsetFilter(hits))
        return {docnum: score for score, docnum in results.top_n}

    def ranked(self, text: str) -> tuple[Any, int, list[tuple[tuple[float, str], int]]]:
        """The ranking query of ``text``, its hits, and Whoosh's exhaustive order of them
        (by ``(-round(score, 9), id)``; every hit scored)."""
        compiled = compile_text(text)
        q = rank_query(compiled)
        hits = self.bits.query(compiled)
        scores = self.whoosh_scores(q, hits)
        assert len(scores) == hits.bit_count()
        return q, hits, sorted(((-round(s, 9), self.record_id(d)), d) for d, s in scores.items())

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()


def _spelled_out(q: Any, reader: Any) -> Any:
    """``q`` with each prefix replaced by the terms it expands to (boosted as one)."""
    if isinstance(q, wq.Prefix):
        terms = [wq.Term(q.fieldname, t) for t in reader.expand_prefix(q.fieldname, q.text)]
        if len(terms) == 1:
            return wq.Term(q.fieldname, terms[0].text, boost=q.boost)
        return wq.Or(terms, boost=q.boost) if terms else wq.NullQuery
    if isinstance(q, wq.AndNot):
        return wq.AndNot(_spelled_out(q.a, reader), _spelled_out(q.b, reader))
    if isinstance(q, (wq.And, wq.Or)):
        return type(q)([_spelled_out(s, reader) for s in q.subqueries], boost=q.boost)
    return q
