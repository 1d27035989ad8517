"""A configurable hostile OAI-PMH server on 127.0.0.1, for the harvester's tests.

It serves ``records`` (mutable between runs) with ListRecords pages of
``page_size``, ``from``/``until``/``set`` selection and resumption tokens that
carry the offset, ListMetadataFormats (``formats``) and ListSets (the items'
sets, two per page), and misbehaves on request: a :class:`Fault` applies to the
n-th request of its verb (counting every request, retries included) or to every
request from then on (``times=None``). Lists that are too long for it fail:
``max_list`` (503 for a list of more records), ``token_pages`` (tokens past that
many pages are refused), ``poison`` (503 for any list holding that record),
``token_lifetime`` (a token is refused that many seconds after it was sent).
Real sockets: stalls, dropped connections, trickled and truncated bodies are
what a client really sees.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import http.server
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

OAI = "http://www.openarchives.org/OAI/2.0/"
SECOND = "YYYY-MM-DDThh:mm:ssZ"
DAY = "YYYY-MM-DD"


@dataclasses.dataclass
class Item:
    """One served record; ``title`` None makes it a deleted header. ``metadata``, if
    given, is served as the content of ``<metadata>`` instead of the oai_dc record
    built from ``title`` (e.g. a real record of another format)."""

    identifier: str
    datestamp: str
    title: str | None
    sets: tuple[str, ...] = ()
    metadata: str | None = None
    about: str | None = None  # an ``<about>`` element's content, after the metadata
    #: Served with a deleted header (``title`` None) too: a deleted record that still
    #: carries a ``<metadata>`` block.
    metadata_when_deleted: bool = False


@dataclasses.dataclass
class Fault:
    """Misbehave on ListRecords request number ``at`` (1-based), ``times`` times.

    kinds: ``status`` (answer ``status`` with ``headers`` and a plain body),
    ``stall`` (accept and never answer), ``drop`` (half the body, then close),
    ``truncate`` (the page cut at 60%, connection closed, no length),
    ``html``, ``gzip`` (gzip without Content-Encoding), ``empty`` (an extra page
    without records that carries a token), ``repeat`` (the token of this page
    again), ``expire`` (badResumptionToken), ``control`` (control characters
    inside the first record of the page), ``bad_record`` (the first record's
    XML broken beyond repair), ``refuse_seconds`` (badArgument for second
    granularity from/until), ``trickle`` (the body a few bytes at a time, each
    within any read timeout, for ``seconds`` in all), ``decoy`` (a comment holding
    another ``<resumptionToken>`` just before the real one), ``hollow`` (like
    ``empty``, but each empty page carries a token never sent before), ``cycle``
    (the token of the page before this one: A, B, A), ``entity`` (a DOCTYPE whose
    internal subset declares an external entity, the file ``target``, used in the
    first record's title), ``dtd`` (a DOCTYPE naming the external DTD ``target``,
    whose entity ``xxe`` the first record's title uses), ``oai_error`` (an OAI-PMH
    ``<error>`` with ``code``, HTTP 200), ``recode`` (the answer in ``encoding``,
    its declaration saying so unless ``declare`` is False, sent with ``headers``),
    ``bom`` (a UTF-8 byte order mark before ``<?xml``, sent with ``headers``),
    ``redirect`` (``status`` with a Location of ``target`` plus the request's query,
    for a request to ``/oai`` only, or to any path when ``target`` is ``/oai``: a
    loop), ``char_length`` (a Content-Length counting characters, not bytes, as
    some servers do: the body is longer than announced), ``end_early`` (an empty
    ``<resumptionToken completeListSize="…"/>`` though more records follow: the list
    ends there). ``verb`` "*" counts and
    hits every request, whatever its verb.
    """

    kind: str
    at: int = 1
    times: int | None = 1
    status: int = 503
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    verb: str = "ListRecords"
    seconds: float = 5.0
    target: str = ""  # the local file an ``entity`` or ``dtd`` fault names
    code: str = "unknownError"  # the code of an ``oai_error`` fault
    encoding: str = "utf-8"  # a ``recode`` fault's encoding
    declare: bool = True  # a ``recode`` fault: the XML declaration names the encoding

    def applies(self, number: int) -> bool:
        return number >= self.at and (self.times is None or number < self.at + self.times)


class HostileServer:
    """The server; use as a context manager. ``requests`` logs every request."""

    def __init__(self, items: list[Item], *, page_size: int = 10, granularity: str = SECOND,
                 deleted_record: str = "persistent", faults: list[Fault] | None = None,
                 formats: tuple[str, ...] | None = ("oai_dc",), list_sets: bool = True,
                 earliest: str = "2026-11-01T00:00:00Z", max_list: int | None = None,
                 token_pages: int | None = None, poison: str | None = None,
                 token_lifetime: float | None = None, require_from: bool = False,
                 token_decor: str = "", token_padding: str = "") -> None:
        self.items = items
        self.page_size = page_size
        self.formats = formats  # None: ListMetadataFormats answered badVerb
        self.list_sets = list_sets  # False: ListSets answered badVerb
        self.earliest = earliest
        self.max_list = max_list
        self.token_pages = token_pages
        self.poison = poison
        self.token_lifetime = token_lifetime  # seconds a token is honoured after it is sent
        self.require_from = require_from  # True: a list without from is badArgument
        #: Put before every token sent and expected, byte for byte, before every one
        #: received (else badResumptionToken): characters a URL must encode.
        self.token_decor = token_decor
        self.token_padding = token_padding  # whitespace around a token's text
        self.issued: dict[str, float] = {}  # token -> when it was last sent
        self.verb_requests: dict[str, int] = {}
        self.granularity = granularity
        self.deleted_record = deleted_record
        self.faults = faults or []
        self.requests: list[dict[str, str]] = []
        self.paths: list[str] = []  # the path of each request, in order
        self.headers: list[dict[str, str]] = []
        self.times: list[float] = []
        #: (start, end) of answering each request, ``time.monotonic``: overlaps show
        #: requests answered at the same time.
        self.spans: list[tuple[float, float]] = []
        self.pause = 0.0  # seconds every answer takes, at least
        self.list_requests = 0
        self.clock = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
        self.response_date: str | None = None  # the responseDate as written, if not clock's
        self._stop = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                start = time.monotonic()
                if outer.pause:
                    time.sleep(outer.pause)
                try:
                    outer._handle(self)
                finally:
                    outer.spans.append((start, time.monotonic()))

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/oai"  # bound to 127.0.0.1

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    # -- answering --------------------------------------------------------------
    def _handle(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
        self.requests.append(query)
        self.paths.append(urlsplit(handler.path).path)
        self.headers.append({k.lower(): v for k, v in handler.headers.items()})
        self.times.append(time.monotonic())
        verb = query.get("verb", "")
        self.verb_requests[verb] = self.verb_requests.get(verb, 0) + 1
        if verb == "ListRecords":
            self.list_requests += 1
        fault = next((f for f in self.faults if f.applies(
            len(self.requests) if f.verb == "*" else self.verb_requests[verb])
            and f.verb in ("*", verb)), None)
        if fault is not None and fault.kind == "stall":
            self._stop.wait(30)
            handler.close_connection = True
            return
        if fault is not None and fault.kind == "status":
            self._send(handler, fault.status, b"busy, come back later", fault.headers)
            return
        if fault is not None and fault.kind == "redirect" and (
                urlsplit(handler.path).path == "/oai" or fault.target == "/oai"):
            location = fault.target + "?" + urlsplit(handler.path).query
            self._send(handler, fault.status, b"moved", {"Location": location})
            return
        if fault is not None and fault.kind == "html":
            self._send(handler, 200, b"<!DOCTYPE html><html><body><h1>Maintenance</h1>"
                       b"</body></html>", {"Content-Type": "text/html"})
            return
        body = self._answer(query, fault)
        if body.startswith(b"HTTP 503"):
            self._send(handler, 503, b"the query took too long")
        elif fault is not None and fault.kind == "gzip":
            self._send(handler, 200, gzip.compress(body))
        elif fault is not None and fault.kind == "drop":
            self._send(handler, 200, body[: len(body) // 2], length=len(body))
            _close(handler)
        elif fault is not None and fault.kind == "truncate":
            self._send(handler, 200, body[: len(body) * 6 // 10], length=None)
            _close(handler)
        elif fault is not None and fault.kind == "trickle":
            self._trickle(handler, body, fault.seconds)
        elif fault is not None and fault.kind == "recode":
            declared = body.replace(b'encoding="UTF-8"', f'encoding="{fault.encoding}"'.encode())
            text = (declared if fault.declare else body.split(b"?>", 1)[1]).decode()
            self._send(handler, 200, text.encode(fault.encoding), fault.headers)
        elif fault is not None and fault.kind == "bom":
            self._send(handler, 200, b"\xef\xbb\xbf" + body, fault.headers)
        elif fault is not None and fault.kind == "char_length":
            self._send(handler, 200, body, length=len(body.decode()))
        else:
            self._send(handler, 200, body)

    def _send(self, handler: http.server.BaseHTTPRequestHandler, status: int, body: bytes,
              headers: dict[str, str] | None = None, *, length: int | bool | None = True) -> None:
        handler.send_response(status)
        for name, value in {"Content-Type": "text/xml; charset=utf-8", **(headers or {})}.items():
            handler.send_header(name, value)
        if length is True:
            handler.send_header("Content-Length", str(len(body)))
        elif length is None:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        else:
            handler.send_header("Content-Length", str(length))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()

    def _trickle(self, handler: http.server.BaseHTTPRequestHandler, body: bytes,
                 seconds: float) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/xml; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        pieces = max(1, int(seconds / 0.05))
        size = max(1, -(-len(body) // pieces))
        with contextlib.suppress(OSError):
            for start in range(0, len(body), size):
                if self._stop.wait(0.05):
                    return
                handler.wfile.write(body[start:start + size])
                handler.wfile.flush()

    def _answer(self, query: dict[str, str], fault: Fault | None) -> bytes:
        verb = query.get("verb")
        if fault is not None and fault.kind == "oai_error":
            return self._error(fault.code, "internal error: the query could not be run")
        if verb == "Identify":
            return self._envelope(
                f"<Identify><repositoryName>Hostile</repositoryName><baseURL>{self.url}"
                f"</baseURL><protocolVersion>2.0</protocolVersion><adminEmail>a@example.org"
                f"</adminEmail><earliestDatestamp>{self.earliest}</earliestDatestamp>"
                f"<deletedRecord>{self.deleted_record}</deletedRecord><granularity>"
                f"{self.granularity}</granularity></Identify>")
        if verb == "ListMetadataFormats" and self.formats is not None:
            return self._envelope("<ListMetadataFormats>" + "".join(
                f"<metadataFormat><metadataPrefix>{prefix}</metadataPrefix><schema>"
                f"http://example.org/{prefix}.xsd</schema><metadataNamespace>"
                f"http://example.org/{prefix}/</metadataNamespace></metadataFormat>"
                for prefix in self.formats) + "</ListMetadataFormats>")
        if verb == "ListSets" and self.list_sets:
            return self._sets(query)
        if verb != "ListRecords":
            return self._error("badVerb", f"no {verb} here")
        if fault is not None and fault.kind == "expire" and "resumptionToken" in query:
            return self._error("badResumptionToken", "the token has expired")
        if "resumptionToken" in query and self.token_decor:
            if not query["resumptionToken"].startswith(self.token_decor):
                return self._error("badResumptionToken", "not the token that was sent")
            query["resumptionToken"] = query["resumptionToken"][len(self.token_decor):]
        if "resumptionToken" in query and self.token_lifetime is not None and (
                time.monotonic() - self.issued.get(query["resumptionToken"], 0.0)
                > self.token_lifetime):
            return self._error("badResumptionToken", "the token has expired")
        if "resumptionToken" in query:
            try:
                offset_text, from_, until, set_spec = query["resumptionToken"].split("|")
                offset = int(offset_text.split("~")[0])  # "~n": a ``hollow`` page's token
            except ValueError:
                return self._error("badResumptionToken", "not a token of ours")
        else:
            offset, from_, until, set_spec = 0, query.get("from", ""), query.get("until", ""), \
                query.get("set", "")
            if self.require_from and not from_:
                return self._error("badArgument", "from is required (at most a year a list)")
            if (self.granularity == DAY and (len(from_) > 10 or len(until) > 10)) or (
                    fault is not None and fault.kind == "refuse_seconds"
                    and (len(from_) > 10 or len(until) > 10)):
                return self._error("badArgument", "from/until must be YYYY-MM-DD")
        selected = [item for item in self.items
                    if (not set_spec or set_spec in item.sets)
                    and (not from_ or item.datestamp[:len(from_)] >= from_)
                    and (not until or item.datestamp[:len(until)] <= until)]
        if not selected:
            return self._error("noRecordsMatch", "nothing in this window")
        if (self.max_list is not None and len(selected) > self.max_list) or any(
                item.identifier == self.poison for item in selected):
            return b"HTTP 503"
        if self.token_pages is not None and offset >= self.token_pages * self.page_size:
            return self._error("badResumptionToken", "the token expired: the list is too long")
        if fault is not None and fault.kind == "empty":
            page: list[Item] = []
            # "+20" reads as 20 again but is a different token, as a real server's would be.
            token = f"+{offset}|{from_}|{until}|{set_spec}"
            next_offset = offset
        elif fault is not None and fault.kind == "hollow":
            page = []
            token = f"{offset}~{self.list_requests}|{from_}|{until}|{set_spec}"
            next_offset = offset
        else:
            page = selected[offset: offset + self.page_size]
            next_offset = offset + self.page_size
            token = f"{next_offset}|{from_}|{until}|{set_spec}"
        if fault is not None and fault.kind == "repeat" and "resumptionToken" in query:
            token = query["resumptionToken"]
        if fault is not None and fault.kind == "cycle" and "resumptionToken" in query:
            token = f"{max(0, offset - self.page_size)}|{from_}|{until}|{set_spec}"
        records = [self._record(item) for item in page]
        if fault is not None and fault.kind == "control" and records:
            records[0] = records[0].replace("<dc:title>", "<dc:title>bad\x0b\x1a&#x1B;")
        if fault is not None and fault.kind == "bad_record" and records:
            records[0] = records[0].replace("</dc:title>", "</dc:titel>")
        if fault is not None and fault.kind in ("entity", "dtd") and records:
            records[0] = records[0].replace("<dc:title>", "<dc:title>&xxe;")
        ended = fault is not None and fault.kind == "end_early"
        more = (next_offset < len(selected) and not ended) or (
            fault is not None and fault.kind in ("empty", "hollow"))
        if more:
            self.issued[token] = time.monotonic()
        token_xml = (f'<resumptionToken completeListSize="{len(selected)}" cursor="{offset}">'
                     f"{self.token_padding}{escape(self.token_decor + token)}"
                     f"{self.token_padding}</resumptionToken>" if more else
                     f'<resumptionToken completeListSize="{len(selected)}"/>')
        if fault is not None and fault.kind == "decoy":
            token_xml = f"<!-- <resumptionToken>decoy|{offset}</resumptionToken> -->{token_xml}"
        body = self._envelope(f"<ListRecords>{''.join(records)}{token_xml}</ListRecords>")
        if fault is not None and fault.kind in ("entity", "dtd"):
            uri = Path(fault.target).resolve().as_uri()
            doctype = (f'<!DOCTYPE OAI-PMH [<!ENTITY xxe SYSTEM "{uri}">]>' if fault.kind ==
                       "entity" else f'<!DOCTYPE OAI-PMH SYSTEM "{uri}">')
            body = body.replace(b"<OAI-PMH", doctype.encode() + b"\n<OAI-PMH", 1)
        return body

    def _sets(self, query: dict[str, str]) -> bytes:
        specs = sorted({spec for item in self.items for spec in item.sets})
        if not specs:
            return self._error("noSetHierarchy", "this repository has no sets")
        offset = int(query.get("resumptionToken", "sets|0").split("|")[1])
        page = "".join(f"<set><setSpec>{escape(spec)}</setSpec><setName>Set {escape(spec)}"
                       "</setName></set>"
                       for spec in specs[offset:offset + 2])
        token = (f"<resumptionToken>sets|{offset + 2}</resumptionToken>"
                 if offset + 2 < len(specs) else "")
        return self._envelope(f"<ListSets>{page}{token}</ListSets>")

    def _record(self, item: Item) -> str:
        sets = "".join(f"<setSpec>{escape(s)}</setSpec>" for s in item.sets)
        about = "" if item.about is None else f"<about>{item.about}</about>"
        if item.title is None:
            kept = f"<metadata>{item.metadata}</metadata>" if item.metadata_when_deleted else ""
            return (f'<record><header status="deleted"><identifier>{item.identifier}'
                    f"</identifier><datestamp>{item.datestamp}</datestamp>{sets}</header>"
                    f"{kept}{about}</record>")
        if item.metadata is not None:
            return (f"<record><header><identifier>{item.identifier}</identifier><datestamp>"
                    f"{item.datestamp}</datestamp>{sets}</header><metadata>{item.metadata}"
                    f"</metadata>{about}</record>")
        return (f"<record><header><identifier>{item.identifier}</identifier><datestamp>"
                f"{item.datestamp}</datestamp>{sets}</header><metadata><oai_dc:dc "
                'xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/">'
                f"<dc:title>{escape(item.title)}</dc:title><dc:identifier>{item.identifier}"
                f"</dc:identifier></oai_dc:dc></metadata>{about}</record>")

    def _error(self, code: str, message: str) -> bytes:
        return self._envelope(f'<error code="{code}">{message}</error>')

    def _envelope(self, inner: str) -> bytes:
        date = self.response_date or self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="{OAI}">'
                f"<responseDate>{date}</responseDate><request>{self.url}</request>"
                f"{inner}</OAI-PMH>\n").encode()


def _close(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.close_connection = True
    with contextlib.suppress(OSError):
        handler.connection.shutdown(socket.SHUT_RDWR)


def items(count: int, *, prefix: str = "oai:hostile:", day: str = "2026-11-0",
          sets: tuple[str, ...] = ()) -> list[Item]:
    """``count`` live records with distinct identifiers and datestamps over nine days."""
    return [Item(f"{prefix}{n:05d}", f"{day}{1 + n % 9}T10:00:00Z", f"Record {n} 東京", sets)
            for n in range(count)]


def http_date(seconds_from_now: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds_from_now), usegmt=True)
