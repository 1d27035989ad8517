"""The harvest's side of store processes: reuse only when a run ended cleanly, and
harvests from processes that cannot share them (a daemonic process forked from a
harvesting one). Real store processes, real SQLite stores; harvests over HTTP from
the hostile server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import multiprocessing
import queue
import subprocess
import threading
import time
from multiprocessing import connection

import pytest
from hostile_server import HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester import Progress, harvest_source, process_writer
from tsunagu.harvester.page_writer import PageJob, Tally, open_writer
from tsunagu.harvester.process_writer import ProcessWriter, store_process_ids
from tsunagu.harvester.protocol import parse_list_records
from tsunagu.harvester.transport import Response
from tsunagu.harvester.windows import Window
from tsunagu.page_mapper import PageMapper
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, Source
from tsunagu.store import Checkpoint, HarvestRun, Store

SOURCE = Source(id="pooled", name="Pooled", base_url="", sector=Sector.MUSEUM)


def add(pipeline: Pipeline, source_id: str, url: str) -> None:
    pipeline.add_source(dataclasses.replace(SOURCE, id=source_id, base_url=url))


def page_job(run_id: int, number: int) -> PageJob:
    body = (f'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/'
            f'OAI/2.0/"><responseDate>2026-11-25T12:00:00Z</responseDate><request>x</request>'
            f"<ListRecords><record><header><identifier>oai:p:{number}</identifier><datestamp>"
            f"2026-11-01</datestamp></header><metadata><oai_dc:dc xmlns:oai_dc='http://www."
            f"openarchives.org/OAI/2.0/oai_dc/' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
            f"<dc:title>Page {number}</dc:title></oai_dc:dc></metadata></record>"
            f"<resumptionToken>t{number}</resumptionToken></ListRecords></OAI-PMH>").encode()
    page = parse_list_records(body, source_id=SOURCE.id, metadata_prefix="oai_dc")
    checkpoint = Checkpoint(SOURCE.id, run_id, None, "2026-11-25", None, f"t{number}", number)
    return PageJob(page, checkpoint, None, Response("http://127.0.0.1/oai", 200, {}, body),
                   Window(None, "2026-11-25"), None, None, (), 1)


def test_a_run_stopped_with_answers_unread_ends_its_store_process(
    settings: Settings
) -> None:
    # Ctrl-C while the run reads its answers (here: in its progress hook) leaves answers
    # unread. Its store process must not serve a next run: it would answer it with this
    # run's answers, and the next run would end before its pages are stored.
    def interrupted(progress: Progress) -> None:
        raise KeyboardInterrupt

    store = Store(settings.db_path)
    store.sources.add(dataclasses.replace(SOURCE, base_url="http://127.0.0.1/oai"))
    run_id = store.runs.start(SOURCE.id, None, "2026-11-25")
    try:
        writer = open_writer(store, SOURCE, settings, PageMapper(SOURCE, store),
                             Tally(SOURCE.id, interrupted))
        assert isinstance(writer, ProcessWriter)
        pid = writer.pid
        for number in (1, 2, 3):
            writer.submit(page_job(run_id, number))
        with pytest.raises(KeyboardInterrupt):
            writer.close()
        assert pid not in store_process_ids()  # ended, not kept for a next run
        assert store.raw.count(SOURCE.id) == 3  # what it was handed, it stored
        checkpoint = store.runs.checkpoint(SOURCE.id)
        assert checkpoint is not None and checkpoint.pages == 3
    finally:
        store.close()


def harvest_in_child(settings: Settings, url: str, answers: multiprocessing.Queue[object]
                     ) -> None:
    pipeline = Pipeline(settings)
    try:
        add(pipeline, "child", url)
        [run] = pipeline.harvest(["child"])
        answers.put((run.status, run.error, pipeline.store.raw.count("child")))
    except BaseException as exc:  # reported to the test, whatever it is
        answers.put(repr(exc))
    finally:
        pipeline.close()


def test_a_daemonic_process_forked_from_a_harvesting_one_harvests_too(
    settings: Settings
) -> None:
    with HostileServer(items(50)) as parents, HostileServer(items(60)) as childs:
        pipeline = Pipeline(settings)
        add(pipeline, "parent", parents.url)
        [run] = pipeline.harvest(["parent"])
        assert run.status == "ok" and store_process_ids()  # a store process is idle now
        context = multiprocessing.get_context("fork")
        answers: multiprocessing.Queue[object] = context.Queue()
        child = context.Process(target=harvest_in_child, args=(settings, childs.url, answers),
                                daemon=True)
        child.start()
        try:
            answer = answers.get(timeout=120)
        except queue.Empty:
            answer = "no answer"
        child.join(30)
        pipeline.close()
    assert answer == ("ok", None, 60)
    assert child.exitcode == 0


def test_ctrl_c_in_the_middle_of_handing_a_page_over_stops_at_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A SIGINT between two partial writes of a page leaves half a message on the socket.
    # The harvest must not wait for answers that cannot come (it did, 120 s); the store
    # process, given end of file, stores the pages it received whole, and ends.
    send = connection.Connection._send
    big = [0]

    def interrupted(self: connection.Connection, buf: bytes, *args: object) -> None:
        if len(buf) > 20_000:
            big[0] += 1
            if big[0] == 4:
                send(self, bytes(buf)[: len(buf) // 2])
                raise KeyboardInterrupt
        send(self, buf)

    served = items(200)
    for item in served:
        item.title = "x" * 3000  # pages of ~30 KB
    monkeypatch.setattr(connection.Connection, "_send", interrupted)
    store = Store(settings.db_path)
    with HostileServer(served) as server:
        source = dataclasses.replace(SOURCE, base_url=server.url)
        store.sources.add(source)
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            harvest_source(source, store, settings, on_page=PageMapper(source, store))
        waited = time.monotonic() - started
    monkeypatch.undo()
    try:
        assert waited < 30
        checkpoint = store.runs.checkpoint(SOURCE.id)
        # Sent whole: page 1, its conformance check, page 2; page 3 was cut in half.
        assert checkpoint is not None and checkpoint.pages == 2
        assert store.raw.count(SOURCE.id) == 20
    finally:
        store.close()


def test_a_fork_waits_while_a_store_process_is_being_started(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process forked while the socket of a store process being started is open would
    # keep that socket, and the store process alive after its harvest is killed. A fork
    # waits until the store process is started (and its socket is in the pool, which a
    # forked process closes).
    starting = threading.Event()
    popen = subprocess.Popen

    class SlowStart(popen):  # type: ignore[type-arg, misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            starting.set()
            time.sleep(0.6)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(process_writer.subprocess, "Popen", SlowStart)
    process_writer.end_idle()  # the harvest starts a store process
    with HostileServer(items(20)) as server:
        pipeline = Pipeline(settings)
        add(pipeline, "forking", server.url)
        runs: list[HarvestRun] = []
        harvesting = threading.Thread(target=lambda: runs.extend(pipeline.harvest(["forking"])))
        harvesting.start()
        assert starting.wait(30)
        started = time.monotonic()
        child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(0,))
        child.start()
        forked_after = time.monotonic() - started
        child.join(30)
        harvesting.join(60)
        pipeline.close()
    assert forked_after > 0.3  # it waited for the store process to be started
    [run] = runs
    assert (run.status, run.new) == ("ok", 20)
