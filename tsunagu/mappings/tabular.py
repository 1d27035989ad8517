"""The ``tsunagu_row`` mapper: a row of an uploaded table to a :class:`Record`.

The raw document (written by :mod:`tsunagu.feeds.rows`) keeps every cell with
its column name and, for mapped columns, the field chosen by the institution::

    <row xmlns="urn:tsunagu:row:1"><cell column="資料名" field="title">…</cell>…</row>

Fields: ``title`` (several columns: the first is the title, the rest
alternatives), ``alt_title``, ``creator`` / ``contributor`` / ``publisher``,
``date``, ``description``, ``format`` (kept as description), ``subject``,
``place``, ``type``, ``language`` (else the source's languages), ``rights``
(else the source default), ``rights_holder``, ``url``, ``thumbnail``,
``iiif_manifest``, ``collection``. Cells hold several values separated by
``|`` or line breaks. Unmapped columns are not read. Warnings are those of
``oai_dc`` (``no_title``, ``no_landing_url``, ``date_unparsed`` …).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tsunagu.mappings.agents import make_agent
from tsunagu.mappings.date_candidates import parse_date_candidates
from tsunagu.mappings.descriptions import read_descriptions
from tsunagu.mappings.document import parse_metadata
from tsunagu.mappings.dublin_core import AGENT_ELEMENTS
from tsunagu.mappings.identifiers import classify_identifier, is_http_url
from tsunagu.mappings.languages import collect_languages
from tsunagu.mappings.object_types import classify_object_type
from tsunagu.mappings.provenance import identify_record
from tsunagu.mappings.rights import derive_rights_set
from tsunagu.mappings.text import clean_text, dedupe_values, is_placeholder
from tsunagu.mappings.titles import choose_titles, detect_main_language
from tsunagu.records import Agent, LangString, RawRecord, Record, Source

PREFIX = "tsunagu_row"
ROW_NS = "urn:tsunagu:row:1"
ROOT_TAG = f"{{{ROW_NS}}}row"

NO_TITLE = "no_title"
NO_LANDING_URL = "no_landing_url"
LANGUAGE_UNPARSED = "language_unparsed"
URL_INVALID = "url_invalid"

_SPLIT = re.compile(r"\s*(?:\||\r?\n)\s*")


def map_tabular(raw: RawRecord, source: Source, record_id: str) -> Record:
    """Map one row document; :class:`MappingError` for damaged XML."""
    root = parse_metadata(raw.xml, ROOT_TAG, source_id=source.id, record_id=record_id)
    fields: dict[str, list[str]] = {}
    for cell in root.iterchildren(f"{{{ROW_NS}}}cell"):
        target = cell.get("field")
        if target:
            fields.setdefault(target, []).append(cell.text or "")
    warnings: list[str] = []

    languages, unparsed = collect_languages(_values(fields, "language"))
    if unparsed:
        warnings.append(LANGUAGE_UNPARSED)
    languages = languages or source.languages
    titles = [(clean_text(t), None) for t in fields.get("title", []) if clean_text(t)]
    main_language = detect_main_language(languages, titles)
    title, title_alt = choose_titles(
        titles + [(value, None) for value in _values(fields, "alt_title")], main_language)
    if title is None:
        title = LangString(raw.oai_identifier, None)
        warnings.append(NO_TITLE)

    dates, date_warnings = parse_date_candidates(
        (text, "other") for text in _values(fields, "date"))
    warnings.extend(date_warnings)
    urls = [u for u in _values(fields, "url")]
    landing = next((u for u in urls if is_http_url(u)), None)
    if urls and landing is None:
        warnings.append(URL_INVALID)
    if landing is None:
        warnings.append(NO_LANDING_URL)
    thumbnail = next((u for u in _values(fields, "thumbnail") if is_http_url(u)), None)
    manifest = next((u for u in _values(fields, "iiif_manifest") if is_http_url(u)), None)
    # Rights statements go to the normalizer exactly as received (``raw`` keeps them).
    rights, rights_warnings = derive_rights_set(
        [v for v in fields.get("rights", []) if v.strip()], source)
    warnings.extend(rights_warnings)
    types = _values(fields, "type")
    formats = _values(fields, "format")
    local_id = raw.oai_identifier.removeprefix(f"oai:tsunagu:{source.id}:")

    return Record(
        **identify_record(raw, source, record_id),
        title=title,
        title_alt=title_alt,
        agents=_agents(fields),
        dates=dates,
        object_type=classify_object_type(types, formats),
        genre_raw=types,
        subjects=_values(fields, "subject"),
        places=_values(fields, "place"),
        description=_descriptions([*fields.get("description", []), *formats], main_language),
        languages=languages,
        identifiers=(classify_identifier(local_id),),
        landing_url=landing,
        thumbnail_url=thumbnail,
        rights=rights,
        warnings=tuple(dict.fromkeys(warnings)),
        iiif_manifest=manifest,
        collection=next(iter(_values(fields, "collection")), None),
        rights_holder=_values(fields, "rights_holder"),
    )


def _values(fields: dict[str, list[str]], name: str) -> tuple[str, ...]:
    """The cleaned values of a field, multi-valued cells split, placeholders dropped."""
    parts = (clean_text(part) for cell in fields.get(name, []) for part in _SPLIT.split(cell))
    return dedupe_values(part for part in parts if part and not is_placeholder(part))


def _agents(fields: dict[str, list[str]]) -> tuple[Agent, ...]:
    return tuple(make_agent(value, role) for role in AGENT_ELEMENTS
                 for value in _values(fields, role))


def _descriptions(texts: Sequence[str], main_language: str | None) -> tuple[LangString, ...]:
    return read_descriptions(((text, None) for text in texts), main_language)
