"""Crash test: `kill -9` a real harvest process at random moments, re-run, compare.

A subprocess harvests a few thousand records from the local OAI-PMH provider
through the command line; it is killed with SIGKILL several times at random
points, then run to completion. The store must then hold exactly what the
server serves: 0 records lost, 0 duplicated, every deletion a tombstone.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from tsunagu.config import Settings
from tsunagu.demo.provider import FeedRecord, ProviderServer, write_feed
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, Source
from tsunagu.store import Store

RECORDS = 3000
DC = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
      "<dc:date>{year}</dc:date><dc:type>Image</dc:type>"
      "<dc:rights>http://creativecommons.org/publicdomain/zero/1.0/</dc:rights></oai_dc:dc>")


def feed_records(count: int) -> list[FeedRecord]:
    start = dt.datetime(2024, 1, 1)
    return [
        FeedRecord(
            identifier=f"oai:crash.example:{n:05d}",
            datestamp=start + dt.timedelta(minutes=n),
            metadata_xml=None if n % 97 == 0 else DC.format(
                title=f"記録 {n} — crash &amp; resume", year=1800 + n % 200).encode(),
            set_specs=("even",) if n % 2 == 0 else ("odd",),
        )
        for n in range(count)
    ]


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n", exclusive=True)


def harvest_command(data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "tsunagu.cli", "--data-dir", str(data_dir), "harvest",
            "crash", "--no-index"]


def test_kill_9_at_random_points_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    records = feed_records(RECORDS)
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
        for _ in range(5):
            # Kill after a random number of stored pages, a random moment later (so
            # sometimes inside a page's transaction, sometimes between requests).
            process = subprocess.Popen(harvest_command(data_dir), env=env, text=True,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
        final = subprocess.run(harvest_command(data_dir), env=env, capture_output=True,
                               text=True, timeout=300, check=False)
    assert final.returncode == 0, final.stderr[-2000:]
    if kills < 3:
        pytest.fail(f"only {kills} harvests were killed mid-way; the test proves too little")

    store = Store(settings.db_path)
    try:
        live = {r.identifier for r in records if not r.deleted}
        gone = {r.identifier for r in records if r.deleted}
        assert store.raw.identifiers("crash") == live                      # 0 lost
        assert store.raw.count("crash", include_deleted=True) == RECORDS   # 0 extra
        stored = {raw.oai_identifier: raw for raw in store.raw.iter("crash")}
        assert {oid for oid, raw in stored.items() if raw.deleted} == gone
        for record in records:
            if record.metadata_xml is not None:  # the same XML (namespaces made explicit)
                assert canonical(stored[record.identifier].xml) == canonical(
                    record.metadata_xml), record.identifier
        # Every record was counted new exactly once over all the (killed) runs.
        runs = store.runs.list("crash")
        assert sum(run.new for run in runs) == len(live)
        assert sum(run.deleted for run in runs) == len(gone)
        assert store.records.counts_by_source() == {"crash": len(live)}
        assert store.runs.checkpoint("crash") is None
        assert runs[0].status == "ok"
    finally:
        store.close()
