"""One feed as an OAI-PMH repository, on top of ``oaipmh.server.BatchingServer``.

:class:`FeedRepository` implements the batching interface that
``oaipmh.server.BatchingServer`` expects (every ``list*`` method receives
``cursor`` and ``batch_size``); the library builds the envelopes, validates the
arguments and encodes the resumption tokens. :func:`make_oai_server` wraps it in
:class:`FeedOAIServer`, which closes the gaps we found in ``oaipmh`` 4.0.0:

* a forged or stale resumption token (bad datestamp, unknown key, negative or
  out-of-range cursor) gives ``badResumptionToken`` instead of an unhandled
  exception;
* the last page of a resumed list carries the empty ``<resumptionToken/>`` the
  protocol requires, and every token carries ``completeListSize`` and ``cursor``;
* the unofficial ``GetMetadata`` verb (which crashes the library) is a ``badVerb``;
* metadata is served byte for byte: the library writes a placeholder comment and
  the placeholder is replaced by the stored bytes after serialization, so nothing
  is re-encoded or re-indented.

Speed (``benchmarks/provider.py``): the feed is indexed once
(:class:`~tsunagu.demo.feedfile.FeedIndex`), so a list request finds its records by
bisection instead of scanning the feed twice per page. The records of a list page
are not built as lxml elements: the library's envelope gets one placeholder
comment for the page, replaced after serialization by the records written in the
very layout lxml's pretty printer gives them (see :meth:`FeedRepository.render_page`).
The ``Identify`` answer (whose construction asks ``importlib.metadata`` for pyoai's
version) is built once per base URL.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from lxml import etree
from oaipmh import common, error
from oaipmh.metadata import MetadataRegistry
from oaipmh.server import BatchingServer, XMLTreeServer, decodeResumptionToken, nsoai

from tsunagu.demo.feedfile import NOT_XML_CHARS, Feed, FeedFileError, FeedIndex, Selection

logger = logging.getLogger(__name__)

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
DEFAULT_ADMIN_EMAIL = "tsunagu-demo@example.invalid"

_PLACEHOLDER = re.compile(rb"<!-- tsunagu-raw (\d+) -->")
_PAGE_PLACEHOLDER = re.compile(rb"\n( *)<!-- tsunagu-(records|headers) ([0-9,]*) -->")
_TOKEN_KEYS = {"metadataPrefix", "set", "from_", "until", "batch_size"}
# What lxml refuses in text (it raises ValueError) and what it escapes.
_NOT_XML_TEXT = re.compile(f"[{NOT_XML_CHARS}]")
_SPECIAL = re.compile(f"[&<>\r{NOT_XML_CHARS}]")


class FeedRepository:
    """Answers OAI-PMH requests for one :class:`Feed` (the IBatchingOAIPMH interface).

    ``listRecords`` and ``listIdentifiers`` return record positions, not pyoai
    headers: :class:`FeedOAIServer` writes the records of a page itself.
    """

    def __init__(self, feed: Feed, base_url: Callable[[], str],
                 admin_email: str = DEFAULT_ADMIN_EMAIL) -> None:
        self.feed = feed
        self.index = FeedIndex(feed)
        self._base_url = base_url
        self._admin_email = admin_email
        self._earliest = feed.earliest_datestamp()
        self._identify: common.Identify | None = None

    # -- verbs --------------------------------------------------------------
    def identify(self) -> common.Identify:
        """Describe the repository (seconds granularity, persistent deletions)."""
        base_url = self._base_url()
        identify = self._identify
        if identify is None or identify.baseURL() != base_url:
            identify = self._identify = common.Identify(
                repositoryName=self.feed.repository_name,
                baseURL=base_url,
                protocolVersion="2.0",
                adminEmails=[self._admin_email],
                earliestDatestamp=self._earliest,
                deletedRecord="persistent",
                granularity=GRANULARITY,
                compression=["identity"],
            )
        return identify

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        """The feed's single metadata format (``idDoesNotExist`` for an unknown id)."""
        if identifier is not None and identifier not in self.index.positions:
            raise error.IdDoesNotExistError(f"Unknown identifier: {identifier}")
        return [(self.feed.metadata_prefix, self.feed.schema, self.feed.namespace)]

    def listSets(self, cursor: int = 0, batch_size: int = 10,
                 **extra: Any) -> list[tuple[str, str, None]]:
        """One batch of the feed's sets (``noSetHierarchy`` when it has none)."""
        _reject_extra(extra)
        if not self.feed.sets:
            raise error.NoSetHierarchyError("This repository does not support sets.")
        return [(spec, name, None) for spec, name in self.feed.sets[cursor:cursor + batch_size]]

    def listRecords(self, metadataPrefix: str | None = None, set: str | None = None,
                    from_: dt.datetime | None = None, until: dt.datetime | None = None,
                    cursor: int = 0, batch_size: int = 10, **extra: Any) -> list[int]:
        """One batch of the positions of the matching records."""
        _reject_extra(extra)
        return list(self.select(metadataPrefix, set, from_, until).page(cursor, batch_size))

    listIdentifiers = listRecords  # the same positions; the page is written without metadata

    def getRecord(self, metadataPrefix: str,
                  identifier: str) -> tuple[common.Header, int | None, None]:
        """One record by identifier; the metadata object is the record's position."""
        index = self.index.positions.get(identifier)
        if index is None:
            raise error.IdDoesNotExistError(f"Unknown identifier: {identifier}")
        self._check_prefix(metadataPrefix)
        record = self.feed.records[index]
        header = common.Header(None, record.identifier,
                               self.index.datestamp(index),
                               list(record.set_specs), record.deleted)
        return header, (None if record.deleted else index), None

    # -- selection ----------------------------------------------------------
    def select(self, metadata_prefix: str | None, set_spec: str | None,
               from_: dt.datetime | None, until: dt.datetime | None) -> Selection:
        """The records matching prefix, set and datestamp range."""
        if metadata_prefix is None:
            raise error.BadResumptionTokenError("The resumption token has no metadataPrefix.")
        self._check_prefix(metadata_prefix)
        if set_spec is not None and not self.feed.sets:
            raise error.NoSetHierarchyError("This repository does not support sets.")
        if from_ is not None and until is not None and from_ > until:
            raise error.BadArgumentError("The 'from' argument is later than 'until'.")
        return self.index.select(set_spec, from_, until)

    def count(self, verb: str, kw: Mapping[str, Any]) -> int:
        """Size of the complete list a list request (or its token) selects."""
        if verb == "ListSets":
            return len(self.feed.sets)
        return len(self.select(kw.get("metadataPrefix"), kw.get("set"),
                               kw.get("from_"), kw.get("until")))

    def raw_metadata(self, position: int) -> bytes:
        """The stored metadata bytes of the record at ``position``."""
        xml = self.feed.records[position].metadata_xml
        return xml if xml is not None else b""

    def render_page(self, positions: Sequence[int], indent: str, with_metadata: bool) -> bytes:
        """The ``<record>`` (or only ``<header>``) elements of ``positions`` as serialized XML.

        The layout is lxml's ``pretty_print`` for these elements at ``indent``, with
        the stored metadata bytes inside ``<metadata>``; text is escaped as lxml
        escapes it, and a text lxml refuses raises :class:`FeedFileError`.
        """
        pad = indent + "  " if with_metadata else indent
        open_record = f"{indent}<record>\n"
        open_header, open_deleted = f"{pad}<header>\n", f"{pad}<header status=\"deleted\">\n"
        identifier_line = (f"{pad}  <identifier>{{}}</identifier>\n"
                           f"{pad}  <datestamp>{{}}Z</datestamp>\n")
        set_line = f"{pad}  <setSpec>{{}}</setSpec>\n"
        close_header = f"{pad}</header>\n"
        open_metadata = f"{pad}<metadata>\n{pad}  ".encode()
        close_metadata = f"\n{pad}</metadata>\n{indent}</record>\n".encode()
        close_record = f"{indent}</record>\n"
        records, datestamp = self.feed.records, self.index.datestamp
        parts: list[bytes] = []
        for position in positions:
            record = records[position]
            metadata = record.metadata_xml
            header = [open_record if with_metadata else "",
                      open_header if metadata is not None else open_deleted,
                      identifier_line.format(
                          _text(record.identifier, record.identifier),
                          datestamp(position).isoformat())]
            header.extend(set_line.format(_text(spec, record.identifier))
                          for spec in record.set_specs)
            header.append(close_header)
            if not with_metadata:
                parts.append("".join(header).encode())
            elif metadata is None:
                header.append(close_record)
                parts.append("".join(header).encode())
            else:
                parts += ("".join(header).encode(), open_metadata, metadata, close_metadata)
        return b"".join(parts)

    # -- helpers ------------------------------------------------------------
    def _check_prefix(self, metadata_prefix: str) -> None:
        if metadata_prefix != self.feed.metadata_prefix:
            raise error.CannotDisseminateFormatError(
                f"Unknown metadata format: {metadata_prefix}")


