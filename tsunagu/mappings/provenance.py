"""Provenance: the fields of a :class:`Record` that say where it comes from.

Every mapper fills them alike from the harvested :class:`RawRecord` and its
:class:`Source`: the record id, the source id, the OAI identifier and
datestamp, the source's sector and name (the provider). :func:`identify_record`
gives them as keyword arguments: ``Record(**identify_record(raw, source, id), …)``.
"""

from __future__ import annotations

from typing import TypedDict

from tsunagu.records import RawRecord, Sector, Source

__all__ = ["RecordProvenance", "identify_record"]


class RecordProvenance(TypedDict):
    """The provenance keyword arguments of :class:`Record`."""

    id: str
    source_id: str
    oai_identifier: str
    datestamp: str
    sector: Sector
    provider: str


def identify_record(raw: RawRecord, source: Source, record_id: str) -> RecordProvenance:
    """The provenance of the record ``record_id`` harvested as ``raw`` from ``source``."""
    return {"id": record_id, "source_id": source.id, "oai_identifier": raw.oai_identifier,
            "datestamp": raw.datestamp, "sector": source.sector, "provider": source.name}
