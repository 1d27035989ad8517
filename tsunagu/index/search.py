"""The query side: one shared, self-refreshing searcher over the live index.

How a search runs (:meth:`SearchIndex.search`):

1. the query's matching documents become a bitset (:mod:`tsunagu.index.bitsets`,
   postings read without scoring, cached per segment);
2. each selected facet and the year range become bitsets too; the total and
   every facet count are ``bit_count()`` of intersections, so counting costs the
   same for ten hits or a million;
3. only the page is kept: every hit is scored at once with numpy and the best
   ``page × page_size`` are taken (:mod:`tsunagu.index.ranking`), or the page
   is taken in a column's order (:mod:`tsunagu.index.ordering`).

Facet counting is *multi-select* drill-down: a facet with no selected value is
counted over the hits (query and every filter applied); a facet with selected
values is counted with its own filter left out, so its other values show how
many hits selecting them as well (OR within a facet) would add. Selected
values always appear, with a count of 0 if need be.
"""

from __future__ import annotations

import bisect
import collections
import functools
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from tsunagu.errors import IndexingError, QueryError, TsunaguError
from tsunagu.index.analysis import analyze
from tsunagu.index.bitsets import Bitsets, SegmentCache
from tsunagu.index.blocks import Docnums, docnum_array, segment_bounds
from tsunagu.index.directory import IndexDirectory
from tsunagu.index.facet_table import SPARSE_FRACTION
from tsunagu.index.highlight import make_snippet
from tsunagu.index.ordering import Ordering
from tsunagu.index.query import SearchQuery, compile_text, query_words
from tsunagu.index.ranking import rank_query
from tsunagu.index.results import FacetValue, Hit, SearchResults
from tsunagu.index.schema import (
    DECADE_FROM,
    DECADE_TO,
    FACET_FIELDS,
    FACETS,
    IMAGE_VALUES,
    PROVIDER_KEY_SEPARATOR,
    USE_VALUES,
    YEAR_FROM,
    YEAR_TO,
)
from tsunagu.index.weighting import Weighting
from tsunagu.records import ObjectType, ReuseLevel, Sector

log = logging.getLogger(__name__)

_E = TypeVar("_E", Sector, ObjectType, ReuseLevel)

_WEIGHTING = Weighting()
#: Did-you-mean is offered when a query finds fewer hits than this.
SUGGEST_BELOW = 3
#: Where did-you-mean looks for close words (the fields people type words of).
_SUGGEST_FIELDS = ("title", "agents", "subjects")

_ENUM_FACETS: dict[str, frozenset[str]] = {
    "sector": frozenset(s.value for s in Sector),
    "type": frozenset(t.value for t in ObjectType),
    "reuse": frozenset(r.value for r in ReuseLevel),
    "use": frozenset(USE_VALUES),
    "image": frozenset(IMAGE_VALUES),
}


class _Snapshot:
    """An open searcher with everything cached for it."""

    def __init__(self, searcher: Any, segments: SegmentCache) -> None:
        self.searcher = searcher
        self.bits = Bitsets(searcher, segments)
        self.ordering = Ordering(searcher, segments.arrays, segments.orders)
        self.providers: dict[str, str] | None = None
        self.size = int(searcher.doc_count_all())
        self._decades: dict[str, tuple[list[int], list[int]]] = {}
        self._segments = segments

    def facet_counts(self, facet: str, docnums: Docnums) -> dict[str, int]:
        """Value → how many of ``docnums`` (ascending, live) have it, looked up
        in each segment's :class:`~tsunagu.index.facet_table.FacetTable`."""
        counts: collections.Counter[str] = collections.Counter()
        field = FACET_FIELDS[facet]
        segments = self.bits.segments
        starts = np.array([offset for _, offset, _ in segments], dtype=np.int64)
        for segment, first, stop in segment_bounds(docnums, starts):
            segment_id, offset, size = segments[segment]
            values = functools.partial(self.bits.segment_values, segment_id, field)
            table = self._segments.tables.table(segment_id, field, values, size)
            counts.update(table.counts(docnums[first:stop] - offset))
        return dict(counts)

    def decades(self, field: str) -> tuple[list[int], list[int]]:
        """The decades of a decade field, ascending, and for each the documents of
        that decade and every earlier one (``decade_from``) or of that decade and
        every later one (``decade_to``)."""
        found = self._decades.get(field)
        if found is None:
            terms = self.searcher.reader().lexicon(field)
            decades = sorted(int(t.decode("ascii") if isinstance(t, bytes) else t) for t in terms)
            ordered = decades if field == DECADE_FROM else decades[::-1]
            running, cumulative = 0, []
            for decade in ordered:
                running |= self.bits.term(field, str(decade))
                cumulative.append(running)
            if field != DECADE_FROM:
                cumulative.reverse()
            found = (decades, cumulative)
            self._decades[field] = found
        return found


