"""The mappings stage: raw harvested records to normalized :class:`~tsunagu.records.Record`.

Pure functions, no I/O: :func:`map_record` picks the mapper of the record's
``metadataPrefix`` (or the source's profile) and returns a record or raises
:class:`~tsunagu.errors.MappingError`. :func:`parse_date` and
:func:`normalize_rights` are exposed for other stages and tests.
"""

from tsunagu.mappings.dates import parse_date
from tsunagu.mappings.registry import (
    list_supported_prefixes,
    make_record_id,
    map_record,
    map_records,
)
from tsunagu.mappings.rights import assess_rights, normalize_rights

__all__ = [
    "assess_rights",
    "list_supported_prefixes",
    "make_record_id",
    "map_record",
    "map_records",
    "normalize_rights",
    "parse_date",
]
