"""Rows of an uploaded table as raw records of the ``tsunagu_row`` format.

A row becomes a small XML document that keeps every non-empty cell with its
column name and, for mapped columns, the field it was mapped to::

    <row xmlns="urn:tsunagu:row:1">
      <cell column="資料番号" field="identifier">A-0001</cell>
      <cell column="資料名" field="title">東海道五十三次 日本橋</cell>
      <cell column="備考">展示中</cell>
    </row>

The row's position in the file is not part of it, so re-ordering rows changes
nothing; changing a cell or the mapping of a column makes the record ``updated``.
The OAI-like identifier is ``oai:tsunagu:{source id}:{identifier cell}``, stable
across uploads. :mod:`tsunagu.mappings.tabular` maps the documents.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from lxml import etree

from tsunagu.feeds.ingest import RejectedRow
from tsunagu.feeds.tabular import ColumnMapping, Table
from tsunagu.records import RawRecord

ROW_PREFIX = "tsunagu_row"
ROW_NAMESPACE = "urn:tsunagu:row:1"
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def row_identifier(source_id: str, value: str) -> str:
    """The stable OAI-like identifier of the row whose identifier cell is ``value``."""
    return f"oai:tsunagu:{source_id}:{value}"


def rows_to_records(source_id: str, table: Table, mapping: ColumnMapping, datestamp: str
                    ) -> tuple[list[RawRecord], list[RejectedRow]]:
    """Raw records of the table's rows, and the rows that cannot be records (no or a
    repeated identifier), with the reason and the row's XML."""
    mapping.check(table)
    id_column = table.column(mapping.identifier_column)
    records: list[RawRecord] = []
    rejected: list[RejectedRow] = []
    seen: dict[str, int] = {}
    for number, row in table.rows:
        xml = _row_xml(table.headers, row, mapping)
        value = _clean(row[id_column])
        if not value:
            rejected.append(RejectedRow(None, f"row {number}: the identifier cell is empty",
                                        xml))
            continue
        if value in seen:
            rejected.append(RejectedRow(row_identifier(source_id, value),
                                        f"row {number}: the identifier {value!r} is also "
                                        f"in row {seen[value]}", xml))
            continue
        seen[value] = number
        records.append(RawRecord(source_id=source_id,
                                 oai_identifier=row_identifier(source_id, value),
                                 datestamp=datestamp, metadata_prefix=ROW_PREFIX, xml=xml))
    return records, rejected


def _row_xml(headers: tuple[str, ...], row: tuple[str, ...], mapping: ColumnMapping) -> bytes:
    root = etree.Element(f"{{{ROW_NAMESPACE}}}row", nsmap={None: ROW_NAMESPACE})
    for column, value in _cells(headers, row):
        cell = etree.SubElement(root, f"{{{ROW_NAMESPACE}}}cell", column=column)
        target = mapping.target_of(column)
        if target:
            cell.set("field", target)
        cell.text = value
    xml: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return xml


def _cells(headers: tuple[str, ...], row: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for column, value in zip(headers, row, strict=True):
        text = _clean(value)
        if text:
            yield _clean(column), text


def _clean(value: str) -> str:
    """NFC, no control characters XML cannot carry, trimmed."""
    return unicodedata.normalize("NFC", value).translate(_CONTROL).strip()
