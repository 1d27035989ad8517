"""The ``mods`` mapper: MODS 3.x to a :class:`Record` (``formats.md`` §3.3).

Only the direct children of ``mods:mods`` describe the item (a ``relatedItem``
describes its host or series and gives only the collection name); children
are matched by local name (:mod:`~tsunagu.mappings.elements`). Links, holding
institution and rights: :mod:`~tsunagu.mappings.mods_access`; subjects, places
and coordinates: :mod:`~tsunagu.mappings.mods_subjects`.

* title — the first ``titleInfo`` without ``@type`` (``nonSort`` ``title`` :
  ``subTitle``. ``partNumber``. ``partName``, ISBD punctuation stripped); other
  untyped titles and the alternative / translated / uniform / abbreviated ones →
  ``title_alt``, tagged from ``@lang`` / ``@xml:lang`` + ``@script``; other types ignored.
* agents — ``name``: untyped ``namePart`` or family, given; ``@type="date"`` → life
  dates; ``@valueURI``; ``roleTerm`` codes (MARC relators) and words → creator /
  publisher / contributor (words kept in ``role_raw``; no role: creator if
  ``@usage="primary"``). ``originInfo/publisher`` → publisher.
* dates — ``dateCreated``, ``dateIssued``, ``copyrightDate``, ``dateCaptured`` and
  ``dateOther`` of every ``originInfo``; ``@point`` start + end → one ``start/end``;
  ``@qualifier`` approximate / questionable; ``@keyDate`` first; ``dateCaptured``
  and a digitization ``@eventType`` → ``digitized``; date-only ``subject/temporal`` →
  ``coverage``.
* object_type — ``typeOfResource`` (MODS words), else ``genre``; both in genre_raw.
* description — ``abstract``, ``tableOfContents``, ``note`` (not ownership), in the
  language of ``recordInfo/languageOfCataloging``; languages — ``languageTerm``
  (code before text; ``und`` is none).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from lxml import etree

from tsunagu.mappings.date_candidates import DATE_UNKNOWN, DATE_UNPARSED
from tsunagu.mappings.dates import is_unknown_date, parse_date
from tsunagu.mappings.document import XML_LANG, parse_metadata
from tsunagu.mappings.elements import children, first_text, local_name, text_of
from tsunagu.mappings.identifiers import is_http_url
from tsunagu.mappings.languages import guess_text_language, normalize_language
from tsunagu.mappings.mods_access import (
    read_data_provider,
    read_identifiers,
    read_links,
    read_rights_values,
)
from tsunagu.mappings.mods_subjects import (
    read_coordinates,
    read_dated_temporals,
    read_places,
    read_subjects,
)
from tsunagu.mappings.object_types import classify_object_type
from tsunagu.mappings.provenance import identify_record
from tsunagu.mappings.rights import derive_rights_set
from tsunagu.mappings.text import (
    clean_text,
    dedupe_values,
    is_placeholder,
    looks_like_html,
    strip_html_to_text,
)
from tsunagu.mappings.titles import detect_main_language, strip_isbd, tag_language
from tsunagu.records import Agent, DateValue, LangString, ObjectType, RawRecord, Record, Source

PREFIX = "mods"
MODS_NS = "http://www.loc.gov/mods/v3"
ROOT_TAG = f"{{{MODS_NS}}}mods"

NO_TITLE = "no_title"
NO_LANDING_URL = "no_landing_url"
LANGUAGE_UNPARSED = "language_unparsed"

_ALT_TITLE_TYPES = frozenset({"alternative", "translated", "uniform", "abbreviated"})
_DATE_KINDS = {"dateCreated": "created", "dateIssued": "issued", "copyrightDate": "issued",
               "dateCaptured": "digitized", "dateOther": "other"}
#: MARC relator codes and role words (lower case) that make a creator or a publisher.
_CREATOR_ROLES = frozenset({
    "cre", "aut", "art", "pht", "ill", "egr", "cmp", "drm", "ctg", "pnt", "scl", "ltg", "etr",
    "lbt", "lyr", "prt", "dsr", "arc", "ive", "ivr", "orm",
    "creator", "author", "artist", "photographer", "illustrator", "engraver", "composer",
    "cartographer", "painter", "sculptor", "lithographer", "etcher", "designer", "architect",
    "draftsman", "printmaker", "originator", "lyricist", "librettist",
})
_PUBLISHER_ROLES = frozenset({"pbl", "publisher", "dst", "distributor"})
_TYPE_OF_RESOURCE = {
    "text": ObjectType.TEXT, "cartographic": ObjectType.IMAGE,
    "notated music": ObjectType.TEXT, "sound recording": ObjectType.SOUND,
    "sound recording-musical": ObjectType.SOUND, "sound recording-nonmusical": ObjectType.SOUND,
    "still image": ObjectType.IMAGE, "moving image": ObjectType.MOVING_IMAGE,
    "three dimensional object": ObjectType.PHYSICAL_OBJECT,
    "software, multimedia": ObjectType.SOFTWARE, "mixed material": ObjectType.COLLECTION,
}
_NO_LANGUAGE = frozenset({"und", "zxx", "mul", "mis", "undetermined", "undefined"})
_PARAGRAPHS = re.compile(r"\n\s*\n")


def map_mods(raw: RawRecord, source: Source, record_id: str) -> Record:
    """Map one MODS raw record; :class:`MappingError` for damaged or foreign XML."""
    root = parse_metadata(raw.xml, ROOT_TAG, source_id=source.id, record_id=record_id)
    warnings: list[str] = []

    languages, unparsed = _languages(root)
    if unparsed:
        warnings.append(LANGUAGE_UNPARSED)
    titles = _titles(root)
    main_language = detect_main_language(languages, [(value, lang) for value, lang, _ in titles])
    title, title_alt = _choose(titles, main_language)
    if title is None:
        title = LangString(raw.oai_identifier, None)
        warnings.append(NO_TITLE)

    temporal = read_dated_temporals(root)
    dates, date_warnings = _dates(root, temporal)
    warnings.extend(date_warnings)

    links = read_links(root)
    if links.landing is None:
        warnings.append(NO_LANDING_URL)
    rights, rights_warnings = derive_rights_set(read_rights_values(root), source)
    warnings.extend(rights_warnings)
    types = dedupe_values(clean_text(text_of(e)) for e in children(root, "typeOfResource"))
    genres = dedupe_values(clean_text(text_of(e)) for e in children(root, "genre"))

    return Record(
        **identify_record(raw, source, record_id),
        title=title,
        title_alt=title_alt,
        agents=_agents(root),
        dates=dates,
        object_type=_object_type(types, genres),
        genre_raw=dedupe_values([*types, *genres]),
        subjects=read_subjects(root, temporal),
        places=read_places(root),
        description=_descriptions(root),
        languages=languages,
        identifiers=read_identifiers(root),
        landing_url=links.landing,
        thumbnail_url=links.thumbnail,
        data_provider=read_data_provider(root),
        rights=rights,
        warnings=tuple(dict.fromkeys(warnings)),
        coordinates=read_coordinates(root),
        iiif_manifest=links.manifest,
        media=links.media,
        collection=_collection(root),
    )


# --- fields ----------------------------------------------------------------------------------


def _titles(root: etree._Element) -> list[tuple[str, str | None, bool]]:
    """``(title, language, is_main_kind)`` per usable ``titleInfo``, in order."""
    titles: list[tuple[str, str | None, bool]] = []
    for info in children(root, "titleInfo"):
        kind = info.get("type")
        if kind is not None and kind not in _ALT_TITLE_TYPES:
            continue
        value = _compose_title(info)
        if is_placeholder(value) or any(value == t for t, _, _ in titles):
            continue
        titles.append((value, _title_language(info), kind is None))
    return titles


def _compose_title(info: etree._Element) -> str:
    non_sort = first_text(info, "nonSort")
    title = first_text(info, "title")
    if non_sort and title:
        joiner = "" if non_sort.endswith(("'", "’", "-")) else " "
        title = f"{non_sort}{joiner}{title}"
    for name, separator in (("subTitle", " : "), ("partNumber", ". "), ("partName", ". ")):
        part = first_text(info, name)
        if part and title:
            title = f"{strip_isbd(title).rstrip(' .:')}{separator}{part}"
    return strip_isbd(title)


def _title_language(info: etree._Element) -> str | None:
    lang: str | None = info.get("lang") or info.get(XML_LANG)
    script = info.get("script") or info.get("transliteration")
    if lang and script and len(script) == 4 and script.isalpha():
        return f"{lang}-{script}"
    return lang


def _choose(
    titles: list[tuple[str, str | None, bool]], main_language: str | None
) -> tuple[LangString | None, tuple[LangString, ...]]:
    tagged = [(LangString(v, tag_language(v, lang, main_language)), main)
              for v, lang, main in titles]
    if not tagged:
        return None, ()
    index = next((i for i, (_, main) in enumerate(tagged) if main), 0)
    return tagged[index][0], tuple(t for i, (t, _) in enumerate(tagged) if i != index)


def _agents(root: etree._Element) -> tuple[Agent, ...]:
    agents: list[Agent] = []
    for name in children(root, "name"):
        agent = _agent(name)
        if agent is not None and agent not in agents:
            agents.append(agent)
    names = {a.name for a in agents}
    for info in children(root, "originInfo"):
        for publisher in children(info, "publisher"):
            text = strip_isbd(clean_text(text_of(publisher))).rstrip(",")
            if not is_placeholder(text) and text not in names:
                names.add(text)
                agents.append(Agent(name=text, role="publisher"))
    return tuple(agents)


def _agent(element: etree._Element) -> Agent | None:
    plain: list[str] = []
    family = given = life = ""
    for part in children(element, "namePart"):
        text = clean_text(text_of(part)).strip(" ,")
        kind = part.get("type")
        if not text:
            continue
        if kind is None:
            plain.append(text)
        elif kind == "family":
            family = text
        elif kind == "given":
            given = text
        elif kind == "date":
            life = text
    name = ", ".join(p for p in (family, given) if p) or ", ".join(plain)
    name = name or first_text(element, "displayForm")
    name = " ".join(name.split()).strip(" ,")
    if is_placeholder(name):
        return None
    codes: list[str] = []
    texts: list[str] = []
    for role in children(element, "role"):
        for term in children(role, "roleTerm"):
            text = clean_text(text_of(term))
            if text:
                (codes if term.get("type") == "code" else texts).append(text)
    role = _role(codes + texts, primary=element.get("usage") == "primary")
    uri = element.get("valueURI") or None
    return Agent(name=name, role=role, role_raw="; ".join(dict.fromkeys(texts or codes)) or None,
                 life_dates=life or None, uri=uri if uri and is_http_url(uri) else None)


def _role(terms: list[str], *, primary: bool) -> str:
    if not terms:
        return "creator" if primary else "contributor"
    folded = {term.casefold().rstrip(".") for term in terms}
    if folded & _CREATOR_ROLES:
        return "creator"
    if folded & _PUBLISHER_ROLES:
        return "publisher"
    return "contributor"


def _dates(root: etree._Element, temporal: Iterable[str]) -> tuple[
    tuple[DateValue, ...], list[str]
]:
    found: list[tuple[bool, DateValue]] = []
    warnings: list[str] = []
    for info in children(root, "originInfo"):
        digitized = "digit" in (info.get("eventType") or "").casefold()
        for element_name, kind in _DATE_KINDS.items():
            elements = list(children(info, element_name))
            for key, text, qualifier in _date_texts(elements):
                if is_unknown_date(text):
                    warnings.append(DATE_UNKNOWN)
                    continue
                value = parse_date(text, "digitized" if digitized else kind)
                if qualifier == "approximate":
                    value = dataclasses.replace(value, approximate=True)
                elif qualifier == "questionable":
                    value = dataclasses.replace(value, uncertain=True)
                found.append((key, value))
    for text in temporal:
        found.append((False, parse_date(text, "coverage")))
    result: list[DateValue] = []
    for _, value in sorted(found, key=lambda pair: not pair[0]):
        if any(v.kind == value.kind and (v.original == value.original or (
            value.parsed and (v.year_start, v.year_end) == (value.year_start, value.year_end)
        )) for v in result):
            continue
        if not value.parsed:
            warnings.append(DATE_UNPARSED)
        result.append(value)
    return tuple(result), warnings


def _date_texts(elements: list[etree._Element]) -> list[tuple[bool, str, str | None]]:
    """``(key date, text, qualifier)``; a start and an end become one ``start/end`` text.

    Plain dates come first: they are the text as written ("1900-1922."); a
    start/end pair with the same years is then dropped as a duplicate.
    """
    start = next((e for e in elements if e.get("point") == "start"), None)
    end = next((e for e in elements if e.get("point") == "end"), None)
    result: list[tuple[bool, str, str | None]] = []
    for element in elements:
        if element.get("point") in {"start", "end"}:
            continue
        text = clean_text(text_of(element))
        if text and not is_placeholder(text) and all(text != t for _, t, _ in result):
            result.append((element.get("keyDate") == "yes", text, element.get("qualifier")))
    if start is not None or end is not None:
        first = clean_text(text_of(start)) if start is not None else ""
        last = clean_text(text_of(end)) if end is not None else ""
        text = first if not last or last == first else f"{first or '..'}/{last}"
        key = any(e is not None and e.get("keyDate") == "yes" for e in (start, end))
        qualifier = next((e.get("qualifier") for e in (start, end)
                          if e is not None and e.get("qualifier")), None)
        if text:
            result.append((key, text, qualifier))
    return result


def _object_type(types: tuple[str, ...], genres: tuple[str, ...]) -> ObjectType:
    for value in types:
        found = _TYPE_OF_RESOURCE.get(value.casefold())
        if found is not None:
            return found
    return classify_object_type([*types, *genres])


def _descriptions(root: etree._Element) -> tuple[LangString, ...]:
    """Notes in the language of the cataloguing (``recordInfo/languageOfCataloging``).

    ``mods:language`` is the language of the item, not of its description.
    """
    cataloging = _cataloging_language(root)
    result: list[LangString] = []
    for element in children(root, "abstract", "tableOfContents", "note"):
        if local_name(element) == "note" and (element.get("type") or "").casefold() == "ownership":
            continue
        text = _readable(text_of(element))
        if is_placeholder(text) or any(text == d.value for d in result):
            continue
        declared = element.get("lang") or element.get(XML_LANG)
        result.append(LangString(text, guess_text_language(text, declared, cataloging)))
    return tuple(result)


def _readable(value: str) -> str:
    """HTML to text; plain text keeps blank-line paragraphs, other line breaks are layout."""
    if looks_like_html(value) or "&" in value:
        return strip_html_to_text(value)
    return "\n\n".join(
        cleaned for part in _PARAGRAPHS.split(value) if (cleaned := clean_text(part))
    )


def _cataloging_language(root: etree._Element) -> str | None:
    for info in children(root, "recordInfo"):
        for language in children(info, "languageOfCataloging"):
            for term in children(language, "languageTerm"):
                tag = normalize_language(text_of(term))
                if tag:
                    return tag
    return None


def _languages(root: etree._Element) -> tuple[tuple[str, ...], bool]:
    tags: list[str] = []
    unparsed = False
    for language in children(root, "language"):
        terms = sorted(children(language, "languageTerm"), key=lambda t: t.get("type") != "code")
        for term in terms:
            value = clean_text(text_of(term))
            if not value or value.casefold() in _NO_LANGUAGE:
                break
            tag = normalize_language(value)
            if tag is not None:
                if tag not in tags:
                    tags.append(tag)
                break
        else:
            unparsed = unparsed or bool(terms)
    return tuple(tags), unparsed


def _collection(root: etree._Element) -> str | None:
    for item in children(root, "relatedItem"):
        if item.get("type") == "host" or (item.get("displayLabel") or "").casefold() == (
            "collection"
        ):
            for info in children(item, "titleInfo"):
                title = _compose_title(info)
                if title and not is_placeholder(title):
                    return title
    return None
