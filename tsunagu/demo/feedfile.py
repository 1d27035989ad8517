"""The feed file: an OAI-PMH repository's records in one (gzipped) JSON Lines file.

A feed file is what the local data provider (:mod:`tsunagu.demo.provider`) serves.
It holds one metadata format and its records, each with the header fields of
OAI-PMH and the metadata XML **as bytes**, so the provider can serve them byte for
byte. Layout (UTF-8, one JSON object per line, optionally gzip-compressed)::

    {"format": "tsunagu-oai-feed", "version": 1, "repository_name": "...",
     "metadata_prefix": "oai_dc", "schema": "...", "namespace": "...",
     "sets": [{"spec": "painting", "name": "painting"}, ...]}
    {"identifier": "oai:tate.example:A00001", "datestamp": "2024-01-15T00:00:00Z",
     "sets": ["painting"], "metadata": "<oai_dc:dc xmlns:oai_dc=...>...</oai_dc:dc>"}
    {"identifier": "oai:tate.example:A00002", "datestamp": "...", "deleted": true}

The first line is the header; every later line is one record. A record without
``metadata`` must carry ``"deleted": true``. Files whose first bytes are the gzip
magic number are decompressed transparently.

:class:`FeedIndex` indexes a loaded feed for the provider: records by identifier,
by set (with sub-sets) and by datestamp, so that a list request selects its
records without scanning the feed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gzip
import io
import json
import logging
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from lxml import etree

from tsunagu.errors import TsunaguError

logger = logging.getLogger(__name__)

FORMAT_NAME = "tsunagu-oai-feed"
FORMAT_VERSION = 1
DATESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

#: Schema and namespace of the metadata formats the demo knows by prefix.
KNOWN_FORMATS: Mapping[str, tuple[str, str]] = {
    "oai_dc": (
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "http://www.openarchives.org/OAI/2.0/oai_dc/",
    ),
    "lido": (
        "http://www.lido-schema.org/schema/v1.0/lido-v1.0.xsd",
        "http://www.lido-schema.org",
    ),
}

_SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>\s*")
_GZIP_MAGIC = b"\x1f\x8b"
_EPOCH = dt.datetime(1970, 1, 1)
_SECOND = dt.timedelta(seconds=1)
#: What XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF), as
#: a regular-expression character class body.
NOT_XML_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_CACHED_SELECTIONS = 16


class FeedFileError(TsunaguError):
    """A feed file (or a record meant for one) is malformed."""


@dataclasses.dataclass(frozen=True, slots=True)
class FeedRecord:
    """One record of a feed: OAI-PMH header fields plus the raw metadata XML.

    ``metadata_xml`` is the metadata element serialized as UTF-8 bytes (no XML
    declaration needed); ``None`` marks a deleted record. ``datestamp`` is UTC,
    either timezone-aware or naive (taken as UTC); it is kept at second precision.
    """

    identifier: str
    datestamp: dt.datetime
    metadata_xml: bytes | None
    set_specs: tuple[str, ...] = ()

    @property
    def deleted(self) -> bool:
        """True when the record is a tombstone (``status="deleted"``)."""
        return self.metadata_xml is None


@dataclasses.dataclass(frozen=True, slots=True)
class Feed:
    """A loaded feed file: repository description, sets and records in file order."""

    path: Path
    repository_name: str
    metadata_prefix: str
    schema: str
    namespace: str
    sets: tuple[tuple[str, str], ...]
    records: tuple[FeedRecord, ...]

    def earliest_datestamp(self) -> dt.datetime:
        """The earliest record datestamp (naive UTC); 1970-01-01 when empty."""
        if not self.records:
            return dt.datetime(1970, 1, 1)
        return min(to_naive_utc(record.datestamp) for record in self.records)


def to_naive_utc(value: dt.datetime) -> dt.datetime:
    """Return ``value`` as a naive UTC datetime at second precision."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.replace(microsecond=0)


def format_datestamp(value: dt.datetime) -> str:
    """Format a datetime as an OAI-PMH ``YYYY-MM-DDThh:mm:ssZ`` datestamp."""
    return to_naive_utc(value).strftime(DATESTAMP_FORMAT)


def parse_datestamp(text: str) -> dt.datetime:
    """Parse a ``YYYY-MM-DDThh:mm:ssZ`` datestamp into a naive UTC datetime."""
    try:
        return dt.datetime.strptime(text, DATESTAMP_FORMAT)
    except (TypeError, ValueError) as exc:
        raise FeedFileError(f"bad datestamp {text!r}, want YYYY-MM-DDThh:mm:ssZ") from exc


def strip_xml_declaration(xml: bytes) -> bytes:
    """Drop a leading ``<?xml ...?>`` declaration (and surrounding blanks)."""
    return _XML_DECLARATION.sub(b"", xml, count=1).strip()


