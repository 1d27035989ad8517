"""Harvest throughput: tsunagu into the store vs. lxml-only parsing vs. Sickle.

Serves N oai_dc records (default 20,000) from the local OAI-PMH provider, in a
separate process so that the server does not share the harvester's GIL, and
harvests the same feed three ways in one run, printing records per second:

* ``tsunagu``   — harvest_source into a fresh SQLite store (raw records, run
                  log, checkpoints, kept pages; the mapping hook is a no-op that
                  can be pickled, so pages are stored by a store process, as the
                  pipeline's are);
* ``tsunagu thread`` (``--thread-writer``) — the same with a hook that cannot be
                  pickled: pages stored on a writer thread of this process;
* ``tsunagu+map`` — the same through the pipeline, mapping every record;
* ``lxml only`` — the same pages fetched with the same transport and parsed with
                  lxml, nothing stored (the limit);
* ``sickle``    — Sickle 0.7.0 iterating ListRecords.

Targets (issue #3): tsunagu >= 50% of lxml-only and >= 2x Sickle. Each line also
gives the CPU time per record of this process (every thread) and of the store
processes (as they report it at the end of each run; the servers, in their own
processes, are not counted), which a busy machine distorts less than the wall clock.

    .venv/bin/python benchmarks/harvest.py [--records 20000] [--page-size 100]
        [--rounds 3] [--servers provider replay] [--no-map] [--serial] [--thread-writer]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import http.server
import logging
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from bench_hooks import NoMapping
from lxml import etree
from sickle import Sickle

from tsunagu.config import Settings
from tsunagu.demo.provider import FeedRecord, ProviderServer, write_feed
from tsunagu.harvester import PageHook, harvest_source
from tsunagu.harvester.transport import HttpTransport
from tsunagu.pipeline import Pipeline
from tsunagu.records import RawRecord, Sector, Source
from tsunagu.store import ChangeKind, Store

DC = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{n}番 富嶽三十六景 view {n}'
      "</dc:title><dc:creator>葛飾北斎 (Hokusai)</dc:creator><dc:date>18{y:02d}</dc:date>"
      "<dc:type>Image</dc:type><dc:subject>ukiyo-e</dc:subject><dc:subject>landscape"
      "</dc:subject><dc:description>Woodblock print, sheet {n} of the series; ink and colour "
      "on paper.</dc:description><dc:identifier>https://example.org/item/{n}</dc:identifier>"
      "<dc:rights>http://creativecommons.org/publicdomain/zero/1.0/</dc:rights></oai_dc:dc>")
OAI = "{http://www.openarchives.org/OAI/2.0/}"


def serve(feed: Path, page_size: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    server = ProviderServer({"bench": feed}, page_size=page_size).start()
    queue.put(server.base_url("bench"))
    while True:
        time.sleep(3600)


def record_pages(url: str, settings: Settings) -> dict[str, bytes]:
    """Every response of one full harvest (Identify, ListMetadataFormats — the harvester
    checks the prefix before listing — and the ListRecords pages), by query string."""
    pages: dict[str, bytes] = {}
    with HttpTransport(settings) as transport:
        for params in ({"verb": "Identify"}, {"verb": "ListMetadataFormats"},
                       {"verb": "ListRecords", "metadataPrefix": "oai_dc"}):
            while True:
                body = transport.get(url, params).body
                pages[urlencode(params)] = body
                token = etree.fromstring(body).findtext(f"{OAI}ListRecords/{OAI}resumptionToken")
                if not token:
                    break
                params = {"verb": "ListRecords", "resumptionToken": token}
    return pages


def replay(pages: dict[str, bytes], queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Serve pre-rendered pages: the harvesters' own cost, without the provider's."""
    def key(query: str) -> tuple[tuple[str, str], ...]:
        # The whole list was recorded, so a from/until window (tsunagu always sends
        # until) selects the same records.
        return tuple(sorted(p for p in parse_qsl(query) if p[0] not in ("from", "until")))

    by_query = {key(query): body for query, body in pages.items()}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            query = key(urlsplit(self.path).query)
            body = by_query.get(query, b"<error/>")
            self.send_response(200 if query in by_query else 404)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    queue.put(f"http://127.0.0.1:{server.server_address[1]}/oai")
    server.serve_forever()


