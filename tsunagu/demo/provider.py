"""A local OAI-PMH data provider: several feed files behind one HTTP server.

Each feed is served at ``http://HOST:PORT/oai/<feed_id>`` with the six OAI-PMH
verbs, ``from``/``until``/``set`` selection, resumption tokens (``page_size``
records per response), persistent deletions and byte-faithful metadata. GET and
POST (``application/x-www-form-urlencoded``) are accepted. The protocol work is
done by ``oaipmh.server`` (see :mod:`tsunagu.demo.repository`); this module adds
the HTTP layer on the standard library's :class:`~http.server.ThreadingHTTPServer`:
HTTP/1.1 with persistent connections (a harvester's connection pool saves a TCP
handshake and a server thread per page), ``Connection: close`` and HTTP/1.0
clients answered as before, open connections closed by :meth:`ProviderServer.stop`.

Use it in tests::

    with ProviderServer({"tiny": feed_path}, page_size=10) as server:
        url = server.base_url("tiny")   # http://127.0.0.1:<port>/oai/tiny

or from a shell with ``python -m tsunagu.demo`` (all bundled demo feeds).
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import urllib.parse
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from oaipmh import error

from tsunagu.demo.feedfile import (
    NOT_XML_CHARS,
    Feed,
    FeedFileError,
    FeedRecord,
    load_feed,
    write_feed,
)
from tsunagu.demo.repository import DEFAULT_ADMIN_EMAIL, FeedOAIServer, make_oai_server
from tsunagu.errors import TsunaguError

__all__ = [
    "Feed",
    "FeedFileError",
    "FeedRecord",
    "ProviderError",
    "ProviderServer",
    "load_feed",
    "write_feed",
]

logger = logging.getLogger(__name__)

OAI_PATH_PREFIX = "/oai/"
MAX_POST_BYTES = 64 * 1024
IDLE_TIMEOUT = 60.0  # seconds a persistent connection may wait for its next request
_FEED_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CONTROL = re.compile(f"[{NOT_XML_CHARS}]")  # not XML 1.0 characters


class ProviderError(TsunaguError):
    """The provider cannot be set up or asked for something it does not serve."""


class _Handler(BaseHTTPRequestHandler):
    """Routes ``/oai/<feed_id>`` requests to the feed's OAI-PMH server."""

    server: _ProviderHTTPServer
    server_version = "tsunagu-demo-provider/1"
    protocol_version = "HTTP/1.1"  # persistent connections; every answer has Content-Length
    disable_nagle_algorithm = True  # headers and body are two writes: no delayed-ACK stall
    timeout = IDLE_TIMEOUT

    def do_GET(self) -> None:
        """Answer a GET: the OAI arguments are in the query string."""
        if self.headers.get("Content-Length", "0").strip() not in ("", "0"):
            self.close_connection = True  # an unread body would be taken for the next request
        self._close_on_chunked_body()
        parts = urllib.parse.urlsplit(self.path)
        self._dispatch(parts.path, parts.query)

    def do_POST(self) -> None:
        """Answer a POST: the OAI arguments are the form-encoded body."""
        self._close_on_chunked_body()
        parts = urllib.parse.urlsplit(self.path)
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > MAX_POST_BYTES:
            self.close_connection = True  # the body is not read
            self._send_text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large\n")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        if content_type not in ("application/x-www-form-urlencoded", ""):
            self._send_text(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                            "POST needs application/x-www-form-urlencoded\n")
            return
        self._dispatch(parts.path, body)

    def _close_on_chunked_body(self) -> None:
        """A chunked body is not read (only Content-Length is): end the connection after it."""
        if "Transfer-Encoding" in self.headers:
            self.close_connection = True

    def _dispatch(self, path: str, query: str) -> None:
        feed_id = ""
        if path.startswith(OAI_PATH_PREFIX):
            feed_id = path[len(OAI_PATH_PREFIX):].rstrip("/")
        oai_server = self.server.oai_servers.get(feed_id)
        if oai_server is None:
            if path in ("/", "/oai", "/oai/"):
                self._send_text(HTTPStatus.OK, self.server.provider.describe())
            else:
                self._send_text(HTTPStatus.NOT_FOUND, f"no feed at {path}\n")
            return
        try:
            body = _answer(oai_server, query)
        except Exception:
            logger.exception("internal error serving %s?%s", path, query)
            self._send_text(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error\n")
            return
        self._send(HTTPStatus.OK, "text/xml; charset=utf-8", body)

    def _send_text(self, status: HTTPStatus, text: str) -> None:
        self._send(status, "text/plain; charset=utf-8", text.encode("utf-8"))

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Route the access log to :mod:`logging` at DEBUG level."""
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s - %s", self.address_string(), format % args)


def _answer(oai_server: FeedOAIServer, query: str) -> bytes:
    """Parse the OAI arguments of one request and answer it (errors as OAI errors)."""
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, errors="replace")
    arguments: dict[str, str] = {}
    for key, value in pairs:
        if key in arguments:
            return oai_server.error_response(
                error.BadArgumentError(f"The argument '{key}' is repeated."))
        if not value or _CONTROL.search(value) or _CONTROL.search(key):
            return oai_server.error_response(
                error.BadArgumentError(f"The argument '{key}' has an illegal value."))
        arguments[key] = value
    result: bytes = oai_server.handleRequest(arguments)
    return result


class _ProviderHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows the provider and its per-feed OAI servers."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], provider: ProviderServer) -> None:
        self.provider = provider
        self.oai_servers: dict[str, FeedOAIServer] = {}
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Remember the connection (for :meth:`close_connections`), then serve it."""
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget and close a connection its handler is done with."""
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut the open (persistent) connections: their handlers see the end and stop."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the peer
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection broken by the client (or by stop) is routine: log it, no traceback."""
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)


