"""The ``dcndl`` mapper: NDL's DC-NDL (RDF/XML) to a :class:`Record` (``formats.md`` §3.7).

``dcndl:BibAdminResource`` is the NDL Search page (the landing URL); the
``dcndl:BibResource`` elements (NDL Search splits one into two with the same
``rdf:about``) are read together; ``dcndl:Item`` holdings give the rights when
they carry any (v3), else the ``BibResource``'s ``dcterms:rights|license|
accessRights`` without NDL's internal codes (``S01P99U99``). Every
``dcndl:transcription`` is kept: ``title_alt`` / ``alt_names`` in ``ja-Kana``
(``ja-Hira`` for hiragana). ``dcndl:sourceIdentifier`` names the digitized
original and is not an identifier of the record. The field-by-field choices are
documented at each reader below; the readers are public because
:mod:`tsunagu.mappings.dcndl_simple` shares them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from lxml import etree

from tsunagu.errors import MappingError
from tsunagu.mappings.agents import make_agent
from tsunagu.mappings.date_candidates import DATE_UNKNOWN, DATE_UNPARSED
from tsunagu.mappings.dates import is_unknown_date, parse_date
from tsunagu.mappings.document import parse_metadata
from tsunagu.mappings.identifiers import (
    choose_landing_url,
    classify_identifier,
    is_http_url,
    is_image_url,
)
from tsunagu.mappings.languages import collect_languages, guess_text_language
from tsunagu.mappings.object_types import classify_object_type
from tsunagu.mappings.provenance import identify_record
from tsunagu.mappings.rights import derive_rights_set
from tsunagu.mappings.text import (
    clean_text,
    dedupe_values,
    detect_reading_script,
    is_latin_only,
    is_placeholder,
    strip_html_to_text,
)
from tsunagu.mappings.titles import choose_titles, detect_main_language, tag_language
from tsunagu.records import (
    Agent,
    DateValue,
    Identifier,
    LangString,
    Media,
    RawRecord,
    Record,
    Source,
)

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
DCNDL_NS = "http://ndl.go.jp/dcndl/terms/"
FOAF_NS = "http://xmlns.com/foaf/0.1/"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
ROOT_TAG = f"{{{RDF_NS}}}RDF"

NO_TITLE = "no_title"
NO_LANDING_URL = "no_landing_url"
LANGUAGE_UNPARSED = "language_unparsed"

_ABOUT = f"{{{RDF_NS}}}about"
_RESOURCE = f"{{{RDF_NS}}}resource"
_DATATYPE = f"{{{RDF_NS}}}datatype"
_LABEL = f"{{{RDFS_NS}}}label"
#: NDL's internal access / copy-service codes in ``dcterms:accessRights`` (not rights).
_NDL_ACCESS_CODE = re.compile(r"^S\d{2}P\d{2}U\d{2}$")
_CLASSIFICATION_URI = re.compile(r"^https?://id\.ndl\.go\.jp/class/([a-z]+\d*)/(.+)$")
_CLASSIFICATIONS = {"ndc", "ndc6", "ndc7", "ndc8", "ndc9", "ndc10", "ndlc", "ddc", "lcc", "udc"}
#: Datatype (local name) → identifier type (``formats.md`` §1.2 field 14).
_ID_TYPES = {"jpno": "jpno", "isbn": "isbn", "issn": "issn", "issnl": "issn",
             "ndlbibid": "ndl_bib_id", "doi": "doi", "uri": "uri", "ncid": "ncid"}
_LIFE_DATES = re.compile(r"^(?P<name>.+?),\s*(?P<dates>\d{3,4}\??-(?:\d{3,4}\??)?|-\d{3,4}\??)$")
_HOLDER_NAME = f"{{{DCNDL_NS}}}holdingAgent/{{{FOAF_NS}}}Agent/{{{FOAF_NS}}}name"
_NDL_SEARCH_RECORD = re.compile(r"#(?:material|item)$")

_Props = dict[str, list[etree._Element]]


def map_dcndl(raw: RawRecord, source: Source, record_id: str) -> Record:
    """Map one DC-NDL (RDF/XML) record; :class:`MappingError` for damaged XML."""
    root = parse_metadata(raw.xml, ROOT_TAG, source_id=source.id, record_id=record_id)
    bibs = root.findall(f"{{{DCNDL_NS}}}BibResource")
    if not bibs:
        raise MappingError("the DC-NDL record has no dcndl:BibResource", source_id=source.id,
                           record_id=record_id, field="dcndl:BibResource")
    props = collect_properties(bibs)
    texts = functools.partial(property_texts, props)
    get = functools.partial(get_property, props)
    admin = root.find(f"{{{DCNDL_NS}}}BibAdminResource")
    items = root.findall(f"{{{DCNDL_NS}}}Item")
    warnings: list[str] = []

    languages = normalize_languages(texts(DCTERMS_NS, "language") + texts(DC_NS, "language"),
                                    warnings)
    displayed = texts(DCTERMS_NS, "title")
    described = [_value_and_reading(e) for e in get(DC_NS, "title")]
    if not displayed and described:
        volumes = [_value_and_reading(e)[0] for e in get(DCNDL_NS, "volume")]
        displayed = [" ".join(v for v in (described[0][0], *volumes) if v)]
    alternatives = [_value_and_reading(e) for e in get(DCNDL_NS, "alternative")]
    title, title_alt = choose_dcndl_titles(displayed, described, alternatives, languages, raw,
                                           warnings)

    series = [_value_and_reading(e)[0] for e in get(DCNDL_NS, "seriesTitle")]
    agents, places = _rdf_agents(props)
    places += [strip_brackets(clean_text(e.text)) for e in get(DCTERMS_NS, "spatial")
               if e.get(_DATATYPE) is None and e.text]
    item_props = [collect_properties([item]) for item in items]
    item_values = [v for item in item_props for v in collect_rights_values(item)]
    rights, rights_warnings = derive_rights_set(item_values or collect_rights_values(props), source)
    warnings.extend(rights_warnings)
    dates = parse_dcndl_dates(
        texts(DCTERMS_NS, "date") + texts(DC_NS, "date"),
        texts(DCTERMS_NS, "issued"),
        [*texts(DCNDL_NS, "dateDigitized"), *texts(DCTERMS_NS, "dateDigitized"),
         *(t for item in item_props for t in property_texts(item, DCNDL_NS, "dateDigitized"))],
        warnings,
    )
    identifiers = _rdf_identifiers(props, admin)
    landing = _landing(admin, bibs, props)
    if landing is None:
        warnings.append(NO_LANDING_URL)
    thumbnails = [r for e in get(FOAF_NS, "thumbnail") if (r := read_resource_or_text(e))
                  and is_http_url(r)]
    material_values, genre = read_material_types(get(DCNDL_NS, "materialType"))
    holders = dedupe_values(clean_text(name.text) for item in items
                            for name in item.iterfind(_HOLDER_NAME))
    main_language = title.lang.split("-")[0] if title.lang else None
    return Record(
        **identify_record(raw, source, record_id), title=title,
        title_alt=title_alt, agents=agents, dates=dates,
        object_type=classify_object_type(material_values, texts(DCTERMS_NS, "format")),
        genre_raw=genre, subjects=_rdf_subjects(props), places=dedupe_values(places),
        description=make_descriptions(_rdf_descriptions(props), main_language),
        languages=languages, identifiers=identifiers, landing_url=landing,
        thumbnail_url=thumbnails[0] if thumbnails else None,
        data_provider=holders[0] if len(holders) == 1 else None, rights=rights,
        warnings=tuple(dict.fromkeys(warnings)),
        media=tuple(Media(url, role="thumbnail") for url in dict.fromkeys(thumbnails)),
        collection=series[0] if series else None,
    )


def collect_properties(elements: Iterable[etree._Element]) -> _Props:
    """The child elements of ``elements``, grouped by Clark tag, in document order."""
    props: _Props = {}
    for element in elements:
        for child in element:
            if isinstance(child.tag, str):
                props.setdefault(child.tag, []).append(child)
    return props


def get_property(props: _Props, namespace: str, name: str) -> list[etree._Element]:
    return props.get(f"{{{namespace}}}{name}", [])


def property_texts(props: _Props, namespace: str, name: str) -> list[str]:
    """The cleaned texts of a property; an ``rdf:Description`` gives its ``rdf:value``."""
    values = (_value_and_reading(e)[0] for e in get_property(props, namespace, name))
    return [text for text in values if text]


def _value_and_reading(element: etree._Element) -> tuple[str, str | None]:
    """``(rdf:value, dcndl:transcription)`` of a structured value, else ``(text, None)``."""
    description = element.find(f"{{{RDF_NS}}}Description")
    if description is None:
        return clean_text("".join(element.itertext())), None
    value = clean_text(description.findtext(f"{{{RDF_NS}}}value"))
    reading = clean_text(description.findtext(f"{{{DCNDL_NS}}}transcription"))
    return value, reading or None


def read_resource_or_text(element: etree._Element) -> str:
    return clean_text(element.get(_RESOURCE) or element.text)


def _datatype(element: etree._Element) -> str | None:
    """The local name of ``rdf:datatype`` (``JPNO``) or ``xsi:type`` (``dcndl:ISBN``)."""
    value = (element.get(_DATATYPE) or element.get(XSI_TYPE) or "").strip()
    return re.split(r"[/#:]", value)[-1] or None


def strip_brackets(text: str) -> str:
    """``[東京]`` → ``東京``: brackets mark a cataloguer-supplied value."""
    return text[1:-1].strip() if text.startswith("[") and text.endswith("]") else text


def normalize_languages(values: Sequence[str], warnings: list[str]) -> tuple[str, ...]:
    tags, unparsed = collect_languages(values)
    if unparsed:
        warnings.append(LANGUAGE_UNPARSED)
    return tags


def _reading(text: str) -> LangString:
    """A transcription as an alternative title or name: ``ja-Kana`` (``ja-Hira`` for hiragana)."""
    return LangString(text, f"ja-{detect_reading_script(text) or 'Kana'}")


def choose_dcndl_titles(
    displayed: Sequence[str], described: Sequence[tuple[str, str | None]],
    alternatives: Sequence[tuple[str, str | None]], languages: Sequence[str], raw: RawRecord,
    warnings: list[str],
) -> tuple[LangString, tuple[LangString, ...]]:
    candidates = [(t, None) for t in dedupe_values([*displayed, *(v for v, _ in described)])]
    main_language = detect_main_language(languages, candidates)
    title, others = choose_titles(candidates, main_language)
    alts: list[LangString] = list(others)
    for value, _ in alternatives:
        if not is_placeholder(value):
            lang = None if is_latin_only(value) else tag_language(value, None, main_language)
            alts.append(LangString(value, lang))
    alts += [_reading(r) for _, r in (*described, *alternatives) if r and not is_placeholder(r)]
    if title is None:
        warnings.append(NO_TITLE)
        title = LangString(raw.oai_identifier, None)
    return title, tuple(a for a in dict.fromkeys(alts) if a != title)


def make_dcndl_agent(name: str, role: str, reading: str | None, uri: str | None,
                     role_raw: str | None = None) -> Agent:
    """An agent; trailing life dates move to ``life_dates`` (``佐藤, 俊樹, 1963-``)."""
    match = _LIFE_DATES.match(name)
    return Agent(name=match.group("name") if match else name, role=role, role_raw=role_raw,
                 life_dates=match.group("dates") if match else None,
                 alt_names=(_reading(reading),) if reading else (), uri=uri)


def _rdf_agents(props: _Props) -> tuple[tuple[Agent, ...], list[str]]:
    """Structured agents of the BibResource and the places named by publishers."""
    agents: list[Agent] = []
    places: list[str] = []
    for name, role in (("creator", "creator"), ("contributor", "contributor"),
                       ("publisher", "publisher")):
        for element in get_property(props, DCTERMS_NS, name):
            node = element.find(f"{{{FOAF_NS}}}Agent")
            if node is None:
                node = element.find(f"{{{RDF_NS}}}Description")
            if node is None:
                text = clean_text(element.text)
                if text:
                    agents.append(make_dcndl_agent(text, role, None, element.get(_RESOURCE)))
                continue
            label = clean_text(node.findtext(f"{{{FOAF_NS}}}name")
                               or node.findtext(f"{{{RDF_NS}}}value"))
            if not label:
                continue
            reading = clean_text(node.findtext(f"{{{DCNDL_NS}}}transcription")) or None
            agents.append(make_dcndl_agent(label, role, reading, node.get(_ABOUT)))
            locations = node.iterfind(f"{{{DCNDL_NS}}}location")
            places += [strip_brackets(clean_text(loc.text)) for loc in locations if loc.text]
    if not any(agent.role == "creator" for agent in agents):
        statements = property_texts(props, DC_NS, "creator")
        agents[:0] = [make_agent(text, "creator") for text in statements]
    agents += [make_dcndl_agent(text, "contributor", None, None, role_raw="digitizedPublisher")
               for text in property_texts(props, DCNDL_NS, "digitizedPublisher")]
    return tuple(dict.fromkeys(agents)), places


def parse_dcndl_dates(displayed: Sequence[str], issued: Sequence[str],
                      digitized: Sequence[str], warnings: list[str]) -> tuple[DateValue, ...]:
    """Display dates, W3CDTF issued dates where they add something, digitization dates."""
    dates: list[DateValue] = []
    for text in dict.fromkeys(displayed):
        if is_unknown_date(text):
            warnings.append(DATE_UNKNOWN)
        else:
            dates.append(parse_date(text, "issued"))
    shown = {(d.year_start, d.year_end) for d in dates if d.parsed}
    for text in dict.fromkeys(issued):
        value = parse_date(text, "issued")
        if not value.parsed or (value.year_start, value.year_end) not in shown:
            dates.append(value)
    dates += [parse_date(text, "digitized") for text in dict.fromkeys(digitized)]
    if any(not d.parsed for d in dates):
        warnings.append(DATE_UNPARSED)
    return tuple(dates)


def format_subject(text: str, scheme: str | None) -> str:
    name = (scheme or "").split(":")[-1]
    if name.casefold() in _CLASSIFICATIONS:
        return f"{name.upper()} {text}"
    return text


def _rdf_subjects(props: _Props) -> tuple[str, ...]:
    subjects: list[str] = []
    for element in get_property(props, DCTERMS_NS, "subject"):
        value, _ = _value_and_reading(element)
        resource = element.get(_RESOURCE)
        if value:
            subjects.append(format_subject(value, _datatype(element)))
        elif (resource and (match := _CLASSIFICATION_URI.match(resource.strip()))
              and match.group(1) in _CLASSIFICATIONS):
            subjects.append(f"{match.group(1).upper()} {match.group(2)}")
    subjects += [format_subject(clean_text(e.text), _datatype(e))
                 for e in get_property(props, DC_NS, "subject") if e.text]
    return dedupe_values(subjects)


def _rdf_descriptions(props: _Props) -> list[str]:
    values = [*property_texts(props, DCTERMS_NS, "description"),
              *property_texts(props, DCTERMS_NS, "abstract")]
    for element in get_property(props, DCTERMS_NS, "tableOfContents"):
        entries = [clean_text("".join(e.itertext())) for e in element]
        values.append("\n".join(e for e in entries if e) if entries
                      else clean_text(element.text))
    for element in get_property(props, DCNDL_NS, "partInformation"):
        values += [clean_text(t.text) for t in element.iter(f"{{{DCTERMS_NS}}}title") if t.text]
    return [*values, *property_texts(props, DCNDL_NS, "edition"),
            *property_texts(props, DCTERMS_NS, "extent")]


def make_descriptions(values: Iterable[str], main_language: str | None) -> tuple[LangString, ...]:
    result: list[LangString] = []
    for value in values:
        text = strip_html_to_text(value)
        if not is_placeholder(text):
            result.append(LangString(text, guess_text_language(text, None, main_language)))
    return tuple(dict.fromkeys(result))


def classify_typed_identifier(value: str, datatype: str | None) -> Identifier:
    """An identifier typed by its DC-NDL datatype, normalized when the pattern agrees."""
    kind = _ID_TYPES.get(re.split(r"[/#:]", datatype or "")[-1].casefold())
    classified = classify_identifier(value)
    if kind is None or classified.type == kind:
        return classified
    return Identifier(kind, value)


def _rdf_identifiers(props: _Props, admin: etree._Element | None) -> tuple[Identifier, ...]:
    identifiers = [classify_typed_identifier(clean_text(e.text), _datatype(e))
                   for e in get_property(props, DCTERMS_NS, "identifier") if clean_text(e.text)]
    if admin is not None and admin.get(_ABOUT):
        identifiers.insert(0, Identifier("uri", admin.get(_ABOUT, "").strip()))
    links = (*get_property(props, RDFS_NS, "seeAlso"), *get_property(props, DCTERMS_NS, "source"))
    identifiers += [classify_identifier(r) for e in links if (r := clean_text(e.get(_RESOURCE)))]
    return tuple(dict.fromkeys(identifiers))


def _landing(admin: etree._Element | None, bibs: Sequence[etree._Element],
             props: _Props) -> str | None:
    """The NDL Search page of the record, else the first web page among ``rdfs:seeAlso``."""
    for about in [admin.get(_ABOUT) if admin is not None else None,
                  *(bib.get(_ABOUT) for bib in bibs)]:
        if about and is_http_url(about) and not is_image_url(about):
            return _NDL_SEARCH_RECORD.sub("", about.strip())
    return choose_landing_url(r for e in get_property(props, RDFS_NS, "seeAlso")
                              if (r := e.get(_RESOURCE)))


def read_material_types(elements: Sequence[etree._Element]) -> tuple[list[str], tuple[str, ...]]:
    """Values to classify (DCMI URI or NDL type name, then the label) and the raw labels."""
    values: list[str] = []
    labels: list[str] = []
    for element in elements:
        resource = clean_text(element.get(_RESOURCE))
        label = clean_text(element.get(_LABEL) or element.text)
        if resource:
            values.append(resource if "dcmitype" in resource else re.split(r"[/#]", resource)[-1])
        if label:
            values.append(label)
            labels.append(label)
        elif resource:
            labels.append(resource)
    return values, dedupe_values(labels)


def collect_rights_values(props: _Props) -> list[str]:
    values: list[str] = []
    for name in ("rights", "license", "accessRights"):
        for element in (*get_property(props, DCTERMS_NS, name), *get_property(props, DC_NS, name)):
            for value in (element.get(_RESOURCE), "".join(element.itertext())):
                text = clean_text(value)
                if text and not _NDL_ACCESS_CODE.match(text) and text not in values:
                    values.append(text)
    return values
