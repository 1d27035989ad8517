"""HTTP transport for harvesting: GET with timeouts, retries, size and time caps, an SSRF guard.

Built on the standard library's :mod:`http.client` (a page costs a quarter of the
CPU an HTTP client library spends); callers get :class:`Response` (status,
lower-cased headers, decoded body, final URL) or a
:class:`~tsunagu.errors.TransportError` naming the URL and the cause.

- **Time**: ``Settings.connect_timeout`` to connect (and the TLS handshake),
  ``Settings.read_timeout`` for each read, and ``Settings.response_deadline`` for
  the whole response, checked after every read: a server trickling bytes, each
  inside the read timeout, is cut off and retried.
- **Size**: ``Settings.max_response_bytes`` caps the body as received and as
  decoded (a gzip bomb is a :class:`~tsunagu.errors.ResponseTooLargeError`).
- **Bodies**: gzip and deflate (zlib or raw), announced by ``Content-Encoding`` or
  not; chunked transfer.
- **Connections** (:mod:`.connections`): one kept-alive connection per
  (scheme, host, port), reused by the transport's threads; a request on a reused
  connection that the server had closed while idle is sent again at once on a
  fresh one (no retry, no backoff).
- **Environment**: proxies from ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/
  ``NO_PROXY`` (https through a ``CONNECT`` tunnel, credentials in the proxy URL
  sent as ``Proxy-Authorization``); TLS with the system's CA store, or
  ``SSL_CERT_FILE``/``SSL_CERT_DIR``, the host name checked.
- **Cookies** a server sets are sent back on the transport's later requests (some
  OAI servers keep a result set in a session).

Requests to one host go one at a time through the shared :class:`HostGates`;
every request is logged (:attr:`HttpTransport.log`) for the run report. Redirects
are followed here, each hop through the SSRF guard. A ``Retry-After`` longer than
the in-run limit raises :class:`~tsunagu.errors.SourceParkedError` instead of
blocking the run, and no wait may pass the run's deadline; a transient status
(408/429/5xx) that outlasts the retries, without an OAI error in its body, is a
:class:`~tsunagu.errors.TransportError` too.
"""

from __future__ import annotations

import dataclasses
import email.utils
import http.client
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from urllib.parse import quote, unquote_plus, urlencode, urljoin, urlsplit

from tsunagu.config import Settings
from tsunagu.errors import (
    BlockedAddressError,
    DeadlineExceededError,
    ResponseTooLargeError,
    SourceParkedError,
    TransportError,
)
from tsunagu.harvester.addresses import check_url
from tsunagu.harvester.bodies import decode_body, in_declared_encoding
from tsunagu.harvester.connections import FAILURES, Connections, Sent, failure
from tsunagu.harvester.moves import Moves
from tsunagu.harvester.politeness import HostGates
from tsunagu.store.run_log import RequestEntry

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
#: Seconds a host that passed the SSRF guard stays checked for this transport (one
#: harvest); after that, and for every host not seen yet, it is resolved again.
GUARD_SECONDS = 300.0
#: Bytes asked for by each read of a body (one system call at most).
READ_SIZE = 65536
#: What stays as it is when an IRI's path and query are percent-encoded.
_SAFE = "/?:@!$&'()*+,;=%"

