"""The OAI-PMH client: the request loop of one harvest window.

:class:`OAIClient` issues Identify and ListRecords requests and yields one
:class:`~tsunagu.harvester.protocol.RecordPage` at a time; the caller stores a
page (and its checkpoint) before asking for the next one, so a crash loses at
most the page in flight and a re-run resumes from the stored token.
"""

from __future__ import annotations

import logging
from collections.abc import Generator

from tsunagu.config import Settings
from tsunagu.errors import HarvestError, OAIError, ResponseFormatError, TruncatedResponseError
from tsunagu.harvester import repair
from tsunagu.harvester.politeness import HostGates
from tsunagu.harvester.protocol import (
    Identity,
    RecordPage,
    parse_identify,
    parse_list_records,
)
from tsunagu.harvester.transport import HttpTransport, InFlight, Response
from tsunagu.records import Source
from tsunagu.store.run_log import RequestEntry

logger = logging.getLogger(__name__)

#: Bytes at the end of a page searched for its resumption token before it is parsed.
TOKEN_TAIL = 8192


class OAIClient:
    """Talks OAI-PMH to one source's base URL."""

    def __init__(self, source: Source, settings: Settings,
                 transport: HttpTransport | None = None, *,
                 gates: HostGates | None = None) -> None:
        self.source = source
        self._settings = settings
        self._owns_transport = transport is None
        self._transport = transport or HttpTransport(settings, gates=gates)
        #: The last ListRecords answer parsed (its body for conformance checks and the
        #: page archive); ``unread``: the last one that could not be read as a page.
        self.last = Response("", 0, {}, b"")
        self.unread: Response | None = None

    @property
    def requests(self) -> int:
        """HTTP requests made so far (retries and redirects included)."""
        return self._transport.requests

    @property
    def transport(self) -> HttpTransport:
        return self._transport

    def drain_log(self) -> list[RequestEntry]:
        """The requests made since the last call, for the run's request log."""
        return self._transport.drain_log()

    def close(self) -> None:
        if self._owns_transport:
            self._transport.close()

    def __enter__(self) -> OAIClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def identify(self) -> Identity:
        response = self.request({"verb": "Identify"})
        return parse_identify(response.xml, source_id=self.source.id)

    def list_records(
        self,
        *,
        from_: str | None = None,
        until: str | None = None,
        set_spec: str | None = None,
        token: str | None = None,
    ) -> Generator[tuple[RecordPage, dict[str, str]], None, None]:
        """Yield ``(page, request params)`` for every page of one ListRecords list.

        Starts from ``token`` when resuming. An empty page that carries a token is
        followed (up to a limit); a token that repeats ends the list with an error.
        """
        seen: set[str] = set()
        empty_pages = 0
        params = self._first_params(from_, until, set_spec) if token is None else (
            token_params(token))
        # The next page is asked for while this one is parsed and stored: still one
        # request at a time per host, and checkpoints name stored pages only. It is asked
        # for as soon as its token is read by pattern from the end of this page's body,
        # so the server's work overlaps the parse too; the parsed token decides, and a
        # request for a token misread is let go unread.
        ahead = _Ahead(self, self._settings.prefetch_pages)
        try:
            response = self.request(params)
            while True:
                ahead.guess(response.body, seen)
                page = self._page(params, response, ahead)
                stop: HarvestError | None = None
                try:
                    next_params = self._next_params(page, seen, empty_pages)
                except HarvestError as exc:  # the page itself is still stored
                    next_params, stop = None, exc
                ahead.fetch(next_params)
                yield page, params
                if stop is not None:
                    raise stop
                if next_params is None:
                    return
                empty_pages = empty_pages + 1 if not page.records else 0
                params = next_params
                response = ahead.take(params)
        finally:
            ahead.close()

    def _next_params(
        self, page: RecordPage, seen: set[str], empty_pages: int
    ) -> dict[str, str] | None:
        """The request for the page after ``page``, or ``None`` at the end of the list."""
        if page.token is None:
            return None
        if page.token in seen:
            raise HarvestError(
                f"the server sent the resumption token {page.token!r} twice; "
                "stopping instead of looping", source_id=self.source.id,
            )
        seen.add(page.token)
        if not page.records and empty_pages + 1 > self._settings.max_empty_pages:
            raise HarvestError(
                f"{empty_pages + 1} empty pages in a row that carry a token; stopping",
                source_id=self.source.id,
            )
        return token_params(page.token)

    def _page(self, params: dict[str, str], response: Response | None,
              ahead: _Ahead) -> RecordPage:
        """Parse one page (fetching it unless given); a page cut short is fetched again
        (after letting go of a request sent ahead by a token read from its cut end: it
        holds the host)."""
        attempts = self._settings.retry_attempts
        for attempt in range(1, attempts + 1):
            if response is None:
                response = self.request(params)
            self.last = response
            try:
                return parse_list_records(response.xml, source_id=self.source.id,
                                          metadata_prefix=self.source.metadata_prefix)
            except TruncatedResponseError:
                ahead.close()
                if attempt == attempts:
                    self.unread = response
                    raise
                response = None
                delay = self._transport.backoff(attempt)
                logger.warning("%s: truncated page; fetching it again in %.1fs",
                               self.source.id, delay)
                self._transport.pause(delay, "truncated page")
            except (OAIError, ResponseFormatError):
                self.unread = response
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def take_unread(self) -> Response | None:
        """The last answer that could not be read as a page (once), to keep it."""
        unread, self.unread = self.unread, None
        return unread

    def _first_params(
        self, from_: str | None, until: str | None, set_spec: str | None
    ) -> dict[str, str]:
        params = {"verb": "ListRecords", "metadataPrefix": self.source.metadata_prefix}
        if from_:
            params["from"] = from_
        if until:
            params["until"] = until
        if set_spec:
            params["set"] = set_spec
        return params

    def request(self, params: dict[str, str], *, sent: InFlight | None = None) -> Response:
        """One OAI-PMH request (``sent`` ahead, if given); an HTTP error without an OAI
        error in the body raises."""
        response = self._transport.get(self.source.base_url, params, sent=sent)
        if response.status >= 400 and b"<error" not in response.body[:4096]:
            # OAI errors may come with any status (Zenodo uses 422): only a body
            # without an OAI error is an HTTP failure.
            raise HarvestError(
                f"{params.get('verb')} answered HTTP {response.status}",
                source_id=self.source.id,
            )
        return response


