"""The JSON twins of the pages: plain data built from the same values as the HTML.

Shapes (documented in ``tsunagu/site/__init__.py``) are part of the public API:
add keys, never rename or remove them.
"""

from __future__ import annotations

from typing import Any

from tsunagu.records import Record, record_to_dict
from tsunagu.site.catalog import SearchPage, SourceSummary
from tsunagu.site.facets import FacetView
from tsunagu.site.labels import Labeller
from tsunagu.site.rights_panel import build_rights_panel, panel_payload
from tsunagu.site.urls import item_path, provider_search_path


def home_payload(sources: list[SourceSummary], labels: Labeller) -> dict[str, Any]:
    """``{"sources": [...], "total": n}`` for ``/index.json``."""
    return {
        "sources": [
            {
                "id": source.id,
                "name": source.name,
                "name_en": source.name_en,
                "sector": source.sector.value,
                "sector_label": labels.facet_value("sector", source.sector),
                "count": source.count,
                "search_url": provider_search_path(source.id),
            }
            for source in sources
        ],
        "total": sum(source.count for source in sources),
    }


def search_payload(
    page: SearchPage, facets: list[FacetView], labels: Labeller
) -> dict[str, Any]:
    """The ``/search.json`` answer: total, page, results and facet counts."""
    return {
        "total": page.total,
        "page": page.state.page,
        "page_size": page.page_size,
        "pages": page.pages,
        "query": {
            "q": page.state.text,
            "filters": {facet: list(values) for facet, values in page.state.filters},
            "from": page.state.year_from,
            "to": page.state.year_to,
            "exact": page.state.exact,
            "sort": page.state.sort,
            "cursor": page.state.cursor,
        },
        "sort": page.state.sort,
        "next_cursor": page.results.next_cursor,
        "next_url": (
            page.state.after(page.results.next_cursor).url("/search.json")
            if page.results.next_cursor
            else None
        ),
        "did_you_mean": page.results.did_you_mean,
        "results": [
            {
                "id": hit.id,
                "title": hit.title,
                "url": item_path(hit.id),
                "source_url": hit.landing_url,
                "provider": hit.provider,
                "provider_id": hit.provider_id,
                "sector": hit.sector,
                "type": hit.object_type,
                "date": hit.date,
                "thumbnail": hit.thumbnail_url,
                "snippet": (
                    {"text": hit.snippet.text,
                     "highlights": [list(span) for span in hit.snippet.highlights]}
                    if hit.snippet
                    else None
                ),
                "rights": {
                    "code": hit.rights_code,
                    "reuse": hit.reuse,
                    "raw": hit.rights_raw,
                    "label": labels.reuse(hit.reuse),
                    "uses": list(hit.uses),
                },
            }
            for hit in page.results.hits
        ],
        "facets": {
            facet.name: [
                {
                    "value": value.value,
                    "count": value.count,
                    "label": value.label,
                    "selected": value.selected,
                }
                for value in facet.values
            ]
            for facet in facets
        },
    }


def item_payload(record: Record) -> dict[str, Any]:
    """The full normalized record, as the store keeps it, plus ``uses`` and ``credit``.

    ``uses``: per intended use (``class_handout`` …) the ``answer`` (``yes``,
    ``with_conditions``, ``no``, ``ask_institution``) with reason, condition and
    note codes; ``credit``: the credit line in ``ja`` and ``en``.
    """
    return {**record_to_dict(record), **panel_payload(build_rights_panel(record))}


def error_payload(message: str) -> dict[str, str]:
    return {"error": message}
