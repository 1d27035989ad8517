"""The ``oai_dc`` mapper: simple Dublin Core to a :class:`Record` (``formats.md`` §3.1).

Field by field:

* title / title_alt — ``dc:title`` (:mod:`tsunagu.mappings.titles`); no title →
  the OAI identifier and the warning ``no_title``.
* agents — ``dc:creator``, ``dc:contributor``, ``dc:publisher`` with trailing
  role words moved to ``role_raw``.
* dates — ``dc:date`` (``info:eu-repo/date/…`` embargo markers skipped) and
  the ``dc:coverage`` values that are plainly dates (kind ``coverage``).
* object_type — ``dc:type`` (raw values in ``genre_raw``), MIME ``dc:format``
  as a fallback.
* subjects — ``dc:subject`` (split on ``;``); places — the other ``dc:coverage``.
* description — ``dc:description`` as readable text (HTML removed, paragraphs kept),
  then the ``dc:format`` values that are not MIME types (medium, extent).
* languages — ``dc:language`` as BCP 47.
* identifiers — ``dc:identifier`` classified; image URLs are not identifiers.
* landing_url — the first non-image http(s) ``dc:identifier`` or a DOI;
  thumbnail_url — the first image-like ``dc:identifier`` / ``dc:relation``.
* rights — ``dc:rights`` (:mod:`tsunagu.mappings.rights`).
* provider = the source name; sector from the source; data_provider = None
  (``dc:publisher`` is not reliably the holding institution).

Warning codes: ``no_title``, ``no_landing_url``, ``date_unparsed``,
``date_unknown``, ``language_unparsed`` and the rights warnings (``no_rights``,
``rights_unknown``, ``rights_conflict``, ``rights_exception``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tsunagu.mappings.agents import attach_readings, read_agents
from tsunagu.mappings.date_candidates import parse_date_candidates
from tsunagu.mappings.descriptions import read_descriptions
from tsunagu.mappings.document import collect_child_values, parse_metadata
from tsunagu.mappings.dublin_core import AGENT_ELEMENTS, is_date_coverage, is_mime_type
from tsunagu.mappings.identifiers import (
    choose_landing_url,
    choose_thumbnail_url,
    classify_identifier,
    is_image_url,
)
from tsunagu.mappings.languages import collect_languages, normalize_language
from tsunagu.mappings.object_types import classify_object_type
from tsunagu.mappings.provenance import identify_record
from tsunagu.mappings.rights import derive_rights_set
from tsunagu.mappings.text import clean_text, dedupe_values, is_placeholder
from tsunagu.mappings.titles import choose_titles, detect_main_language
from tsunagu.records import Agent, DateValue, Identifier, LangString, RawRecord, Record, Source

PREFIX = "oai_dc"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
ROOT_TAG = f"{{{OAI_DC_NS}}}dc"

NO_TITLE = "no_title"
NO_LANDING_URL = "no_landing_url"
LANGUAGE_UNPARSED = "language_unparsed"

_Values = dict[str, list[tuple[str, str | None]]]
_READING_TAGS = ("ja-Kana", "ja-Hira", "ja-Latn")
_SKIPPED_DATE = re.compile(r"^info:eu-repo/", re.IGNORECASE)


def map_oai_dc(raw: RawRecord, source: Source, record_id: str) -> Record:
    """Map one ``oai_dc`` raw record; :class:`MappingError` for damaged XML."""
    root = parse_metadata(raw.xml, ROOT_TAG, source_id=source.id, record_id=record_id)
    values = collect_child_values(root, DC_NS)
    warnings: list[str] = []

    languages, unparsed_language = collect_languages(_texts(values, "language"))
    if unparsed_language:
        warnings.append(LANGUAGE_UNPARSED)
    titles = _cleaned_pairs(values, "title")
    main_language = detect_main_language(languages, titles)
    title, title_alt = choose_titles(titles, main_language)
    if title is None:
        title = LangString(raw.oai_identifier, None)
        warnings.append(NO_TITLE)

    coverage = _texts(values, "coverage")
    temporal = [c for c in coverage if is_date_coverage(c)]
    dates, date_warnings = _dates(_raw_texts(values, "date"), temporal)
    warnings.extend(date_warnings)

    identifiers_raw = _texts(values, "identifier")
    landing = choose_landing_url(identifiers_raw)
    if landing is None:
        warnings.append(NO_LANDING_URL)
    rights, rights_warnings = derive_rights_set(_raw_texts(values, "rights"), source)
    warnings.extend(rights_warnings)
    types = _texts(values, "type")
    agents, agent_warnings = _agents(values)
    warnings.extend(agent_warnings)

    return Record(
        **identify_record(raw, source, record_id),
        title=title,
        title_alt=title_alt,
        agents=agents,
        dates=dates,
        object_type=classify_object_type(types, _texts(values, "format")),
        genre_raw=types,
        subjects=dedupe_values(
            part for value in _texts(values, "subject") for part in _split_subjects(value)
        ),
        places=tuple(c for c in coverage if c not in temporal),
        description=_descriptions(values, main_language),
        languages=languages,
        identifiers=_identifiers(identifiers_raw),
        landing_url=landing,
        thumbnail_url=choose_thumbnail_url([*identifiers_raw, *_texts(values, "relation")]),
        data_provider=None,
        rights=rights,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _raw_texts(values: _Values, name: str) -> list[str]:
    """The texts of a field exactly as received (for rights and dates)."""
    return [text for text, _ in values.get(name, [])]


def _cleaned_pairs(values: _Values, name: str) -> list[tuple[str, str | None]]:
    seen: set[str] = set()
    pairs: list[tuple[str, str | None]] = []
    for text, lang in values.get(name, []):
        cleaned = clean_text(text)
        if is_placeholder(cleaned) or cleaned in seen:
            continue
        seen.add(cleaned)
        pairs.append((cleaned, lang))
    return pairs


def _texts(values: _Values, name: str) -> tuple[str, ...]:
    return dedupe_values(clean_text(text) for text, _ in values.get(name, []))


def _agents(values: _Values) -> tuple[tuple[Agent, ...], list[str]]:
    """Agents of creator/contributor/publisher; ``ja-Kana``/``ja-Hira``/``ja-Latn`` values
    are readings of the names before them (NDL), attached as ``alt_names``."""
    agents: list[Agent] = []
    warnings: list[str] = []
    for role in AGENT_ELEMENTS:
        names: list[Agent] = []
        readings: dict[str, list[str]] = {}
        for text, lang in dict.fromkeys((clean_text(t), lang) for t, lang in values.get(role, [])):
            tag = normalize_language(lang) if lang else None
            if tag in _READING_TAGS and not is_placeholder(text):
                readings.setdefault(tag, []).append(text)
            elif not is_placeholder(text):
                found, found_warnings = read_agents(text, role)
                names.extend(found)
                warnings.extend(found_warnings)
        for tag, texts in readings.items():
            names = list(attach_readings(names, texts, tag))
        agents.extend(names)
    return tuple(agents), warnings


def _dates(raw_dates: Sequence[str], temporal: Sequence[str]) -> tuple[
    tuple[DateValue, ...], list[str]
]:
    candidates = [(text.strip(), "other") for text in raw_dates]
    candidates += [(text, "coverage") for text in temporal]
    return parse_date_candidates((text, kind) for text, kind in candidates
                                 if text and not _SKIPPED_DATE.match(text))


def _split_subjects(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _descriptions(values: _Values, main_language: str | None) -> tuple[LangString, ...]:
    """``dc:description`` as text, then ``dc:format`` values that describe the medium.

    A medium or extent in ``dc:format`` ("Watercolour on paper", 「紙本墨画」) has
    no field of its own in the record model yet; it is kept as a description so
    that it is shown and searchable. MIME types are not.
    """
    return read_descriptions([*values.get("description", []),
                              *((text, lang) for text, lang in values.get("format", [])
                                if not is_mime_type(clean_text(text)))], main_language)


def _identifiers(values: Sequence[str]) -> tuple[Identifier, ...]:
    return tuple(
        dict.fromkeys(classify_identifier(value) for value in values if not is_image_url(value))
    )