def no_mapping(changes: Sequence[tuple[RawRecord, ChangeKind]], run_id: int) -> int:
    return 0


#: (records, wall seconds, CPU seconds of this process: every thread, no server)
Timing = tuple[int, float, float]


class StoreCPU(logging.Handler):
    """Adds up the CPU time the store processes report as they end."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seconds = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        self.seconds += getattr(record, "store_cpu", None) or 0.0


STORE_CPU = StoreCPU()
logging.getLogger("tsunagu.harvester.process_writer").addHandler(STORE_CPU)
logging.getLogger("tsunagu.harvester.process_writer").setLevel(logging.DEBUG)


def timed_tsunagu(url: str, settings: Settings, directory: Path,
                  hook: PageHook | None = None) -> Timing:
    """A harvest into a fresh store; its CPU time counts the store process's."""
    store = Store(directory / "bench.sqlite3")
    source = Source(id="bench", name="Bench", base_url=url, sector=Sector.MUSEUM)
    store.sources.add(source)
    store_cpu = STORE_CPU.seconds
    started, cpu = time.perf_counter(), time.process_time()
    run = harvest_source(source, store, settings, on_page=hook or NoMapping())
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    cpu += STORE_CPU.seconds - store_cpu
    assert run.status == "ok", run.error
    count = store.raw.count("bench")
    store.close()
    return count, elapsed, cpu


def timed_pipeline(url: str, settings: Settings, directory: Path) -> Timing:
    pipeline = Pipeline(dataclasses.replace(settings, data_dir=directory))
    pipeline.add_source(Source(id="bench", name="Bench", base_url=url, sector=Sector.MUSEUM))
    store_cpu = STORE_CPU.seconds
    started, cpu = time.perf_counter(), time.process_time()
    [run] = pipeline.harvest(["bench"])
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    cpu += STORE_CPU.seconds - store_cpu
    assert run.status == "ok", run.error
    count = pipeline.store.records.count()
    pipeline.close()
    return count, elapsed, cpu


def timed_lxml(url: str, settings: Settings) -> Timing:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    count = 0
    started, cpu = time.perf_counter(), time.process_time()
    with HttpTransport(settings) as transport:
        params = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
        while True:
            root = etree.fromstring(transport.get(url, params).body, parser)
            count += len(root.findall(f"{OAI}ListRecords/{OAI}record"))
            token = root.findtext(f"{OAI}ListRecords/{OAI}resumptionToken")
            if not token:
                break
            params = {"verb": "ListRecords", "resumptionToken": token}
    return count, time.perf_counter() - started, time.process_time() - cpu


def timed_sickle(url: str) -> Timing:
    started, cpu = time.perf_counter(), time.process_time()
    count = sum(1 for _ in Sickle(url, timeout=60).ListRecords(metadataPrefix="oai_dc"))
    return count, time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3, help="best of N rounds")
    parser.add_argument("--servers", nargs="+", choices=("provider", "replay"),
                        default=["provider", "replay"])
    parser.add_argument("--no-map", action="store_true", help="skip tsunagu+map (slow)")
    parser.add_argument("--serial", action="store_true",
                        help="also tsunagu in one thread (no prefetch, no writer thread)")
    parser.add_argument("--thread-writer", action="store_true",
                        help="also tsunagu storing on a writer thread, not a store process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        # Datestamps from yesterday: the whole feed is one harvest window (a first
        # harvest from an old earliestDatestamp is listed in windows of
        # ``Settings.window_days``, and the replay server ignores from/until).
        start = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0) - dt.timedelta(days=1)
        feed = write_feed(directory / "bench.jsonl", (
            FeedRecord(f"oai:bench.example:{n:06d}", start + dt.timedelta(seconds=n),
                       DC.format(n=n, y=n % 100).encode(), ("prints",))
            for n in range(args.records)), validate=False)
        queue: multiprocessing.Queue[str] = multiprocessing.Queue()
        server = multiprocessing.Process(target=serve, args=(feed, args.page_size, queue),
                                         daemon=True)
        server.start()
        url = queue.get(timeout=60)
        # No politeness delay: the same rules as Sickle (which has none), on our own server.
        settings = Settings(data_dir=directory, allow_private_hosts=True, request_delay=0.0,
                            request_delay_factor=0.0)
        servers = {"provider": url}
        try:
            pages = record_pages(url, settings)
            replay_queue: multiprocessing.Queue[str] = multiprocessing.Queue()
            replayer = multiprocessing.Process(target=replay, args=(pages, replay_queue),
                                               daemon=True)
            replayer.start()
            servers["replay"] = replay_queue.get(timeout=60)
            for server_name in args.servers:
                report(server_name, args, run_rounds(servers[server_name], settings, args,
                                                     directory / server_name))
        finally:
            server.terminate()
            if "replay" in servers:
                replayer.terminate()


