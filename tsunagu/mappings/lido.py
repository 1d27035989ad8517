"""The ``lido`` mapper: LIDO 1.0 / 1.1 museum records (``formats.md`` §3.4).

Paths follow the LIDO → EDM transformations used by Europeana aggregators;
elements are matched by local name. A ``lidoWrap`` around exactly one
``lido`` is unwrapped.

Field by field:

* title — ``titleSet/appellationValue`` (``@pref`` preferred or absent) of every
  ``descriptiveMetadata`` (one per language), ``@pref="alternative"`` and the
  other title sets → ``title_alt``; language from ``xml:lang`` of the value or
  of its ``descriptiveMetadata``.
* agents — ``eventActor`` of each ``event``: production / creation / designing
  (``lido00007``, ``lido00012``, ``lido00224``, ``eventType/production`` … or the
  same words as terms, also German) → creator, publication → publisher, other
  events → contributor; name from ``nameActorSet/appellationValue`` else
  ``displayActorInRole``; ``actorID`` (URI) → uri; ``roleActor/term`` → role_raw;
  ``vitalDatesActor`` → life_dates.
* dates — the creation and publication events: ``displayDate`` as written,
  ``earliestDate``/``latestDate`` when the display text cannot be read.
* places — ``eventPlace`` (``namePlaceSet`` or ``displayPlace``), ``gml:pos`` →
  coordinates.
* object_type — the ``europeana:type`` classification, else ``objectWorkType`` and
  ``classification`` terms, else a CIDOC E22 category → physical object; the terms
  → genre_raw.
* subjects — ``subjectSet`` (concepts, actors, places, dates, ``displaySubject``).
* description — ``descriptiveNoteValue``; identifiers — ``lidoRecID``,
  ``objectPublishedID``, ``workID``; landing — ``recordInfoLink``.
* data_provider — ``recordSource`` (``europeana:dataProvider`` first), else the
  repository.
* media — every ``resourceSet``: a representation typed thumbnail / preview
  (``image_thumb``, ``lido00451``) → thumbnail, else full; each medium carries the
  rights of its ``resourceSet`` (``rightsResource/rightsType`` conceptID and term).
* rights — content: the first full medium's rights, else ``rightsWorkSet`` (item),
  else the source default; thumbnail: the thumbnail's rights, else the content's;
  metadata: ``recordRights``. ``rightsHolder`` → rights_holder, ``creditLine`` →
  credit_line.
"""

from __future__ import annotations

import dataclasses
import re

from lxml import etree

from tsunagu.errors import MappingError
from tsunagu.mappings.date_candidates import DATE_UNKNOWN, DATE_UNPARSED
from tsunagu.mappings.dates import is_unknown_date, parse_date
from tsunagu.mappings.document import XML_LANG, find_root, parse_document, select_root
from tsunagu.mappings.elements import children, follow, text_of, texts_at
from tsunagu.mappings.identifiers import classify_identifier, is_http_url, is_image_url
from tsunagu.mappings.languages import guess_text_language, normalize_language
from tsunagu.mappings.object_types import classify_object_type
from tsunagu.mappings.provenance import identify_record
from tsunagu.mappings.rights import derive_rights_set, normalize_rights
from tsunagu.mappings.text import clean_text, dedupe_values, is_placeholder, strip_html_to_text
from tsunagu.mappings.titles import tag_language
from tsunagu.records import (
    Agent,
    DateValue,
    Identifier,
    LangString,
    Media,
    ObjectType,
    RawRecord,
    Record,
    Rights,
    RightsOrigin,
    Source,
)

PREFIX = "lido"
LIDO_NS = "http://www.lido-schema.org"
ROOT_TAG = f"{{{LIDO_NS}}}lido"
WRAP_TAG = f"{{{LIDO_NS}}}lidoWrap"
LIDO_TYPE = f"{{{LIDO_NS}}}type"
LIDO_PREF = f"{{{LIDO_NS}}}pref"
RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
#: ``@lido:pref`` values of a preferred appellation (LIDO 1.0 word, LIDO 1.1 term URI).
_PREFERRED = frozenset({"preferred", "http://terminology.lido-schema.org/lido00169"})

