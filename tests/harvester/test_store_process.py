"""Pages stored by a store process: harvests over HTTP from the hostile server on
127.0.0.1 into real SQLite stores, through the pipeline (whose page hook is portable).

A run stored by a process of its own must leave exactly what a run stored by a
writer thread leaves; the process serves the next run too; its log records reach
the harvest's logging; when it dies the run fails and the next one resumes from
the last page it stored; and a harvest waits for the store process of a killed
one to end before it reads the checkpoint.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import io
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hostile_server import HostileServer, items

from tsunagu.config import Settings
from tsunagu.errors import HarvestError
from tsunagu.harvester.lock import wait_for_store_process
from tsunagu.harvester.page_writer import Tally, open_writer
from tsunagu.harvester.process_writer import ProcessWriter, store_process_ids
from tsunagu.page_mapper import PageMapper
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, Source
from tsunagu.store import HarvestRun, Store

SOURCE = Source(id="stored", name="Stored", base_url="", sector=Sector.ARCHIVE)


def harvest(settings: Settings, url: str, *, progress: list[int] | None = None
            ) -> tuple[Pipeline, HarvestRun]:
    pipeline = Pipeline(settings)
    if not pipeline.store.sources.list():
        pipeline.add_source(dataclasses.replace(SOURCE, base_url=url))
    [run] = pipeline.harvest([SOURCE.id], progress=(
        None if progress is None else lambda p: progress.append(p.records)))
    return pipeline, run


def contents(store: Store) -> dict[str, object]:
    """What a harvest leaves in the store, without times and ids."""
    raw = {r.oai_identifier: (r.deleted, r.datestamp, r.set_specs, r.xml)
           for r in store.raw.iter(SOURCE.id)}
    records = {r.id: r.title.value for r in store.records.iter(SOURCE.id)}
    [run] = store.runs.list(SOURCE.id)
    counts = (run.status, run.new, run.updated, run.unchanged, run.deleted, run.requests)
    return {"raw": raw, "records": records, "run": counts,
            "requests": len(store.runs.log.requests(run.id)),
            "pages": len(store.pages.of_run(run.id)),
            "changes": store.runs.log.changes(run.id),
            "checkpoint": store.runs.checkpoint(SOURCE.id)}


def test_a_store_process_stores_what_a_writer_thread_stores(
    tmp_path: Path, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    served = items(95)
    served[7].title = None  # a deleted header
    seen: dict[bool, tuple[dict[str, object], list[int]]] = {}
    with HostileServer(served) as server:
        for in_process in (True, False):
            caplog.clear()
            progress: list[int] = []
            run_settings = dataclasses.replace(
                settings, data_dir=tmp_path / f"process-{in_process}",
                store_process=in_process)
            with caplog.at_level(logging.DEBUG, logger="tsunagu.harvester.process_writer"):
                pipeline, run = harvest(run_settings, server.url, progress=progress)
            assert run.status == "ok", run.error
            seen[in_process] = (contents(pipeline.store), progress)
            pipeline.close()
            # The store process says what it used as the run ends (the benchmark adds it up).
            reported = [r for r in caplog.records if hasattr(r, "store_cpu")]
            assert len(reported) == (1 if in_process else 0)
    assert seen[True] == seen[False]
    stored, progress = seen[True]
    assert progress == [10, 20, 30, 40, 50, 60, 70, 80, 90, 95]
    raw = stored["raw"]
    assert isinstance(raw, dict) and len(raw) == 95 and stored["checkpoint"] is None
    # 94 new, the deleted header counted; Identify, ListMetadataFormats and ten pages.
    assert stored["run"] == ("ok", 94, 0, 0, 1, 12)


def test_a_store_process_serves_the_next_runs_and_passes_on_its_log(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    served = items(30)
    served[4].metadata = "<mods xmlns='http://www.loc.gov/mods/v3'><titleInfo/></mods>"
    with HostileServer(served) as server:
        with caplog.at_level(logging.WARNING):
            pipeline, first = harvest(settings, server.url)
        before = set(store_process_ids())
        served[5].title = "Record 5, changed"
        served[5].datestamp = "2026-11-25T12:30:00Z"
        server.clock = server.clock.replace(hour=13)
        _, second = harvest(settings, server.url)
        after = set(store_process_ids())
    try:
        assert (first.status, second.status) == ("ok", "ok")
        assert before and after == before  # no new process for the second run
        assert (second.new, second.updated) == (0, 1)
        record = pipeline.store.records.get(f"{SOURCE.id}:{served[5].identifier}")
        assert record is not None and record.title.value == "Record 5, changed"
        # Logged by the mapper in the store process, in this process's logging.
        [warning] = [r for r in caplog.records if r.name == "tsunagu.page_mapper"]
        assert warning.levelno == logging.WARNING
        assert served[4].identifier in warning.getMessage()
    finally:
        pipeline.close()


def test_a_store_process_that_dies_fails_the_run_and_the_next_resumes(
    settings: Settings
) -> None:
    served = items(200)
    with HostileServer(served) as server:
        server.pause = 0.03  # 20 pages of 10: the run lasts
        pipeline = Pipeline(settings)
        pipeline.add_source(dataclasses.replace(SOURCE, base_url=server.url))
        outcome: list[HarvestRun] = []
        worker = threading.Thread(target=lambda: outcome.extend(pipeline.harvest([SOURCE.id])))
        worker.start()
        watcher = Store(settings.db_path)
        deadline = time.monotonic() + 30
        while (watcher.raw.count(SOURCE.id) < 50 and worker.is_alive()
               and time.monotonic() < deadline):
            time.sleep(0.01)
        for pid in set(store_process_ids()):  # the run's, and any idle one
            os.kill(pid, signal.SIGKILL)
        worker.join(60)
        [failed] = outcome
        assert failed.status == "failed"
        assert failed.error is not None and "the store process ended unexpectedly" in (
            failed.error)
        checkpoint = watcher.runs.checkpoint(SOURCE.id)
        assert checkpoint is not None and 0 < checkpoint.pages < 20
        stored_then = watcher.raw.count(SOURCE.id)
        assert stored_then == checkpoint.pages * 10  # every page of the checkpoint, no more
        server.pause = 0.0
        [resumed] = pipeline.harvest([SOURCE.id])
    try:
        assert resumed.status == "ok", resumed.error
        assert resumed.id == failed.id  # the same run, from its checkpoint
        assert watcher.raw.count(SOURCE.id) == 200
        assert pipeline.store.records.counts_by_source() == {SOURCE.id: 200}
    finally:
        watcher.close()
        pipeline.close()


HOLDER = """
import fcntl, sys, time
with open(sys.argv[1], "a+b") as handle:
    fcntl.flock(handle, fcntl.LOCK_EX)
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_harvest_waits_for_the_store_process_of_a_killed_one(settings: Settings) -> None:
    lock = settings.data_dir / "locks" / f"store-{SOURCE.id}.lock"
    lock.parent.mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock), "1.0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(HarvestError, match="has not ended after 0s"):
            wait_for_store_process(settings, SOURCE.id, timeout=0.2)
        started = time.monotonic()
        wait_for_store_process(settings, SOURCE.id)
        assert time.monotonic() - started > 0.3  # it waited for the holder to end
        assert holder.wait(5) == 0
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    wait_for_store_process(settings, SOURCE.id, timeout=0.0)  # free: no wait at all


