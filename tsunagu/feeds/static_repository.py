"""OAI-PMH static repositories: one XML file with Identify, formats and records.

The file (``http://www.openarchives.org/OAI/2.0/static-repository``) holds an
``Identify``, a ``ListMetadataFormats`` and one ``ListRecords`` per metadata
format. Elements are found by local name; the file is parsed without entity
resolution or network access. A static repository has no deleted records: a
record missing from a new upload is deleted (behind the mass-deletion guard).
"""

from __future__ import annotations

import dataclasses

from lxml import etree

from tsunagu.errors import UploadError
from tsunagu.feeds.ingest import RejectedRow
from tsunagu.records import RawRecord

STATIC_NS = "http://www.openarchives.org/OAI/2.0/static-repository"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclasses.dataclass(frozen=True)
class StaticRepository:
    """What a static repository file says, and its records in one metadata format."""

    repository_name: str
    base_url: str
    metadata_prefixes: tuple[str, ...]
    metadata_prefix: str
    records: tuple[RawRecord, ...]
    rejected: tuple[RejectedRow, ...]


def read_static_repository(data: bytes, source_id: str,
                           metadata_prefix: str | None = None) -> StaticRepository:
    """Parse a static repository; ``metadata_prefix`` picks the format (default: the
    first one listed, ``oai_dc`` when present)."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UploadError(f"the file is not well-formed XML: {exc}",
                          source_id=source_id) from exc
    if _local(root) != "Repository":
        raise UploadError(f"not an OAI static repository (root <{_local(root)}>)",
                          source_id=source_id)
    identify = _child(root, "Identify")
    prefixes = tuple(
        _text(fmt, "metadataPrefix")
        for fmt in _children(_child(root, "ListMetadataFormats"), "metadataFormat"))
    lists = {element.get("metadataPrefix", ""): element
             for element in _children(root, "ListRecords")}
    if metadata_prefix is None:
        metadata_prefix = "oai_dc" if "oai_dc" in lists else next(iter(lists), "")
    container = lists.get(metadata_prefix)
    if container is None:
        raise UploadError(f"the file has no records in the format {metadata_prefix!r} "
                          f"(it has: {', '.join(lists) or 'none'})", source_id=source_id)
    records: list[RawRecord] = []
    rejected: list[RejectedRow] = []
    seen: set[str] = set()
    for element in _children(container, "record"):
        raw = etree.tostring(element, encoding="UTF-8")
        header = _child(element, "header")
        identifier = _text(header, "identifier") if header is not None else ""
        metadata = [c for c in _children(_child(element, "metadata"))]
        if not identifier or not metadata:
            rejected.append(RejectedRow(identifier or None, "a record without an identifier "
                                        "or without metadata", raw))
            continue
        if identifier in seen:
            rejected.append(RejectedRow(identifier, "the identifier appears twice", raw))
            continue
        seen.add(identifier)
        records.append(RawRecord(
            source_id=source_id, oai_identifier=identifier,
            datestamp=_text(header, "datestamp"), metadata_prefix=metadata_prefix,
            set_specs=tuple(_text_of(s) for s in _children(header, "setSpec")),
            xml=etree.tostring(metadata[0], encoding="UTF-8", with_tail=False)))
    return StaticRepository(
        repository_name=_text(identify, "repositoryName") if identify is not None else "",
        base_url=_text(identify, "baseURL") if identify is not None else "",
        metadata_prefixes=prefixes or tuple(lists), metadata_prefix=metadata_prefix,
        records=tuple(records), rejected=tuple(rejected))


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element | None, name: str | None = None) -> list[etree._Element]:
    if element is None:
        return []
    return [c for c in element if isinstance(c.tag, str) and (name is None or _local(c) == name)]


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _text(element: etree._Element | None, name: str) -> str:
    return _text_of(_child(element, name))


def _text_of(element: etree._Element | None) -> str:
    return "" if element is None else (element.text or "").strip()