def token_params(token: str) -> dict[str, str]:
    """The request for the page a resumption token names."""
    return {"verb": "ListRecords", "resumptionToken": token}


class _Ahead:
    """The one request a ListRecords loop may have sent ahead for its next page.

    It is sent on the wire at once (no thread: the server answers while this page
    is parsed and stored, and the answer waits in the socket until it is read),
    if the host may be asked now; otherwise the page is asked for when it is
    needed. Its answer is the first attempt of the transport's full retry policy
    (a wait the server asks for is honoured, also when the token was a guess).
    """

    def __init__(self, client: OAIClient, enabled: bool) -> None:
        self._client = client
        self._enabled = enabled
        self._pending: InFlight | None = None

    def guess(self, body: bytes, seen: set[str]) -> None:
        """Ask for the page after ``body`` by the token read from its end, if any."""
        if not self._enabled:
            return
        token = repair.token_from_tail(body, TOKEN_TAIL)
        if token is not None and token not in seen:
            self._send(token_params(token))

    def fetch(self, params: dict[str, str] | None) -> None:
        """Ask for ``params`` unless a request (right or wrong) is out already."""
        if self._enabled and self._pending is None and params is not None:
            self._send(params)

    def take(self, params: dict[str, str]) -> Response:
        """The response for ``params``: the answer to the request sent ahead if that is
        what it asked for (a token misread: that request is let go), else asked now."""
        pending, self._pending = self._pending, None
        if pending is not None and pending.asked[1] != params:
            self._client.transport.abandon(pending)
            pending = None
        return self._client.request(params, sent=pending)

    def close(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._client.transport.abandon(pending)

    def _send(self, params: dict[str, str]) -> None:
        self._pending = self._client.transport.send(self._client.source.base_url, params)


__all__ = ["OAIClient", "OAIError"]
