"""Server CPU per OAI-PMH request of the local provider (``tsunagu.demo``).

Builds a feed of N oai_dc records (default 20,000; two sets, one datestamp a
second) and measures, per verb, the CPU the provider spends on one request:

* ``in-process`` — ``FeedOAIServer.handleRequest`` called directly (the protocol
  work: selection, pyoai's envelope, serialization), ``time.process_time`` around
  each call only;
* ``http`` — the provider in its own process (``ProviderServer``), asked over HTTP
  one request at a time, with a new connection per request and then over one
  persistent connection (as a harvester's connection pool does; a server without
  HTTP/1.1 persistent connections closes it after each answer and the client
  reconnects); the CPU is the server process's own (``process_time`` in that
  process, asked for through a pipe before and after), requests/s is the
  client's wall clock.

Each list is walked to its end through its resumption tokens (a page of
``--page-size`` records per request); GetRecord asks for ``--requests`` random
identifiers. Best of ``--rounds``. Also prints the memory the loaded feed and
the server's index take per record (tracemalloc). Run::

    .venv/bin/python benchmarks/provider.py [--records 20000] [--page-size 100]
        [--requests 2000] [--rounds 3] [--no-http]

To measure other code (e.g. the previous version), put its ``tsunagu`` first on
``PYTHONPATH``: the script uses only ``load_feed``, ``write_feed``,
``make_oai_server`` and ``ProviderServer``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.client
import multiprocessing
import os
import random
import re
import tempfile
import time
import tracemalloc
import urllib.parse
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path

from tsunagu.demo.feedfile import FeedRecord, load_feed, write_feed
from tsunagu.demo.provider import ProviderServer
from tsunagu.demo.repository import make_oai_server

METADATA = (
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>富嶽三十六景 第{n}図</dc:title>'
    "<dc:creator>葛飾北斎</dc:creator><dc:date>18{y:02d}</dc:date><dc:type>Image</dc:type>"
    "<dc:subject>浮世絵</dc:subject><dc:subject>landscape</dc:subject>"
    "<dc:description>Colour woodblock print, sheet {n}.</dc:description>"
    "<dc:identifier>https://example.org/item/{n}</dc:identifier>"
    "<dc:rights>http://creativecommons.org/publicdomain/zero/1.0/</dc:rights></oai_dc:dc>")
TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>")
START = dt.datetime(2024, 1, 1)

#: A request: the OAI arguments of its first page (lists are followed to the end).
Request = dict[str, str]
#: Sends one request's arguments, returns the response body.
Send = Callable[[Request], bytes]


def build_feed(path: Path, count: int) -> Path:
    """``count`` records one second apart; every tenth deleted; sets ``prints``/``books``."""
    return write_feed(path, (
        FeedRecord(f"oai:bench.example:{n:06d}", START + dt.timedelta(seconds=n),
                   None if n % 10 == 9 else METADATA.format(n=n, y=n % 100).encode(),
                   ("prints",) if n % 2 else ("books",))
        for n in range(count)), validate=False)


def scenarios(count: int, requests: int) -> dict[str, list[Request]]:
    """Name → the requests it makes (a list request is one walk through its tokens)."""
    until = (START + dt.timedelta(seconds=count)).strftime("%Y-%m-%dT%H:%M:%SZ")
    picker = random.Random(1)
    return {
        "ListRecords": [{"verb": "ListRecords", "metadataPrefix": "oai_dc"}],
        "ListRecords until": [{"verb": "ListRecords", "metadataPrefix": "oai_dc",
                               "until": until}],
        "ListRecords set": [{"verb": "ListRecords", "metadataPrefix": "oai_dc",
                             "set": "prints"}],
        "ListIdentifiers": [{"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}],
        "GetRecord": [{"verb": "GetRecord", "metadataPrefix": "oai_dc",
                       "identifier": f"oai:bench.example:{picker.randrange(count):06d}"}
                      for _ in range(requests)],
    }


def walk(send: Send, request: Request) -> Iterator[bytes]:
    """Every response of one request, following resumption tokens."""
    while True:
        body = send(request)
        yield body
        found = TOKEN.search(body)
        if found is None:
            return
        request = {"verb": request["verb"],
                   "resumptionToken": found.group(1).decode().replace("&amp;", "&")}


def measure(send: Send, cpu: Callable[[], float],
            requests: list[Request]) -> tuple[int, float, float]:
    """(responses, server CPU seconds, wall seconds) of making ``requests``."""
    responses, cpu_spent, started = 0, 0.0, time.perf_counter()
    for request in requests:
        before = cpu()
        for body in walk(send, request):
            if b"<error" in body:
                raise SystemExit(f"error response to {request}: {body[:500]!r}")
            responses += 1
        cpu_spent += cpu() - before
    return responses, cpu_spent, time.perf_counter() - started


def report(title: str, results: dict[str, list[tuple[int, float, float]]]) -> None:
    print(f"\n{title}")
    print(f"{'request':<18} {'responses':>9} {'CPU ms/response':>16} {'requests/s':>11}")
    for name, runs in results.items():
        responses = runs[0][0]
        cpu_ms = min(run[1] for run in runs) / responses * 1000
        rate = max(responses / run[2] for run in runs)
        print(f"{name:<18} {responses:>9} {cpu_ms:>16.3f} {rate:>11.0f}")


def in_process(feed_path: Path, args: argparse.Namespace) -> None:
    server = make_oai_server(load_feed(feed_path), lambda: "http://127.0.0.1/oai/bench",
                             page_size=args.page_size)

    def send(request: Request) -> bytes:
        started = time.process_time()
        body: bytes = server.handleRequest(dict(request))
        timed[0] += time.process_time() - started
        return body

    timed = [0.0]
    results: dict[str, list[tuple[int, float, float]]] = {}
    for _round in range(args.rounds):
        for name, requests in scenarios(args.records, args.requests).items():
            timed[0] = 0.0
            results.setdefault(name, []).append(measure(send, lambda: timed[0], requests))
    report("in-process (handleRequest only)", results)


def serve(feed_path: Path, page_size: int, channel: Connection) -> None:
    """Child process: the provider, plus answers to CPU-time questions on ``channel``."""
    server = ProviderServer({"bench": feed_path}, page_size=page_size).start()
    channel.send(server.base_url("bench"))
    while channel.recv() == "cpu":
        channel.send(time.process_time())


def over_http(feed_path: Path, args: argparse.Namespace) -> None:
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.Process(target=serve, args=(feed_path, args.page_size, theirs),
                                    daemon=True)
    child.start()
    try:
        base = urllib.parse.urlsplit(ours.recv())
        persistent = http.client.HTTPConnection(base.hostname or "", base.port, timeout=60)

        def send(request: Request, keep_alive: bool) -> bytes:
            connection = persistent if keep_alive else http.client.HTTPConnection(
                base.hostname or "", base.port, timeout=60)
            connection.request("GET", f"{base.path}?{urllib.parse.urlencode(request)}")
            body = connection.getresponse().read()
            if not keep_alive:
                connection.close()
            return body

        def server_cpu() -> float:
            ours.send("cpu")
            value: float = ours.recv()
            return value

        for keep_alive in (False, True):
            results: dict[str, list[tuple[int, float, float]]] = {}
            for _round in range(args.rounds):
                for name, requests in scenarios(args.records, args.requests).items():
                    results.setdefault(name, []).append(measure(
                        functools.partial(send, keep_alive=keep_alive), server_cpu, requests))
            connection = "one persistent connection" if keep_alive else "a connection per request"
            report(f"http, {connection} (ProviderServer in its own process: its CPU, all threads)",
                   results)
        persistent.close()
    finally:
        ours.send("stop")
        child.join(timeout=5)
        child.terminate()


def memory(feed_path: Path, args: argparse.Namespace) -> None:
    tracemalloc.start()
    feed = load_feed(feed_path)
    loaded = tracemalloc.get_traced_memory()[0]
    server = make_oai_server(feed, lambda: "http://127.0.0.1/oai/bench", page_size=args.page_size)
    for request in scenarios(args.records, 1).values():  # any index built on first use
        for _body in walk(lambda r: bytes(server.handleRequest(dict(r))), request[0]):
            break
    served = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"\nmemory (tracemalloc): feed {loaded / args.records:.0f} B/record, "
          f"server index {(served - loaded) / args.records:.0f} B/record, "
          f"{served / 2**20:.1f} MiB in all for {args.records} records")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--requests", type=int, default=2000, help="GetRecord requests")
    parser.add_argument("--rounds", type=int, default=3, help="best of N rounds")
    parser.add_argument("--no-http", action="store_true", help="in-process figures only")
    args = parser.parse_args()
    print(f"{args.records} oai_dc records (10% deleted, 2 sets), pages of {args.page_size}, "
          f"best of {args.rounds}; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        feed_path = build_feed(Path(tmp) / "bench.oai.jsonl", args.records)
        in_process(feed_path, args)
        if not args.no_http:
            over_http(feed_path, args)
        memory(feed_path, args)


if __name__ == "__main__":
    main()