def check_metadata_xml(xml: bytes, identifier: str = "") -> None:
    """Raise :class:`FeedFileError` unless ``xml`` is one well-formed UTF-8 element."""
    try:
        xml.decode("utf-8")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        root = etree.fromstring(xml, parser=parser)
    except (UnicodeDecodeError, etree.XMLSyntaxError, ValueError) as exc:
        raise FeedFileError(f"metadata is not well-formed UTF-8 XML: {exc}",
                            record_id=identifier) from exc
    if not isinstance(root.tag, str):
        raise FeedFileError("metadata root is not an element", record_id=identifier)


def write_feed(
    path: Path | str,
    records: Iterable[FeedRecord],
    *,
    repository_name: str | None = None,
    metadata_prefix: str = "oai_dc",
    schema: str | None = None,
    namespace: str | None = None,
    set_names: Mapping[str, str] | None = None,
    validate: bool = True,
) -> Path:
    """Write ``records`` to a feed file at ``path`` and return the path.

    The file is gzip-compressed (deterministically, without a timestamp) when the
    name ends in ``.gz``. ``set_names`` names the sets; every set used by a record
    is listed (named by its spec unless named here). With ``validate`` each
    metadata document is checked to be well-formed UTF-8 XML.
    """
    path = Path(path)
    if metadata_prefix in KNOWN_FORMATS:
        default_schema, default_namespace = KNOWN_FORMATS[metadata_prefix]
        schema = schema or default_schema
        namespace = namespace or default_namespace
    if not schema or not namespace:
        raise FeedFileError(f"schema and namespace are needed for prefix {metadata_prefix!r}")
    names = dict(set_names or {})
    lines: list[str] = []
    seen: set[str] = set()
    used_sets: list[str] = []
    for record in records:
        lines.append(_record_line(record, validate))
        if record.identifier in seen:
            raise FeedFileError("duplicate identifier", record_id=record.identifier)
        seen.add(record.identifier)
        for spec in record.set_specs:
            if spec not in names and spec not in used_sets:
                used_sets.append(spec)
    all_specs = list(names) + [spec for spec in used_sets if spec not in names]
    for spec in all_specs:
        if not _SET_SPEC.match(spec):
            raise FeedFileError(f"bad setSpec {spec!r}")
    header = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "repository_name": repository_name or path.name.split(".")[0],
        "metadata_prefix": metadata_prefix,
        "schema": schema,
        "namespace": namespace,
        "sets": [{"spec": spec, "name": names.get(spec, spec)} for spec in all_specs],
    }
    text = "\n".join([json.dumps(header, ensure_ascii=False), *lines]) + "\n"
    data = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.name.endswith(".gz"):
        buffer = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
            gz.write(data)
        data = buffer.getvalue()
    path.write_bytes(data)
    logger.info("wrote feed %s (%d records)", path, len(lines))
    return path


def _record_line(record: FeedRecord, validate: bool) -> str:
    """Serialize one record as a JSON line."""
    if not record.identifier or record.identifier != record.identifier.strip():
        raise FeedFileError(f"bad identifier {record.identifier!r}")
    item: dict[str, object] = {
        "identifier": record.identifier,
        "datestamp": format_datestamp(record.datestamp),
    }
    if record.set_specs:
        item["sets"] = list(record.set_specs)
    if record.metadata_xml is None:
        item["deleted"] = True
    else:
        xml = strip_xml_declaration(record.metadata_xml)
        if validate:
            check_metadata_xml(xml, record.identifier)
        try:
            item["metadata"] = xml.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FeedFileError("metadata is not UTF-8", record_id=record.identifier) from exc
    return json.dumps(item, ensure_ascii=False)


def load_feed(path: Path | str, *, validate: bool = False) -> Feed:
    """Read a feed file (plain or gzipped JSON Lines) into a :class:`Feed`.

    With ``validate`` every metadata document is parsed to check it is well formed
    (costs about 10 ms per 1,000 records); the structure is always checked.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
        if data[:2] == _GZIP_MAGIC:
            data = gzip.decompress(data)
        lines = data.decode("utf-8").splitlines()
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise FeedFileError(f"cannot read feed file {path}: {exc}") from exc
    if not lines:
        raise FeedFileError(f"empty feed file {path}")
    header = _json_line(lines[0], path, 1)
    if header.get("format") != FORMAT_NAME or header.get("version") != FORMAT_VERSION:
        raise FeedFileError(f"{path} is not a {FORMAT_NAME} v{FORMAT_VERSION} file")
    records = [_parse_record(_json_line(line, path, number), validate)
               for number, line in enumerate(lines[1:], start=2) if line.strip()]
    identifiers = {record.identifier for record in records}
    if len(identifiers) != len(records):
        raise FeedFileError(f"{path} has duplicate identifiers")
    try:
        sets = tuple((str(item["spec"]), str(item["name"])) for item in header.get("sets") or [])
        return Feed(
            path=path,
            repository_name=str(header.get("repository_name") or path.name),
            metadata_prefix=str(header["metadata_prefix"]),
            schema=str(header["schema"]),
            namespace=str(header["namespace"]),
            sets=sets,
            records=tuple(records),
        )
    except (KeyError, TypeError) as exc:
        raise FeedFileError(f"{path}: bad header: {exc}") from exc


def _json_line(line: str, path: Path, number: int) -> dict[str, Any]:
    """Decode one JSON object line, with the line number in errors."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise FeedFileError(f"{path}:{number}: bad JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise FeedFileError(f"{path}:{number}: a line must be a JSON object")
    return value


