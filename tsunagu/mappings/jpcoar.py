"""The ``jpcoar`` mapper: JPCOAR schema 1.0 / 2.0 / 2.1 to a :class:`Record` (``formats.md`` §3.8).

Only the direct children of ``jpcoar:jpcoar`` describe the item; ``jpcoar:catalog``
describes its database and only gives fallback rights (``rights_from_catalog``).
A root namespace that disagrees with the prefix gives ``schema_version_mismatch``.

Names: the one in the main language (else ``familyName, givenName``), the others
and ``*Alternative`` as ``alt_names``. Dates: ``dcterms:date``, ``datacite:date``
Issued / Created / Copyrighted / Collected / Valid, ``dateGranted``, ``temporal``;
Available / Updated / Accepted / Submitted are repository events (Available ends
an embargo). Landing: the URI identifier, else the DOI, else the handle. Files:
``@objectType`` thumbnail, fulltext → full, iiif → ``iiif_manifest``, others
download; a licence inside a file is that file's rights (origin ``media``).

Rights per scope (file / thumbnail / metadata): :mod:`tsunagu.mappings.jpcoar_rights`. COAR
``dcterms:accessRights`` is access, not a licence: ``access_embargoed``,
``access_restricted``, ``access_metadata_only``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lxml import etree

from tsunagu.mappings.date_candidates import parse_date_candidates
from tsunagu.mappings.document import XML_LANG, find_root, parse_document, select_root
from tsunagu.mappings.identifiers import (
    classify_identifier,
    is_http_url,
    is_image_url,
    make_doi_url,
)
from tsunagu.mappings.jpcoar_rights import derive_jpcoar_rights, read_file
from tsunagu.mappings.languages import (
    collect_languages,
    extract_primary_language,
    guess_text_language,
    normalize_language,
)
from tsunagu.mappings.object_types import classify_object_type
from tsunagu.mappings.provenance import identify_record
from tsunagu.mappings.text import clean_text, dedupe_values, is_placeholder, strip_html_to_text
from tsunagu.mappings.titles import choose_titles, detect_main_language, tag_language
from tsunagu.records import (
    Agent,
    DateValue,
    Identifier,
    LangString,
    RawRecord,
    Record,
    Source,
)

JPCOAR_NS = {v: f"https://github.com/JPCOAR/schema/blob/master/{v}/" for v in ("1.0", "2.0", "2.1")}
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
DATACITE_NS = "https://schema.datacite.org/meta/kernel-4/"
DCNDL_NS = "http://ndl.go.jp/dcndl/terms/"
RDF_RESOURCE = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource"

NO_TITLE = "no_title"
NO_LANDING_URL = "no_landing_url"
LANGUAGE_UNPARSED = "language_unparsed"
VERSION_MISMATCH = "schema_version_mismatch"
#: COAR access rights (``formats.md`` §3.8) → warning.
ACCESS_WARNINGS = {"c_f1cf": "access_embargoed", "c_16ec": "access_restricted",
                   "c_14cb": "access_metadata_only"}

_DATE_KINDS = {"issued": "issued", "created": "created", "copyrighted": "other",
               "collected": "other", "valid": "other"}
_SCHEMES = {"ndc", "ndlc", "ddc", "lcc", "udc", "bsh", "ndlsh"}


def map_jpcoar(raw: RawRecord, source: Source, record_id: str) -> Record:
    """Map one JPCOAR record (any version); :class:`MappingError` for damaged XML."""
    expected = raw.metadata_prefix.removeprefix("jpcoar").lstrip("_") or None
    root, version = _parse(raw, source, record_id, expected)
    ns = JPCOAR_NS[version]
    warnings: list[str] = []
    if expected is not None and expected != version:
        warnings.append(VERSION_MISMATCH)

    languages = _languages(_children(root, DC_NS, "language"), warnings)
    titles = _pairs(_children(root, DC_NS, "title"))
    main_language = detect_main_language(languages, titles)
    title, title_alt = choose_titles(titles, main_language)
    if title is None:
        warnings.append(NO_TITLE)
        title = LangString(raw.oai_identifier, None)
    alternatives = [LangString(v, tag_language(v, lang, main_language))
                    for v, lang in _pairs(_children(root, DCTERMS_NS, "alternative"))]
    title_alt = tuple(t for t in dict.fromkeys([*title_alt, *alternatives]) if t != title)

    agents, places = _agents(root, ns, main_language)
    dates = _dates(root, warnings)
    identifiers = _identifiers(root, ns)
    landing = _landing(root, ns)
    if landing is None:
        warnings.append(NO_LANDING_URL)
    media = tuple(m for f in _children(root, ns, "file") if (m := read_file(f, ns, warnings)))
    rights = derive_jpcoar_rights(root, ns, source, warnings)
    access = _children(root, DCTERMS_NS, "accessRights")
    for element in access:
        code = (element.get(RDF_RESOURCE) or "").rstrip("/").rsplit("/", 1)[-1]
        if code in ACCESS_WARNINGS:
            warnings.append(ACCESS_WARNINGS[code])
    types = _children(root, DC_NS, "type")
    genre = dedupe_values(clean_text(e.text) or clean_text(e.get(RDF_RESOURCE)) for e in types)
    point = _point(root)
    places += [clean_text(e.text) for e in root.iterfind(
        f"{{{DATACITE_NS}}}geoLocation/{{{DATACITE_NS}}}geoLocationPlace") if e.text]
    manifests = [m.url for m in media if m.role == "iiif_manifest"]
    thumbnails = [m.url for m in media if m.role == "thumbnail"]
    return Record(
        **identify_record(raw, source, record_id), title=title,
        title_alt=title_alt, agents=agents, dates=dates,
        object_type=classify_object_type(
            [*genre, *(clean_text(e.get(RDF_RESOURCE)) for e in types)],
            [clean_text(e.text) for e in root.iterfind(f"{{{ns}}}file/{{{ns}}}mimeType")],
        ),
        genre_raw=genre, subjects=_subjects(root, ns), places=dedupe_values(places),
        description=_descriptions(root, ns, main_language), languages=languages,
        identifiers=identifiers, landing_url=landing,
        thumbnail_url=thumbnails[0] if thumbnails else None,
        data_provider=_data_provider(root, ns, main_language), rights=rights,
        warnings=tuple(dict.fromkeys(warnings)), coordinates=point,
        iiif_manifest=manifests[0] if manifests else None,
        media=tuple(m for m in media if m.role != "iiif_manifest"),
        collection=_collection(root, ns, main_language),
        rights_holder=dedupe_values(clean_text(e.text) for e in root.iterfind(
            f"{{{ns}}}rightsHolder/{{{ns}}}rightsHolderName") if e.text),
    )


def _parse(raw: RawRecord, source: Source, record_id: str, expected: str | None
           ) -> tuple[etree._Element, str]:
    """The root and its schema version; the prefix's version is tried first."""
    versions = sorted(JPCOAR_NS, key=lambda v: v != expected)
    document = parse_document(raw.xml, source_id=source.id, record_id=record_id)
    for version in versions:
        root = find_root(document, f"{{{JPCOAR_NS[version]}}}jpcoar")
        if root is not None:
            return root, version
    # none matched: the error names the root of the version tried first
    first = f"{{{JPCOAR_NS[versions[0]]}}}jpcoar"
    return select_root(document, first, source_id=source.id, record_id=record_id), versions[0]


