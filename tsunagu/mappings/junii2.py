"""The ``junii2`` mapper: NII's legacy repository format to a :class:`Record` (``formats.md`` §3.9).

junii2 (root ``junii2``, namespace ``http://irdb.nii.ac.jp/oai``) is a flat
element set, the predecessor of JPCOAR; the crosswalk follows the JPCOAR
element pages (``creatorName`` ← ``creator`` …). Field by field:

* title — ``title`` (``@lang`` / ``xml:lang``), ``alternative`` → ``title_alt``
  (readings and romanizations tagged by script).
* agents — ``creator`` (role words moved to ``role_raw``), ``contributor``,
  ``publisher``.
* dates — ``dateofissued`` (kind ``issued``), ``date`` (``other``),
  ``temporal`` / ``NIItemporal`` (``coverage``).
* object_type — ``NIItype`` (NII resource type), ``type``; ``format`` MIME types
  as fallback.
* subjects — ``subject``, ``NIIsubject``, ``NDLSH``, ``BSH``, ``MeSH``, ``LCSH``
  and the classifications ``NDC``, ``NDLC``, ``DDC``, ``LCC``, ``UDC`` as
  ``"NDC 913.6"``.
* places — ``spatial``, ``NIIspatial``.
* description — ``description``; languages — ``language``.
* identifiers — ``identifier``, ``URI``, ``selfDOI``/``doi`` (DOI), ``issn``,
  ``NCID`` (``ncid``), ``pmid``.
* landing_url — ``URI``, else the DOI, else an http ``identifier``;
  media — ``fullTextURL`` (full), the image-like ones as thumbnail.
* collection — ``jtitle`` with ``volume``, ``issue`` and ``spage``–``epage``.
* rights — ``rights`` (free text). ``textversion`` (author / publisher / ETD /
  none) is kept in ``genre_raw`` as ``textversion:author``.
"""

from __future__ import annotations

from lxml import etree

from tsunagu.mappings.agents import make_agent
from tsunagu.mappings.date_candidates import parse_date_candidates
from tsunagu.mappings.document import XML_LANG, parse_metadata
from tsunagu.mappings.identifiers import (
    choose_landing_url,
    classify_identifier,
    is_http_url,
    is_image_url,
    make_doi_url,
)
from tsunagu.mappings.languages import collect_languages, guess_text_language
from tsunagu.mappings.object_types import classify_object_type
from tsunagu.mappings.provenance import identify_record
from tsunagu.mappings.rights import derive_rights_set
from tsunagu.mappings.text import (
    clean_text,
    dedupe_values,
    detect_reading_script,
    is_placeholder,
    strip_html_to_text,
)
from tsunagu.mappings.titles import choose_titles, detect_main_language, tag_language
from tsunagu.records import DateValue, Identifier, LangString, Media, RawRecord, Record, Source

JUNII2_NS = "http://irdb.nii.ac.jp/oai"
ROOT_TAG = f"{{{JUNII2_NS}}}junii2"

NO_TITLE = "no_title"
NO_LANDING_URL = "no_landing_url"
LANGUAGE_UNPARSED = "language_unparsed"

_HEADINGS = ("subject", "NIIsubject", "NDLSH", "BSH", "MeSH", "LCSH")
_CLASSIFICATIONS = ("NDC", "NDLC", "DDC", "LCC", "UDC")
_Values = dict[str, list[tuple[str, str | None]]]


