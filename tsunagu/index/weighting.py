"""The ranking model: Whoosh's BM25F, reading document lengths from a table.

Whoosh's BM25F scorer looks up a document's field length in the segment's
length column once per scored posting (a file read, a struct unpack and four
calls). :class:`Weighting` scores the same way (same formula, same parameters,
the same quantized lengths) but reads each segment's length column once, as
bytes, and keeps it with the open searcher.
"""

from __future__ import annotations

from typing import Any

from whoosh import scoring

from tsunagu.index.postings import BYTE_TO_LENGTH, length_bytes

#: BM25F length normalization for short fields (default 0.75): a long title
#: should not lose to a short one that only contains the query by accident.
SHORT_FIELD_B = 0.3
_SHORT_FIELDS = ("title", "title_alt", "agents", "reading")
#: Where a segment searcher keeps its length tables.
_CACHE_ATTRIBUTE = "_tsunagu_length_tables"


class Weighting(scoring.BM25F):  # type: ignore[misc]
    """BM25F with :data:`SHORT_FIELD_B` for the short fields."""

    def __init__(self) -> None:
        super().__init__(**{f"{field}_B": SHORT_FIELD_B for field in _SHORT_FIELDS})

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, scoring.BM25FScorer) and hasattr(searcher.reader(), "_perdoc"):
            scorer.dfl = _length_lookup(searcher, fieldname)
        return scorer

    def field_b(self, fieldname: str) -> float:
        """The length normalization B of ``fieldname``."""
        return float(self._field_B.get(fieldname, self.B))


def _length_lookup(searcher: Any, fieldname: str) -> Any:
    """``docnum → searcher.doc_field_length(docnum, fieldname, 1)`` of a segment
    searcher, from a table."""
    tables = searcher.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
    if fieldname not in tables:
        tables[fieldname] = length_bytes(searcher.reader(), fieldname)
    table = tables[fieldname]
    if table is None:
        return lambda docnum: 1
    size = len(table)

    def lookup(docnum: int) -> int | None:
        lbyte = table[docnum] if docnum < size else 0
        return BYTE_TO_LENGTH[lbyte] if lbyte else None

    return lookup
