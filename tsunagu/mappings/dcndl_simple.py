"""The ``dcndl_simple`` mapper: DC-NDL Simple to a :class:`Record` (``formats.md`` §3.7).

DC-NDL Simple (root ``dcndl_simple:dc``) is the flat variant of DC-NDL that NDL
Search delivered over OAI-PMH until January 2024; the same elements appear in
NDL Search's OpenSearch items. It shares the readers of
:mod:`tsunagu.mappings.dcndl`. Field by field:

* title — ``dc:title`` (+ ``dcndl:volume``) with ``dcndl:titleTranscription``
  → ``title_alt`` ``ja-Kana``; ``dcterms:alternative`` with
  ``dcndl:alternativeTranscription``. A transcription is paired with its value by
  position only when their counts agree.
* agents — ``dc:creator`` with ``dcndl:creatorTranscription`` → ``alt_names``
  (paired the same way), ``dc:contributor``, ``dc:publisher``.
* dates — ``dc:date`` / ``dcterms:date`` as displayed, ``dcterms:issued`` when it
  adds something, ``dcndl:dateDigitized`` (kind ``digitized``).
* subjects — ``dc:subject``; ``xsi:type`` NDC9 / NDC10 / NDLC → ``"NDC9 010.4"``.
* identifiers — ``dc:identifier`` typed by ``xsi:type`` (``dcndl:ISBN``,
  ``dcndl:JPNO``, ``dcndl:NDLBibID`` …), ``dcterms:source`` and ``rdfs:seeAlso``.
* landing_url — ``dcterms:source/@rdf:resource``, else the first ``rdfs:seeAlso``.
* object_type — ``dcndl:materialType``, ``dc:type``; ``dc:format`` as fallback.
* description — ``dc:description``, ``dcterms:abstract``,
  ``dcterms:tableOfContents``, ``dcndl:edition``, the extent.
* rights — ``dcterms:rights``, ``dc:rights``, ``dcterms:accessRights`` (NDL's
  internal access codes skipped).
* collection — the first ``dcndl:seriesTitle``.
"""

from __future__ import annotations

import functools

from lxml import etree

from tsunagu.mappings.dcndl import (
    DC_NS,
    DCNDL_NS,
    DCTERMS_NS,
    NO_LANDING_URL,
    RDFS_NS,
    XSI_TYPE,
    choose_dcndl_titles,
    classify_typed_identifier,
    collect_properties,
    collect_rights_values,
    format_subject,
    get_property,
    make_dcndl_agent,
    make_descriptions,
    normalize_languages,
    parse_dcndl_dates,
    property_texts,
    read_material_types,
    read_resource_or_text,
    strip_brackets,
)
from tsunagu.mappings.document import parse_metadata
from tsunagu.mappings.identifiers import choose_landing_url
from tsunagu.mappings.object_types import classify_object_type
from tsunagu.mappings.provenance import identify_record
from tsunagu.mappings.rights import derive_rights_set
from tsunagu.mappings.text import clean_text, dedupe_values
from tsunagu.records import Agent, Identifier, RawRecord, Record, Source

DCNDL_SIMPLE_NS = "http://ndl.go.jp/dcndl/dcndl_simple/"
ROOT_TAG = f"{{{DCNDL_SIMPLE_NS}}}dc"

_Props = dict[str, list[etree._Element]]


def map_dcndl_simple(raw: RawRecord, source: Source, record_id: str) -> Record:
    """Map one DC-NDL Simple record; :class:`MappingError` for damaged XML."""
    root = parse_metadata(raw.xml, ROOT_TAG, source_id=source.id, record_id=record_id)
    props = collect_properties([root])
    texts = functools.partial(property_texts, props)
    get = functools.partial(get_property, props)
    warnings: list[str] = []
    languages = normalize_languages(texts(DC_NS, "language") + texts(DCTERMS_NS, "language"),
                                    warnings)
    titles = _paired(props, (DC_NS, "title"), (DCNDL_NS, "titleTranscription"))
    volumes = texts(DCNDL_NS, "volume")
    displayed = [" ".join([titles[0][0], *volumes])] if titles and volumes else []
    alternatives = _paired(props, (DCTERMS_NS, "alternative"),
                           (DCNDL_NS, "alternativeTranscription"))
    title, title_alt = choose_dcndl_titles(displayed, titles, alternatives, languages, raw,
                                           warnings)

    agents: list[Agent] = [
        make_dcndl_agent(name, "creator", reading, None)
        for name, reading in _paired(props, (DC_NS, "creator"), (DCNDL_NS, "creatorTranscription"))
    ]
    for role in ("contributor", "publisher"):
        agents += [make_dcndl_agent(name, role, None, None) for name in texts(DC_NS, role)]
    rights, rights_warnings = derive_rights_set(collect_rights_values(props), source)
    warnings.extend(rights_warnings)
    dates = parse_dcndl_dates(texts(DC_NS, "date") + texts(DCTERMS_NS, "date"),
                              texts(DCTERMS_NS, "issued"), texts(DCNDL_NS, "dateDigitized"),
                              warnings)
    identifiers = [classify_typed_identifier(clean_text(e.text), e.get(XSI_TYPE))
                   for e in get(DC_NS, "identifier") if clean_text(e.text)]
    links = [r for e in (*get(DCTERMS_NS, "source"), *get(RDFS_NS, "seeAlso"))
             if (r := read_resource_or_text(e))]
    identifiers += [Identifier("uri", link) for link in links]
    landing = choose_landing_url(links) or choose_landing_url(i.value for i in identifiers)
    if landing is None:
        warnings.append(NO_LANDING_URL)
    subjects = dedupe_values(format_subject(clean_text(e.text), e.get(XSI_TYPE))
                             for e in get(DC_NS, "subject"))
    material_values, genre = read_material_types(get(DCNDL_NS, "materialType"))
    types = texts(DC_NS, "type")
    series = texts(DCNDL_NS, "seriesTitle")
    main_language = title.lang.split("-")[0] if title.lang else None
    description_values = [*texts(DC_NS, "description"),
                          *texts(DCTERMS_NS, "abstract"),
                          *texts(DCTERMS_NS, "tableOfContents"),
                          *texts(DCNDL_NS, "edition"),
                          *texts(DCTERMS_NS, "extent"), *texts(DC_NS, "extent")]
    return Record(
        **identify_record(raw, source, record_id), title=title,
        title_alt=title_alt, agents=tuple(agents), dates=dates,
        object_type=classify_object_type([*material_values, *types],
                                         texts(DC_NS, "format")),
        genre_raw=dedupe_values([*genre, *types]), subjects=subjects,
        places=dedupe_values(strip_brackets(p) for p in texts(DCTERMS_NS, "spatial")),
        description=make_descriptions(description_values, main_language),
        languages=languages, identifiers=tuple(dict.fromkeys(identifiers)), landing_url=landing,
        data_provider=None, rights=rights, warnings=tuple(dict.fromkeys(warnings)),
        collection=series[0] if series else None,
    )



def _paired(props: _Props, values: tuple[str, str], readings: tuple[str, str]
            ) -> list[tuple[str, str | None]]:
    """Values with their transcriptions, paired by position when the counts agree."""
    texts = property_texts(props, *values)
    transcriptions = property_texts(props, *readings)
    if len(transcriptions) == len(texts):
        return list(zip(texts, transcriptions, strict=True))
    return [(text, None) for text in texts]
