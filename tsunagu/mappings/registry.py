"""The mapper registry: one mapper per OAI ``metadataPrefix``.

:func:`map_record` is the whole public surface of the mappings stage: a pure
function from a :class:`RawRecord` and its :class:`Source` to a
:class:`Record`. Each format module provides one mapper with the signature
:data:`Mapper`; the later per-format issue adds ``mods``, ``lido``,
``dcndl``, ``jpcoar_2.0`` … to :data:`MAPPERS`.

The record id is ``f"{source.id}:{oai_identifier}"`` — the full OAI identifier,
which is unique within a repository and stable across re-harvests (stripping
an ``oai:host:`` prefix could merge records of a feed that mixes hosts).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import cast

from lxml import etree

from tsunagu.errors import MappingError
from tsunagu.mappings.periods import derive_periods
from tsunagu.mappings.places import derive_prefectures
from tsunagu.mappings.profile import apply_source_defaults, transform_raw
from tsunagu.records import RawRecord, Record, Source, record_id

#: A format mapper: (raw record, its source, the record id) → record.
Mapper = Callable[[RawRecord, Source, str], Record]

#: metadataPrefix → ``module:function`` of its mapper, one module per format.
#: Mappers are imported on first use, so a format module is independent of the others.
MAPPERS: Mapping[str, str] = MappingProxyType({
    "oai_dc": "tsunagu.mappings.oai_dc:map_oai_dc",
    "tsunagu_row": "tsunagu.mappings.tabular:map_tabular",
    "dcndl": "tsunagu.mappings.dcndl:map_dcndl",
    "dcndl_simple": "tsunagu.mappings.dcndl_simple:map_dcndl_simple",
    "jpcoar_1.0": "tsunagu.mappings.jpcoar:map_jpcoar",
    "jpcoar_2.0": "tsunagu.mappings.jpcoar:map_jpcoar",
    "jpcoar_2.1": "tsunagu.mappings.jpcoar:map_jpcoar",
    "jpcoar": "tsunagu.mappings.jpcoar:map_jpcoar",
    "junii2": "tsunagu.mappings.junii2:map_junii2",
    "ead": "tsunagu.mappings.ead:map_ead",
    "mods": "tsunagu.mappings.mods:map_mods",
    "lido": "tsunagu.mappings.lido:map_lido",
    "marc21": "tsunagu.mappings.marcxml:map_marcxml",
    "marcxml": "tsunagu.mappings.marcxml:map_marcxml",
    "MARC21": "tsunagu.mappings.marcxml:map_marcxml",
    "qdc": "tsunagu.mappings.qdc:map_qdc",
    "oai_qdc": "tsunagu.mappings.qdc:map_qdc",
    "dcterms": "tsunagu.mappings.qdc:map_qdc",
    "edm": "tsunagu.mappings.edm:map_edm",
    "rdf": "tsunagu.mappings.edm:map_edm",
})

#: Formats where one OAI record describes several records (an EAD finding aid and
#: its components): ``module:function`` giving every record, the top one first.
COMPONENT_MAPPERS: Mapping[str, str] = MappingProxyType({
    "ead": "tsunagu.mappings.ead:map_ead_components",
})


def make_record_id(source: Source, oai_identifier: str) -> str:
    """The tsunagu record id: ``{source id}:{full OAI identifier}``."""
    return record_id(source.id, oai_identifier.strip())


def list_supported_prefixes() -> tuple[str, ...]:
    """The metadataPrefixes a mapper exists for, sorted."""
    return tuple(sorted(MAPPERS))


@functools.cache
def load_mapper(prefix: str) -> Mapper | None:
    """The mapper function for ``prefix``, or ``None`` when there is none."""
    target = MAPPERS.get(prefix)
    if target is None:
        return None
    module_name, _, function = target.partition(":")
    return cast(Mapper, getattr(importlib.import_module(module_name), function))


def map_records(raw: RawRecord, source: Source) -> tuple[Record, ...]:
    """Every record ``raw`` describes: one for most formats, the finding aid and each
    of its components for EAD (components have ids ``{record id}#{component}``)."""
    prefix = source.profile.mapper or raw.metadata_prefix
    target = COMPONENT_MAPPERS.get(prefix)
    if target is None:
        return (map_record(raw, source),)
    top = map_record(raw, source)  # every check and error of a single record first
    module_name, _, function = target.partition(":")
    components = getattr(importlib.import_module(module_name), function)
    transformed = transform_raw(raw, source, top.id)
    try:
        records = cast(tuple[Record, ...], components(transformed, source))
    except MappingError:
        raise
    except (ValueError, TypeError, UnicodeError, etree.LxmlError) as exc:
        raise MappingError(f"could not map the components: {exc}", source_id=source.id,
                           record_id=top.id) from exc
    return (top, *(add_derived_facets(apply_source_defaults(r, source, transformed.xml))
                   for r in records if r.id != top.id))


def map_record(raw: RawRecord, source: Source) -> Record:
    """Map ``raw`` with the mapper of its ``metadata_prefix``.

    Raises :class:`MappingError` (with source, record and field context) for a
    deleted record (the pipeline turns those into tombstones without mapping),
    a record of another source, an unknown prefix and damaged metadata XML.
    """
    if not raw.oai_identifier.strip():
        raise MappingError("the record has no OAI identifier", source_id=source.id,
                           field="oai_identifier")
    identifier = make_record_id(source, raw.oai_identifier)
    if raw.source_id != source.id:
        raise MappingError(
            f"the record belongs to source {raw.source_id!r}, not {source.id!r}",
            source_id=source.id, record_id=identifier, field="source_id",
        )
    if raw.deleted:
        raise MappingError("a deleted record has no metadata to map", source_id=source.id,
                           record_id=identifier, field="deleted")
    prefix = source.profile.mapper or raw.metadata_prefix
    mapper = load_mapper(prefix)
    if mapper is None:
        raise MappingError(
            f"no mapper for metadataPrefix {prefix!r} "
            f"(supported: {', '.join(list_supported_prefixes())})",
            source_id=source.id, record_id=identifier, field="metadata_prefix",
        )
    try:
        raw = transform_raw(raw, source, identifier)
        record = mapper(raw, source, identifier)
    except MappingError:
        raise
    except (ValueError, TypeError, UnicodeError, etree.LxmlError) as exc:
        raise MappingError(f"could not map the record: {exc}", source_id=source.id,
                           record_id=identifier) from exc
    return add_derived_facets(apply_source_defaults(record, source, raw.xml))


def add_derived_facets(record: Record) -> Record:
    """``record`` with the Japanese periods of its dates, the prefectures of its places
    and its IIIF manifest when one of its URLs is a manifest.

    Runs after every format mapper, so that each format gets these; values a mapper
    already set come first. Japanese periods are derived only for records in a
    Japanese context (Japanese language, a Japanese place, or a date written with a
    Japanese era or period): an English record of an 1850 painting is not "Edo".
    """
    prefectures = tuple(
        dict.fromkeys((*record.prefectures, *derive_prefectures(record.places)))
    )
    languages = [*record.languages, record.title.lang or "",
                 *(title.lang or "" for title in record.title_alt)]
    japanese = (
        any(lang.split("-")[0] == "ja" for lang in languages)
        or bool(prefectures)
        or any(date.era or date.calendar == "jp_lunisolar" or date.precision == "era"
               for date in record.dates)
    )
    derived = derive_periods(record.dates) if japanese else ()
    periods = tuple(dict.fromkeys((*record.periods, *derived)))
    manifest = record.iiif_manifest or _manifest_url(record)
    if (periods, prefectures, manifest) == (record.periods, record.prefectures,
                                            record.iiif_manifest):
        return record
    return dataclasses.replace(record, periods=periods, prefectures=prefectures,
                               iiif_manifest=manifest)


def _manifest_url(record: Record) -> str | None:
    """The first URL of the record that names a IIIF Presentation manifest."""
    candidates = [record.landing_url, *(i.value for i in record.identifiers)]
    for url in candidates:
        if url and url.startswith(("http://", "https://")) and (
            url.endswith("/manifest.json") or url.endswith("/manifest")
        ):
            return url
    return None
