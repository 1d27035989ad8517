"""The ``qdc`` / ``oai_qdc`` / ``dcterms`` mapper: qualified Dublin Core (``formats.md`` §3.2).

Envelopes vary (OCLC ``oai_qdc:qualifieddc``, ``oai_dc:dc`` holding ``dcterms:``
elements, DPLA Virginia's ``mdRecord``), and feeds put ``dcterms`` names in the
``dc`` namespace (``dc:alternative``) or in none at all: the record is read as
a bag of elements by local name. CONTENTdm feeds pack several values into
one element with ``;``; multi-valued fields are split (§4 step 6).

Field by field:

* title — ``title`` (first in the main language), ``alternative`` → ``title_alt``.
* agents — ``creator``, ``contributor``, ``publisher`` (split on ``;``, role words kept).
* dates — ``created`` (created), ``issued`` / ``dateSubmitted`` (issued), ``date`` /
  ``dateCopyrighted`` (other), date-like ``temporal`` / ``coverage`` (coverage); split on ``;``.
* object_type — ``type`` (then MIME ``format``); ``type`` and ``medium`` → genre_raw.
* subjects — ``subject`` and non-date ``temporal``; places — ``spatial`` and
  non-date ``coverage``.
* description — ``description``, ``abstract``, ``tableOfContents``, then ``extent``
  and non-MIME ``format``.
* languages — ``language``; identifiers — ``identifier`` (not images).
* links — ``edm:isShownAt`` else the first page-like ``identifier``; thumbnail
  ``edm:preview`` / ``edm:object`` else an image among identifier, source,
  hasFormat, relation; ``iiifManifest`` or a manifest in ``isReferencedBy``.
* data_provider — ``edm:dataProvider``, else ``provenance``; collection — ``isPartOf``.
* rights — ``edm:rights``, ``license`` (text and ``rdf:resource``), ``rights``;
  only when none of them is given, ``accessRights``. ``rightsHolder`` → rights_holder.
"""

from __future__ import annotations

from collections.abc import Sequence

from tsunagu.mappings.agents import make_agent
from tsunagu.mappings.date_candidates import parse_date_candidates
from tsunagu.mappings.descriptions import read_descriptions
from tsunagu.mappings.document import XML_LANG, find_root, parse_document, select_root
from tsunagu.mappings.dublin_core import AGENT_ELEMENTS, is_date_coverage, is_mime_type
from tsunagu.mappings.identifiers import (
    choose_landing_url,
    choose_thumbnail_url,
    classify_identifier,
    is_http_url,
    is_iiif_manifest,
    is_image_url,
)
from tsunagu.mappings.languages import collect_languages
from tsunagu.mappings.object_types import classify_object_type
from tsunagu.mappings.provenance import identify_record
from tsunagu.mappings.rights import derive_rights_set
from tsunagu.mappings.text import clean_text, dedupe_values, is_placeholder
from tsunagu.mappings.titles import choose_titles, detect_main_language, tag_language
from tsunagu.records import DateValue, LangString, RawRecord, Record, Source

PREFIXES = ("qdc", "oai_qdc", "dcterms")
#: The envelopes read, most common first.
ROOT_TAGS = (
    "{http://worldcat.org/xmlschemas/qdc-1.0/}qualifieddc",
    "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc",
    "{http://dplava.lib.virginia.edu}mdRecord",
)
RDF_RESOURCE = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource"

NO_TITLE = "no_title"
NO_LANDING_URL = "no_landing_url"
LANGUAGE_UNPARSED = "language_unparsed"

_Bag = dict[str, list[tuple[str, str | None]]]
_DATE_FIELDS = (("created", "created"), ("issued", "issued"), ("dateSubmitted", "issued"),
                ("date", "other"), ("dateCopyrighted", "other"))