def run_rounds(url: str, settings: Settings, args: argparse.Namespace,
               directory: Path) -> dict[str, list[Timing]]:
    """Every harvester once per round; the order rotates so none always runs first."""
    serial = dataclasses.replace(settings, prefetch_pages=False)
    harvesters: dict[str, Callable[[Path], Timing]] = {
        "lxml only": lambda _d: timed_lxml(url, settings),
        "sickle": lambda _d: timed_sickle(url),
        "tsunagu": lambda d: timed_tsunagu(url, settings, d),
    }
    if args.serial:
        harvesters["tsunagu 1 thread"] = lambda d: timed_tsunagu(url, serial, d)
    if args.thread_writer:
        harvesters["tsunagu thread"] = lambda d: timed_tsunagu(url, settings, d, no_mapping)
    if not args.no_map:
        harvesters["tsunagu+map"] = lambda d: timed_pipeline(url, settings, d)
    names = list(harvesters)
    results: dict[str, list[Timing]] = {name: [] for name in names}
    for round_ in range(args.rounds):
        for position in range(len(names)):
            name = names[(position + round_) % len(names)]
            results[name].append(harvesters[name](directory / f"{round_}-{position}"))
    return results


def report(server_name: str, args: argparse.Namespace,
           results: dict[str, list[Timing]]) -> None:
    best = {name: max(count / seconds for count, seconds, _cpu in runs)
            for name, runs in results.items()}
    print(f"\n{server_name}: {args.records} oai_dc records, pages of {args.page_size}, "
          f"best of {args.rounds}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'harvester':<17} {'records':>8} {'seconds':>8} {'records/s':>10} "
          f"{'CPU µs/record':>14}")
    for name, runs in results.items():
        count, seconds, _cpu = min(runs, key=lambda r: r[1])
        cpu = min(run_cpu for _c, _s, run_cpu in runs) / max(count, 1) * 1e6
        print(f"{name:<17} {count:>8} {seconds:>8.2f} {best[name]:>10.0f} {cpu:>14.1f}")
    print(f"tsunagu / lxml only: {best['tsunagu'] / best['lxml only']:.0%} (target >= 50%)"
          f"{spread(results, 'lxml only', '.0%')}")
    print(f"tsunagu / sickle:    {best['tsunagu'] / best['sickle']:.1f}x (target >= 2x)"
          f"{spread(results, 'sickle', '.1f')}")
    if "tsunagu+map" in best:
        print(f"tsunagu+map / sickle: {best['tsunagu+map'] / best['sickle']:.1f}x")


def spread(results: dict[str, list[Timing]], other: str, style: str) -> str:
    """The ratio of tsunagu to ``other`` round by round (the two ran back to back, on the
    machine as it was then): its median and range, beside the ratio of the bests."""
    ratios = sorted((ours[0] / ours[1]) / (theirs[0] / theirs[1])
                    for ours, theirs in zip(results["tsunagu"], results[other], strict=True))
    if len(ratios) < 2:
        return ""
    unit = "" if "%" in style else "x"
    return (f"; round by round: median {statistics.median(ratios):{style}}{unit},"
            f" {ratios[0]:{style}}{unit}-{ratios[-1]:{style}}{unit}")


if __name__ == "__main__":
    main()