def _children(element: etree._Element, namespace: str, name: str) -> list[etree._Element]:
    return list(element.iterfind(f"{{{namespace}}}{name}"))


def _pairs(elements: Iterable[etree._Element]) -> list[tuple[str, str | None]]:
    """``(cleaned text, xml:lang)`` of the elements, placeholders and duplicates dropped."""
    pairs: list[tuple[str, str | None]] = []
    for element in elements:
        text = clean_text("".join(element.itertext()))
        if not is_placeholder(text) and (text, element.get(XML_LANG)) not in pairs:
            pairs.append((text, element.get(XML_LANG)))
    return pairs


def _languages(elements: Sequence[etree._Element], warnings: list[str]) -> tuple[str, ...]:
    tags, unparsed = collect_languages(text for text, _ in _pairs(elements))
    if unparsed:
        warnings.append(LANGUAGE_UNPARSED)
    return tags


def _choose_name(pairs: Sequence[tuple[str, str | None]], main_language: str | None
                 ) -> tuple[str, tuple[LangString, ...]] | None:
    """The name in the main language (else the first) and the others as ``alt_names``."""
    if not pairs:
        return None
    tagged = [LangString(v, normalize_language(lang) if lang else None) for v, lang in pairs]
    index = next((i for i, n in enumerate(tagged)
                  if n.lang is None or n.lang == main_language), 0)
    index = next((i for i, n in enumerate(tagged) if n.lang == main_language), index)
    return tagged[index].value, tuple(n for i, n in enumerate(tagged) if i != index)


