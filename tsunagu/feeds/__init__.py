"""Feeds without an OAI-PMH server: uploaded tables and OAI static repository files.

Institutions that cannot run an OAI-PMH server upload a CSV, TSV or Excel file
with a column mapping (:mod:`tsunagu.feeds.tabular`, rows written as
``tsunagu_row`` XML by :mod:`tsunagu.feeds.rows`) or an OAI static repository
XML file (:mod:`tsunagu.feeds.static_repository`). Either way the result is
:class:`~tsunagu.records.RawRecord` values that :mod:`tsunagu.feeds.ingest`
stores exactly like a harvest: the same upserts, run records, quarantine,
diff and mass-deletion guard. openpyxl stays inside this package.
"""

from tsunagu.feeds.ingest import RejectedRow, ingest_records
from tsunagu.feeds.rows import ROW_NAMESPACE, ROW_PREFIX, row_identifier, rows_to_records
from tsunagu.feeds.static_repository import StaticRepository, read_static_repository
from tsunagu.feeds.tabular import (
    TARGETS,
    ColumnMapping,
    Table,
    guess_mapping,
    read_table,
    template_csv,
    template_xlsx,
)

__all__ = [
    "ROW_NAMESPACE",
    "ROW_PREFIX",
    "TARGETS",
    "ColumnMapping",
    "RejectedRow",
    "StaticRepository",
    "Table",
    "guess_mapping",
    "ingest_records",
    "read_static_repository",
    "read_table",
    "row_identifier",
    "rows_to_records",
    "template_csv",
    "template_xlsx",
]