NO_TITLE = "no_title"
NO_LANDING_URL = "no_landing_url"

_CREATION = re.compile(
    r"lido0000?7$|lido00012$|lido00224$|/(?:production|creation|designing)$"
    r"|^(?:production|creation|design(?:ing)?|herstellung|entwurf|hergestellt|gezeichnet|gemalt"
    r"|fotografiert|entworfen|gedruckt|制作|製作|作成|撮影|製造)",
    re.IGNORECASE,
)
_PUBLICATION = re.compile(r"lido00228$|/publication$|^(?:publication|veröffentlichung|出版|発行)",
                          re.IGNORECASE)
_THUMBNAIL = re.compile(r"thumb|preview|lido00451", re.IGNORECASE)
_EDM_TYPES = {"TEXT": ObjectType.TEXT, "IMAGE": ObjectType.IMAGE, "SOUND": ObjectType.SOUND,
              "VIDEO": ObjectType.MOVING_IMAGE, "3D": ObjectType.PHYSICAL_OBJECT}
#: "Around" in the German and Dutch display dates of museum feeds (「um 1850」), which the
#: shared date parser does not read (yet): the date is then marked approximate here.
_AROUND = re.compile(r"^\s*(?:um|gegen|etwa|rund|omstreeks|ca\.?)\s*\d", re.IGNORECASE)
_GML_POS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)[\s,]+(-?\d+(?:\.\d+)?)\s*$")


def map_lido(raw: RawRecord, source: Source, record_id: str) -> Record:
    """Map one LIDO raw record; :class:`MappingError` for damaged or foreign XML."""
    root = _root(raw.xml, source.id, record_id)
    descriptive = list(children(root, "descriptiveMetadata"))
    administrative = list(children(root, "administrativeMetadata"))
    main_language = next((tag for d in descriptive
                          if (tag := normalize_language(d.get(XML_LANG) or ""))), None)
    warnings: list[str] = []

    titles = _titles(descriptive, main_language)
    if not titles:
        titles = [LangString(raw.oai_identifier, None)]
        warnings.append(NO_TITLE)
    agents, dates, places, coordinates = _events(descriptive, warnings)
    landing = next((url for a in administrative for url in texts_at(a, "recordWrap",
                   "recordInfoSet", "recordInfoLink") if is_http_url(url)), None)
    if landing is None:
        warnings.append(NO_LANDING_URL)
    media = _media(administrative)
    item_values = [v for a in administrative for s in follow(a, "rightsWorkWrap", "rightsWorkSet")
                   for v in _rights_values(s)]
    rights, rights_warnings = derive_rights_set(item_values, source)
    full = next((m for m in media if m.role == "full"), None)
    thumb = next((m for m in media if m.role == "thumbnail"), None)
    content = full.rights if full is not None and full.rights is not None else rights.content
    if full is None or full.rights is None:
        warnings.extend(rights_warnings)
    thumbnail_rights = thumb.rights if thumb is not None and thumb.rights is not None else content
    metadata_values = [v for a in administrative
                       for r in follow(a, "recordWrap", "recordRights") for v in _rights_values(r)]
    metadata = rights.metadata
    if metadata_values:
        metadata = normalize_rights(metadata_values)
    work_types = [t for d in descriptive for t in _terms(d, "objectClassificationWrap",
                                                          "objectWorkTypeWrap", "objectWorkType")]
    classifications = [c for d in descriptive
                        for c in follow(d, "objectClassificationWrap", "classificationWrap",
                                       "classification")]

    return Record(
        **identify_record(raw, source, record_id),
        title=titles[0],
        title_alt=tuple(titles[1:]),
        agents=agents,
        dates=dates,
        object_type=_object_type(root, work_types, classifications),
        genre_raw=dedupe_values([*work_types, *(t for c in classifications
                                                if not _is_europeana_type(c)
                                                for t in _terms(c))]),
        subjects=_subjects(descriptive),
        places=places,
        description=_descriptions(descriptive, main_language),
        identifiers=_identifiers(root, descriptive),
        landing_url=landing,
        thumbnail_url=thumb.url if thumb is not None else None,
        data_provider=_data_provider(administrative, descriptive),
        rights=dataclasses.replace(rights, content=content, thumbnail=thumbnail_rights,
                                   metadata=metadata),
        warnings=tuple(dict.fromkeys(warnings)),
        coordinates=coordinates,
        media=media,
        rights_holder=dedupe_values(
            clean_text(v) for a in administrative for s in follow(
                a, "resourceWrap", "resourceSet", "rightsResource", "rightsHolder",
                "legalBodyName", "appellationValue") for v in [text_of(s)]),
        credit_line=next((clean_text(text_of(c)) for a in administrative
                          for c in follow(a, "resourceWrap", "resourceSet", "rightsResource",
                                         "creditLine") if clean_text(text_of(c))), None),
    )


