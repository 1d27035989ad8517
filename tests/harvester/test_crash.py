"""Crash test: `kill -9` a real harvest process at every stage, re-run, compare.

A subprocess harvests a few thousand records (half of them deleted headers) from
the local OAI-PMH provider through the command line. It is killed with SIGKILL:

* before its first page is stored (the run started, the server still being
  checked: requests are spaced out so that this moment lasts);
* at random points of the listing, a random number of pages in;
* in the finishing stage, as soon as the last page is stored, and again once the
  staged deletions are partly applied (they go in batches of 500);

then run to completion. The store must then hold exactly what the server serves:
0 records lost, 0 duplicated, every deletion a tombstone, each counted once.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from tsunagu.config import Settings
from tsunagu.demo.provider import FeedRecord, ProviderServer, write_feed
from tsunagu.harvester.deletions import BATCH
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, Source
from tsunagu.store import Store

RECORDS = 3000
DC = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
      "<dc:date>{year}</dc:date><dc:type>Image</dc:type>"
      "<dc:rights>http://creativecommons.org/publicdomain/zero/1.0/</dc:rights></oai_dc:dc>")


def feed_records(count: int) -> list[FeedRecord]:
    """``count`` records; every odd one a deleted header (three batches of deletions)."""
    start = dt.datetime(2024, 1, 1)
    return [
        FeedRecord(
            identifier=f"oai:crash.example:{n:05d}",
            datestamp=start + dt.timedelta(minutes=n),
            metadata_xml=None if n % 2 else DC.format(
                title=f"記録 {n} — crash &amp; resume", year=1800 + n % 200).encode(),
            set_specs=("even",) if n % 2 == 0 else ("odd",),
        )
        for n in range(count)
    ]


def canonical(xml: bytes) -> bytes:
    return bytes(etree.tostring(etree.fromstring(xml), method="c14n", exclusive=True))


def harvest_command(data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "tsunagu.cli", "--data-dir", str(data_dir), "harvest",
            "crash", "--no-index"]


#: The harvest command with each batch of deletions taking 0.2 s longer before it
#: commits, so that a kill between batches lands there on a loaded machine too (the
#: polling test process may not run for a while; without it, one run in five of a
#: loaded machine saw the whole finishing stage done before its kill).
SLOW_BATCHES = """
import sys, time
from tsunagu.store.raw import RawRecords
unstage = RawRecords.unstage
def slowly(self, run_id, identifiers):
    unstage(self, run_id, identifiers)
    time.sleep(0.2)
RawRecords.unstage = slowly
from tsunagu.cli import main
sys.exit(main(sys.argv[1:]))
"""


def start(data_dir: Path, env: dict[str, str], *, progress: bool = False,
          slow_batches: bool = False) -> subprocess.Popen[str]:
    """A harvest process; its progress lines readable on ``stderr`` if asked for."""
    command = harvest_command(data_dir)
    if slow_batches:
        command = [sys.executable, "-c", SLOW_BATCHES, *command[3:]]
    return subprocess.Popen(command, env=env, text=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE if progress else subprocess.DEVNULL)


def kill_when(process: subprocess.Popen[str], ready: Callable[[], bool]) -> bool:
    """SIGKILL ``process`` as soon as ``ready()`` (polled); False if it ended first."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if ready():
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            return True
        time.sleep(0.002)
    process.kill()
    process.wait(timeout=30)
    return False


def pending(store: Store, run_id: int) -> int:
    """The run's staged deletions not yet applied."""
    return len(store.raw.pending_deletions(run_id, limit=RECORDS))


