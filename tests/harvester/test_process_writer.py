"""The harvest's side of store processes: reuse only when a run ended cleanly, and
harvests from processes that cannot share them (a daemonic process forked from a
harvesting one). Real store processes, real SQLite stores; harvests over HTTP from
the hostile server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import multiprocessing
import queue

import pytest
from hostile_server import HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester import Progress
from tsunagu.harvester.page_writer import PageJob, Tally, open_writer
from tsunagu.harvester.process_writer import ProcessWriter, store_process_ids
from tsunagu.harvester.protocol import parse_list_records
from tsunagu.harvester.transport import Response
from tsunagu.harvester.windows import Window
from tsunagu.page_mapper import PageMapper
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, Source
from tsunagu.store import Checkpoint, Store

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