def _text(value: str, identifier: str) -> str:
    """``value`` escaped as XML text the way lxml escapes it."""
    if _SPECIAL.search(value) is None:
        return value
    if _NOT_XML_TEXT.search(value):
        raise FeedFileError("a header value has characters XML cannot carry",
                            record_id=identifier)
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _reject_extra(extra: Mapping[str, Any]) -> None:
    """Unknown keys can only come from a forged resumption token."""
    if extra:
        raise error.BadResumptionTokenError(f"Unknown keys in resumption token: {sorted(extra)}")


class _FeedTreeServer(XMLTreeServer):  # type: ignore[misc]  # oaipmh has no type hints
    """XMLTreeServer with complete-list sizes, cursors, an empty last token and
    one placeholder per page of records or headers (see :meth:`FeedOAIServer.handleVerb`)."""

    def __init__(self, server: Any, repository: FeedRepository,
                 metadata_registry: MetadataRegistry) -> None:
        super().__init__(server, metadata_registry)
        self._repository = repository

    def _outputResuming(self, element: etree._Element, input_func: Callable[..., Any],
                        output_func: Callable[..., None], kw: dict[str, Any]) -> None:
        verb = etree.QName(element).localname
        if "resumptionToken" in kw:
            token_kw, cursor = decode_token(verb, kw["resumptionToken"])
            result, token = input_func(resumptionToken=kw["resumptionToken"])
            if not result:
                raise error.BadResumptionTokenError("The resumption token is past the list's end.")
        else:
            result, token = input_func(**kw)
            if not result:
                raise error.NoRecordsMatchError("No records match for request.")
            token_kw, cursor = kw, 0
        if verb == "ListSets":
            output_func(element, result, token_kw)
        else:
            kind = "records" if verb == "ListRecords" else "headers"
            element.append(etree.Comment(f" tsunagu-{kind} {','.join(map(str, result))} "))
        if token is None and cursor == 0:
            return  # the complete list fitted in one response
        e_token = etree.SubElement(element, nsoai("resumptionToken"))
        e_token.set("completeListSize", str(self._repository.count(verb, token_kw)))
        e_token.set("cursor", str(cursor))
        e_token.text = token


