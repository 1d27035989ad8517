"""The read service behind the pages: sources, searches and records.

Views parse a request, call one method here and render the answer; nothing in
this module knows about HTTP or templates. It reads the SQLite store (sources,
counts, full records) and the search index (hits and facet counts).

Only published sources and their records are public: draft sources (an
institution's feed before it publishes) are missing from the source list, the
provider filter and the item pages, except for the people who manage them
(:func:`tsunagu.accounts.rules.can_view_source`). The activity counters
(:mod:`tsunagu.store.activity`) are bumped here for search appearances and item
views, without anything about the person.
"""

from __future__ import annotations

import dataclasses
import logging

from tsunagu.accounts.rules import Actor, can_view_source
from tsunagu.errors import NotFoundError, QueryError
from tsunagu.index import SearchIndex, SearchQuery, SearchResults
from tsunagu.records import Record, Sector, Source
from tsunagu.site.i18n import N_
from tsunagu.site.search_state import MAX_PAGE, InvalidSearch, SearchState, check_page_in_range
from tsunagu.store import Store
from tsunagu.store.activity import ActivityKind
from tsunagu.store.source_names import display_name

#: Facets whose values come from the index (the provider's from the store).
INDEX_VALUED_FACETS = ("prefecture", "period", "language", "licence")

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class SourceSummary:
    """A registered source with its number of live records."""

    id: str
    name: str
    name_en: str | None
    sector: Sector
    count: int

    def display_name(self, lang: str) -> str:
        return display_name(self.name, self.name_en, lang)


@dataclasses.dataclass(frozen=True)
class SearchPage:
    """One page of results for a validated search state."""

    state: SearchState
    results: SearchResults
    pages: int
    page_size: int
    sources: dict[str, Source]

    def provider_names(self, lang: str) -> dict[str, str]:
        """Source id → name in ``lang``, for labelling hits and the provider facet."""
        return {
            source.id: display_name(source.name, source.name_en, lang)
            for source in self.sources.values()
        }

    @property
    def total(self) -> int:
        return self.results.total

    @property
    def last_page(self) -> int:
        """The last page a link may point to (deep paging stops at ``MAX_PAGE``)."""
        return min(self.pages, MAX_PAGE)

    @property
    def first_number(self) -> int:
        """The position of the first hit of this page in the whole result list."""
        return (self.state.page - 1) * self.page_size + 1


class Catalog:
    """Sources, searches and records, read from the store and the index."""

    def __init__(self, store: Store, index: SearchIndex, *, page_size: int = 20) -> None:
        self._store = store
        self._index = index
        self.page_size = page_size

    def _public_sources(self) -> list[Source]:
        published = self._store.sources.published_ids()
        return [source for source in self._store.sources.list() if source.id in published]

    def sources(self) -> list[SourceSummary]:
        """Every published source with its record count, by name."""
        counts = self._store.records.counts_by_source()
        summaries = [
            SourceSummary(
                id=source.id,
                name=source.name,
                name_en=source.name_en,
                sector=source.sector,
                count=counts.get(source.id, 0),
            )
            for source in self._public_sources()
        ]
        return sorted(summaries, key=lambda s: (-s.count, s.name))

    def provider_ids(self) -> frozenset[str]:
        """The source ids a ``provider`` filter may name (published sources)."""
        return self._store.sources.published_ids()

    def facet_values(self) -> dict[str, frozenset[str]]:
        """The values each index-valued facet may be filtered on."""
        return {facet: self._index.known_values(facet) for facet in INDEX_VALUED_FACETS}

    def provider_names(self, lang: str) -> dict[str, str]:
        """Source id → name in ``lang`` (published sources)."""
        return {
            source.id: display_name(source.name, source.name_en, lang)
            for source in self._public_sources()
        }

    def search(self, state: SearchState) -> SearchPage:
        """Run ``state`` against the index; refuses a page past the last one.

        Raises :class:`~tsunagu.errors.QueryError` for bad query syntax and
        :class:`~tsunagu.site.search_state.InvalidSearch` for a page out of range.
        """
        query = SearchQuery(
            text=state.text,
            page=state.page,
            page_size=self.page_size,
            filters=state.filters,
            year_from=state.year_from,
            year_to=state.year_to,
            exact=state.exact,
            sort=state.sort,
            cursor=state.cursor,
        )
        try:
            results = self._index.search(query)
        except QueryError as exc:
            if exc.field != "cursor":
                raise
            raise InvalidSearch(
                N_("The cursor is not valid for this search; start again from the first page."),
                field="cursor",
            ) from exc
        pages = check_page_in_range(state, results.total, self.page_size)
        sources = {source.id: source for source in self._public_sources()}
        self._store.activity.record_event(ActivityKind.SEARCH, (hit.id for hit in results.hits))
        logger.debug("search %r: %d hits", state, results.total)
        return SearchPage(
            state=state, results=results, pages=pages, page_size=self.page_size,
            sources=sources,
        )

    def record(self, record_id: str, actor: Actor | None = None) -> Record:
        """The live record with this id if ``actor`` may see its source (drafts are
        only for who manages them); :class:`NotFoundError` otherwise."""
        record = self._store.records.get(record_id)
        if record is None or not self._visible(record, actor):
            raise NotFoundError("no such record", record_id=record_id)
        return record

    def has_record(self, record_id: str, actor: Actor | None = None) -> bool:
        record = self._store.records.get(record_id)
        return record is not None and self._visible(record, actor)

    def count_event(self, kind: ActivityKind, record: Record) -> None:
        """Count one view or click-through of a published record (nothing personal)."""
        if record.source_id in self._store.sources.published_ids():
            self._store.activity.record_event(kind, [record.id])

    def _visible(self, record: Record, actor: Actor | None) -> bool:
        try:
            source = self._store.sources.get(record.source_id)
        except NotFoundError:
            return False
        return can_view_source(actor, source)
