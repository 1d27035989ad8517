"""OAI-PMH responses: parse them strictly into frozen values.

Records are found by local name (namespace prefixes vary between servers);
the OAI ``<error>`` element is read from every body whatever the HTTP status;
anything that is not OAI-PMH XML is a :class:`ResponseFormatError` with a
snippet of what came instead. lxml's ``recover=True`` is never used: it merges
and alters records without saying so.
"""

from __future__ import annotations

import dataclasses

from lxml import etree

from tsunagu.errors import OAIError, ResponseFormatError
from tsunagu.records import RawRecord

OAI_NS = "http://www.openarchives.org/OAI/2.0/"

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False
)


@dataclasses.dataclass(frozen=True)
class Identity:
    """What Identify says about a repository."""

    repository_name: str
    base_url: str
    granularity: str
    earliest_datestamp: str
    deleted_record: str
    response_date: str

    @property
    def day_granularity(self) -> bool:
        return self.granularity.upper() == "YYYY-MM-DD"


@dataclasses.dataclass(frozen=True)
class RecordPage:
    """One ListRecords response: its records and the token for the next page."""

    records: tuple[RawRecord, ...]
    token: str | None
    response_date: str
    complete_list_size: int | None = None


def parse_xml(body: bytes, *, source_id: str | None = None) -> etree._Element:
    """Parse a response body strictly; non-XML bodies become a clear error."""
    if not body.strip():
        raise ResponseFormatError("empty response body where OAI-PMH XML was expected",
                                  source_id=source_id)
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ResponseFormatError(
            f"response is not well-formed XML ({exc}); it starts with: {_snippet(body)}",
            source_id=source_id,
        ) from exc
    if etree.QName(root).localname != "OAI-PMH":
        raise ResponseFormatError(
            f"response is XML but not OAI-PMH (root <{etree.QName(root).localname}>); "
            f"it starts with: {_snippet(body)}",
            source_id=source_id,
        )
    return root


def raise_for_oai_error(root: etree._Element, *, source_id: str | None = None) -> None:
    """Raise :class:`OAIError` for the first ``<error>`` in the response."""
    for child in root:
        if _local(child) == "error":
            raise OAIError(
                child.get("code", "unknown"),
                (child.text or "").strip() or "(no message)",
                source_id=source_id,
            )


def parse_identify(body: bytes, *, source_id: str | None = None) -> Identity:
    """Parse an Identify response."""
    root = parse_xml(body, source_id=source_id)
    raise_for_oai_error(root, source_id=source_id)
    identify = _child(root, "Identify")
    if identify is None:
        raise ResponseFormatError("Identify response has no <Identify> element",
                                  source_id=source_id)
    return Identity(
        repository_name=_text(identify, "repositoryName"),
        base_url=_text(identify, "baseURL"),
        granularity=_text(identify, "granularity") or "YYYY-MM-DD",
        earliest_datestamp=_text(identify, "earliestDatestamp"),
        deleted_record=_text(identify, "deletedRecord"),
        response_date=_text(root, "responseDate"),
    )


def parse_list_records(
    body: bytes, *, source_id: str, metadata_prefix: str
) -> RecordPage:
    """Parse a ListRecords response into raw records and the next token.

    ``noRecordsMatch`` is an empty, successful page; other OAI errors raise.
    """
    root = parse_xml(body, source_id=source_id)
    response_date = _text(root, "responseDate")
    try:
        raise_for_oai_error(root, source_id=source_id)
    except OAIError as exc:
        if exc.code == "noRecordsMatch":
            return RecordPage(records=(), token=None, response_date=response_date)
        raise
    container = _child(root, "ListRecords")
    if container is None:
        raise ResponseFormatError("ListRecords response has no <ListRecords> element",
                                  source_id=source_id)
    records: list[RawRecord] = []
    token: str | None = None
    size: int | None = None
    for element in container:
        name = _local(element)
        if name == "record":
            records.append(_raw_record(element, source_id, metadata_prefix))
        elif name == "resumptionToken":
            token = (element.text or "").strip() or None
            list_size = element.get("completeListSize")
            size = int(list_size) if list_size and list_size.isdigit() else None
    return RecordPage(
        records=tuple(records), token=token, response_date=response_date,
        complete_list_size=size,
    )


def _raw_record(element: etree._Element, source_id: str, prefix: str) -> RawRecord:
    header = _child(element, "header")
    if header is None:
        raise ResponseFormatError("a <record> has no <header>", source_id=source_id)
    identifier = _text(header, "identifier")
    if not identifier:
        raise ResponseFormatError("a record header has no identifier", source_id=source_id)
    deleted = header.get("status") == "deleted"
    payload = b""
    metadata = _child(element, "metadata")
    if metadata is not None and not deleted:
        children = [c for c in metadata if isinstance(c.tag, str)]
        if children:
            payload = etree.tostring(children[0], encoding="UTF-8")
    return RawRecord(
        source_id=source_id,
        oai_identifier=identifier,
        datestamp=_text(header, "datestamp"),
        metadata_prefix=prefix,
        deleted=deleted,
        set_specs=tuple(
            (c.text or "").strip() for c in header if _local(c) == "setSpec" and c.text
        ),
        xml=payload,
    )


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if _local(child) == name:
            return child
    return None


def _text(element: etree._Element, name: str) -> str:
    child = _child(element, name)
    return "" if child is None else (child.text or "").strip()


def _snippet(body: bytes, length: int = 160) -> str:
    return repr(body[:length].decode("utf-8", errors="replace"))