def map_qdc(raw: RawRecord, source: Source, record_id: str) -> Record:
    """Map one qualified-DC raw record; :class:`MappingError` for damaged or foreign XML."""
    bag = _read(raw.xml, source.id, record_id)
    warnings: list[str] = []

    languages, unparsed = collect_languages(_split(bag, "language"))
    if unparsed:
        warnings.append(LANGUAGE_UNPARSED)
    titles = [(clean_text(v), lang) for v, lang in bag.get("title", []) if clean_text(v)]
    main_language = detect_main_language(languages, titles)
    title, title_alt = choose_titles(titles, main_language)
    alternatives = [LangString(clean_text(v), tag_language(clean_text(v), lang, main_language))
                    for v, lang in bag.get("alternative", []) if not is_placeholder(clean_text(v))]
    if title is None and alternatives:
        title, alternatives = alternatives[0], alternatives[1:]
    if title is None:
        title = LangString(raw.oai_identifier, None)
        warnings.append(NO_TITLE)

    temporal = _split(bag, "temporal")
    coverage = _split(bag, "coverage")
    dated = [v for v in (*temporal, *coverage) if is_date_coverage(v, with_span=True)]
    dates, date_warnings = _dates(bag, dated)
    warnings.extend(date_warnings)

    identifiers = _texts(bag, "identifier")
    landing = next((v for v in _texts(bag, "isShownAt") if is_http_url(v)), None)
    landing = landing or choose_landing_url(identifiers)
    if landing is None:
        warnings.append(NO_LANDING_URL)
    previews = [*_texts(bag, "preview"), *_texts(bag, "object")]
    thumbnail = next((v for v in previews if is_http_url(v)), None) or choose_thumbnail_url(
        [*identifiers, *_texts(bag, "source"), *_texts(bag, "hasFormat"),
         *_texts(bag, "relation")])
    rights_values = [*_raw(bag, "rights_edm"), *_raw(bag, "license"), *_raw(bag, "rights")]
    rights, rights_warnings = derive_rights_set(
        list(dict.fromkeys(rights_values or _raw(bag, "accessRights"))), source)
    warnings.extend(rights_warnings)
    types = _split(bag, "type")

    return Record(
        **identify_record(raw, source, record_id),
        title=title,
        title_alt=tuple(dict.fromkeys([*title_alt, *alternatives])),
        agents=tuple(make_agent(name, role) for role in AGENT_ELEMENTS
                     for name in _split(bag, role)),
        dates=dates,
        object_type=classify_object_type(types, _texts(bag, "format")),
        genre_raw=dedupe_values([*types, *_split(bag, "medium")]),
        subjects=dedupe_values([*_split(bag, "subject"),
                                *(t for t in temporal if t not in dated)]),
        places=dedupe_values([*_split(bag, "spatial"), *(c for c in coverage if c not in dated)]),
        description=_descriptions(bag, main_language),
        languages=languages,
        identifiers=tuple(dict.fromkeys(
            classify_identifier(v) for v in identifiers if not is_image_url(v))),
        landing_url=landing,
        thumbnail_url=thumbnail,
        data_provider=next(iter([*_texts(bag, "dataProvider"), *_texts(bag, "provenance")]),
                           None),
        rights=rights,
        warnings=tuple(dict.fromkeys(warnings)),
        iiif_manifest=next(iter([*(v for v in _texts(bag, "iiifManifest") if is_http_url(v)),
                                 *(v for v in _texts(bag, "isReferencedBy")
                                   if is_iiif_manifest(v))]), None),
        collection=next(iter(_texts(bag, "isPartOf")), None),
        rights_holder=_split(bag, "rightsHolder"),
    )


def _read(xml: bytes, source_id: str, record_id: str) -> _Bag:
    """The children of the envelope by local name (``edm:rights`` as ``rights_edm``)."""
    document = parse_document(xml, source_id=source_id, record_id=record_id)
    root = next((found for tag in ROOT_TAGS if (found := find_root(document, tag)) is not None),
                None)
    if root is None:  # the error names the last root tried
        root = select_root(document, ROOT_TAGS[-1], source_id=source_id, record_id=record_id)
    bag: _Bag = {}
    for child in root:
        if not isinstance(child.tag, str):
            continue
        namespace, _, name = child.tag[1:].rpartition("}") if child.tag[0] == "{" else (
            "", "", child.tag)
        if name == "rights" and "europeana" in namespace:
            name = "rights_edm"
        text = "".join(child.itertext())
        resource = child.get(RDF_RESOURCE)
        if resource and resource.strip() not in text:
            bag.setdefault(name, []).append((resource, child.get(XML_LANG)))
        bag.setdefault(name, []).append((text, child.get(XML_LANG)))
    return bag


def _raw(bag: _Bag, name: str) -> list[str]:
    return [text.strip() for text, _ in bag.get(name, []) if text.strip()]


def _texts(bag: _Bag, name: str) -> tuple[str, ...]:
    return dedupe_values(clean_text(text) for text, _ in bag.get(name, []))


def _split(bag: _Bag, name: str) -> tuple[str, ...]:
    """The values of a multi-valued field, split on ``;``."""
    return dedupe_values(part.strip(" ,") for text in _texts(bag, name)
                         for part in text.split(";"))


def _dates(bag: _Bag, dated: Sequence[str]) -> tuple[tuple[DateValue, ...], list[str]]:
    candidates = [(value, kind) for field, kind in _DATE_FIELDS for value in _split(bag, field)]
    candidates += [(value, "coverage") for value in dated]
    return parse_date_candidates(candidates)


def _descriptions(bag: _Bag, main_language: str | None) -> tuple[LangString, ...]:
    candidates = [pair for name in ("description", "abstract", "tableOfContents", "extent")
                  for pair in bag.get(name, [])]
    candidates += [(t, lang) for t, lang in bag.get("format", [])
                   if not is_mime_type(clean_text(t))]
    # ``skip``: a thumbnail URL put in a description
    return read_descriptions(candidates, main_language, skip=is_image_url)
