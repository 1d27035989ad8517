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

import functools
import importlib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import cast

from lxml import etree

from tsunagu.errors import MappingError
from tsunagu.records import RawRecord, Record, Source, record_id

#: A format mapper: (raw record, its source, the record id) → record.
Mapper = Callable[[RawRecord, Source, str], Record]

#: metadataPrefix → ``module:function`` of its mapper, one module per format.
#: Mappers are imported on first use, so a format module is independent of the others.
MAPPERS: Mapping[str, str] = MappingProxyType({
    "oai_dc": "tsunagu.mappings.oai_dc:map_oai_dc",
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
    mapper = load_mapper(raw.metadata_prefix)
    if mapper is None:
        raise MappingError(
            f"no mapper for metadataPrefix {raw.metadata_prefix!r} "
            f"(supported: {', '.join(list_supported_prefixes())})",
            source_id=source.id, record_id=identifier, field="metadata_prefix",
        )
    try:
        return mapper(raw, source, identifier)
    except MappingError:
        raise
    except (ValueError, TypeError, UnicodeError, etree.LxmlError) as exc:
        raise MappingError(f"could not map the record: {exc}", source_id=source.id,
                           record_id=identifier) from exc