def test_big_pages_of_refused_records_do_not_stall_the_run(settings: Settings) -> None:
    # Every record of two pages of 2,000 is refused by the mapper: a warning each. The
    # store process's answer stays small (its log records are capped) and it reads the
    # next page while it writes: before, each waited for the other to read, for ever.
    served = items(4000)
    for item in served:
        item.metadata = "<mods xmlns='http://www.loc.gov/mods/v3'><titleInfo/></mods>"
    outcome: list[HarvestRun] = []
    with HostileServer(served, page_size=2000) as server:
        pipeline = Pipeline(dataclasses.replace(settings, error_budget=3000))
        pipeline.add_source(dataclasses.replace(SOURCE, base_url=server.url))
        with contextlib.redirect_stderr(io.StringIO()):
            worker = threading.Thread(
                target=lambda: outcome.extend(pipeline.harvest([SOURCE.id])), daemon=True)
            worker.start()
            worker.join(120)
    try:
        assert not worker.is_alive(), "the harvest is stuck"
        [run] = outcome
        assert run.status == "failed" and run.quarantined == 4000
        assert run.error is not None and run.error.startswith("4000 records quarantined")
    finally:
        pipeline.close()


def test_the_store_lock_is_held_before_the_first_page_is_handed_over(
    settings: Settings
) -> None:
    store = Store(settings.db_path)
    store.sources.add(dataclasses.replace(SOURCE, base_url="http://127.0.0.1/oai"))
    lock = settings.data_dir / "locks" / f"store-{SOURCE.id}.lock"
    try:
        writer = open_writer(store, SOURCE, settings, PageMapper(SOURCE, store),
                             Tally(SOURCE.id, None))
        assert isinstance(writer, ProcessWriter)
        # A harvest killed from now on leaves the lock held until its pages are stored.
        with lock.open("a+b") as handle:
            with pytest.raises(BlockingIOError):
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            writer.close()
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the run's end lets go
    finally:
        store.close()