def _root(xml: bytes, source_id: str, record_id: str) -> etree._Element:
    document = parse_document(xml, source_id=source_id, record_id=record_id)
    root = find_root(document, ROOT_TAG)
    if root is not None:
        return root
    wrap = select_root(document, WRAP_TAG, source_id=source_id, record_id=record_id)
    records = list(children(wrap, "lido"))
    if len(records) != 1:
        raise MappingError(f"a lidoWrap with {len(records)} lido records is not one record",
                           source_id=source_id, record_id=record_id, field="xml")
    return records[0]


def _terms(element: etree._Element, *names: str) -> list[str]:
    """The ``term`` texts (LIDO 1.1: ``skos:Concept/skos:prefLabel``) at ``names`` or here."""
    return [t for e in (follow(element, *names) if names else [element])
            for t in [*texts_at(e, "term"), *texts_at(e, "Concept", "prefLabel")]]


def _concept_ids(element: etree._Element, *names: str) -> list[str]:
    """The ``conceptID`` texts (LIDO 1.1: ``skos:Concept/@rdf:about``) at ``names``."""
    found = follow(element, *names)
    return [*(t for e in found for t in texts_at(e, "conceptID")),
            *(c.get(RDF_ABOUT) or "" for e in found for c in children(e, "Concept"))]


def _titles(descriptive: list[etree._Element], main_language: str | None) -> list[LangString]:
    preferred: list[LangString] = []
    others: list[LangString] = []
    for block in descriptive:
        block_lang = block.get(XML_LANG)
        for title_set in follow(block, "objectIdentificationWrap", "titleWrap", "titleSet"):
            for value in children(title_set, "appellationValue"):
                text = clean_text(text_of(value))
                if is_placeholder(text):
                    continue
                lang = tag_language(text, value.get(XML_LANG) or block_lang, main_language)
                pref = value.get(LIDO_PREF) or "preferred"
                (preferred if pref in _PREFERRED else others).append(LangString(text, lang))
    ordered = sorted(preferred, key=lambda t: t.lang != main_language) + others
    return list(dict.fromkeys(t for t in ordered))


