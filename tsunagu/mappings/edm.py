"""The ``edm`` / ``rdf`` mapper: Europeana Data Model RDF/XML (``formats.md`` §3.10).

An ``rdf:RDF`` document holds one ``edm:ProvidedCHO`` (the described object),
one ``ore:Aggregation`` (links, providers, rights), ``edm:WebResource``
descriptions of the digital files and contextual entities (``edm:Agent``,
``edm:Place``, ``edm:TimeSpan``, ``skos:Concept``, ``foaf:Organization``).
A property whose value is ``rdf:resource`` pointing at a contextual entity
takes that entity's ``skos:prefLabel`` (or ``foaf:name``). Elements are
matched by local name (real feeds lose namespaces on nested properties).

Field by field:

* title — ``dc:title`` (``xml:lang`` kept; the first in the main language),
  ``dcterms:alternative`` → ``title_alt``.
* agents — ``dc:creator``, ``dc:contributor``, ``dc:publisher``; an ``edm:Agent``
  gives its label, ``skos:altLabel`` names and its URI.
* dates — ``dcterms:created`` (created), ``dcterms:issued`` (issued), ``dc:date``
  (other), ``dcterms:temporal`` (coverage: a date text or an ``edm:TimeSpan`` with
  ``edm:begin``/``edm:end``; other labels are subjects).
* object_type — ``edm:type`` (TEXT, IMAGE, SOUND, VIDEO, 3D), else ``dc:type``;
  ``dc:type`` labels → genre_raw.
* subjects — ``dc:subject``; places — ``dcterms:spatial`` / ``edm:currentLocation``
  labels, ``wgs84_pos:lat``/``long`` of an ``edm:Place`` → coordinates.
* description, languages, identifiers — ``dc:description``, ``dc:language``,
  ``dc:identifier``; collection — ``dcterms:isPartOf``.
* links and media — ``edm:isShownAt`` → landing; ``edm:object`` → thumbnail;
  ``edm:isShownBy`` and ``edm:hasView`` → full media; ``dcterms:isReferencedBy``
  of a WebResource (or the aggregation) → IIIF manifest; ``svcs:has_service`` →
  a ``iiif_image_service`` medium.
* data_provider — ``edm:dataProvider``.
* rights — ``ore:Aggregation/edm:rights`` with ``dc:rights`` (item); a WebResource's
  own ``edm:rights`` is that medium's rights and overrides the item for the content
  (``edm:isShownBy``) and the thumbnail (``edm:object``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from lxml import etree

from tsunagu.mappings.agents import make_agent
from tsunagu.mappings.date_candidates import parse_date_candidates
from tsunagu.mappings.dates import parse_date
from tsunagu.mappings.document import XML_LANG, parse_metadata
from tsunagu.mappings.dublin_core import AGENT_ELEMENTS
from tsunagu.mappings.elements import text_of
from tsunagu.mappings.identifiers import (
    classify_identifier,
    is_http_url,
    is_iiif_manifest,
    is_image_url,
)
from tsunagu.mappings.languages import collect_languages, guess_text_language
from tsunagu.mappings.object_types import classify_object_type
from tsunagu.mappings.provenance import identify_record
from tsunagu.mappings.rights import derive_rights_set, normalize_rights
from tsunagu.mappings.text import clean_text, dedupe_values, is_placeholder, strip_html_to_text
from tsunagu.mappings.titles import choose_titles, detect_main_language, tag_language
from tsunagu.records import (
    Agent,
    DateValue,
    LangString,
    Media,
    ObjectType,
    RawRecord,
    Record,
    Rights,
    RightsOrigin,
    Source,
)

PREFIXES = ("edm", "rdf")
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ROOT_TAG = f"{{{RDF_NS}}}RDF"
RDF_ABOUT = f"{{{RDF_NS}}}about"
RDF_RESOURCE = f"{{{RDF_NS}}}resource"

NO_TITLE = "no_title"
NO_LANDING_URL = "no_landing_url"
LANGUAGE_UNPARSED = "language_unparsed"
NO_PROVIDED_CHO = "no_provided_cho"

_EDM_TYPES = {"TEXT": ObjectType.TEXT, "IMAGE": ObjectType.IMAGE, "SOUND": ObjectType.SOUND,
              "VIDEO": ObjectType.MOVING_IMAGE, "3D": ObjectType.PHYSICAL_OBJECT}
_DATE_PROPERTIES = (("created", "created"), ("issued", "issued"), ("date", "other"))


@dataclasses.dataclass(frozen=True)
class _Value:
    """A property value: its text (a literal or an entity's label) and its entity, if any."""

    name: str
    text: str
    lang: str | None
    entity: etree._Element | None
    resource: str | None


def map_edm(raw: RawRecord, source: Source, record_id: str) -> Record:
    """Map one EDM RDF/XML raw record; :class:`MappingError` for damaged or foreign XML."""
    root = parse_metadata(raw.xml, ROOT_TAG, source_id=source.id, record_id=record_id)
    entities = {about: child for child in _children(root)
                if (about := (child.get(RDF_ABOUT) or "").strip())}
    cho = next(_children(root, "ProvidedCHO"), None)
    aggregation = next(_children(root, "Aggregation"), None)
    warnings: list[str] = []
    if cho is None:
        warnings.append(NO_PROVIDED_CHO)

    def values(element: etree._Element | None, *names: str) -> list[_Value]:
        return _values(element, entities, *names)

    def texts(element: etree._Element | None, *names: str) -> tuple[str, ...]:
        return dedupe_values(clean_text(v.text) for v in values(element, *names))

    languages, unparsed = collect_languages(texts(cho, "language"))
    if unparsed:
        warnings.append(LANGUAGE_UNPARSED)
    titles: dict[str, str | None] = {}  # value → language: one title given twice is one
    for value in values(cho, "title"):
        text = clean_text(value.text)
        if text:
            titles[text] = titles.get(text) or value.lang
    main_language = detect_main_language(languages, list(titles.items()))
    title, title_alt = choose_titles(list(titles.items()), main_language)
    alternatives = tuple(LangString(v, tag_language(v, None, main_language))
                         for v in texts(cho, "alternative"))
    if title is None:
        title = LangString(raw.oai_identifier, None)
        warnings.append(NO_TITLE)

    dates, temporal_subjects = _dates(values(cho, *(n for n, _ in _DATE_PROPERTIES)),
                                      values(cho, "temporal"), warnings)
    links = _links(aggregation, entities)
    if links.landing is None:
        warnings.append(NO_LANDING_URL)
    item_values = [*(v.resource or v.text for v in values(aggregation, "rights")),
                   *(v.text for v in values(cho, "rights"))]
    rights, rights_warnings = derive_rights_set(item_values, source)
    warnings.extend(rights_warnings)
    content = links.rights_of(links.shown_by) or rights.content
    thumbnail_rights = links.rights_of(links.thumbnail) or content
    edm_type = next(iter(texts(cho, "type_edm")), "")
    types = texts(cho, "type")

    return Record(
        **identify_record(raw, source, record_id),
        title=title,
        title_alt=tuple(dict.fromkeys([*title_alt, *alternatives])),
        agents=tuple(_agent(v, role) for role in AGENT_ELEMENTS
                     for v in values(cho, role) if not is_placeholder(clean_text(v.text))),
        dates=dates,
        object_type=_EDM_TYPES.get(edm_type.upper()) or classify_object_type(types),
        genre_raw=types,
        subjects=dedupe_values([*texts(cho, "subject"), *temporal_subjects]),
        places=texts(cho, "spatial", "currentLocation"),
        description=tuple(dict.fromkeys(
            LangString(text, guess_text_language(text, v.lang, main_language))
            for v in values(cho, "description")
            if not is_placeholder(text := strip_html_to_text(v.text)))),
        languages=languages,
        identifiers=tuple(dict.fromkeys(classify_identifier(v) for v in texts(cho, "identifier"))),
        landing_url=links.landing,
        thumbnail_url=links.thumbnail,
        data_provider=next(iter(texts(aggregation, "dataProvider")), None),
        rights=dataclasses.replace(rights, content=content, thumbnail=thumbnail_rights),
        warnings=tuple(dict.fromkeys(warnings)),
        coordinates=_coordinates(values(cho, "spatial", "currentLocation")),
        iiif_manifest=links.manifest,
        media=links.media,
        collection=next(iter(texts(cho, "isPartOf")), None),
    )


def _children(element: etree._Element, *names: str) -> Iterator[etree._Element]:
    """Element children; with ``names``, those whose local name is one of them.

    ``edm:type`` and ``edm:rights`` are told apart from ``dc:type`` / ``dc:rights``
    as ``type_edm`` / ``rights`` of the aggregation by :func:`_local`.
    """
    for child in element:
        if isinstance(child.tag, str) and (not names or _local(child) in names):
            yield child


def _local(element: etree._Element) -> str:
    tag = str(element.tag)
    namespace, _, name = tag[1:].rpartition("}") if tag[0] == "{" else ("", "", tag)
    if name == "type" and "europeana" in namespace:
        return "type_edm"
    return name


def _value(element: etree._Element, entities: dict[str, etree._Element]) -> _Value:
    resource = (element.get(RDF_RESOURCE) or "").strip() or None
    nested = next(_children(element), None)  # an entity written inline
    entity = entities.get(resource) if resource else nested
    text = text_of(element) if nested is None else ""
    if entity is not None:
        text = _label(entity) or text
    elif resource and not text.strip():
        text = resource
    return _Value(_local(element), text, element.get(XML_LANG), entity, resource)


def _values(element: etree._Element | None, entities: dict[str, etree._Element],
            *names: str) -> list[_Value]:
    if element is None:
        return []
    return [_value(child, entities) for child in _children(element, *names)]


def _label(entity: etree._Element) -> str:
    for name in ("prefLabel", "name", "title"):
        for child in _children(entity, name):
            text = clean_text(text_of(child))
            if text:
                return text
    return ""


def _agent(value: _Value, role: str) -> Agent:
    agent = make_agent(clean_text(value.text), role)
    if value.entity is None:
        return agent
    alt = tuple(LangString(clean_text(text_of(e)), e.get(XML_LANG))
                for e in _children(value.entity, "altLabel") if clean_text(text_of(e)))
    uri = (value.entity.get(RDF_ABOUT) or "").strip()
    return dataclasses.replace(agent, alt_names=alt, uri=uri if is_http_url(uri) else None)


def _dates(written: list[_Value], temporal: list[_Value], warnings: list[str]) -> tuple[
    tuple[DateValue, ...], list[str]
]:
    """Dates of the object and of its ``dcterms:temporal``; the temporal labels that are no date."""
    kinds = dict(_DATE_PROPERTIES)
    candidates = [(clean_text(v.text), kinds[v.name]) for v in written]
    subjects: list[str] = []
    for value in temporal:
        span = _time_span(value.entity) if value.entity is not None else None
        text = clean_text(value.text)
        if span:
            candidates.append((span, "coverage"))
        elif parse_date(text).parsed:
            candidates.append((text, "coverage"))
        elif text:
            subjects.append(text)
    dates, date_warnings = parse_date_candidates(
        (text, kind) for text, kind in candidates if not is_placeholder(text))
    warnings.extend(date_warnings)
    return dates, subjects


def _time_span(entity: etree._Element) -> str | None:
    begin = next((clean_text(e.text) for e in _children(entity, "begin") if e.text), "")
    end = next((clean_text(e.text) for e in _children(entity, "end") if e.text), "")
    if begin and end and begin != end:
        return f"{begin}/{end}"
    return begin or end or None


def _coordinates(values: list[_Value]) -> tuple[float, float] | None:
    for value in values:
        if value.entity is None:
            continue
        lat = next((e.text for e in _children(value.entity, "lat") if e.text), None)
        lon = next((e.text for e in _children(value.entity, "long") if e.text), None)
        try:
            point = (float(lat or ""), float(lon or ""))
        except ValueError:
            continue
        if -90 <= point[0] <= 90 and -180 <= point[1] <= 180:
            return point
    return None


@dataclasses.dataclass(frozen=True)
class _Links:
    landing: str | None
    shown_by: str | None
    thumbnail: str | None
    manifest: str | None
    media: tuple[Media, ...]

    def rights_of(self, url: str | None) -> Rights | None:
        return next((m.rights for m in self.media if url and m.url == url and m.rights), None)


def _links(aggregation: etree._Element | None, entities: dict[str, etree._Element]) -> _Links:
    if aggregation is None:
        return _Links(None, None, None, None, ())

    def urls(*names: str) -> list[str]:
        found = []
        for element in _children(aggregation, *names):
            value = _value(element, entities)
            url = value.resource or (value.entity.get(RDF_ABOUT) if value.entity is not None
                                     else None) or clean_text(value.text)
            if url and is_http_url(url):
                found.append(url.strip())
        return found

    landing = next(iter(urls("isShownAt")), None)
    shown_by = next(iter(urls("isShownBy")), None)
    thumbnail = next(iter(urls("object")), None) or (
        shown_by if shown_by and is_image_url(shown_by) else None)
    manifests = [m for m in urls("isReferencedBy") if is_iiif_manifest(m)]
    media: list[Media] = []
    for url, role in [*((u, "thumbnail") for u in urls("object")),
                      *((u, "full") for u in urls("isShownBy", "hasView"))]:
        resource = entities.get(url)
        if resource is None:
            resource = _inline(aggregation, url)
        rights = None
        if resource is not None:
            rights = _media_rights(resource)
            manifests += [m for m in _resources(resource, "isReferencedBy")
                          if is_iiif_manifest(m)]
            media += [Media(s, "iiif_image_service") for s in _resources(resource, "has_service")]
        media.append(Media(url, role, rights))
    return _Links(landing, shown_by, thumbnail, next(iter(manifests), None),
                  tuple(dict.fromkeys(media)))


def _inline(aggregation: etree._Element, url: str) -> etree._Element | None:
    """A WebResource described inside the aggregation's property (DPLA writes them so)."""
    for element in aggregation.iter():
        if isinstance(element.tag, str) and element.get(RDF_ABOUT) == url:
            return element
    return None


def _resources(element: etree._Element, name: str) -> list[str]:
    return [value for child in _children(element, name)
            if is_http_url(value := (child.get(RDF_RESOURCE) or clean_text(child.text)))]


def _media_rights(resource: etree._Element) -> Rights | None:
    statements = [s for child in _children(resource, "rights")
                  if (s := (child.get(RDF_RESOURCE) or clean_text(child.text)).strip())]
    if not statements:
        return None
    return dataclasses.replace(normalize_rights(statements), origin=RightsOrigin.MEDIA)