def decode_token(verb: str, token: str) -> tuple[dict[str, Any], int]:
    """Decode and check a resumption token; ``badResumptionToken`` when it is not ours."""
    try:
        token_kw, cursor = decodeResumptionToken(token)
    except error.ErrorBase:
        raise
    except Exception as exc:
        raise error.BadResumptionTokenError(f"Unable to decode resumption token: {token}") from exc
    unknown = set(token_kw) - _TOKEN_KEYS
    if unknown or cursor < 0:
        raise error.BadResumptionTokenError(f"Invalid resumption token: {token}")
    if verb != "ListSets" and "metadataPrefix" not in token_kw:
        raise error.BadResumptionTokenError(f"Resumption token is not for {verb}: {token}")
    return token_kw, cursor


class FeedOAIServer(BatchingServer):  # type: ignore[misc]  # oaipmh has no type hints
    """``BatchingServer`` serving one feed: hardened tokens, byte-faithful metadata."""

    def __init__(self, repository: FeedRepository, page_size: int = 100) -> None:
        registry = MetadataRegistry()
        registry.registerWriter(repository.feed.metadata_prefix, _placeholder_writer)
        super().__init__(repository, metadata_registry=registry, resumption_batch_size=page_size)
        # replace the library's tree server with ours, around the same resumption layer
        resumption: Any = self._tree_server._server
        self._tree_server: Any = _FeedTreeServer(resumption, repository, registry)
        self.repository = repository

    def handleVerb(self, verb: str, kw: dict[str, Any]) -> bytes:
        """Answer one validated request; the placeholders become records and raw metadata."""
        if verb == "GetMetadata":
            raise error.BadVerbError(f"Illegal verb: {verb}")
        if "resumptionToken" in kw:
            decode_token(verb, kw["resumptionToken"])
        body = bytes(super().handleVerb(verb, kw))
        if verb == "GetRecord":
            return _PLACEHOLDER.sub(
                lambda match: self.repository.raw_metadata(int(match.group(1))), body)
        if verb in ("ListRecords", "ListIdentifiers"):
            return _PAGE_PLACEHOLDER.sub(self._page, body, count=1)
        return body

    def _page(self, match: re.Match[bytes]) -> bytes:
        positions = [int(position) for position in match.group(3).split(b",")]
        rendered = self.repository.render_page(positions, match.group(1).decode(),
                                               with_metadata=match.group(2) == b"records")
        return b"\n" + rendered.removesuffix(b"\n")

    def error_response(self, exception: error.ErrorBase) -> bytes:
        """An OAI-PMH error document for an error found before the library ran."""
        return bytes(self.handleException({}, (type(exception), exception, None)))


def _placeholder_writer(element: etree._Element, metadata: int) -> None:
    """Metadata writer: a comment that :meth:`FeedOAIServer.handleVerb` replaces."""
    element.append(etree.Comment(f" tsunagu-raw {int(metadata)} "))


def make_oai_server(feed: Feed, base_url: Callable[[], str], *, page_size: int = 100,
                    admin_email: str = DEFAULT_ADMIN_EMAIL) -> FeedOAIServer:
    """Build the OAI-PMH server object for ``feed`` (no HTTP: call ``handleRequest``)."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    return FeedOAIServer(FeedRepository(feed, base_url, admin_email), page_size)