class SearchIndex:
    """Searches the index in ``index_dir``; safe to share between threads.

    The searcher is reopened when the index changed on disk (a swapped
    generation or a new commit), checked cheaply before every search; the
    bitsets of unchanged segments survive the reopen. Searches are serialized
    by a lock: Whoosh is pure Python, so threads would gain little from running
    them side by side. A missing index gives no hits. ``segments`` holds what
    is kept by segment across reopens (a new :class:`SegmentCache` if not given).
    """

    def __init__(self, index_dir: Path, segments: SegmentCache | None = None) -> None:
        self._directory = IndexDirectory(index_dir)
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._stamp: tuple[int, int] | None = None
        self._segments = SegmentCache() if segments is None else segments

    def search(self, query: SearchQuery) -> SearchResults:
        """One page of hits for ``query`` with its facet counts.

        Raises :class:`~tsunagu.errors.QueryError` for a query with nothing
        searchable or a bad cursor, :class:`~tsunagu.errors.IndexingError` for
        an unreadable index.
        """
        compiled = compile_text(query.text, exact=query.exact)
        with self._lock:
            try:
                snapshot = self._current()
                if snapshot is None:
                    return _empty_results(query)
                return self._search(snapshot, query, compiled)
            except TsunaguError:
                raise
            except Exception as exc:  # Whoosh and the file system raise many kinds
                raise IndexingError(f"search failed on the index: {exc}") from exc

    def known_values(self, facet: str) -> frozenset[str]:
        """Values ``facet`` may be filtered on.

        For the enum facets every value of the enum (a valid value may count
        0); for the others (providers, prefectures …) the values in the index.
        """
        if facet in _ENUM_FACETS:
            return _ENUM_FACETS[facet]
        if facet not in FACET_FIELDS:
            raise KeyError(f"unknown facet {facet!r}; facets are {', '.join(FACETS)}")
        with self._lock:
            snapshot = self._current()
            if snapshot is None:
                return frozenset()
            values = snapshot.bits.values(FACET_FIELDS[facet])
            return frozenset(value for value, bits in values.items() if bits)

    def provider_labels(self) -> Mapping[str, str]:
        """Source id → provider name, for every provider in the index."""
        with self._lock:
            snapshot = self._current()
            return {} if snapshot is None else dict(_provider_labels(snapshot))

    def doc_count(self) -> int:
        """Records in the live index (0 when there is none)."""
        with self._lock:
            snapshot = self._current()
            return 0 if snapshot is None else int(snapshot.searcher.doc_count())

    def close(self) -> None:
        """Release the open searcher (a later search reopens it)."""
        with self._lock:
            self._close()

    def _search(self, snapshot: _Snapshot, query: SearchQuery, compiled: Any) -> SearchResults:
        bits = snapshot.bits
        matched = bits.live if compiled is None else bits.query(compiled)
        if query.has_years:
            matched &= _year_bits(snapshot, query.year_from, query.year_to)
        selected = {facet: values for facet in FACETS if (values := query.selected(facet))}
        chosen = {f: _selected_bits(snapshot, f, values) for f, values in selected.items()}
        final = matched
        for facet_bits in chosen.values():
            final &= facet_bits
        labels = _provider_labels(snapshot)
        facets = []
        matched_docnums = None
        for facet in FACETS:
            base = matched
            for other, facet_bits in chosen.items():
                if other != facet:
                    base &= facet_bits
            if base.bit_count() <= snapshot.size * SPARSE_FRACTION:  # few hits: look them up
                if base is not matched:
                    counts = snapshot.facet_counts(facet, docnum_array(base, snapshot.size))
                else:
                    if matched_docnums is None:
                        matched_docnums = docnum_array(matched, snapshot.size)
                    counts = snapshot.facet_counts(facet, matched_docnums)
            else:
                counts = {
                    value: count
                    for value, value_bits in bits.values(FACET_FIELDS[facet]).items()
                    if (count := (base & value_bits).bit_count())
                }
            facets.append((facet, _facet_values(facet, counts, selected.get(facet, ()), labels)))
        total = final.bit_count()
        page, next_cursor = snapshot.ordering.page(rank_query(compiled), final, total, query)
        words = query_words(query.text)
        hits = tuple(_hit(stored, words) for stored in page)
        suggestion = None
        if total < SUGGEST_BELOW and compiled is not None and not query.exact:
            suggestion = _did_you_mean(snapshot, words)
        return SearchResults(
            total, query.page, query.page_size, hits, tuple(facets), next_cursor, suggestion
        )

    def _current(self) -> _Snapshot | None:
        stamp = self._directory.stamp()
        if self._snapshot is not None and stamp == self._stamp:
            if self._snapshot.searcher.up_to_date():
                return self._snapshot
            # Not Searcher.refresh(): it reuses segment readers by segment id and so
            # keeps a segment's old deletion set, showing replaced documents twice.
            log.debug("index committed; reopening the searcher")
        self._close()
        generation = self._directory.current()
        self._stamp = stamp
        if generation is None:
            return None
        log.info("opening search index %s", generation)
        searcher = self._directory.open(generation).searcher(weighting=_WEIGHTING)
        self._segments.prune(searcher)  # the one place gone segments are forgotten
        self._snapshot = _Snapshot(searcher, self._segments)
        return self._snapshot

    def _close(self) -> None:
        if self._snapshot is not None:
            self._snapshot.searcher.close()
        self._snapshot = None
        self._stamp = None


