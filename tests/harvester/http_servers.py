"""A scripted HTTP/1.1 server on 127.0.0.1 for the transport's tests.

Unlike the replay server (HTTP/1.0, one connection per request) it keeps
connections alive, counts the connections it accepts, logs each request's target
and headers, and answers what its ``script`` says: a status, headers and body,
sent with a length or chunked, optionally closing the connection afterwards
without announcing it (as a server does when an idle keep-alive connection times
out). It can serve TLS (give it a server context) and act as an HTTP proxy: an
absolute-form request is answered by the script, a ``CONNECT`` is tunnelled to
the host it names.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import select
import socket
import ssl
import threading
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Answer:
    """What the server sends for one request."""

    body: bytes = b"<ok/>"
    status: int = 200
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    chunks: int = 0  # > 0: Transfer-Encoding chunked, the body in that many chunks
    cut: bool = False  # chunked only: close the connection before the last chunk
    close_after: bool = False  # close the connection after answering, unannounced


@dataclasses.dataclass(frozen=True)
class Seen:
    """One request as the server read it."""

    method: str
    target: str  # the request line's target: a path, or an absolute URL for a proxy
    headers: dict[str, str]  # names lower-cased


#: The answer to a request (given as the server saw it).
Script = Callable[[Seen], Answer]


class ScriptedServer:
    """The server; use as a context manager."""

    def __init__(self, script: Script, *, tls: ssl.SSLContext | None = None) -> None:
        self.script = script
        self.seen: list[Seen] = []
        self.connections = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer._answer(self)

            def do_CONNECT(self) -> None:
                outer._tunnel(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def get_request(self) -> tuple[socket.socket, object]:
                accepted = super().get_request()
                outer.connections += 1
                return accepted

        self._server = Server(("127.0.0.1", 0), Handler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}/oai"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _see(self, handler: http.server.BaseHTTPRequestHandler) -> Seen:
        seen = Seen(handler.command, handler.path,
                    {k.lower(): v for k, v in handler.headers.items()})
        self.seen.append(seen)
        return seen

    def _answer(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        answer = self.script(self._see(handler))
        handler.send_response(answer.status)
        for name, value in answer.headers.items():
            handler.send_header(name, value)
        if answer.chunks:
            handler.send_header("Transfer-Encoding", "chunked")
        else:
            handler.send_header("Content-Length", str(len(answer.body)))
        handler.end_headers()
        if not answer.chunks:
            handler.wfile.write(answer.body)
        else:
            size = -(-len(answer.body) // answer.chunks)
            for start in range(0, len(answer.body), size):
                piece = answer.body[start:start + size]
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                handler.wfile.flush()
                if answer.cut:
                    handler.close_connection = True
                    return
            handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()
        if answer.close_after:
            handler.close_connection = True

    def _tunnel(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        """Answer a CONNECT by piping bytes to and from the host:port it names."""
        self._see(handler)
        host, _, port = handler.path.rpartition(":")
        with socket.create_connection((host, int(port)), timeout=5) as upstream:
            handler.send_response(200, "Connection established")
            handler.end_headers()
            handler.wfile.flush()
            client = handler.connection
            with contextlib.suppress(OSError):
                while True:
                    ready, _, _ = select.select([client, upstream], [], [], 5)
                    if not ready:
                        break
                    for side in ready:
                        data = side.recv(65536)
                        if not data:
                            return
                        (upstream if side is client else client).sendall(data)
        handler.close_connection = True