def _person(element: etree._Element, ns: str, kind: str, role: str,
            main_language: str | None) -> Agent | None:
    names = _pairs(_children(element, ns, f"{kind}Name"))
    if not names:
        families = dict((lang, v) for v, lang in _pairs(_children(element, ns, "familyName")))
        givens = dict((lang, v) for v, lang in _pairs(_children(element, ns, "givenName")))
        names = [(", ".join(p for p in (family, givens.get(lang)) if p), lang)
                 for lang, family in families.items()]
    chosen = _choose_name(names, main_language)
    if chosen is None:
        return None
    name, alt_names = chosen
    alternatives = [LangString(v, normalize_language(lang) if lang else None)
                    for v, lang in _pairs(_children(element, ns, f"{kind}Alternative"))]
    uris = [u for e in _children(element, ns, "nameIdentifier")
            if (u := clean_text(e.get("nameIdentifierURI") or e.text)) and is_http_url(u)]
    return Agent(name=name, role=role, role_raw=element.get(f"{kind}Type"),
                 alt_names=tuple(dict.fromkeys([*alt_names, *alternatives])),
                 uri=uris[0] if uris else None)


def _agents(root: etree._Element, ns: str, main_language: str | None
            ) -> tuple[tuple[Agent, ...], list[str]]:
    agents = [a for e in _children(root, ns, "creator")
              if (a := _person(e, ns, "creator", "creator", main_language))]
    agents += [a for e in _children(root, ns, "contributor")
               if (a := _person(e, ns, "contributor", "contributor", main_language))]
    publishers = _pairs(_children(root, DC_NS, "publisher"))
    main = [p for p in publishers if p[1] is None
            or extract_primary_language(normalize_language(p[1])) == main_language]
    if len(main) == 1 and (chosen := _choose_name(publishers, main_language)):
        agents.append(Agent(name=chosen[0], role="publisher", alt_names=chosen[1]))
    else:
        agents += [Agent(name=v, role="publisher") for v, _ in publishers]
    places: list[str] = []
    for element in _children(root, ns, "publisher"):
        chosen = _choose_name(_pairs(_children(element, ns, "publisherName")), main_language)
        if chosen:
            agents.append(Agent(name=chosen[0], role="publisher", alt_names=chosen[1]))
        places += [v for v, _ in _pairs(_children(element, DCNDL_NS, "location"))]
    return tuple(dict.fromkeys(agents)), places


def _dates(root: etree._Element, warnings: list[str]) -> tuple[DateValue, ...]:
    candidates = [(v, "other") for v, _ in _pairs(_children(root, DCTERMS_NS, "date"))]
    for element in _children(root, DATACITE_NS, "date"):
        kind = _DATE_KINDS.get((element.get("dateType") or "").casefold())
        if kind and (text := clean_text(element.text)):
            candidates.append((text, kind))
    candidates += [(v, "other") for v, _ in _pairs(_children(root, DCNDL_NS, "dateGranted"))]
    candidates += [(v, "coverage") for v, _ in _pairs(_children(root, DCTERMS_NS, "temporal"))]
    dates, date_warnings = parse_date_candidates(candidates)
    warnings.extend(date_warnings)
    return dates