SCRIPT = """
import sys
from pathlib import Path
from tsunagu.config import Settings
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, Source
print("the script's body runs", flush=True)
settings = Settings(data_dir=Path(sys.argv[1]), allow_private_hosts=True, request_delay=0.0)
pipeline = Pipeline(settings)
for name, url in (("one", sys.argv[2]), ("two", sys.argv[3])):
    pipeline.add_source(Source(id=name, name=name, base_url=url, sector=Sector.ARCHIVE))
runs = pipeline.harvest()
print(sorted((run.source_id, run.status, run.new) for run in runs), flush=True)
"""


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    # A store process is a fresh interpreter that does not import the main module:
    # the script's body (which harvests) does not run again in it.
    script = tmp_path / "harvest_both.py"
    script.write_text(SCRIPT, encoding="utf-8")
    with HostileServer(items(30)) as one, HostileServer(items(40)) as two:
        done = subprocess.run([sys.executable, str(script), str(tmp_path / "data"), one.url,
                               two.url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "the script's body runs", "[('one', 'ok', 30), ('two', 'ok', 40)]"]


KILLED = """
import sys
from pathlib import Path
from slow_hook import SlowMapper
from tsunagu.config import Settings
from tsunagu.harvester import harvest_source, process_writer
from tsunagu.records import Sector, Source
from tsunagu.store import Store
handed = open(sys.argv[3], "a", buffering=1)
submit = process_writer.ProcessWriter.submit
def noted(self, job):  # which pages the harvest handed over, as it goes
    submit(self, job)
    if hasattr(job, "checkpoint"):
        handed.write(f"{job.checkpoint.pages}\\n")
process_writer.ProcessWriter.submit = noted
settings = Settings(data_dir=Path(sys.argv[1]), allow_private_hosts=True, request_delay=0.0)
source = Source(id="orphan", name="Orphan", base_url=sys.argv[2], sector=Sector.ARCHIVE)
store = Store(settings.db_path)
store.sources.add(source)
harvest_source(source, store, settings, on_page=SlowMapper(source, 0.15))
"""


def test_a_killed_harvests_store_process_stores_every_page_it_was_handed(
    tmp_path: Path, settings: Settings
) -> None:
    notes = tmp_path / "handed.txt"
    notes.touch()
    script = tmp_path / "killed.py"
    script.write_text(KILLED, encoding="utf-8")
    here = str(Path(__file__).parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [here, *filter(None, [os.environ.get("PYTHONPATH")])])}
    with HostileServer(items(400)) as server:
        harvest = subprocess.Popen([sys.executable, str(script), str(settings.data_dir),
                                    server.url, str(notes)], env=env)
        deadline = time.monotonic() + 60
        while len(notes.read_text().split()) < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(harvest.pid, signal.SIGKILL)  # pages are waiting for the store process
        harvest.wait()
        handed = max(int(n) for n in notes.read_text().split())
        wait_for_store_process(settings, "orphan", timeout=60)
    store = Store(settings.db_path)
    try:
        checkpoint = store.runs.checkpoint("orphan")
        assert checkpoint is not None
        # Every page handed over was stored (one more may have been, between the hand-over
        # and its note), with its checkpoint; before, only the batch in hand was.
        assert checkpoint.pages in (handed, handed + 1)
        assert store.raw.count("orphan") == checkpoint.pages * 10
    finally:
        store.close()
