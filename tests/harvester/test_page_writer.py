"""The page writer of a run: which one a run gets, and what every writer guarantees:
the requests of pages that were not stored are still counted, a ``KeyboardInterrupt``
is not hidden by a store failure, a relative data directory means the same store in
a store process. Real harvests over HTTP from the hostile server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path

import pytest
from hostile_server import HostileServer, items

from tsunagu.config import Settings
from tsunagu.errors import HarvestError, StoreError
from tsunagu.harvester import PageHook, harvest_source
from tsunagu.harvester.page_writer import PageJob, Tally, ThreadWriter, flushed, open_writer
from tsunagu.harvester.process_writer import ProcessWriter
from tsunagu.harvester.protocol import parse_list_records
from tsunagu.harvester.transport import Response
from tsunagu.harvester.windows import Window
from tsunagu.page_mapper import PageMapper
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, Source
from tsunagu.store import Checkpoint, Store

SOURCE = Source(id="written", name="Written", base_url="", sector=Sector.LIBRARY)
MODS = "<mods xmlns='http://www.loc.gov/mods/v3'><titleInfo/></mods>"


def test_the_writer_is_a_process_only_for_a_portable_hook(
    tmp_path: Path, settings: Settings
) -> None:
    store = Store(settings.db_path)
    store.sources.add(dataclasses.replace(SOURCE, base_url="http://127.0.0.1/oai"))
    tally = Tally(SOURCE.id, None)
    cases: list[tuple[Settings, PageHook, type[object]]] = [
        (settings, PageMapper(SOURCE, store), ProcessWriter),
        (settings, lambda changes, run_id: 0, ThreadWriter),  # cannot leave this process
        (dataclasses.replace(settings, store_process=False), PageMapper(SOURCE, store),
         ThreadWriter),
        (dataclasses.replace(settings, prefetch_pages=False), PageMapper(SOURCE, store),
         ThreadWriter),
    ]
    try:
        for case_settings, hook, kind in cases:
            writer = open_writer(store, SOURCE, case_settings, hook, tally)
            try:
                assert type(writer) is kind
            finally:
                writer.close()
    finally:
        store.close()


@pytest.mark.parametrize("in_process", [True, False], ids=["process", "thread"])
def test_requests_of_pages_not_stored_are_still_counted(
    settings: Settings, in_process: bool
) -> None:
    # No quarantine allowed: the page with the refused record stops the run; the pages
    # handed over after it are dropped. Every request made is in the run, once.
    served = items(200)
    served[14].metadata = MODS
    run_settings = dataclasses.replace(settings, error_budget=0, store_process=in_process)
    with HostileServer(served) as server:
        pipeline = Pipeline(run_settings)
        pipeline.add_source(dataclasses.replace(SOURCE, base_url=server.url))
        [run] = pipeline.harvest([SOURCE.id])
        made = len(server.requests)
    try:
        assert run.status == "failed" and run.quarantined == 1
        assert run.requests == made
        assert len(pipeline.store.runs.log.requests(run.id)) == made
        checkpoint = pipeline.store.runs.checkpoint(SOURCE.id)
        assert checkpoint is not None and checkpoint.pages == 2  # the page over the budget
    finally:
        pipeline.close()


def test_a_relative_data_directory_is_the_same_store_in_a_store_process(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A store process is reused by the next runs, and keeps the working directory it
    # started in: the paths it is given are absolute.
    with HostileServer(items(30)) as server:
        for place in ("first", "second"):
            (tmp_path / place).mkdir()
            monkeypatch.chdir(tmp_path / place)
            relative = dataclasses.replace(settings, data_dir=Path("data"))
            pipeline = Pipeline(relative)
            pipeline.add_source(dataclasses.replace(SOURCE, base_url=server.url))
            [run] = pipeline.harvest([SOURCE.id])
            assert (run.status, run.new) == ("ok", 30)
            assert pipeline.store.raw.count(SOURCE.id) == 30
            pipeline.close()
    for place in ("first", "second"):
        store = Store(tmp_path / place / "data" / "tsunagu.sqlite3")
        assert store.raw.count(SOURCE.id) == 30
        store.close()


BODY = (b'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/'
        b'OAI/2.0/"><responseDate>2026-11-25T12:00:00Z</responseDate><request>x</request>'
        b"<ListRecords><record><header><identifier>oai:w:1</identifier><datestamp>2026-11-01"
        b"</datestamp></header><metadata><dc xmlns='http://purl.org/dc/elements/1.1/'/>"
        b"</metadata></record></ListRecords></OAI-PMH>")


def refuse(changes: object, run_id: int) -> int:
    raise HarvestError("the mapper failed", source_id=SOURCE.id)


def test_a_keyboard_interrupt_is_not_hidden_by_a_store_failure(settings: Settings) -> None:
    store = Store(settings.db_path)
    store.sources.add(dataclasses.replace(SOURCE, base_url="http://127.0.0.1/oai"))
    run_id = store.runs.start(SOURCE.id, None, "2026-11-25")
    page = parse_list_records(BODY, source_id=SOURCE.id, metadata_prefix="oai_dc")
    job = PageJob(page, Checkpoint(SOURCE.id, run_id, None, "2026-11-25", None, None, 1), None,
                  Response("http://127.0.0.1/oai?verb=ListRecords", 200, {}, BODY),
                  Window(None, "2026-11-25"), None, None, (), 1)
    writer = ThreadWriter(store, SOURCE, settings, refuse, Tally(SOURCE.id, None),
                          background=True)
    try:
        with pytest.raises(KeyboardInterrupt) as caught, flushed(writer):
            writer.submit(job)
            raise KeyboardInterrupt  # Ctrl-C while the page is being stored, and fails
        assert isinstance(caught.value.__cause__, HarvestError)
        assert store.raw.count(SOURCE.id) == 0
    finally:
        writer.close()
        store.close()


class Unrebuildable:
    """A hook that pickles but cannot be rebuilt over another store."""

    def __call__(self, changes: object, run_id: int) -> int:
        return 0

    def for_store(self, store: Store) -> PageHook:
        raise RuntimeError("this hook needs the harvest's own store")


def test_a_run_whose_store_process_cannot_serve_it_stores_on_a_thread(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store(settings.db_path)
    with HostileServer(items(25)) as server:
        source = dataclasses.replace(SOURCE, base_url=server.url)
        store.sources.add(source)
        with caplog.at_level(logging.WARNING, logger="tsunagu.harvester.page_writer"):
            run = harvest_source(source, store, settings, on_page=Unrebuildable())
    try:
        assert (run.status, run.new) == ("ok", 25)
        assert store.raw.count(SOURCE.id) == 25
        [warning] = caplog.records
        assert "no store process" in warning.getMessage()
        assert "this hook needs the harvest's own store" in warning.getMessage()
    finally:
        store.close()


def test_requests_of_a_batch_sqlite_rolled_back_are_still_counted(settings: Settings) -> None:
    # Pages 2 and 3 wait for the writer thread while page 1 is slow: they go in one
    # transaction, which SQLite rolls back whole when page 3 fails (as on a full disk).
    # Page 2 ran without failing but was not stored: its request still counts, once.
    calls = [0]
    store = Store(settings.db_path)

    def hook(changes: object, run_id: int) -> int:
        calls[0] += 1
        if calls[0] == 1:
            time.sleep(1.0)
        if calls[0] == 3:
            store.db.connection().execute("ROLLBACK")
            raise StoreError("simulated: disk full", source_id=SOURCE.id)
        return 0

    with HostileServer(items(100)) as server:
        source = dataclasses.replace(SOURCE, base_url=server.url)
        store.sources.add(source)
        run = harvest_source(source, store, dataclasses.replace(settings, store_process=False),
                             on_page=hook)
        made = len(server.requests)
    try:
        assert run.status == "failed" and run.error is not None and "disk full" in run.error
        checkpoint = store.runs.checkpoint(SOURCE.id)
        assert checkpoint is not None and checkpoint.pages == 1
        assert store.raw.count(SOURCE.id) == 10
        assert run.requests == made == len(store.runs.log.requests(run.id))
    finally:
        store.close()