class ProviderServer:
    """Serve feed files over OAI-PMH on one local HTTP server.

    ``feeds`` maps a feed id (used in the URL path) to a feed file path or an
    already loaded :class:`Feed`. Use as a context manager, or ``start()`` and
    ``stop()``; ``port=0`` picks a free port. ``serve_forever()`` blocks instead
    of using a background thread (for the command line).
    """

    def __init__(self, feeds: Mapping[str, Path | str | Feed], host: str = "127.0.0.1",
                 port: int = 0, page_size: int = 100,
                 admin_email: str = DEFAULT_ADMIN_EMAIL) -> None:
        if page_size < 1:
            raise ProviderError(f"page_size must be at least 1, not {page_size}")
        if not feeds:
            raise ProviderError("no feeds to serve")
        self.host = host
        self.page_size = page_size
        self._requested_port = port
        self._admin_email = admin_email
        self._feeds: dict[str, Feed] = {}
        for feed_id, source in feeds.items():
            if not _FEED_ID.match(feed_id):
                raise ProviderError(f"feed id {feed_id!r} is not URL-safe")
            self._feeds[feed_id] = source if isinstance(source, Feed) else load_feed(source)
        self._httpd: _ProviderHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> ProviderServer:
        """Bind the socket and serve in a background (daemon) thread."""
        httpd = self._bind()
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"oai-provider-{self.port}", daemon=True)
        self._thread.start()
        logger.info("OAI-PMH provider on %s serving %s", self.root_url, ", ".join(self._feeds))
        return self

    def serve_forever(self) -> None:
        """Bind (if needed) and serve in the calling thread until interrupted."""
        httpd = self._httpd or self._bind()
        logger.info("OAI-PMH provider on %s\n%s", self.root_url, self.describe().rstrip())
        try:
            httpd.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            logger.info("interrupted, stopping")
        finally:
            httpd.close_connections()
            httpd.server_close()
            self._httpd = None

    def stop(self) -> None:
        """Stop serving and close the socket (safe to call twice)."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ProviderServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    def _bind(self) -> _ProviderHTTPServer:
        if self._httpd is not None:
            raise ProviderError("the provider is already running")
        try:
            httpd = _ProviderHTTPServer((self.host, self._requested_port), self)
        except OSError as exc:
            raise ProviderError(
                f"cannot listen on {self.host}:{self._requested_port}: {exc}") from exc
        self._httpd = httpd
        for feed_id, feed in self._feeds.items():
            httpd.oai_servers[feed_id] = make_oai_server(
                feed, _BaseURL(self, feed_id), page_size=self.page_size,
                admin_email=self._admin_email)
        return httpd

    # -- addresses ----------------------------------------------------------
    @property
    def port(self) -> int:
        """The bound port (the requested one until the server is bound)."""
        if self._httpd is None:
            return self._requested_port
        return int(self._httpd.server_address[1])

    @property
    def root_url(self) -> str:
        """``http://host:port`` of the running server."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host  # noqa: S104
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def feed_ids(self) -> tuple[str, ...]:
        """The ids of the served feeds, in the order given."""
        return tuple(self._feeds)

    def feed(self, feed_id: str) -> Feed:
        """The loaded feed served under ``feed_id``."""
        try:
            return self._feeds[feed_id]
        except KeyError:
            raise ProviderError(f"no feed {feed_id!r}", source_id=feed_id) from None

    def base_url(self, feed_id: str) -> str:
        """The OAI-PMH base URL of ``feed_id`` (``http://host:port/oai/<feed_id>``)."""
        self.feed(feed_id)
        return f"{self.root_url}{OAI_PATH_PREFIX}{feed_id}"

    def describe(self) -> str:
        """A plain-text list of the served feeds and their base URLs."""
        lines = [f"{feed_id}\t{self.base_url(feed_id)}\t{len(feed.records)} records\t"
                 f"{feed.repository_name}" for feed_id, feed in self._feeds.items()]
        return "tsunagu demo OAI-PMH provider\n" + "\n".join(lines) + "\n"


class _BaseURL:
    """Callable giving a feed's base URL once the port is known (for Identify)."""

    def __init__(self, provider: ProviderServer, feed_id: str) -> None:
        self._provider = provider
        self._feed_id = feed_id

    def __call__(self) -> str:
        return self._provider.base_url(self._feed_id)
