"""Which hits make a page: ranked by relevance or in a column's order, and cursors.

Relevance pages are ranked by :class:`~tsunagu.index.ranking.Ranking`: every
hit is scored with array operations and the best ``page × page_size`` are taken
exactly; ties are broken by record id, so the order is total.

Column orders (title, date, most reusable) are a list of every document in
that order, built once per open searcher and kept; a page walks it and keeps
the documents in the result bitset. A small result set is sorted directly.

A cursor names the last hit of a page by its sort key (``sort``, key, id), so
the next page starts right after it even if documents were added or removed
meanwhile (deep paging without offsets). It is opaque to callers.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Mapping
from typing import Any

from tsunagu.errors import QueryError
from tsunagu.index.bitsets import BitsetFilter, iter_docnums
from tsunagu.index.blocks import PostingArrays
from tsunagu.index.query import SearchQuery
from tsunagu.index.ranking import Ranking
from tsunagu.index.record_order import RecordOrder

#: Below this many hits a column-ordered page is sorted directly, not walked.
DIRECT_SORT_LIMIT = 20_000
_COLUMNS = {"title": "title_sort", "date": "date_sort", "date_desc": "date_sort",
            "reuse": "reuse_sort"}
_UNDATED = b"999999"


class Ordering:
    """The orders of one open searcher."""

    def __init__(
        self, searcher: Any, arrays: PostingArrays, record_order: RecordOrder | None = None
    ) -> None:
        self._searcher = searcher
        self._orders: dict[str, tuple[list[bytes], list[int]]] = {}
        self._ranks: dict[str, list[int]] = {}
        self._ranking = Ranking(searcher, arrays, record_order)

    def page(
        self, ranking: Any, final: int, total: int, query: SearchQuery
    ) -> tuple[list[Mapping[str, Any]], str | None]:
        """The stored fields of the page's hits and the cursor after them.

        ``final`` holds the ``total`` hits; ``ranking`` is the query that ranks
        them (:func:`~tsunagu.index.ranking.rank_query`), ``None`` to browse.
        """
        sort = query.sort if ranking is not None or query.sort != "relevance" else "title"
        after = _decode_cursor(query.cursor, sort) if query.cursor else None
        start = 0 if after is not None else (query.page - 1) * query.page_size
        wanted = start + query.page_size
        if sort == "relevance":
            keyed = self._ranking.best(ranking, final, wanted + (after is not None), after)
        else:
            keyed = self._ordered(sort, final, total, wanted, after)
        chosen = keyed[start:wanted]
        stored = [self._searcher.stored_fields(docnum) for _, docnum in chosen]
        remaining = total - start - len(chosen) if after is None else len(keyed) > wanted
        cursor = None
        if chosen and remaining:
            cursor = _encode_cursor(sort, chosen[-1][0])
        return stored, cursor

    def _ordered(
        self, sort: str, final: int, total: int, wanted: int, after: Any
    ) -> list[tuple[Any, int]]:
        keys, docnums = self._order(sort)
        if total <= DIRECT_SORT_LIMIT:
            ranks = self._rank_of(sort)
            positions: Any = sorted(ranks[docnum] for docnum in iter_docnums(final))
        else:
            allowed = BitsetFilter(final)
            positions = (p for p, docnum in enumerate(docnums) if docnum in allowed)
        first = 0 if after is None else bisect.bisect_right(keys, after)
        keyed = []
        for position in positions:
            if position < first:
                continue
            keyed.append((keys[position], docnums[position]))
            if len(keyed) > wanted:
                break
        return keyed

    def _order(self, sort: str) -> tuple[list[bytes], list[int]]:
        found = self._orders.get(sort)
        if found is None:
            column = self._searcher.reader().column_reader(_COLUMNS[sort])
            values = [(bytes(column[d]), d) for d in range(self._searcher.doc_count_all())]
            if sort == "date_desc":
                dated = sorted((v for v in values if not v[0].startswith(_UNDATED)), reverse=True)
                undated = sorted(v for v in values if v[0].startswith(_UNDATED))
                values = [(_invert(key), d) for key, d in dated]
                values += [(b"\xff" + key, d) for key, d in undated]
            else:
                values.sort()
            found = ([key for key, _ in values], [d for _, d in values])
            self._orders[sort] = found
        return found

    def _rank_of(self, sort: str) -> list[int]:
        """Document number → its position in the order of ``sort``."""
        ranks = self._ranks.get(sort)
        if ranks is None:
            _, docnums = self._order(sort)
            ranks = [0] * len(docnums)
            for position, docnum in enumerate(docnums):
                ranks[docnum] = position
            self._ranks[sort] = ranks
        return ranks


def _invert(key: bytes) -> bytes:
    """A key that sorts in the opposite order of ``key`` (for newest first).

    The ``\xff`` ends it so that a key that is a prefix of another still sorts
    after it (ids never contain ``\x00``).
    """
    return bytes(255 - b for b in key) + b"\xff"


def _encode_cursor(sort: str, key: Any) -> str:
    if isinstance(key, bytes):
        payload: list[Any] = [sort, base64.b64encode(key).decode("ascii")]
    else:
        payload = [sort, list(key)]
    raw = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> Any:
    """The key a cursor points after; :class:`QueryError` if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        kind, key = json.loads(raw.decode("utf-8"))
        if kind != sort:
            raise ValueError("another sort")
        if sort == "relevance":
            score, record_id = key
            return (float(score), str(record_id))
        return base64.b64decode(key, validate=True)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise QueryError(
            "the cursor is not valid for this search; start again from the first page",
            field="cursor",
        ) from exc
