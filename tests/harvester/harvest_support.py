"""What the harvester tests import by name: a replay server for recorded OAI-PMH
responses on 127.0.0.1, the recorded Zenodo bodies, and a page hook that maps nothing.

These live here, not in ``conftest.py``: the tests directories have no
``__init__.py``, so the module name ``conftest`` means whichever folder's conftest
was imported first, and ``from conftest import …`` breaks when several test folders
run together. ``conftest.py`` keeps only the fixtures (and imports from here).
"""

from __future__ import annotations

import dataclasses
import http.server
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tsunagu.records import RawRecord
from tsunagu.store import ChangeKind

ZENODO = Path(__file__).parent.parent / "fixtures" / "oai" / "zenodo"

#: (status, headers, body) answered for the parsed query of a request.
Responder = Callable[[dict[str, str]], tuple[int, dict[str, str], bytes]]


class ReplayServer:
    """Answers each GET with what ``responder`` returns for its query; logs requests."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.requests: list[dict[str, str]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                outer.requests.append(query)
                status, headers, body = outer.responder(query)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/oai"  # bound to 127.0.0.1

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def zenodo(name: str) -> bytes:
    """The recorded Zenodo response body called ``name``."""
    return (ZENODO / name).read_bytes()


@dataclasses.dataclass(frozen=True)
class Recorded:
    """One recorded Zenodo interaction (``zenodo/INDEX.tsv``): what was asked, what came."""

    name: str  # the body's file name
    status: int
    headers: dict[str, str]  # Content-Type and Retry-After as recorded
    query: dict[str, str]  # the recorded request's parameters


def zenodo_recordings() -> dict[str, Recorded]:
    """Every recorded Zenodo interaction in the fixtures, by body file name."""
    recorded: dict[str, Recorded] = {}
    for line in (ZENODO / "INDEX.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        name, status, retry_after, content_type, uri = line.split("\t")
        headers = {"Content-Type": content_type}
        if retry_after:
            headers["Retry-After"] = retry_after
        query = {k: v[0] for k, v in parse_qs(urlsplit(uri).query).items()}
        recorded[name] = Recorded(name, int(status), headers, query)
    return recorded


def status_of(name: str) -> int:
    """The HTTP status a recorded body's name ends with (``…_404.body`` -> 404)."""
    return int(name.rsplit("_", 1)[1].split(".")[0])


def keep(changes: Sequence[tuple[RawRecord, ChangeKind]], run_id: int) -> int:
    """A page hook that maps nothing (the harvester tests look at the raw records)."""
    return 0