def _subjects(root: etree._Element, ns: str) -> tuple[str, ...]:
    values = []
    for element in _children(root, ns, "subject"):
        text = clean_text(element.text)
        scheme = element.get("subjectScheme") or ""
        values.append(f"{scheme} {text}" if scheme.casefold() in _SCHEMES else text)
    return dedupe_values(values)


def _descriptions(root: etree._Element, ns: str, main_language: str | None
                  ) -> tuple[LangString, ...]:
    elements = [*_children(root, DATACITE_NS, "description"), *_children(root, DCNDL_NS, "edition"),
                *_children(root, ns, "format"), *_children(root, DCTERMS_NS, "extent")]
    result: list[LangString] = []
    for element in elements:
        text = strip_html_to_text("".join(element.itertext()))
        if not is_placeholder(text):
            lang = guess_text_language(text, element.get(XML_LANG), main_language)
            result.append(LangString(text, lang))
    return tuple(dict.fromkeys(result))


def _identifier(value: str, kind: str | None) -> Identifier:
    kind = (kind or "").upper()
    if kind == "HDL":
        return Identifier("handle", value.removeprefix("http://hdl.handle.net/")
                          .removeprefix("https://hdl.handle.net/").removeprefix("hdl:"))
    if kind == "NCID":
        return Identifier("ncid", value)
    return classify_identifier(value)


def _identifiers(root: etree._Element, ns: str) -> tuple[Identifier, ...]:
    values = [_identifier(clean_text(e.text), e.get("identifierType"))
              for name in ("identifier", "identifierRegistration")
              for e in _children(root, ns, name) if clean_text(e.text)]
    values += [_identifier(clean_text(e.text), e.get("identifierType"))
               for e in _children(root, ns, "sourceIdentifier")
               if clean_text(e.text) and e.get("identifierType") in {"PISSN", "EISSN", "ISSN",
                                                                      "NCID"}]
    return tuple(dict.fromkeys(values))


def _landing(root: etree._Element, ns: str) -> str | None:
    """The repository page (``URI``), else the DOI resolver URL, else the handle URL."""
    found: dict[str, str] = {}
    for element in _children(root, ns, "identifier"):
        text = clean_text(element.text)
        kind = (element.get("identifierType") or "").upper()
        identifier = classify_identifier(text)
        if identifier.type == "doi":
            found.setdefault("DOI", make_doi_url(identifier.value))
        elif is_http_url(text) and not is_image_url(text):
            found.setdefault(kind if kind in {"URI", "HDL"} else "OTHER", text)
    return next((found[k] for k in ("URI", "DOI", "HDL", "OTHER") if k in found), None)


def _point(root: etree._Element) -> tuple[float, float] | None:
    for point in root.iterfind(f"{{{DATACITE_NS}}}geoLocation/{{{DATACITE_NS}}}geoLocationPoint"):
        try:
            lat = float(clean_text(point.findtext(f"{{{DATACITE_NS}}}pointLatitude")))
            lon = float(clean_text(point.findtext(f"{{{DATACITE_NS}}}pointLongitude")))
        except ValueError:
            continue
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lat, lon
    return None


def _data_provider(root: etree._Element, ns: str, main_language: str | None) -> str | None:
    for holder in _children(root, ns, "holdingAgent"):
        chosen = _choose_name(_pairs(_children(holder, ns, "holdingAgentName")), main_language)
        if chosen:
            return chosen[0]
    for contributor in _children(root, ns, "contributor"):
        if contributor.get("contributorType") == "HostingInstitution":
            names = _pairs(_children(contributor, ns, "contributorName"))
            if chosen := _choose_name(names, main_language):
                return chosen[0]
    return None


def _collection(root: etree._Element, ns: str, main_language: str | None) -> str | None:
    chosen = _choose_name(_pairs(_children(root, ns, "sourceTitle")), main_language)
    if chosen:
        return chosen[0]
    for relation in _children(root, ns, "relation"):
        if relation.get("relationType") == "inSeries":
            names = _pairs(_children(relation, ns, "relatedTitle"))
            if chosen := _choose_name(names, main_language):
                return chosen[0]
    return None