def _selected_bits(snapshot: _Snapshot, facet: str, values: tuple[str, ...]) -> int:
    """Documents with any of ``values`` (OR within a facet)."""
    by_value = snapshot.bits.values(FACET_FIELDS[facet])
    bits = 0
    for value in values:
        bits |= by_value.get(value, 0)
    return bits


def _year_bits(snapshot: _Snapshot, year_from: int | None, year_to: int | None) -> int:
    """Documents whose year range overlaps ``[year_from, year_to]`` (undated ones never).

    Whole decades come from cumulative decade bitsets; only the years of the
    boundary decade are read one by one.
    """
    bits = snapshot.bits.live
    if year_to is not None:  # starts no later than year_to
        decades, through = snapshot.decades(DECADE_FROM)
        before = bisect.bisect_left(decades, year_to // 10)  # decades wholly before
        started = through[before - 1] if before else 0
        for year in range(year_to // 10 * 10, year_to + 1):
            started |= snapshot.bits.term(YEAR_FROM, str(year))
        bits &= started
    if year_from is not None:  # ends no earlier than year_from
        decades, onwards = snapshot.decades(DECADE_TO)
        after = bisect.bisect_right(decades, year_from // 10)  # decades wholly after
        ended = onwards[after] if after < len(decades) else 0
        for year in range(year_from, year_from // 10 * 10 + 10):
            ended |= snapshot.bits.term(YEAR_TO, str(year))
        bits &= ended
    return bits


def _did_you_mean(snapshot: _Snapshot, words: list[str]) -> str | None:
    """The query with unknown Latin words replaced by close index terms (same first letter)."""
    changed = False
    fixed: list[str] = []
    reader = snapshot.searcher.reader()
    for word in words:
        replacement = word
        terms = analyze(word)
        if word.isascii() and word.isalpha() and len(word) > 2 and len(terms) == 1:
            term = terms[0]
            if not any((field, term) in reader for field in _SUGGEST_FIELDS):
                for field in _SUGGEST_FIELDS:
                    found = snapshot.searcher.suggest(field, term, limit=1, maxdist=2, prefix=1)
                    if found:
                        replacement, changed = found[0], True
                        break
        fixed.append(replacement)
    return " ".join(fixed) if changed else None


def _provider_labels(snapshot: _Snapshot) -> dict[str, str]:
    if snapshot.providers is None:
        best: dict[str, tuple[int, str]] = {}
        for key, key_bits in snapshot.bits.values("provider_key").items():
            source_id, _, name = key.partition(PROVIDER_KEY_SEPARATOR)
            count = key_bits.bit_count()
            if count:
                best[source_id] = max(best.get(source_id, (0, "")), (count, name))
        snapshot.providers = {source_id: name for source_id, (_, name) in best.items()}
    return snapshot.providers


def _facet_values(
    facet: str,
    counts: Mapping[str, int],
    selected: tuple[str, ...],
    providers: Mapping[str, str],
) -> tuple[FacetValue, ...]:
    """Values by count (highest first), then value; selected ones always listed."""
    merged = {value: counts.get(value, 0) for value in (*counts, *selected)}
    ordered = sorted(merged.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        FacetValue(
            value=value,
            count=count,
            label=providers.get(value, value) if facet == "provider" else value,
            selected=value in selected,
        )
        for value, count in ordered
    )


def _hit(stored: Mapping[str, Any], words: list[str]) -> Hit:
    title = stored.get("title_display", "")
    snippet = None
    if words:
        snippet = make_snippet(stored.get("snippet_source", ""), words) or make_snippet(
            title, words
        )
    return Hit(
        id=stored["id"],
        title=title,
        provider_id=stored.get("provider_id", ""),
        provider=stored.get("provider_name", ""),
        sector=_enum(Sector, stored.get("sector"), Sector.OTHER),
        object_type=_enum(ObjectType, stored.get("object_type"), ObjectType.OTHER),
        date=stored.get("date"),
        rights_code=stored.get("rights_code", "UNKNOWN"),
        reuse=_enum(ReuseLevel, stored.get("reuse"), ReuseLevel.UNKNOWN),
        rights_raw=stored.get("rights_raw", ""),
        landing_url=stored.get("landing_url"),
        thumbnail_url=stored.get("thumbnail_url"),
        snippet=snippet,
        uses=tuple(str(stored.get("use") or "").split()),
    )


def _enum(kind: type[_E], value: Any, default: _E) -> _E:
    try:
        return kind(value)
    except ValueError:
        return default


def _empty_results(query: SearchQuery) -> SearchResults:
    if query.cursor is not None:
        raise QueryError("the cursor does not belong to this index", field="cursor")
    facets = tuple((f, _facet_values(f, {}, query.selected(f), {})) for f in FACETS)
    return SearchResults(0, query.page, query.page_size, (), facets)