def map_junii2(raw: RawRecord, source: Source, record_id: str) -> Record:
    """Map one junii2 record; :class:`MappingError` for damaged XML."""
    root = parse_metadata(raw.xml, ROOT_TAG, source_id=source.id, record_id=record_id)
    values = _collect(root)
    warnings: list[str] = []

    languages, unparsed = collect_languages(_texts(values, "language"))
    if unparsed:
        warnings.append(LANGUAGE_UNPARSED)
    titles = values.get("title", [])
    main_language = detect_main_language(languages, titles)
    title, title_alt = choose_titles(titles, main_language)
    if title is None:
        warnings.append(NO_TITLE)
        title = LangString(raw.oai_identifier, None)
    alternatives = [LangString(v, _alternative_language(v, lang, main_language))
                    for v, lang in values.get("alternative", [])]
    title_alt = tuple(t for t in dict.fromkeys([*title_alt, *alternatives]) if t != title)

    agents = tuple(dict.fromkeys(
        make_agent(text, role) for name, role in (("creator", "creator"),
                                                  ("contributor", "contributor"),
                                                  ("publisher", "publisher"))
        for text in _texts(values, name)
    ))
    dates = _dates(values, warnings)
    identifiers = _identifiers(values)
    dois = [i.value for i in identifiers if i.type == "doi"]
    landing = (choose_landing_url(_texts(values, "URI"))
               or (make_doi_url(dois[0]) if dois else None)
               or choose_landing_url(_texts(values, "identifier")))
    if landing is None:
        warnings.append(NO_LANDING_URL)
    full_texts = [u for u in _texts(values, "fullTextURL") if is_http_url(u)]
    media = [Media(u, role="thumbnail" if is_image_url(u) else "full") for u in full_texts]
    rights, rights_warnings = derive_rights_set([t for t, _ in values.get("rights", [])], source)
    warnings.extend(rights_warnings)
    types = [*_texts(values, "NIItype"), *_texts(values, "type")]
    genre = dedupe_values([*types, *(f"textversion:{v}" for v in _texts(values, "textversion"))])
    subjects = [*(v for name in _HEADINGS for v in _texts(values, name)),
                *(f"{name} {v}" for name in _CLASSIFICATIONS for v in _texts(values, name))]
    descriptions = tuple(dict.fromkeys(
        LangString(text, guess_text_language(text, lang, main_language))
        for raw_text, lang in values.get("description", [])
        if not is_placeholder(text := strip_html_to_text(raw_text))
    ))
    thumbnails = [m.url for m in media if m.role == "thumbnail"]
    return Record(
        **identify_record(raw, source, record_id), title=title,
        title_alt=title_alt, agents=agents, dates=dates,
        object_type=classify_object_type(types, _texts(values, "format")),
        genre_raw=genre, subjects=dedupe_values(subjects),
        places=dedupe_values([*_texts(values, "spatial"), *_texts(values, "NIIspatial")]),
        description=descriptions, languages=languages, identifiers=identifiers,
        landing_url=landing, thumbnail_url=thumbnails[0] if thumbnails else None,
        data_provider=None, rights=rights, warnings=tuple(dict.fromkeys(warnings)),
        media=tuple(media), collection=_citation(values),
    )


def _alternative_language(value: str, declared: str | None, main_language: str | None
                          ) -> str | None:
    """An all-kana alternative is a reading (``ja-Kana``) even when tagged plain ``ja``."""
    script = detect_reading_script(value)
    if script and (declared or "ja").casefold() == "ja":
        return f"ja-{script}"
    return tag_language(value, declared, main_language)


def _collect(root: etree._Element) -> _Values:
    """``(cleaned text, language)`` of every child by local name; placeholders dropped."""
    values: _Values = {}
    for child in root:
        if not isinstance(child.tag, str) or etree.QName(child).namespace != JUNII2_NS:
            continue
        text = clean_text("".join(child.itertext()))
        if is_placeholder(text):
            continue
        pair = (text, child.get("lang") or child.get(XML_LANG))
        bucket = values.setdefault(etree.QName(child).localname, [])
        if pair not in bucket:
            bucket.append(pair)
    return values


def _texts(values: _Values, name: str) -> list[str]:
    return [text for text, _ in values.get(name, [])]


def _dates(values: _Values, warnings: list[str]) -> tuple[DateValue, ...]:
    candidates = [(t, "issued") for t in _texts(values, "dateofissued")]
    candidates += [(t, "other") for t in _texts(values, "date")]
    candidates += [(t, "coverage") for name in ("temporal", "NIItemporal")
                   for t in _texts(values, name)]
    dates, date_warnings = parse_date_candidates(candidates)
    warnings.extend(date_warnings)
    return dates


def _identifiers(values: _Values) -> tuple[Identifier, ...]:
    found: list[Identifier] = []
    for name in ("identifier", "URI", "selfDOI", "doi", "issn"):
        found += [classify_identifier(t) for t in _texts(values, name) if not is_image_url(t)]
    found += [Identifier("ncid", t) for t in _texts(values, "NCID")]
    found += [Identifier("pmid", t) for t in _texts(values, "pmid")]
    return tuple(dict.fromkeys(found))


def _citation(values: _Values) -> str | None:
    """``jtitle vol(issue) p. spage-epage`` for an article; ``None`` without ``jtitle``."""
    journals = _texts(values, "jtitle")
    if not journals:
        return None
    parts = [journals[0]]
    volume, issue = _texts(values, "volume"), _texts(values, "issue")
    if volume:
        parts.append(volume[0] + (f"({issue[0]})" if issue else ""))
    pages = "-".join([*_texts(values, "spage")[:1], *_texts(values, "epage")[:1]])
    if pages:
        parts.append(f"p. {pages}")
    return " ".join(parts)
