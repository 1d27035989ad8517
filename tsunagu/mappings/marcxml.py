"""The ``marc21`` / ``marcxml`` mapper: MARC 21 slim XML to a :class:`Record` (``formats.md`` §3.6).

Field by field:

* title — ``245 $a $b $n $p`` with ISBD punctuation stripped (`` /``, `` :``, a final
  period); a parallel title after `` = `` and ``246``/``130``/``240`` → ``title_alt``.
  A vernacular ``880`` linked by ``$6 245-nn`` becomes the title and the romanized
  ``245`` an alternative tagged ``<lang>-Latn``.
* agents — ``100/110/111`` (creator) and ``700/710/711`` (contributor, or the role of
  their relator): name from ``$a $b $c`` (``$a $b`` for bodies), ``$d`` → life dates,
  ``$e`` → role_raw, ``$4`` relator codes; a linked ``880`` gives the vernacular name,
  the romanized one goes to ``alt_names``. ``260/264 $b`` → publisher.
* dates — ``260 $c`` / ``264 $c`` as written (``264`` ind2 0 → created, 1 → issued),
  then ``008`` Date1/Date2 by the date type (pos. 06) when they add another range;
  manuscripts and graphics (leader/06 ``t d f p k``) are ``created``.
* object_type — leader/06 (type of record); ``336 $a`` and ``655 $a`` → genre_raw.
* subjects — ``600/610/611/630/648/650/651`` with subdivisions joined by ``--``;
  places — ``651 $a``, ``260/264 $a``, ``752``; ``034 $d-$g`` → coordinates (centre).
* description — ``520``, ``505``, ``500`` ``$a``.
* languages — ``008`` pos. 35–37, then ``041 $a``.
* identifiers — ``001`` (local), ``020`` ISBN, ``022`` ISSN, ``024``, ``035``.
* links — ``856 $u``: ind2 0 (the resource) before 1 (a version), 2 (related) only
  for images; images → thumbnail, IIIF manifests → ``iiif_manifest``.
* data_provider — ``852 $a $b``, else the cataloguing agency ``040 $a``;
  collection — ``773 $t``, ``830 $a``, ``490 $a``.
* rights — ``540 $u $a $f``, else ``974 $r`` (HathiTrust rights code, kept raw).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tsunagu.mappings.date_candidates import DATE_UNKNOWN, DATE_UNPARSED
from tsunagu.mappings.dates import is_unknown_date, parse_date
from tsunagu.mappings.document import parse_metadata
from tsunagu.mappings.identifiers import (
    classify_identifier,
    is_http_url,
    is_iiif_manifest,
    is_image_url,
)
from tsunagu.mappings.languages import (
    collect_languages,
    extract_primary_language,
)
from tsunagu.mappings.marc_record import (
    MarcField,
    MarcRecord,
    clean_heading,
    compose,
    read_coordinates,
    read_marc,
)
from tsunagu.mappings.provenance import identify_record
from tsunagu.mappings.rights import derive_rights_set
from tsunagu.mappings.text import clean_text, dedupe_values, is_placeholder
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
    Source,
)

PREFIXES = ("marc21", "marcxml", "MARC21")
MARC_NS = "http://www.loc.gov/MARC21/slim"
ROOT_TAG = f"{{{MARC_NS}}}record"

NO_TITLE = "no_title"
NO_LANDING_URL = "no_landing_url"
LANGUAGE_UNPARSED = "language_unparsed"

_LEADER_TYPES = {
    "a": ObjectType.TEXT, "t": ObjectType.TEXT, "c": ObjectType.TEXT, "d": ObjectType.TEXT,
    "e": ObjectType.IMAGE, "f": ObjectType.IMAGE, "k": ObjectType.IMAGE,
    "g": ObjectType.MOVING_IMAGE, "i": ObjectType.SOUND, "j": ObjectType.SOUND,
    "m": ObjectType.SOFTWARE, "o": ObjectType.COLLECTION, "p": ObjectType.COLLECTION,
    "r": ObjectType.PHYSICAL_OBJECT,
}
_CREATED_LEADER = frozenset("tdfpk")
_CREATOR_CODES = frozenset({"aut", "cre", "art", "pht", "ill", "egr", "cmp", "drm", "ctg",
                            "pnt", "scl", "ltg", "etr", "lyr", "prt", "dsr", "arc"})
_CREATOR_TERMS = re.compile(r"^(?:author|creator|artist|photographer|illustrator|engraver"
                            r"|composer|cartographer|painter|著|作|画|撰)", re.IGNORECASE)
_PUBLISHER_CODES = frozenset({"pbl"})
_NAME_CODES = {"100": "abcq", "700": "abcq", "600": "abcq", "110": "ab", "710": "ab",
               "111": "acn", "711": "acn"}
#: The host item, series added entry and series statement that name the collection.
_COLLECTION_FIELDS = (("773", "t"), ("830", "a"), ("490", "a"))
_SUBJECT_TAGS = ("600", "610", "611", "630", "648", "650", "651")
_SUBDIVISIONS = "xyzv"
_NO_LANGUAGE = frozenset({"", "und", "zxx", "mul", "mis", "|||", "###"})
_ETC = re.compile(r"\s*\[etc\.?\]?", re.IGNORECASE)
#: "No place" / "no publisher" markers of 260/264 (``[S.l.]``, ``[s.n.]``, ``n.p.`` …).
_UNKNOWN_IMPRINT = frozenset({"s.l", "s.l.", "s.n", "s.n.", "n.p", "n.p.", "n. pub", "n. pub.",
                              "sine loco", "sine nomine", "出版地不明", "出版者不明"})


def map_marcxml(raw: RawRecord, source: Source, record_id: str) -> Record:
    """Map one MARCXML raw record; :class:`MappingError` for damaged or foreign XML."""
    root = parse_metadata(raw.xml, ROOT_TAG, source_id=source.id, record_id=record_id)
    marc = read_marc(root)
    leader, control, fields = marc.leader, marc.control, marc.fields
    warnings: list[str] = []

    languages, unparsed = _languages(control.get("008", ""), fields)
    if unparsed:
        warnings.append(LANGUAGE_UNPARSED)
    main_language = extract_primary_language(languages[0]) if languages else None
    title, title_alt = _titles(marc, main_language)
    if title is None:
        title = LangString(raw.oai_identifier, None)
        warnings.append(NO_TITLE)
    dates, date_warnings = _dates(leader, control.get("008", ""), fields)
    warnings.extend(date_warnings)
    landing, thumbnail, manifest, media = _links(fields)
    if landing is None:
        warnings.append(NO_LANDING_URL)
    rights_values = [v for f in fields if f.tag == "540" for v in f.get("uaf")]
    if not rights_values:
        rights_values = [v for f in fields if f.tag == "974" for v in f.get("r")]
    rights, rights_warnings = derive_rights_set(rights_values, source)
    warnings.extend(rights_warnings)
    genres = dedupe_values(clean_heading(v) for f in marc.tagged("336", "655") for v in f.get("a"))

    return Record(
        **identify_record(raw, source, record_id),
        title=title,
        title_alt=title_alt,
        agents=_agents(marc, main_language),
        dates=dates,
        object_type=_LEADER_TYPES.get(leader[6:7], ObjectType.OTHER),
        genre_raw=genres,
        subjects=_subjects(fields),
        places=_places(fields),
        description=tuple(LangString(text, None) for text in dedupe_values(
            clean_text(v) for tag in ("520", "505", "500") for f in fields if f.tag == tag
            for v in f.get("a"))),
        languages=languages,
        identifiers=_identifiers(control, fields),
        landing_url=landing,
        thumbnail_url=thumbnail,
        data_provider=_data_provider(fields),
        rights=rights,
        warnings=tuple(dict.fromkeys(warnings)),
        coordinates=read_coordinates(fields),
        iiif_manifest=manifest,
        media=media,
        collection=next((clean_heading(v) for tag, code in _COLLECTION_FIELDS
                         for f in marc.tagged(tag) for v in f.get(code) if clean_heading(v)), None),
    )


def _titles(marc: MarcRecord, main_language: str | None
            ) -> tuple[LangString | None, tuple[LangString, ...]]:
    """245 first, then 246/130/240; a linked 880 before its romanized field."""
    found: list[LangString] = []
    for field in marc.fields:
        if field.tag not in {"245", "246", "130", "240"}:
            continue
        codes = "abnp" if field.tag in {"245", "246"} else "anp"
        texts: list[tuple[str, str | None]] = [(compose(field, codes), None)]
        linked = marc.linked(field)
        if linked is not None:
            latin = f"{main_language}-Latn" if main_language else None
            texts = [(compose(linked, codes), None), (texts[0][0], latin)]
        for text, declared in texts:
            for index, part in enumerate(text.split(" = ")):
                value = clean_heading(part)
                if not value or any(value == t.value for t in found):
                    continue
                context = main_language if index == 0 else None
                found.append(LangString(value, declared or tag_language(value, None, context)))
    if not found:
        return None, ()
    return found[0], tuple(found[1:])


def _agents(marc: MarcRecord, main_language: str | None) -> tuple[Agent, ...]:
    agents: list[Agent] = []
    for field in marc.fields:
        codes = _NAME_CODES.get(field.tag)
        if codes is None or field.tag == "600" or field.get("t"):
            continue  # a subject, or a name/title entry of another work
        name = clean_heading(compose(field, codes)).strip(" ,")
        if is_placeholder(name):
            continue
        alt: tuple[LangString, ...] = ()
        linked = marc.linked(field)
        if linked is not None:
            native = clean_heading(compose(linked, codes)).strip(" ,")
            if native and native != name:
                latin = f"{main_language}-Latn" if main_language else None
                name, alt = native, (LangString(name, latin),)
        terms = [clean_heading(v).strip(" ,") for v in field.get("e")]
        relators = [v.strip().casefold() for v in field.get("4")]
        codes_given = {*relators, *(t.casefold() for t in terms)}  # codes in $e happen
        role = "creator" if field.tag.startswith("1") else "contributor"
        if codes_given & _PUBLISHER_CODES:
            role = "publisher"
        elif codes_given & _CREATOR_CODES or any(_CREATOR_TERMS.match(t) for t in terms):
            role = "creator"
        life = clean_heading(field.first("d")).strip(" ,") or None
        raw_role = "; ".join(t for t in terms + relators if t) or None
        uri = next((v for v in field.get("01") if is_http_url(v)), None)
        agents.append(Agent(name, role, raw_role, life, alt, uri))
    for field in marc.fields:
        if field.tag in {"260", "264"} and field.ind2 in {" ", "1"}:
            for value in field.get("b"):
                name = _ETC.sub("", clean_heading(value)).strip("[] ,")
                if name.casefold() in _UNKNOWN_IMPRINT:
                    continue
                if name and not any(a.name == name for a in agents):
                    agents.append(Agent(name, "publisher"))
    return tuple(agents)


def _dates(leader: str, fixed: str, fields: list[MarcField]) -> tuple[tuple[DateValue, ...],
                                                                   list[str]]:
    default_kind = "created" if leader[6:7] in _CREATED_LEADER else "issued"
    candidates: list[tuple[str, str]] = []
    for field in fields:
        if field.tag == "260" or (field.tag == "264" and field.ind2 in {"0", "1"}):
            kind = "created" if field.tag == "264" and field.ind2 == "0" else default_kind
            candidates.extend((clean_heading(v), kind) for v in field.get("c"))
    candidates.extend(_fixed_dates(fixed, default_kind))
    dates: list[DateValue] = []
    warnings: list[str] = []
    for text, kind in candidates:
        if not text or is_placeholder(text):
            continue
        if is_unknown_date(text):
            warnings.append(DATE_UNKNOWN)
            continue
        value = parse_date(text, kind)
        if any(d.original == text or (value.parsed and (d.year_start, d.year_end) == (
                value.year_start, value.year_end)) for d in dates):
            continue
        if not value.parsed:
            warnings.append(DATE_UNPARSED)
        dates.append(value)
    return tuple(dates), warnings


def _fixed_dates(fixed: str, kind: str) -> list[tuple[str, str]]:
    """``008`` Date1/Date2 as texts by the date type; blank, ``uuuu`` and ``9999`` ends dropped."""
    if len(fixed) < 15:
        return []
    date_type, first, second = fixed[6], fixed[7:11].strip(), fixed[11:15].strip()
    second = "" if second in {"9999", "uuuu", "||||"} else second
    first = "" if first in {"uuuu", "||||"} else first
    if date_type in "mikq" and first and second and second != first:
        return [(f"{first}/{second}{'?' if date_type == 'q' else ''}", kind)]
    if date_type == "r":
        return [(first, kind)] + ([(second, "other")] if second else [])
    return [(first, kind)] if first else []


def _subjects(fields: list[MarcField]) -> tuple[str, ...]:
    values: list[str] = []
    for field in fields:
        if field.tag in _SUBJECT_TAGS:
            head = clean_heading(compose(field, _NAME_CODES.get(field.tag, "a") + "dt"))
            parts = [head, *(clean_heading(v) for v in field.get(_SUBDIVISIONS))]
            values.append("--".join(p for p in parts if p))
    return dedupe_values(values)


def _places(fields: list[MarcField]) -> tuple[str, ...]:
    values: list[str] = []
    for field in fields:
        if field.tag == "651":
            values.extend(clean_heading(v) for v in field.get("a"))
        elif field.tag in {"260", "264"}:
            values.extend(_ETC.sub("", clean_heading(v)).strip("[] ") for v in field.get("a"))
        elif field.tag == "752":
            values.append(", ".join(clean_heading(v) for v in field.get("dcba")))
    return dedupe_values(v for v in values if v and v.casefold() not in _UNKNOWN_IMPRINT)


def _languages(fixed: str, fields: list[MarcField]) -> tuple[tuple[str, ...], bool]:
    codes = [fixed[35:38]] if len(fixed) >= 38 else []
    for field in (f for f in fields if f.tag == "041"):
        for value in field.get("a"):
            text = value.strip()
            if len(text) > 3 and len(text) % 3 == 0 and text.isalpha():
                codes.extend(text[i:i + 3] for i in range(0, len(text), 3))  # "gerfre"
            else:
                codes.append(text)
    return collect_languages(code for code in codes
                             if code.strip().casefold() not in _NO_LANGUAGE)


def _identifiers(control: dict[str, str], fields: list[MarcField]) -> tuple[Identifier, ...]:
    found: list[Identifier] = []
    if control.get("001", "").strip():
        found.append(Identifier("local", control["001"].strip()))
    for field in fields:
        if field.tag in {"020", "022", "024"}:
            for value in field.get("a"):
                text = value.split("(", 1)[0].strip(" :;")
                if text:
                    found.append(classify_identifier(text))
        elif field.tag == "035":
            found.extend(Identifier("local", v.strip()) for v in field.get("a") if v.strip())
    return tuple(dict.fromkeys(found))


def _links(fields: list[MarcField]) -> tuple[str | None, str | None, str | None, tuple[Media, ...]]:
    pages: list[tuple[int, str]] = []
    images: list[str] = []
    manifest: str | None = None
    for field in (f for f in fields if f.tag == "856"):
        for url in (u.strip() for u in field.get("u")):
            if not is_http_url(url):
                continue
            if is_image_url(url):
                images.append(url)
            elif is_iiif_manifest(url):
                manifest = manifest or url
            elif field.ind2 != "2":
                pages.append(({"0": 0, "1": 1}.get(field.ind2, 2), url))
    landing = min(pages, key=lambda pair: pair[0])[1] if pages else None
    media = tuple(Media(url, "thumbnail") for url in dict.fromkeys(images))
    return landing, images[0] if images else None, manifest, media


def _data_provider(fields: list[MarcField]) -> str | None:
    values: Iterable[str] = (
        " ".join(clean_heading(v) for v in f.get("ab")) for f in fields if f.tag == "852"
    )
    holding = next((v for v in values if v), None)
    return holding or next((clean_heading(v) for f in fields if f.tag == "040"
                            for v in f.get("a") if clean_heading(v)), None)
