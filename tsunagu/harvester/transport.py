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
import ipaddress
import logging
import random
import socket
import threading
import time
import zlib
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
from tsunagu.harvester.connections import FAILURES, Connections, failure
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
    """A finished HTTP exchange, body decompressed."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and jitter."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse URLs that are not http(s) or that resolve to a non-public address.

    Private, loopback, link-local, multicast, reserved and unspecified addresses
    are refused unless ``allow_private`` (``TSUNAGU_ALLOW_PRIVATE_HOSTS=1``).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedAddressError(f"not an http(s) URL: {url!r}", field="url")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise TransportError(f"cannot resolve {parts.hostname!r}: {exc}", field="url") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise BlockedAddressError(
                f"{parts.hostname} resolves to the non-public address {address}; set "
                "TSUNAGU_ALLOW_PRIVATE_HOSTS=1 to allow private and loopback hosts",
                field="url",
            )


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


def decode_body(body: bytes, encoding: str = "", *, limit: int | None = None) -> bytes:
    """Undo gzip/deflate, announced (``encoding``, the ``Content-Encoding``) or not.

    The magic bytes decide (gzip, zlib); an announced ``deflate`` without a zlib
    header is raw deflate. At most ``limit`` bytes come out: more is a
    :class:`ResponseTooLargeError`.
    """
    if body[:2] == b"\x1f\x8b":
        try:
            return _inflate(body, 16 + zlib.MAX_WBITS, limit)
        except zlib.error as exc:
            raise TransportError(f"corrupt gzip body: {exc}") from exc
    announced = encoding.strip().lower() == "deflate"
    if body[:1] == b"\x78" and len(body) > 2 and (body[0] * 256 + body[1]) % 31 == 0:
        try:
            return _inflate(body, zlib.MAX_WBITS, limit)
        except zlib.error:
            if not announced:
                return body  # not zlib after all: a body that happens to start so
    if announced and body:
        try:
            return _inflate(body, -zlib.MAX_WBITS, limit)
        except zlib.error as exc:
            raise TransportError(f"corrupt deflate body: {exc}") from exc
    return body


def _inflate(data: bytes, wbits: int, limit: int | None) -> bytes:
    """Decompress every gzip member (or the one zlib/deflate stream) of ``data``."""
    pieces: list[bytes] = []
    size = 0
    while data:
        inflater = zlib.decompressobj(wbits)
        # max_length 0 means "no limit": one byte more than the room left shows excess.
        piece = inflater.decompress(data, 0 if limit is None else limit - size + 1)
        size += len(piece)
        if limit is not None and size > limit:
            raise ResponseTooLargeError(f"the decoded body exceeds {limit} bytes")
        if not inflater.eof:
            raise zlib.error("the compressed stream ends early")
        pieces.append(piece)
        data = inflater.unused_data if wbits > zlib.MAX_WBITS else b""
        if data[:2] != b"\x1f\x8b":
            break  # trailing bytes after the last gzip member are ignored
    return b"".join(pieces)


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
        self._gates = gates or HostGates(settings.request_delay, settings.request_delay_factor)
        #: ``time.monotonic()`` value no wait may pass (the run's deadline), if any.
        self.deadline: float | None = None
        #: Requests made since the log was last drained.
        self.log: list[RequestEntry] = []
        self._log_lock = threading.Lock()  # a prefetching client logs from a second thread
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

    def backoff(self, attempt: int) -> float:
        """The wait before retry number ``attempt``: exponential, with jitter."""
        return self._backoff(attempt)

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get(self, url: str, params: Mapping[str, str], *,
            attempts: int | None = None) -> Response:
        """GET ``url`` with ``params``, retrying transient failures (``attempts`` in all).

        Returns the response for 4xx/5xx statuses that are not retried, and for a
        retried status whose body carries an OAI error (OAI-PMH errors often come
        with such statuses and must be read from the body); a retried status that
        outlasts the attempts is a :class:`TransportError`.
        """
        policy = self._retry
        attempts = attempts or policy.attempts
        for attempt in range(1, attempts + 1):
            try:
                response = self._get_following_redirects(url, params)
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

    def _get_following_redirects(self, url: str, params: Mapping[str, str]) -> Response:
        current = url
        query: Mapping[str, str] | None = params
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(current)
            self._guard(current, parts.scheme, parts.netloc)
            response = self._get_once(current, parts.netloc, query)
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                current = urljoin(current, response.headers["location"])
                query = None  # the Location carries the full URL
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

    def _get_once(self, url: str, netloc: str, params: Mapping[str, str] | None) -> Response:
        with self._log_lock:
            self.requests += 1
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        query = "&".join(f"{k}={v}" for k, v in (params or {}).items()) or urlsplit(url).query
        started = time.monotonic()
        with self._gates.turn(netloc):
            try:
                response = self._fetch(_with_query(url, params))
            except TransportError as exc:
                self._append(RequestEntry(at, query, None, 0,
                                             int((time.monotonic() - started) * 1000),
                                             str(exc)[:300]))
                raise
        self._append(RequestEntry(at, query, response.status, len(response.body),
                                     int((time.monotonic() - started) * 1000)))
        return response

    def _fetch(self, url: str) -> Response:
        """One GET of the full ``url``: the response read whole, within its caps."""
        limit = self._settings.max_response_bytes
        deadline = time.monotonic() + self._settings.response_deadline
        origin, connection, response = self._connections.open(url, self._headers)
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
            self._connections.release(origin, connection)
        found = {name.lower(): value for name, value in response.getheaders()}
        if "set-cookie" in found:
            self._connections.remember_cookies(response, url)
        body = decode_body(b"".join(chunks), found.get("content-encoding", ""), limit=limit)
        return Response(url=url, status=response.status, headers=found, body=body)
