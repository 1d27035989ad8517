"""The query side: one shared, self-refreshing searcher over the live index.

Facet counting is *multi-select* drill-down: a facet with no selected value is
counted over the hits (query and every filter applied); a facet with selected
values is counted with its own filter left out, so its other values show how
many hits selecting them as well (OR within a facet) would add. Selected
values always appear, with a count of 0 if need be.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from whoosh import query as wq
from whoosh import scoring, sorting

from tsunagu.errors import IndexingError, TsunaguError
from tsunagu.index.directory import IndexDirectory
from tsunagu.index.query import SearchQuery, compile_text
from tsunagu.index.results import FacetValue, Hit, SearchResults
from tsunagu.index.schema import FACET_FIELDS, FACETS, PROVIDER_KEY_SEPARATOR
from tsunagu.records import ObjectType, ReuseLevel, Sector

log = logging.getLogger(__name__)

_E = TypeVar("_E", Sector, ObjectType, ReuseLevel)

#: BM25F length normalization for short fields (default 0.75): a long title
#: should not lose to a short one that only contains the query by accident.
SHORT_FIELD_B = 0.3
_WEIGHTING = scoring.BM25F(
    **{f"{field}_B": SHORT_FIELD_B for field in ("title", "title_alt", "agents")}
)

_ENUM_FACETS: dict[str, frozenset[str]] = {
    "sector": frozenset(s.value for s in Sector),
    "type": frozenset(t.value for t in ObjectType),
    "reuse": frozenset(r.value for r in ReuseLevel),
}


class SearchIndex:
    """Searches the index in ``index_dir``; safe to share between threads.

    The searcher is reopened when the index changed on disk (a swapped
    generation or a new commit), checked cheaply before every search. Searches
    are serialized by a lock: Whoosh is pure Python, so threads would gain
    little from running them side by side. A missing index gives no hits.
    """

    def __init__(self, index_dir: Path) -> None:
        self._directory = IndexDirectory(index_dir)
        self._lock = threading.Lock()
        self._searcher: Any = None
        self._stamp: tuple[int, int] | None = None
        self._providers: dict[str, str] | None = None

    def search(self, query: SearchQuery) -> SearchResults:
        """One page of hits for ``query`` with its facet counts.

        Raises :class:`~tsunagu.errors.QueryError` for a query with nothing
        searchable and :class:`~tsunagu.errors.IndexingError` for an unreadable index.
        """
        compiled = compile_text(query.text)
        with self._lock:
            try:
                searcher = self._current_searcher()
                if searcher is None:
                    return _empty_results(query)
                return self._search(searcher, query, compiled)
            except TsunaguError:
                raise
            except Exception as exc:  # Whoosh and the file system raise many kinds
                raise IndexingError(f"search failed on the index: {exc}") from exc

    def known_values(self, facet: str) -> frozenset[str]:
        """Values ``facet`` may be filtered on.

        For ``provider`` the source ids with records in the index; for the
        enum facets every value of the enum (a valid value may count 0).
        """
        if facet in _ENUM_FACETS:
            return _ENUM_FACETS[facet]
        if facet != "provider":
            raise KeyError(f"unknown facet {facet!r}; facets are {', '.join(FACETS)}")
        return frozenset(self.provider_labels())

    def provider_labels(self) -> Mapping[str, str]:
        """Source id → provider name, for every provider in the index."""
        with self._lock:
            searcher = self._current_searcher()
            return {} if searcher is None else dict(self._provider_labels(searcher))

    def doc_count(self) -> int:
        """Records in the live index (0 when there is none)."""
        with self._lock:
            searcher = self._current_searcher()
            return 0 if searcher is None else int(searcher.doc_count())

    def close(self) -> None:
        """Release the open searcher (a later search reopens it)."""
        with self._lock:
            self._close_searcher()

    def _search(self, searcher: Any, query: SearchQuery, compiled: Any) -> SearchResults:
        selected = {facet: values for facet in FACETS if (values := query.selected(facet))}
        matcher = wq.Every() if compiled is None else compiled
        sortedby = sorting.FieldFacet("title_sort") if compiled is None else None
        plain = [facet for facet in FACETS if facet not in selected]
        results = searcher.search(
            matcher,
            filter=_filter(selected),
            limit=query.page * query.page_size,
            sortedby=sortedby,
            groupedby={f: _count_by(f) for f in plain} if plain else None,
        )
        counts = {f: results.groups(f) for f in plain}
        for facet in selected:
            others = {f: values for f, values in selected.items() if f != facet}
            drill = searcher.search(
                matcher,
                filter=_filter(others),
                limit=1,
                scored=False,
                groupedby={facet: _count_by(facet)},
            )
            counts[facet] = drill.groups(facet)
        start = (query.page - 1) * query.page_size
        hits = tuple(_hit(h.fields()) for h in results[start : start + query.page_size])
        labels = self._provider_labels(searcher)
        facets = tuple(
            (f, _facet_values(f, counts.get(f, {}), selected.get(f, ()), labels)) for f in FACETS
        )
        return SearchResults(len(results), query.page, query.page_size, hits, facets)

    def _current_searcher(self) -> Any:
        stamp = self._directory.stamp()
        if self._searcher is not None and stamp == self._stamp:
            if self._searcher.up_to_date():
                return self._searcher
            # Not Searcher.refresh(): it reuses segment readers by segment id and so
            # keeps a segment's old deletion set, showing replaced documents twice.
            log.debug("index committed; reopening the searcher")
        self._close_searcher()
        generation = self._directory.current()
        self._stamp = stamp
        if generation is None:
            return None
        log.info("opening search index %s", generation)
        self._searcher = self._directory.open(generation).searcher(weighting=_WEIGHTING)
        return self._searcher

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None
        self._stamp = None
        self._providers = None

    def _provider_labels(self, searcher: Any) -> dict[str, str]:
        if self._providers is None:
            groups = searcher.search(
                wq.Every(),
                limit=1,
                scored=False,
                groupedby={"key": sorting.FieldFacet("provider_key", maptype=sorting.Count)},
            ).groups("key")
            best: dict[str, tuple[int, str]] = {}
            for key, count in groups.items():
                source_id, _, name = key.partition(PROVIDER_KEY_SEPARATOR)
                best[source_id] = max(best.get(source_id, (0, "")), (count, name))
            self._providers = {source_id: name for source_id, (_, name) in best.items()}
        return self._providers


def _count_by(facet: str) -> Any:
    return sorting.FieldFacet(FACET_FIELDS[facet], maptype=sorting.Count)


def _filter(selected: Mapping[str, tuple[str, ...]]) -> Any:
    """AND across facets of OR within a facet; ``None`` when nothing is selected."""
    clauses = [
        wq.Or([wq.Term(FACET_FIELDS[facet], value) for value in values])
        for facet, values in selected.items()
    ]
    return wq.And(clauses) if clauses else None


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


def _hit(stored: Mapping[str, Any]) -> Hit:
    return Hit(
        id=stored["id"],
        title=stored.get("title_display", ""),
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
    )


def _enum(kind: type[_E], value: Any, default: _E) -> _E:
    try:
        return kind(value)
    except ValueError:
        return default


def _empty_results(query: SearchQuery) -> SearchResults:
    facets = tuple((f, _facet_values(f, {}, query.selected(f), {})) for f in FACETS)
    return SearchResults(0, query.page, query.page_size, (), facets)
