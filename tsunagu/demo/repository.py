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
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from lxml import etree
from oaipmh import common, error
from oaipmh.metadata import MetadataRegistry
from oaipmh.server import BatchingServer, XMLTreeServer, decodeResumptionToken, nsoai

from tsunagu.demo.feedfile import Feed, FeedRecord, to_naive_utc

logger = logging.getLogger(__name__)

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
DEFAULT_ADMIN_EMAIL = "tsunagu-demo@example.invalid"

_PLACEHOLDER = re.compile(rb"<!-- tsunagu-raw (\d+) -->")
_LIST_VERBS = {"ListRecords", "ListIdentifiers", "ListSets"}
_TOKEN_KEYS = {"metadataPrefix", "set", "from_", "until", "batch_size"}


class FeedRepository:
    """Answers OAI-PMH requests for one :class:`Feed` (the IBatchingOAIPMH interface)."""

    def __init__(self, feed: Feed, base_url: Callable[[], str],
                 admin_email: str = DEFAULT_ADMIN_EMAIL) -> None:
        self.feed = feed
        self._base_url = base_url
        self._admin_email = admin_email
        self._positions = {record.identifier: index for index, record in enumerate(feed.records)}
        self._datestamps = [to_naive_utc(record.datestamp) for record in feed.records]
        self._earliest = feed.earliest_datestamp()

    # -- verbs --------------------------------------------------------------
    def identify(self) -> common.Identify:
        """Describe the repository (seconds granularity, persistent deletions)."""
        return common.Identify(
            repositoryName=self.feed.repository_name,
            baseURL=self._base_url(),
            protocolVersion="2.0",
            adminEmails=[self._admin_email],
            earliestDatestamp=self._earliest,
            deletedRecord="persistent",
            granularity=GRANULARITY,
            compression=["identity"],
        )

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        """The feed's single metadata format (``idDoesNotExist`` for an unknown id)."""
        if identifier is not None and identifier not in self._positions:
            raise error.IdDoesNotExistError(f"Unknown identifier: {identifier}")
        return [(self.feed.metadata_prefix, self.feed.schema, self.feed.namespace)]

    def listSets(self, cursor: int = 0, batch_size: int = 10,
                 **extra: Any) -> list[tuple[str, str, None]]:
        """One batch of the feed's sets (``noSetHierarchy`` when it has none)."""
        _reject_extra(extra)
        if not self.feed.sets:
            raise error.NoSetHierarchyError("This repository does not support sets.")
        return [(spec, name, None) for spec, name in self.feed.sets[cursor:cursor + batch_size]]

    def listIdentifiers(self, metadataPrefix: str | None = None, set: str | None = None,
                        from_: dt.datetime | None = None, until: dt.datetime | None = None,
                        cursor: int = 0, batch_size: int = 10,
                        **extra: Any) -> list[common.Header]:
        """One batch of headers matching the selection."""
        _reject_extra(extra)
        positions = self.select(metadataPrefix, set, from_, until)
        return [self._header(index) for index in positions[cursor:cursor + batch_size]]

    def listRecords(self, metadataPrefix: str | None = None, set: str | None = None,
                    from_: dt.datetime | None = None, until: dt.datetime | None = None,
                    cursor: int = 0, batch_size: int = 10,
                    **extra: Any) -> list[tuple[common.Header, int | None, None]]:
        """One batch of records; the metadata object is the record's position."""
        _reject_extra(extra)
        positions = self.select(metadataPrefix, set, from_, until)
        return [self._record(index) for index in positions[cursor:cursor + batch_size]]

    def getRecord(self, metadataPrefix: str,
                  identifier: str) -> tuple[common.Header, int | None, None]:
        """One record by identifier."""
        index = self._positions.get(identifier)
        if index is None:
            raise error.IdDoesNotExistError(f"Unknown identifier: {identifier}")
        self._check_prefix(metadataPrefix)
        return self._record(index)

    # -- selection ----------------------------------------------------------
    def select(self, metadata_prefix: str | None, set_spec: str | None,
               from_: dt.datetime | None, until: dt.datetime | None) -> list[int]:
        """Positions of the records matching prefix, set and datestamp range."""
        if metadata_prefix is None:
            raise error.BadResumptionTokenError("The resumption token has no metadataPrefix.")
        self._check_prefix(metadata_prefix)
        if set_spec is not None and not self.feed.sets:
            raise error.NoSetHierarchyError("This repository does not support sets.")
        if from_ is not None and until is not None and from_ > until:
            raise error.BadArgumentError("The 'from' argument is later than 'until'.")
        result: list[int] = []
        for index, record in enumerate(self.feed.records):
            stamp = self._datestamps[index]
            if from_ is not None and stamp < from_:
                continue
            if until is not None and stamp > until:
                continue
            if set_spec is not None and not _in_set(record, set_spec):
                continue
            result.append(index)
        return result

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

    # -- helpers ------------------------------------------------------------
    def _check_prefix(self, metadata_prefix: str) -> None:
        if metadata_prefix != self.feed.metadata_prefix:
            raise error.CannotDisseminateFormatError(
                f"Unknown metadata format: {metadata_prefix}")

    def _header(self, index: int) -> common.Header:
        record = self.feed.records[index]
        return common.Header(None, record.identifier, self._datestamps[index],
                             list(record.set_specs), record.deleted)

    def _record(self, index: int) -> tuple[common.Header, int | None, None]:
        header = self._header(index)
        return header, (None if header.isDeleted() else index), None


def _in_set(record: FeedRecord, set_spec: str) -> bool:
    """True when the record is in ``set_spec`` or one of its sub-sets (``a:b`` is in ``a``)."""
    return any(spec == set_spec or spec.startswith(set_spec + ":") for spec in record.set_specs)


def _reject_extra(extra: Mapping[str, Any]) -> None:
    """Unknown keys can only come from a forged resumption token."""
    if extra:
        raise error.BadResumptionTokenError(f"Unknown keys in resumption token: {sorted(extra)}")


class _FeedTreeServer(XMLTreeServer):  # type: ignore[misc]  # oaipmh has no type hints
    """XMLTreeServer with complete-list sizes, cursors and an empty last token."""

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
        output_func(element, result, token_kw)
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
        """Answer one validated request; raw metadata bytes replace the placeholders."""
        if verb == "GetMetadata":
            raise error.BadVerbError(f"Illegal verb: {verb}")
        if "resumptionToken" in kw:
            decode_token(verb, kw["resumptionToken"])
        body = bytes(super().handleVerb(verb, kw))
        return _PLACEHOLDER.sub(lambda match: self.repository.raw_metadata(int(match.group(1))),
                                body)

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
