"""OAI-PMH responses: parse them strictly into frozen values.

Records are found by local name (namespace prefixes vary between servers);
the OAI ``<error>`` element is read from every body whatever the HTTP status;
anything that is not OAI-PMH XML is a :class:`ResponseFormatError` with a
snippet of what came instead. lxml's ``recover=True`` is never used: it merges
and alters records without saying so. A ListRecords page that is not well
formed is cleaned and, failing that, parsed record by record
(:mod:`tsunagu.harvester.repair`); a page cut short is a
:class:`~tsunagu.errors.TruncatedResponseError`, to be fetched again.
"""

from __future__ import annotations

import dataclasses
import threading

from lxml import etree

from tsunagu.errors import OAIError, ResponseFormatError, TruncatedResponseError
from tsunagu.harvester import repair
from tsunagu.records import RawRecord

OAI_NS = "http://www.openarchives.org/OAI/2.0/"



class _Parsers(threading.local):
    """A parser per thread: lxml serializes the threads that share a parser."""

    def __init__(self) -> None:
        self.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


_PARSERS = _Parsers()


def _parser() -> etree.XMLParser:
    """This thread's parser."""
    return _PARSERS.parser


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
class RejectedRecord:
    """A record of a page that could not be read, with its raw bytes and why."""

    oai_identifier: str | None
    reason: str
    raw: bytes


@dataclasses.dataclass(frozen=True)
class RecordPage:
    """One ListRecords response: its records and the token for the next page.

    ``rejected`` records go to the quarantine; ``repaired`` lists
    ``(identifier, what was repaired)``; ``notes`` are page-level repairs.
    """

    records: tuple[RawRecord, ...]
    token: str | None
    response_date: str
    complete_list_size: int | None = None
    rejected: tuple[RejectedRecord, ...] = ()
    repaired: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()


