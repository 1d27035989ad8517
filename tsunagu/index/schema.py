"""The Whoosh schema and how a :class:`~tsunagu.records.Record` fills it.

Searched text fields all use :func:`~tsunagu.index.analysis.make_analyzer`;
boosts are applied at query time (:data:`SEARCH_FIELDS`) so they can change
without a rebuild. Facet fields are single-valued ``ID`` fields with columns
(fast counting and sorting); the fields a result list shows are stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from whoosh import fields

from tsunagu.index.analysis import VALUE_SEPARATOR, make_analyzer, normalize_text
from tsunagu.records import Record

#: Bump whenever the schema or the analysis changes: old indexes need a rebuild.
SCHEMA_VERSION = 1

#: Searched text fields and their query-time boosts (title highest).
SEARCH_FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 6.0),
    ("title_alt", 4.0),
    ("agents", 3.0),
    ("subjects", 2.0),
    ("places", 1.5),
    ("provider", 1.0),
    ("description", 1.0),
)

#: Public facet name → indexed field holding its value.
FACET_FIELDS: dict[str, str] = {
    "sector": "sector",
    "provider": "provider_id",
    "type": "object_type",
    "reuse": "reuse",
}

#: The facets a search can count and filter on, in display order.
FACETS: tuple[str, ...] = tuple(FACET_FIELDS)

#: ``source_id`` + this + provider name: the term that labels provider facets.
PROVIDER_KEY_SEPARATOR = "\x1f"


def build_schema() -> fields.Schema:
    """A fresh schema (analyzers included) for a new index."""
    analyzer = make_analyzer()
    text = {name: fields.TEXT(analyzer=analyzer, phrase=True) for name, _ in SEARCH_FIELDS}
    facets = {field: fields.ID(stored=True, sortable=True) for field in FACET_FIELDS.values()}
    stored = {
        name: fields.STORED()
        for name in (
            "title_display",
            "provider_name",
            "date",
            "rights_code",
            "rights_raw",
            "landing_url",
            "thumbnail_url",
        )
    }
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        provider_key=fields.ID(sortable=True),
        title_sort=fields.COLUMN(),
        **text,
        **facets,
        **stored,
    )


def document_for(record: Record) -> dict[str, Any]:
    """The Whoosh document (field → value) of one record."""
    content = record.rights.content
    provider_names = [record.provider]
    if record.data_provider and record.data_provider != record.provider:
        provider_names.append(record.data_provider)
    document: dict[str, Any] = {
        "id": record.id,
        "title": record.title.value,
        "title_alt": _join(t.value for t in record.title_alt),
        "agents": _join(a.name for a in record.agents),
        "subjects": _join(record.subjects),
        "places": _join(record.places),
        "provider": _join(provider_names),
        "description": _join(d.value for d in record.description),
        "sector": record.sector.value,
        "provider_id": record.source_id,
        "provider_key": f"{record.source_id}{PROVIDER_KEY_SEPARATOR}{record.provider}",
        "object_type": record.object_type.value,
        "reuse": content.reuse.value,
        "title_sort": sort_key(record.title.value, record.id),
        "title_display": record.title.value,
        "provider_name": record.provider,
        "rights_code": content.code,
        "rights_raw": content.raw,
    }
    optional = {
        "date": record.display_date or None,
        "landing_url": record.landing_url,
        "thumbnail_url": record.thumbnail_url,
    }
    document.update({name: value for name, value in optional.items() if value is not None})
    return document


def sort_key(title: str, record_id: str) -> bytes:
    """Browse order: normalized title, then id (deterministic, untitled last)."""
    normalized = normalize_text(title).strip()
    prefix = normalized if normalized else "\U0010ffff"
    return f"{prefix}\x00{record_id}".encode()


def _join(values: Iterable[str]) -> str:
    return VALUE_SEPARATOR.join(v for v in values if v)
