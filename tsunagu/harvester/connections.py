"""The kept-alive HTTP connections of one transport (:mod:`.transport`).

One connection per origin (scheme, host, port), reused by the transport's threads
and given back after each response read whole; an origin is reached directly or
through the proxy the environment names for it (``HTTP_PROXY``/``HTTPS_PROXY``/
``ALL_PROXY``/``NO_PROXY``: http through the proxy with the full URL, https through
a ``CONNECT`` tunnel, credentials in the proxy URL sent as
``Proxy-Authorization``); TLS with the system's CA store or
``SSL_CERT_FILE``/``SSL_CERT_DIR``, the host name checked; the cookies servers set
are sent back. A request on a reused connection that the server had closed while
idle is sent again at once on a fresh connection.
"""

from __future__ import annotations

import base64
import dataclasses
import http.client
import http.cookiejar
import logging
import os
import socket
import ssl
import threading
import urllib.request
from collections.abc import Callable, Mapping
from typing import NoReturn
from urllib.parse import unquote, urlsplit

from tsunagu.config import Settings
from tsunagu.errors import ConfigError, TransportError
from tsunagu.harvester.addresses import resolve

logger = logging.getLogger(__name__)

#: Failures that mean a reused connection was closed by the server before it answered.
STALE = (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)
FAILURES = (OSError, http.client.HTTPException, ValueError)

Origin = tuple[str, str, int]  # scheme, host, port


@dataclasses.dataclass(frozen=True)
class Proxy:
    """The proxy an origin is reached through, and the header that logs into it."""

    host: str
    port: int
    headers: Mapping[str, str]


_ssl_lock = threading.Lock()
_ssl_contexts: dict[tuple[str | None, str | None], ssl.SSLContext] = {}


def ssl_context() -> ssl.SSLContext:
    """The TLS context the transports of this process share.

    Loading the CA bundle costs ~20 ms of CPU; a context may serve many
    connections and threads, so it is built once per process and CA setting
    (``SSL_CERT_FILE``/``SSL_CERT_DIR``, read by ``ssl.create_default_context``).
    """
    key = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    with _ssl_lock:
        context = _ssl_contexts.get(key)
        if context is None:
            context = _ssl_contexts[key] = ssl.create_default_context()
        return context


def failure(url: str, exc: BaseException, phase: str) -> TransportError:
    """The :class:`TransportError` for ``exc`` (``phase``: Connect or Read)."""
    kind = f"{phase}Timeout" if isinstance(exc, TimeoutError) else type(exc).__name__
    return TransportError(f"request to {url} failed: {kind}: {exc}")


@dataclasses.dataclass(frozen=True)
class Sent:
    """A GET on the wire whose answer is still to be read (:meth:`Connections.receive`)."""

    origin: Origin
    proxy: Proxy | None
    url: str
    target: str
    headers: Mapping[str, str]
    connection: http.client.HTTPConnection | None
    reused: bool  # on a kept-alive connection, which the server may have closed


def _raise_failure(url: str, exc: BaseException) -> NoReturn:
    """Raise ``exc`` as the :class:`TransportError` of a request, if it is a network failure."""
    if isinstance(exc, FAILURES):
        raise failure(url, exc, "Read") from exc
    raise exc


def _pinned(addresses: list[tuple[int, str]]) -> Callable[..., socket.socket]:
    """A ``socket.create_connection`` for http.client that ignores the host it is
    given and tries ``addresses`` (checked already) in turn."""
    def create(address: tuple[str, int], timeout: float | None = None,
               source_address: tuple[str, int] | None = None) -> socket.socket:
        failure: OSError | None = None
        for _family, ip in addresses:
            try:
                return socket.create_connection((ip, address[1]), timeout, source_address)
            except OSError as exc:
                failure = exc
        raise failure or OSError(f"no address to connect to for {address[0]}")
    return create


