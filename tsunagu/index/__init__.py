"""The index stage: Japanese-aware analysis, the Whoosh index and searching it.

The rest of tsunagu sees only what is exported here (frozen dataclasses, plain
classes and the record enums); Whoosh stays inside this package. Depends on
``tsunagu.records``, ``tsunagu.config`` and ``tsunagu.errors`` only.

Writing (read the store's sequence *before* its records: a change made meanwhile
is then applied again next time, never lost)::

    indexer = Indexer(settings.index_dir)
    seq = store.records.last_seq()
    if indexer.needs_rebuild():
        indexer.rebuild(store.records.iter(), seq)
    else:
        changes = store.records.changes_since(indexer.applied_seq())
        indexer.update(((record_id, record) for _, record_id, record in changes), seq)

Reading::

    index = SearchIndex(settings.index_dir)
    results = index.search(SearchQuery("北斎", filters=(("reuse", ("open",)),),
                                       year_from=1800, sort="date"))
    more = index.search(SearchQuery("北斎", sort="date", cursor=results.next_cursor))
"""

from tsunagu.index.analysis import normalize_text
from tsunagu.index.indexer import Indexer
from tsunagu.index.query import (
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_YEAR,
    MIN_YEAR,
    SORTS,
    SearchQuery,
)
from tsunagu.index.results import FacetValue, Hit, SearchResults, Snippet
from tsunagu.index.schema import FACETS, USE_VALUES
from tsunagu.index.search import SearchIndex

__all__ = [
    "FACETS",
    "MAX_PAGE_SIZE",
    "MAX_QUERY_LENGTH",
    "MAX_YEAR",
    "MIN_YEAR",
    "SORTS",
    "USE_VALUES",
    "FacetValue",
    "Hit",
    "Indexer",
    "SearchIndex",
    "SearchQuery",
    "SearchResults",
    "Snippet",
    "normalize_text",
]