@dataclasses.dataclass(frozen=True)
class Response:
    """A finished HTTP exchange, body decompressed (as received: the page kept)."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def xml(self) -> bytes:
        """The body as an XML parser should read it (:func:`bodies.in_declared_encoding`)."""
        return in_declared_encoding(self.body, self.headers.get("content-type", ""))


@dataclasses.dataclass
class InFlight:
    """A request :meth:`HttpTransport.send` sent ahead; its host is held until it is read."""

    asked: tuple[str, dict[str, str]]  # (url, params)
    netloc: str
    started: float  # when the host was taken (the gates' clock: time.monotonic)
    query: str  # for the request log
    at: str
    sent: Sent | None = None
    error: TransportError | None = None  # sending failed: the first attempt's failure


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and jitter."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _with_query(url: str, params: Mapping[str, str] | None) -> str:
    """``url`` with ``params`` added; its fragment dropped, an IRI made a URI (the host
    in IDNA, the rest percent-encoded: a request line is ASCII)."""
    url = url.split("#", 1)[0]
    if not url.isascii() or " " in url:
        parts = urlsplit(url)
        try:
            netloc = parts.netloc.encode("idna").decode("ascii")
        except UnicodeError:
            netloc = parts.netloc  # left for the connection to refuse, with the URL
        url = parts._replace(netloc=netloc, path=quote(parts.path, safe=_SAFE),
                             query=quote(parts.query, safe=_SAFE)).geturl()
    if not params:
        return url
    base, _, query = url.partition("?")
    # The URL's own fields stay as they are, before the params, except those the
    # params name again (a base URL pasted with "?verb=Identify" gets the new verb).
    fields = [field for field in query.split("&")
              if field and unquote_plus(field.partition("=")[0]) not in params]
    return f"{base}?{'&'.join([*fields, urlencode(params)])}"


class HttpTransport:
    """One HTTP client per harvest; GET only, every request bounded in time and size."""

    def __init__(
        self,
        settings: Settings,
        *,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        gates: HostGates | None = None,
    ) -> None:
        self._settings = settings
        self._retry = retry or RetryPolicy(attempts=settings.retry_attempts,
                                           max_retry_after=settings.max_retry_after)
        self._sleep = sleep
        self._gates = gates or HostGates.from_settings(settings)
        self._moves = Moves()  # base URLs answered with a permanent redirect
        #: ``time.monotonic()`` value no wait may pass (the run's deadline), if any.
        self.deadline: float | None = None
        #: Requests made since the log was last drained.
        self.log: list[RequestEntry] = []
        self._log_lock = threading.Lock()  # the request count and log, read from any thread
        self.requests = 0
        self._headers = {
            "User-Agent": settings.user_agent,
            "Accept": "text/xml, application/xml;q=0.9, */*;q=0.1",
            "Accept-Encoding": "gzip, deflate",
        }
        # The hosts that passed the SSRF guard: (scheme, netloc) -> when.
        self._guarded: dict[tuple[str, str], float] = {}
        self._connections = Connections(settings)

    def close(self) -> None:
        self._connections.close()

    def _append(self, entry: RequestEntry) -> None:
        with self._log_lock:
            self.log.append(entry)

    def drain_log(self) -> list[RequestEntry]:
        """The requests logged since the last call."""
        with self._log_lock:
            entries, self.log = self.log, []
        return entries

    def pause(self, seconds: float, reason: str) -> None:
        """Sleep ``seconds`` unless that would pass the run's deadline."""
        if self.deadline is not None and time.monotonic() + seconds > self.deadline:
            raise DeadlineExceededError(
                f"the run's deadline comes before the end of a {seconds:.1f}s wait ({reason})")
        self._sleep(seconds)

    @property
    def moved(self) -> list[tuple[str, str]]:
        """The base URLs answered with a permanent redirect, and where they moved."""
        return self._moves.learned()

    def backoff(self, attempt: int) -> float:
        """The wait before retry number ``attempt``: exponential, with jitter."""
        return self._backoff(attempt)

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, url: str, params: Mapping[str, str]) -> InFlight | None:
        """Ask now for what ``get(url, params, sent=...)`` will read later, if the host
        may be asked now (nobody else is asking it and its pause has ended); ``None``
        otherwise. Meanwhile the host is held, as during any request: hand the result
        to :meth:`get` or :meth:`abandon`."""
        url = self._moves.resolve(url)
        parts = urlsplit(url)
        try:
            self._guard(url, parts.scheme, parts.netloc)
        except TransportError:
            return None  # get() meets the refusal again, and raises it
        return self._send(url, parts.netloc, params, wait=False)

    def abandon(self, flight: InFlight) -> None:
        """Let go of a request sent ahead whose answer is not wanted: its connection is
        closed unread (a slow or stalled answer does not hold up the caller) and its
        host given back; the request stays in the log."""
        try:
            if flight.sent is not None and flight.sent.connection is not None:
                flight.sent.connection.close()
        finally:
            self._gates.release(flight.netloc, flight.started)
        self._append(RequestEntry(flight.at, flight.query, None, 0,
                                  int((time.monotonic() - flight.started) * 1000),
                                  "sent ahead; its answer was not needed"))

    def get(self, url: str, params: Mapping[str, str], *,
            attempts: int | None = None, sent: InFlight | None = None) -> Response:
        """GET ``url`` with ``params``, retrying transient failures (``attempts`` in all).

        Returns the response for 4xx/5xx statuses that are not retried, and for a
        retried status whose body carries an OAI error (OAI-PMH errors often come
        with such statuses and must be read from the body); a retried status that
        outlasts the attempts is a :class:`TransportError`. With ``sent`` (from
        :meth:`send`, for the same ``url`` and ``params``) its answer is the first
        attempt.
        """
        url = self._moves.resolve(url)
        if sent is not None and sent.asked != (url, dict(params)):
            self.abandon(sent)
            raise ValueError(f"get() of {params} given a request sent for {sent.asked[1]}")
        policy = self._retry
        attempts = attempts or policy.attempts
        for attempt in range(1, attempts + 1):
            first, sent = sent, None  # the request sent ahead is the first attempt only
            try:
                response = self._get_following_redirects(url, params, first)
            except TransportError as exc:
                if isinstance(exc, (BlockedAddressError, ResponseTooLargeError)) or (
                    attempt == attempts
                ):
                    raise
                delay = self._backoff(attempt)
                logger.warning("request to %s failed (%s); retrying in %.1fs", url, exc, delay)
                self.pause(delay, "retry after a network error")
                continue
            if response.status not in RETRY_STATUSES:
                return response
            if attempt == attempts:
                if b"<error" in response.body[:4096]:
                    return response
                raise TransportError(
                    f"{url} answered HTTP {response.status} {attempts} time(s) in a row")
            wait = parse_retry_after(response.headers.get("retry-after"))
            if wait is not None and wait > policy.max_retry_after:
                raise SourceParkedError(
                    f"{url} asks to wait {wait:.0f}s (Retry-After), more than the "
                    f"{policy.max_retry_after:.0f}s allowed within a run",
                    wait_seconds=wait,
                )
            delay = wait if wait else self._backoff(attempt)
            logger.warning("%s answered %d; retrying in %.1fs", url, response.status, delay)
            self.pause(delay, f"HTTP {response.status}")
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        policy = self._retry
        delay: float = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not crypto

    def _get_following_redirects(self, url: str, params: Mapping[str, str],
                                 sent: InFlight | None) -> Response:
        current = url
        query: Mapping[str, str] | None = params
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(current)
            if sent is None:
                self._guard(current, parts.scheme, parts.netloc)
                flight = self._send(current, parts.netloc, query, wait=True)
                assert flight is not None
            else:  # guarded when it was sent; it holds its host until read
                flight, sent = sent, None
            response = self._receive(flight)
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                target = urljoin(current, response.headers["location"])
                if query is not None:  # the base URL's own answer: moved for good?
                    self._moves.learn(current, _with_query(current, query), response.status,
                                      target)
                current, query = target, None  # the Location carries the full URL
                continue
            return response
        raise TransportError(f"more than {MAX_REDIRECTS} redirects from {url}")

    def _guard(self, url: str, scheme: str, netloc: str) -> None:
        """:func:`check_url` for every request; a host that passed is not resolved again
        for ``GUARD_SECONDS`` (each redirect is checked, a new host always resolved)."""
        key = (scheme, netloc)
        passed = self._guarded.get(key)
        if passed is not None and time.monotonic() - passed < GUARD_SECONDS:
            return
        check_url(url, allow_private=self._settings.allow_private_hosts)
        self._guarded[key] = time.monotonic()

    def _send(self, url: str, netloc: str, params: Mapping[str, str] | None, *,
              wait: bool) -> InFlight | None:
        """Take the host (waiting for its turn, or only if free now) and send the GET."""
        started = self._gates.acquire(netloc) if wait else self._gates.try_acquire(netloc)
        if started is None:
            return None
        with self._log_lock:
            self.requests += 1
        query = "&".join(f"{k}={v}" for k, v in (params or {}).items()) or urlsplit(url).query
        flight = InFlight((url, dict(params or {})), netloc, started, query,
                          datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        try:
            flight.sent = self._connections.send(_with_query(url, params), self._headers)
        except TransportError as exc:
            flight.error = exc  # the attempt's failure, raised when it is read
        except BaseException:
            self._gates.release(netloc, started)
            raise
        return flight

    def _receive(self, flight: InFlight) -> Response:
        """Read the answer to ``flight`` and give its host back."""
        try:
            if flight.error is not None:
                raise flight.error
            assert flight.sent is not None
            response = self._fetch(flight.sent)
        except TransportError as exc:
            self._append(RequestEntry(flight.at, flight.query, None, 0,
                                      int((time.monotonic() - flight.started) * 1000),
                                      str(exc)[:300]))
            raise
        finally:
            self._gates.release(flight.netloc, flight.started)
        self._append(RequestEntry(flight.at, flight.query, response.status, len(response.body),
                                  int((time.monotonic() - flight.started) * 1000)))
        return response

    def _fetch(self, sent: Sent) -> Response:
        """The answer to ``sent``, read whole within its caps (the deadline counts from
        when reading begins)."""
        url, limit = sent.url, self._settings.max_response_bytes
        deadline = time.monotonic() + self._settings.response_deadline
        connection, response = self._connections.receive(sent)
        try:
            chunks: list[bytes] = []
            size = 0
            read = response.read1
            while data := read(READ_SIZE):
                size += len(data)
                if size > limit:
                    raise ResponseTooLargeError(f"response from {url} exceeds {limit} bytes")
                chunks.append(data)
                if time.monotonic() > deadline:
                    raise TransportError(
                        f"response from {url} took more than its deadline of "
                        f"{self._settings.response_deadline:g}s ({size} bytes so far)")
            if response.length:  # the server closed the connection before the end
                raise http.client.IncompleteRead(b"".join(chunks), response.length)
        except BaseException as exc:
            response.close()
            connection.close()
            if isinstance(exc, FAILURES):
                raise failure(url, exc, "Read") from exc
            raise
        response.close()
        if response.will_close:
            connection.close()
        else:
            self._connections.release(sent.origin, connection)
        found = {name.lower(): value for name, value in response.getheaders()}
        if "set-cookie" in found:
            self._connections.remember_cookies(response, url)
        body = decode_body(b"".join(chunks), found.get("content-encoding", ""), limit=limit)
        return Response(url=url, status=response.status, headers=found, body=body)