class Connections:
    """Kept-alive connections by origin, proxies, TLS and cookies for one transport."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._idle: dict[Origin, http.client.HTTPConnection] = {}
        self._pool_lock = threading.Lock()
        self._closed = False
        self._proxies = urllib.request.getproxies()
        self._routes: dict[Origin, Proxy | None] = {}
        self._cookies = http.cookiejar.CookieJar()

    def close(self) -> None:
        with self._pool_lock:
            self._closed = True
            idle, self._idle = list(self._idle.values()), {}
        for connection in idle:
            connection.close()

    def send(self, url: str, headers: Mapping[str, str]) -> Sent:
        """Send a GET of the full ``url`` with ``headers`` (plus cookies and the proxy's
        login), on a kept-alive connection if there is one; the answer is read by
        :meth:`receive`, which may come later (the request is on the wire meanwhile)."""
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname or ""
        origin = (scheme, host, parts.port or (443 if scheme == "https" else 80))
        proxy = self._route(origin, url)
        target = url if proxy is not None and scheme == "http" else (
            (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        if len(self._cookies) or (proxy is not None and proxy.headers and scheme == "http"):
            headers = self._extra_headers(url, headers, proxy if scheme == "http" else None)
        with self._pool_lock:
            connection = self._idle.pop(origin, None)
        if connection is not None:
            try:
                connection.request("GET", target, headers=headers)
                return Sent(origin, proxy, url, target, headers, connection, reused=True)
            except BaseException as exc:
                connection.close()
                if not isinstance(exc, STALE):
                    _raise_failure(url, exc)
                logger.debug("%s: kept-alive connection closed by the server", url)
        return self._send_fresh(Sent(origin, proxy, url, target, headers, None, reused=False))

    def receive(self, sent: Sent) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Read the head of the answer to ``sent``; if the server had closed the kept-alive
        connection it went on, the request is sent once more on a fresh one."""
        connection = sent.connection
        assert connection is not None
        try:
            return connection, connection.getresponse()
        except BaseException as exc:
            connection.close()
            if not (sent.reused and isinstance(exc, STALE)):
                _raise_failure(sent.url, exc)
            logger.debug("%s: kept-alive connection closed by the server", sent.url)
        again = self._send_fresh(dataclasses.replace(sent, connection=None, reused=False))
        return self.receive(again)

    def remember_cookies(self, response: http.client.HTTPResponse, url: str) -> None:
        """Keep the cookies ``response`` sets, for the later requests."""
        self._cookies.extract_cookies(response, urllib.request.Request(url))

    def _send_fresh(self, sent: Sent) -> Sent:
        """``sent``'s request on a new connection."""
        connection = self._connect(sent.origin, sent.proxy, sent.url)
        try:
            connection.request("GET", sent.target, headers=sent.headers)
        except BaseException as exc:
            connection.close()
            _raise_failure(sent.url, exc)
        return dataclasses.replace(sent, connection=connection)

    def _connect(self, origin: Origin, proxy: Proxy | None,
                 url: str) -> http.client.HTTPConnection:
        """A new connection to ``origin`` (or its proxy), connected, read timeout set."""
        scheme, host, port = origin
        timeout = self._settings.connect_timeout
        address = (proxy.host, proxy.port) if proxy is not None else (host, port)
        connection: http.client.HTTPConnection
        if scheme == "https":
            connection = http.client.HTTPSConnection(*address, timeout=timeout,
                                                     context=ssl_context())
            if proxy is not None:
                connection.set_tunnel(host, port, headers=dict(proxy.headers))
        else:
            connection = http.client.HTTPConnection(*address, timeout=timeout)
        try:
            if proxy is None:  # to the addresses checked, not to a second DNS answer
                pinned = resolve(host, port, allow_private=self._settings.allow_private_hosts)
                connection._create_connection = _pinned(pinned)  # type: ignore[attr-defined]
            connection.connect()
            connection.sock.settimeout(self._settings.read_timeout)
        except FAILURES as exc:
            connection.close()
            raise failure(url, exc, "Connect") from exc
        return connection

    def release(self, origin: Origin, connection: http.client.HTTPConnection) -> None:
        """Keep ``connection`` for the next request to ``origin`` (one per origin)."""
        with self._pool_lock:
            keep = not self._closed and origin not in self._idle
            if keep:
                self._idle[origin] = connection
        if not keep:
            connection.close()

    def _route(self, origin: Origin, url: str) -> Proxy | None:
        """The proxy for ``origin`` from the environment, or None (none, or NO_PROXY)."""
        if origin in self._routes:
            return self._routes[origin]
        scheme, host, port = origin
        found = self._proxies.get(scheme) or self._proxies.get("all")
        proxy = None
        if found and not urllib.request.proxy_bypass(f"{host}:{port}"):  # NO_PROXY
            parts = urlsplit(found if "://" in found else f"http://{found}")
            if parts.scheme != "http" or not parts.hostname:
                # A setting to mend, not a network failure to retry.
                raise ConfigError(f"cannot reach {url} through the proxy {found!r}: "
                                  "only http:// proxies are supported", field="proxy")
            headers = {}
            if parts.username is not None:
                login = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
                headers["Proxy-Authorization"] = (
                    "Basic " + base64.b64encode(login.encode()).decode("ascii"))
            proxy = Proxy(parts.hostname, parts.port or 80, headers)
        self._routes[origin] = proxy
        return proxy

    def _extra_headers(self, url: str, base: Mapping[str, str],
                       proxy: Proxy | None) -> dict[str, str]:
        """The request headers with the cookies for ``url`` and the proxy's login."""
        headers = dict(base)
        if proxy is not None:
            headers.update(proxy.headers)
        request = urllib.request.Request(url)
        self._cookies.add_cookie_header(request)
        cookie = request.get_header("Cookie")
        if cookie:
            headers["Cookie"] = cookie
        return headers