def parse_xml(body: bytes, *, source_id: str | None = None) -> etree._Element:
    """Parse a response body strictly; non-XML bodies become a clear error."""
    if not body or body.isspace():  # (``strip`` would copy the whole body)
        raise ResponseFormatError("empty response body where OAI-PMH XML was expected",
                                  source_id=source_id)
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise ResponseFormatError(
            f"response is not well-formed XML ({exc}); it starts with: {_snippet(body)}",
            source_id=source_id,
        ) from exc
    if root.tag != _ROOT_TAG and etree.QName(root).localname != "OAI-PMH":
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

    ``noRecordsMatch`` is an empty, successful page; other OAI errors raise. A
    page that is not well formed is repaired or isolated record by record.
    """
    try:
        root = parse_xml(body, source_id=source_id)
    except ResponseFormatError as exc:
        if not isinstance(exc.__cause__, etree.XMLSyntaxError):
            raise
        if repair.is_truncated(body):
            raise TruncatedResponseError(
                f"the page ends before </OAI-PMH> ({len(body)} bytes); it was cut off",
                source_id=source_id) from exc
        if b"OAI-PMH" not in body[:4096]:
            raise
        return _parse_damaged(body, source_id, metadata_prefix, str(exc.__cause__))
    return _page(root, source_id, metadata_prefix)


def _page(root: etree._Element, source_id: str, prefix: str,
          repaired: dict[str, str] | None = None, notes: tuple[str, ...] = ()) -> RecordPage:
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
    rejected: list[RejectedRecord] = []
    token: str | None = None
    size: int | None = None
    for element in container:
        name = _LOCAL_NAMES.get(element.tag) or _name(element)
        if name == "record":
            try:
                records.append(_raw_record(element, source_id, prefix))
            except ResponseFormatError as exc:
                rejected.append(RejectedRecord(None, exc.message, etree.tostring(element)))
        elif name == "resumptionToken":
            token = (element.text or "").strip() or None
            list_size = element.get("completeListSize")
            size = int(list_size) if list_size and list_size.isdigit() else None
    return RecordPage(
        records=tuple(records), token=token, response_date=response_date,
        complete_list_size=size, rejected=tuple(rejected),
        repaired=tuple((repaired or {}).items()), notes=notes,
    )


def _parse_damaged(body: bytes, source_id: str, prefix: str, error: str) -> RecordPage:
    """Clean and re-parse a page; failing that, read it record by record."""
    cleaned = repair.clean_page(body)
    try:
        root = etree.fromstring(cleaned.body, _parser())
    except etree.XMLSyntaxError:
        pass
    else:
        if _local(root) == "OAI-PMH":
            return _page(root, source_id, prefix, cleaned.repaired,
                         (f"page repaired after: {error}", *cleaned.notes))
    split = repair.split_page(cleaned.body)
    originals = repair.split_page(body).chunks
    if len(originals) != len(split.chunks):
        originals = split.chunks
    records: list[RawRecord] = []
    rejected: list[RejectedRecord] = []
    gaps: list[str] = []  # where the record count check finds a difference
    tags = 0
    for chunk, original in zip(split.chunks, originals, strict=True):
        count = len(repair.record_tags(chunk.text))
        tags += count
        read, found = _read_chunk(split, chunk, original, count, source_id, prefix, rejected)
        records.extend(read)
        if (1 if found is None else found) != count:  # unparsed: one unit, quarantined whole
            gaps.append(f"the chunk of {chunk.identifier or '?'}: {count} <record> start "
                        "tag(s), " + ("unreadable" if found is None else f"{found} records"))
    for where, text in (("before the first record", split.opening),
                        ("after the list", split.rest)):
        if starts := repair.record_tags(text):  # missed by the splitter: kept, unread
            tags += len(starts)
            missed = repair.as_chunk(text[starts[0]:])
            gaps.append(f"{len(starts)} <record> start tag(s) {where}, not cut out")
            rejected.append(RejectedRecord(
                missed.identifier, f"{len(starts)} <record> start tag(s) {where} that the page "
                "could not be cut at: kept unread", missed.text.encode("utf-8", "surrogateescape")))
    token, size = repair.token_by_pattern(split.rest)
    repaired = {oid: what for oid, what in cleaned.repaired.items()
                if any(r.oai_identifier == oid for r in records)}
    check = (f"record count check: {tags} <record> start tag(s), {len(records)} records read,"
             f" {len(rejected)} quarantined ({'; '.join(gaps)})",) if gaps else ()
    return RecordPage(
        records=tuple(records), token=token,
        response_date=repair.response_date_by_pattern(split.opening), complete_list_size=size,
        rejected=tuple(rejected), repaired=tuple(repaired.items()),
        notes=(f"page read record by record after: {error}", *cleaned.notes, *check),
    )


def _read_chunk(split: repair.SplitPage, chunk: repair.Chunk, original: repair.Chunk,
                tags: int, source_id: str, prefix: str,
                rejected: list[RejectedRecord]) -> tuple[list[RawRecord], int | None]:
    """Every record of one chunk, and how many ``<record>`` elements it holds (None:
    it does not parse); what cannot be read goes to ``rejected``.

    A chunk that does not parse, or holds fewer records than its ``tags``
    (OAI ``<record>`` start tags), is quarantined whole: its bytes keep them all.
    """
    raw = original.text.encode("utf-8", "surrogateescape")
    several = f" (its {tags} <record> start tags kept with it)" if tags > 1 else ""
    try:
        wrapper = etree.fromstring(split.wrap(chunk), _parser())
    except etree.XMLSyntaxError as exc:
        rejected.append(RejectedRecord(chunk.identifier, f"unreadable record: {exc}{several}",
                                       raw))
        return [], None
    elements = [e for e in wrapper if _name(e) == "record"]
    records: list[RawRecord] = []
    for element in elements:
        try:
            records.append(_raw_record(element, source_id, prefix))
        except ResponseFormatError as exc:
            alone = len(elements) == 1
            rejected.append(RejectedRecord(
                chunk.identifier if alone else None, f"unreadable record: {exc.message}",
                raw if alone else etree.tostring(element)))
    if len(elements) < tags:
        rejected.append(RejectedRecord(
            chunk.identifier, f"{tags} <record> start tags but only {len(elements)} <record> "
            "element(s) in the chunk: kept whole", raw))
    return records, len(elements)


def _raw_record(element: etree._Element, source_id: str, prefix: str) -> RawRecord:
    header, metadata = _parts(element)
    if header is None:
        raise ResponseFormatError("a <record> has no <header>", source_id=source_id)
    identifier: str | None = None
    datestamp: str | None = None
    set_specs: list[str] = []
    header_tags = _HEADER_TAGS
    for child in header:
        name = header_tags.get(child.tag)  # OAI names by Clark name, others by local name
        if name is None:
            name = _name(child)
        if name == "identifier":
            if identifier is None:
                identifier = (child.text or "").strip()
        elif name == "datestamp":
            if datestamp is None:
                datestamp = (child.text or "").strip()
        elif name == "setSpec":
            text = (child.text or "").strip()
            if text:
                set_specs.append(text)
    if not identifier:
        raise ResponseFormatError("a record header has no identifier", source_id=source_id)
    deleted = header.get("status") == "deleted"
    payload = b""
    if metadata is not None and not deleted and len(metadata):
        first = metadata[0]  # usually the payload; else a comment or processing instruction
        if first.tag.__class__ is not str:
            first = next(metadata.iterchildren(_ELEMENTS), None)
        if first is not None:
            payload = _tostring(first, encoding="UTF-8", with_tail=False)
    return RawRecord(source_id, identifier, datestamp or "", prefix, deleted,
                     tuple(set_specs), payload)


def _parts(element: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    """The record's first ``header`` and first ``metadata`` child, whatever their namespace."""
    if len(element) >= 2:  # the usual record: <header> then <metadata>, both OAI
        header, metadata = element[0], element[1]
        if header.tag == _HEADER and metadata.tag == _METADATA:
            return header, metadata
    found_header = found_metadata = None
    for child in element:
        name = _LOCAL_NAMES.get(child.tag) or _name(child)
        if name == "header":
            if found_header is None:
                found_header = child
        elif name == "metadata" and found_metadata is None:
            found_metadata = child
    return found_header, found_metadata