def test_kill_9_at_random_points_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    records = feed_records(RECORDS)
    live = {r.identifier for r in records if not r.deleted}
    gone = {r.identifier for r in records if r.deleted}
    assert len(gone) > 2 * BATCH  # the finishing stage takes several transactions
    feed = write_feed(tmp_path / "crash.jsonl", records, repository_name="Crash test")
    env = {**os.environ, "TSUNAGU_ALLOW_PRIVATE_HOSTS": "1", "TSUNAGU_REQUEST_DELAY": "0"}
    data_dir = tmp_path / "data"
    rng = random.Random(20261125)
    kills = 0
    with ProviderServer({"crash": feed}, page_size=50) as provider:
        settings = Settings(data_dir=data_dir, allow_private_hosts=True)
        pipeline = Pipeline(settings)
        pipeline.add_source(Source(id="crash", name="Crash", base_url=provider.base_url("crash"),
                                   sector=Sector.MUSEUM))
        pipeline.close()
        store = Store(settings.db_path)  # read while the harvests write
        try:
            # 1. Before the first page: the run is started (after Identify) and the
            # server checked, each request 0.4 s after the one before.
            process = start(data_dir, {**env, "TSUNAGU_REQUEST_DELAY": "0.4"})
            assert kill_when(process, lambda: store.runs.latest("crash") is not None)
            first = store.runs.latest("crash")
            assert first is not None and first.status == "running"
            assert store.runs.checkpoint("crash") is None and store.raw.count("crash") == 0

            # 2. In the listing: after a random number of stored pages, a random moment
            # later (sometimes inside a page's transaction, sometimes between requests).
            for _ in range(4):
                process = start(data_dir, env, progress=True)
                assert process.stderr is not None
                pages = rng.randint(1, 12)
                for line in process.stderr:
                    if ": page " in line:
                        pages -= 1
                        if pages == 0:
                            break
                time.sleep(rng.uniform(0, 0.03))
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    kills += 1
                process.stderr.close()
                process.wait(timeout=30)

            # 3. In the finishing stage: once the last page is stored (its checkpoint
            # says "finishing"), then once some of the staged deletions are applied.
            def finishing() -> bool:
                checkpoint = store.runs.checkpoint("crash")
                return checkpoint is not None and checkpoint.stage == "finishing"

            assert kill_when(start(data_dir, env), finishing)
            checkpoint = store.runs.checkpoint("crash")
            assert checkpoint is not None and checkpoint.stage == "finishing"
            run_id = checkpoint.run_id
            staged = pending(store, run_id)
            assert staged > BATCH
            assert kill_when(start(data_dir, env, slow_batches=True),
                             lambda: pending(store, run_id) < staged)
            assert finishing(), "the harvest completed before it could be killed"
            assert 0 < pending(store, run_id) < staged  # killed between batches
            assert store.runs.get(run_id).status == "running"
        finally:
            store.close()
        final = subprocess.run(harvest_command(data_dir), env=env, capture_output=True,
                               text=True, timeout=300, check=False)
    assert final.returncode == 0, final.stderr[-2000:]
    if kills < 3:
        pytest.fail(f"only {kills} harvests were killed mid-listing; the test proves too little")

    store = Store(settings.db_path)
    try:
        assert store.raw.identifiers("crash") == live                      # 0 lost
        assert store.raw.count("crash", include_deleted=True) == RECORDS   # 0 extra
        stored = {raw.oai_identifier: raw for raw in store.raw.iter("crash")}
        assert {oid for oid, raw in stored.items() if raw.deleted} == gone
        for record in records:
            if record.metadata_xml is not None:  # the same XML (namespaces made explicit)
                assert canonical(stored[record.identifier].xml) == canonical(
                    record.metadata_xml), record.identifier
        # Every record was counted new (or deleted) exactly once over all the runs.
        runs = store.runs.list("crash")
        assert sum(run.new for run in runs) == len(live)
        assert sum(run.deleted for run in runs) == len(gone)
        assert store.records.counts_by_source() == {"crash": len(live)}
        assert store.runs.checkpoint("crash") is None
        assert runs[0].status == "ok" and runs[0].id == run_id  # the run that finished
        assert pending(store, run_id) == 0
        # The run killed before its first page is closed as such, not left running.
        interrupted = store.runs.get(first.id)
        assert interrupted.status == "failed"
        assert interrupted.error == "interrupted before its first page"
        assert store.sources.high_water("crash") == runs[0].until_param
    finally:
        store.close()