def _parse_record(item: Mapping[str, Any], validate: bool) -> FeedRecord:
    """Build a :class:`FeedRecord` from its JSON object."""
    identifier = item.get("identifier")
    if not isinstance(identifier, str) or not identifier:
        raise FeedFileError("record without identifier")
    metadata = item.get("metadata")
    if metadata is None and item.get("deleted") is not True:
        raise FeedFileError("record has neither metadata nor deleted=true", record_id=identifier)
    xml = metadata.encode("utf-8") if isinstance(metadata, str) else None
    if xml is not None and validate:
        check_metadata_xml(xml, identifier)
    sets = item.get("sets") or []
    if not isinstance(sets, Sequence) or isinstance(sets, str):
        raise FeedFileError("sets must be a list", record_id=identifier)
    return FeedRecord(
        identifier=identifier,
        datestamp=parse_datestamp(str(item.get("datestamp"))),
        metadata_xml=xml,
        set_specs=tuple(str(spec) for spec in sets),
    )


def _seconds(value: dt.datetime) -> int:
    """A naive UTC datetime as whole seconds since 1970 (the index's datestamps)."""
    return (to_naive_utc(value) - _EPOCH) // _SECOND


@dataclasses.dataclass(frozen=True, slots=True)
class Selection:
    """The records a list request selects: ``positions[start:stop]``, in feed order."""

    positions: Sequence[int]
    start: int
    stop: int

    def __len__(self) -> int:
        return self.stop - self.start

    def page(self, cursor: int, size: int) -> Sequence[int]:
        """The positions of the ``size`` records from ``cursor`` (0-based) on."""
        first = self.start + cursor
        return self.positions[first:min(first + size, self.stop)]


class FeedIndex:
    """A feed's records by identifier, set and datestamp, built once.

    Every set spec and each of its ancestors (``a`` for ``a:b``) has the positions
    of its records in feed order. When the datestamps never decrease in feed order
    (every bundled feed), a ``from``/``until`` range is two bisections; otherwise
    the matching positions are collected once per selection and the last
    ``_CACHED_SELECTIONS`` selections kept (a harvest asks for the same one page
    after page). Memory: ~75 bytes per record with one set each (the identifier
    dictionary ~50, the datestamps 8, a set's positions and datestamps 16).
    """

    def __init__(self, feed: Feed) -> None:
        self.positions = {record.identifier: index for index, record in enumerate(feed.records)}
        self.datestamps = array("q", (_seconds(record.datestamp) for record in feed.records))
        self.in_order = all(a <= b for a, b in pairwise(self.datestamps))
        members: dict[str, array[int]] = {}
        for index, record in enumerate(feed.records):
            for scope in {ancestor for spec in record.set_specs for ancestor in _ancestors(spec)}:
                members.setdefault(scope, array("q")).append(index)
        self._scopes: dict[str | None, tuple[Sequence[int], Sequence[int]]] = {
            None: (range(len(feed.records)), self.datestamps)}
        for spec, positions in members.items():
            self._scopes[spec] = (positions, array("q", (self.datestamps[i] for i in positions)))
        # An unordered feed is scanned once per selection; the last few are kept, so the
        # pages of one harvest reuse theirs (lru_cache is thread-safe).
        self._scan = functools.lru_cache(maxsize=_CACHED_SELECTIONS)(self._scan_uncached)

    def datestamp(self, position: int) -> dt.datetime:
        """The datestamp of the record at ``position`` (naive UTC)."""
        return _EPOCH + self.datestamps[position] * _SECOND

    def select(self, set_spec: str | None, from_: dt.datetime | None,
               until: dt.datetime | None) -> Selection:
        """The records in ``set_spec`` (and its sub-sets) with ``from_ <= datestamp <= until``."""
        positions, datestamps = self._scopes.get(set_spec, ((), ()))
        low = None if from_ is None else _seconds(from_)
        high = None if until is None else _seconds(until)
        if self.in_order:
            start = 0 if low is None else bisect_left(datestamps, low)
            stop = len(datestamps) if high is None else bisect_right(datestamps, high)
            return Selection(positions, start, max(start, stop))
        return self._scan(set_spec, low, high)

    def _scan_uncached(self, set_spec: str | None, low: int | None,
                       high: int | None) -> Selection:
        positions, datestamps = self._scopes.get(set_spec, ((), ()))
        found = array("q", (position for position, stamp in zip(positions, datestamps, strict=True)
                            if (low is None or stamp >= low) and (high is None or stamp <= high)))
        return Selection(found, 0, len(found))


def _ancestors(spec: str) -> list[str]:
    """``spec`` and the specs it is inside of: ``a:b:c`` → ``a``, ``a:b``, ``a:b:c``."""
    return [spec[:index] for index, char in enumerate(spec) if char == ":"] + [spec]