_OAI_PREFIX = f"{{{OAI_NS}}}"
_ROOT_TAG = f"{_OAI_PREFIX}OAI-PMH"
_HEADER = f"{_OAI_PREFIX}header"
_METADATA = f"{_OAI_PREFIX}metadata"
_tostring = etree.tostring
_ELEMENTS = etree.Element  # ``iterchildren(tag=etree.Element)``: elements only
#: Local names of the OAI-PMH elements a page is made of, by Clark name (a dict
#: look-up instead of a string operation for each of a page's ~1,000 elements).
_LOCAL_NAMES: dict[object, str] = {
    f"{_OAI_PREFIX}{name}": name
    for name in ("record", "header", "metadata", "about", "identifier", "datestamp", "setSpec",
                 "resumptionToken")
}
#: The header's children that are read, by Clark name ("" for the other OAI ones).
_HEADER_TAGS: dict[object, str] = {
    tag: name if name in ("identifier", "datestamp", "setSpec") else ""
    for tag, name in _LOCAL_NAMES.items()
}


def _name(element: etree._Element) -> str:
    """The local name of an element ("" for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    if tag.startswith(_OAI_PREFIX):
        return tag[len(_OAI_PREFIX):]
    return str(etree.QName(tag).localname)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _child(element: etree._Element, name: str) -> etree._Element | None:
    found = element.find(f"{{{OAI_NS}}}{name}")  # the usual case, fast
    if found is not None:
        return found
    for child in element:  # a server that puts OAI elements in another namespace
        if _local(child) == name:
            return child
    return None


def _text(element: etree._Element, name: str) -> str:
    child = _child(element, name)
    return "" if child is None else (child.text or "").strip()


def _snippet(body: bytes, length: int = 160) -> str:
    return repr(body[:length].decode("utf-8", errors="replace"))