def _events(descriptive: list[etree._Element], warnings: list[str]) -> tuple[
    tuple[Agent, ...], tuple[DateValue, ...], tuple[str, ...], tuple[float, float] | None
]:
    agents: list[Agent] = []
    dates: list[DateValue] = []
    places: list[str] = []
    coordinates: tuple[float, float] | None = None
    for event in (e for d in descriptive for e in follow(d, "eventWrap", "eventSet", "event")):
        kinds = [*_concept_ids(event, "eventType"), *_terms(event, "eventType")]
        role, kind = "contributor", None
        if any(_CREATION.search(k) for k in kinds):
            role, kind = "creator", "created"
        elif any(_PUBLICATION.search(k) for k in kinds):
            role, kind = "publisher", "issued"
        for actor_block in children(event, "eventActor"):
            agent = _agent(actor_block, role)
            if agent is not None:
                _add_agent(agents, agent)
        if kind is not None:
            for date_block in children(event, "eventDate"):
                value = _date(date_block, kind, warnings)
                if value is not None and value not in dates:
                    dates.append(value)
        for place in children(event, "eventPlace"):
            name = next(iter([*texts_at(place, "place", "namePlaceSet", "appellationValue"),
                              *texts_at(place, "displayPlace")]), None)
            if name:
                places.append(name)
            for pos in follow(place, "place", "gml", "Point", "pos"):
                match = _GML_POS.match(text_of(pos))
                if coordinates is None and match:
                    lat, lon = float(match.group(1)), float(match.group(2))
                    if -90 <= lat <= 90 and -180 <= lon <= 180:
                        coordinates = (lat, lon)
    return tuple(agents), tuple(dates), dedupe_values(places), coordinates


def _add_agent(agents: list[Agent], agent: Agent) -> None:
    """Add ``agent``; the same person in the same role again (another language) adds its role."""
    for index, known in enumerate(agents):
        if (known.name, known.role) == (agent.name, agent.role):
            roles = [r for r in (known.role_raw, agent.role_raw) if r]
            agents[index] = dataclasses.replace(
                known, role_raw="; ".join(dict.fromkeys(roles)) or None, uri=known.uri or agent.uri)
            return
    agents.append(agent)


def _agent(block: etree._Element, role: str) -> Agent | None:
    for in_role in children(block, "actorInRole"):
        for actor in children(in_role, "actor"):
            names = texts_at(actor, "nameActorSet", "appellationValue")
            if not names:
                continue
            uri = next((v for v in texts_at(actor, "actorID") if is_http_url(v)), None)
            life = " - ".join(v for v in (*texts_at(actor, "vitalDatesActor", "earliestDate"),
                                          *texts_at(actor, "vitalDatesActor", "latestDate")))
            roles = _terms(in_role, "roleActor")
            return Agent(names[0], role, "; ".join(roles) or None, life or None,
                         tuple(LangString(n, None) for n in names[1:]), uri)
    display = next(iter(texts_at(block, "displayActorInRole")), "")
    return Agent(display, role) if display and not is_placeholder(display) else None


def _date(block: etree._Element, kind: str, warnings: list[str]) -> DateValue | None:
    display = next(iter(texts_at(block, "displayDate")), "")
    earliest = next(iter(texts_at(block, "date", "earliestDate")), "")
    latest = next(iter(texts_at(block, "date", "latestDate")), "")
    normalized = earliest if not latest or latest == earliest else f"{earliest or '..'}/{latest}"
    text = display or normalized
    if not text:
        return None
    if is_unknown_date(text) and not earliest:
        warnings.append(DATE_UNKNOWN)
        return None
    value = parse_date(text, kind)
    if not value.parsed and normalized and display:
        value = dataclasses.replace(parse_date(normalized, kind), original=display,
                                    approximate=True)
    if value.parsed and not value.approximate and _AROUND.match(text):
        value = dataclasses.replace(value, approximate=True)
    if not value.parsed:
        warnings.append(DATE_UNPARSED)
    return value


def _is_europeana_type(element: etree._Element) -> bool:
    return (element.get(LIDO_TYPE) or "").casefold() == "europeana:type"


def _object_type(root: etree._Element, work_types: list[str],
                 classifications: list[etree._Element]) -> ObjectType:
    for classification in classifications:
        if _is_europeana_type(classification):
            for term in _terms(classification):
                if term.upper() in _EDM_TYPES:
                    return _EDM_TYPES[term.upper()]
    found = classify_object_type([*work_types, *(t for c in classifications for t in _terms(c))])
    if found is ObjectType.OTHER and any(
        c.endswith("/E22") for c in texts_at(root, "category", "conceptID")
    ):
        return ObjectType.PHYSICAL_OBJECT  # CIDOC-CRM E22 Man-Made Object
    return found


