"""The Whoosh schema and how a :class:`~tsunagu.records.Record` fills it.

Searched text fields all use :func:`~tsunagu.index.analysis.make_analyzer`;
boosts are applied at query time (:data:`SEARCH_FIELDS`) so they can change
without a rebuild. ``reading`` holds the kana readings of titles and names,
``romaji`` their romanization (and ``ja-Latn`` forms), ``exact`` the short
fields unfolded for the "exact" search. Facet fields hold one term per value
(multi-valued facets several); they are counted from cached bitsets
(:mod:`tsunagu.index.bitsets`), not by Whoosh. The years of the records' date
ranges are terms too (``year_from``/``year_to``) for the year filter; the sort
keys are columns; the fields a result list shows are stored.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from whoosh import fields

from tsunagu.index.analysis import (
    VALUE_SEPARATOR,
    cjk_characters,
    make_analyzer,
    normalize_text,
    to_katakana,
)
from tsunagu.index.postings import use_fast_formats
from tsunagu.index.romaji import reading_words
from tsunagu.records import Record, Rights
from tsunagu.uses import permitted_use_flags

#: Bump whenever the schema or the analysis changes: old indexes need a rebuild.
SCHEMA_VERSION = 5

#: Searched text fields and their query-time boosts (title highest).
SEARCH_FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 6.0),
    ("title_alt", 4.0),
    ("reading", 3.0),
    ("agents", 3.0),
    ("romaji", 2.0),
    ("subjects", 2.0),
    ("places", 1.5),
    ("provider", 1.0),
    ("description", 1.0),
)

#: Public facet name → indexed field holding its value.
FACET_FIELDS: dict[str, str] = {
    "sector": "sector",
    "provider": "provider_id",
    "prefecture": "prefecture",
    "type": "object_type",
    "period": "period",
    "reuse": "reuse",
    "use": "use",
    "image": "image",
    "language": "language",
    "licence": "licence",
}

#: Facets whose values are a fixed vocabulary (the others are whatever the index holds).
USE_VALUES = ("commercial", "modify", "education", "online", "no_attribution")
IMAGE_VALUES = ("yes", "no")

#: The field searched by the "exact" toggle, and the fields copied into it.
EXACT_FIELD = "exact"
_EXACT_SOURCES = ("title", "title_alt", "agents", "subjects", "places")
#: The field of single CJK characters (of the short fields), for one-character queries.
CHARS_FIELD = "chars"
_CHARS_SOURCES = ("title", "title_alt", "agents", "subjects", "places")
#: Where years of the date ranges are indexed (one term per record and field), and
#: their decades (``year // 10``), so a year filter reads a few terms, not every year.
YEAR_FROM, YEAR_TO = "year_from", "year_to"
DECADE_FROM, DECADE_TO = "decade_from", "decade_to"
#: Stored description text kept for snippets (characters).
SNIPPET_SOURCE_LENGTH = 400

_READING_LANGS = ("ja-kana", "ja-hira", "ja-hrkt")
_ISO639_2 = {"jpn": "ja", "eng": "en", "chi": "zh", "zho": "zh", "kor": "ko", "ger": "de",
             "deu": "de", "fre": "fr", "fra": "fr", "dut": "nl", "nld": "nl", "lat": "la"}

#: The facets a search can count and filter on, in display order.
FACETS: tuple[str, ...] = tuple(FACET_FIELDS)

#: ``source_id`` + this + provider name: the term that labels provider facets.
PROVIDER_KEY_SEPARATOR = "\x1f"


def build_schema() -> fields.Schema:
    """A fresh schema (analyzers included) for a new index."""
    analyzer = make_analyzer()
    text = {
        name: fields.TEXT(analyzer=make_analyzer("romaji") if name == "romaji" else analyzer,
                          phrase=True)
        for name, _ in SEARCH_FIELDS
    }
    text[EXACT_FIELD] = fields.TEXT(analyzer=make_analyzer("exact"), phrase=True)
    text[CHARS_FIELD] = fields.KEYWORD(lowercase=False, scorable=True)
    facets = {
        field: fields.KEYWORD(stored=True, lowercase=False, scorable=False)
        for field in FACET_FIELDS.values()
    }
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
            "snippet_source",
        )
    }
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        provider_key=fields.ID(),
        title_sort=fields.COLUMN(),
        date_sort=fields.COLUMN(),
        reuse_sort=fields.COLUMN(),
        **{name: fields.ID() for name in (YEAR_FROM, YEAR_TO, DECADE_FROM, DECADE_TO)},
        **text,
        **facets,
        **stored,
    )
    for _, field in schema.items():
        use_fast_formats(field)
    return schema


def document_for(record: Record) -> dict[str, Any]:
    """The Whoosh document (field → value) of one record."""
    content = record.rights.content
    provider_names = [record.provider]
    if record.data_provider and record.data_provider != record.provider:
        provider_names.append(record.data_provider)
    readings = [t.value for t in record.title_alt if _is_reading(t.lang)] + [
        n.value for a in record.agents for n in a.alt_names if _is_reading(n.lang)
    ]
    latin = [t.value for t in record.title_alt if (t.lang or "").lower() == "ja-latn"] + [
        n.value for a in record.agents for n in a.alt_names if (n.lang or "").lower() == "ja-latn"
    ]
    years = record.year_range
    title_key = sort_key(record.title.value, record.id)
    document: dict[str, Any] = {
        "id": record.id,
        "title": record.title.value,
        "title_alt": _join(t.value for t in record.title_alt if not _is_reading(t.lang)),
        "reading": _join(readings),
        "romaji": _join([*(" ".join(reading_words(to_katakana(r))) for r in readings), *latin]),
        "agents": _join(a.name for a in record.agents),
        "subjects": _join(record.subjects),
        "places": _join(record.places),
        "provider": _join(provider_names),
        "description": _join(d.value for d in record.description),
        EXACT_FIELD: "",
        "sector": record.sector.value,
        "provider_id": record.source_id,
        "provider_key": f"{record.source_id}{PROVIDER_KEY_SEPARATOR}{record.provider}",
        "prefecture": _terms(record.prefectures),
        "object_type": record.object_type.value,
        "period": _terms(record.periods),
        "reuse": content.reuse.value,
        "use": _permitted_use_terms(content),
        "image": "yes" if record.thumbnail_url or record.media else "no",
        "language": _terms(_language(code) for code in record.languages),
        "licence": content.code,
        "title_sort": title_key,
        "date_sort": f"{years[0] + 50_000 if years else 999_999:06d}\x00{record.id}".encode(),
        "reuse_sort": f"{content.reuse.rank}\x00".encode() + title_key,
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
    document[EXACT_FIELD] = _join(
        document[name] for name in _EXACT_SOURCES if isinstance(document.get(name), str)
    )
    document[CHARS_FIELD] = cjk_characters(
        normalize_text(" ".join(document[name] for name in _CHARS_SOURCES))
    )
    if years is not None:
        document[YEAR_FROM], document[YEAR_TO] = year_term(years[0]), year_term(years[1])
        document[DECADE_FROM] = year_term(years[0] // 10)
        document[DECADE_TO] = year_term(years[1] // 10)
    description = _join(d.value for d in record.description)
    if description:
        document["snippet_source"] = description[:SNIPPET_SOURCE_LENGTH]
    return document


def permitted_uses(rights: Rights) -> list[str]:
    """The "permitted use" facet values of a rights scope.

    ``commercial``, ``modify``, ``education`` (class use) and ``online`` (a class
    website) come from :func:`tsunagu.uses.permitted_use_flags` — the very answers
    the item page's "What may I do with this?" panel gives, so a filter and a panel
    can never disagree; ``no_attribution`` is public domain without a credit duty.
    """
    uses = sorted(permitted_use_flags(rights))
    if not rights.attribution and rights.public_domain:
        uses.append("no_attribution")
    return uses


@functools.lru_cache(maxsize=1024)
def _permitted_use_terms(rights: Rights) -> str:
    """The ``use`` facet terms of a rights scope (records share a few scopes, and
    assessing one takes longer than the rest of a document)."""
    return _terms(permitted_uses(rights))


def year_term(year: int) -> str:
    """The indexed term of a year (signed, so years before 1 CE work)."""
    return str(year)


def _is_reading(lang: str | None) -> bool:
    return (lang or "").lower() in _READING_LANGS


def _language(code: str) -> str:
    primary = code.strip().lower().replace("_", "-").split("-")[0]
    return _ISO639_2.get(primary, primary)


def _terms(values: Iterable[str]) -> str:
    """Multi-valued facet terms, space-separated (values never hold spaces)."""
    return " ".join(dict.fromkeys(v.replace(" ", "_") for v in values if v))


def sort_key(title: str, record_id: str) -> bytes:
    """Browse order: normalized title, then id (deterministic, untitled last)."""
    normalized = normalize_text(title).strip()
    prefix = normalized if normalized else "\U0010ffff"
    return f"{prefix}\x00{record_id}".encode()


def _join(values: Iterable[str]) -> str:
    return VALUE_SEPARATOR.join(v for v in values if v)