def _subjects(descriptive: list[etree._Element]) -> tuple[str, ...]:
    values: list[str] = []
    for subject_set in (s for d in descriptive
                        for s in follow(d, "objectRelationWrap", "subjectWrap", "subjectSet")):
        values.extend(texts_at(subject_set, "displaySubject"))
        for subject in children(subject_set, "subject"):
            values.extend(_terms(subject, "subjectConcept"))
            values.extend([*texts_at(subject, "subjectActor", "displayActor"),
                           *texts_at(subject, "subjectActor", "actor", "nameActorSet",
                                   "appellationValue")][:1])
            values.extend([*texts_at(subject, "subjectPlace", "displayPlace"),
                           *texts_at(subject, "subjectPlace", "place", "namePlaceSet",
                                   "appellationValue")][:1])
            values.extend(texts_at(subject, "subjectDate", "displayDate"))
    return dedupe_values(values)


def _descriptions(descriptive: list[etree._Element], main_language: str | None
                  ) -> tuple[LangString, ...]:
    result: list[LangString] = []
    for block in descriptive:
        for note in follow(block, "objectIdentificationWrap", "objectDescriptionWrap",
                          "objectDescriptionSet", "descriptiveNoteValue"):
            text = strip_html_to_text(text_of(note))
            if is_placeholder(text) or any(text == d.value for d in result):
                continue
            declared = note.get(XML_LANG) or block.get(XML_LANG)
            result.append(LangString(text, guess_text_language(text, declared, main_language)))
    return tuple(result)


def _identifiers(root: etree._Element, descriptive: list[etree._Element]
                 ) -> tuple[Identifier, ...]:
    values = [*texts_at(root, "lidoRecID"), *texts_at(root, "objectPublishedID")]
    values += [v for d in descriptive for v in texts_at(
        d, "objectIdentificationWrap", "repositoryWrap", "repositorySet", "workID")]
    return tuple(dict.fromkeys(classify_identifier(v) for v in values if not is_image_url(v)))


def _data_provider(administrative: list[etree._Element],
                   descriptive: list[etree._Element]) -> str | None:
    sources = [s for a in administrative for s in follow(a, "recordWrap", "recordSource")]
    sources.sort(key=lambda s: (s.get(LIDO_TYPE) or "") != "europeana:dataProvider")
    names = [n for s in sources for n in texts_at(s, "legalBodyName", "appellationValue")]
    names += [n for d in descriptive for n in texts_at(
        d, "objectIdentificationWrap", "repositoryWrap", "repositorySet", "repositoryName",
        "legalBodyName", "appellationValue")]
    return next(iter(names), None)


def _rights_values(element: etree._Element) -> list[str]:
    """``rightsType`` concept URIs and terms of a rights element (a URI put in a term too)."""
    return [*_concept_ids(element, "rightsType"), *_terms(element, "rightsType")]


def _media(administrative: list[etree._Element]) -> tuple[Media, ...]:
    media: list[Media] = []
    for resource_set in (s for a in administrative for s in follow(a, "resourceWrap",
                                                                  "resourceSet")):
        values = [v for r in children(resource_set, "rightsResource") for v in _rights_values(r)]
        rights: Rights | None = None
        if values:
            rights = dataclasses.replace(normalize_rights(values), origin=RightsOrigin.MEDIA)
        for representation in children(resource_set, "resourceRepresentation"):
            kind = representation.get(LIDO_TYPE) or ""
            role = "thumbnail" if _THUMBNAIL.search(kind) else "full"
            for url in texts_at(representation, "linkResource"):
                if is_http_url(url):
                    media.append(Media(url, role, rights))
    return tuple(dict.fromkeys(media))
