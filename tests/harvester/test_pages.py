"""Storing harvested pages: what is kept when a page cannot be read."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from tsunagu.config import Settings
from tsunagu.errors import ResponseFormatError
from tsunagu.harvester.pages import PageStore
from tsunagu.harvester.transport import Response
from tsunagu.harvester.windows import Window
from tsunagu.records import Sector, Source
from tsunagu.store import Store

SOURCE = Source(id="p", name="P", base_url="http://127.0.0.1/oai", sector=Sector.ARCHIVE)
HTML = Response("http://127.0.0.1/oai?verb=ListRecords&resumptionToken=t2", 200, {},
                b"<html><body>maintenance</body></html>")


def page_store(tmp_path: Path) -> tuple[Store, PageStore, int]:
    store = Store(tmp_path / "s.sqlite3")
    store.sources.add(SOURCE)
    run_id = store.runs.start("p", None, None)
    pages = PageStore(store, SOURCE, Settings(data_dir=tmp_path), on_page=lambda c, r: 0)
    return store, pages, run_id


def test_an_answer_that_could_not_be_read_is_kept_with_its_error(tmp_path: Path) -> None:
    store, pages, run_id = page_store(tmp_path)
    error = ResponseFormatError("not OAI-PMH: an HTML page", source_id="p")
    pages.keep_unread(HTML, error, run_id, 2, window=Window(None, "2026-11-25"), set_spec="a")
    [kept] = store.pages.of_run(run_id)
    assert (kept.status, kept.request.page, kept.request.token_sent) == ("failed", 2, "t2")
    assert kept.error is not None and "HTML" in kept.error
    assert store.pages.body(kept.id) == HTML.body
    store.close()


def test_a_store_that_cannot_keep_it_does_not_hide_the_error_being_raised(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store, pages, run_id = page_store(tmp_path)
    store.db.connection().execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(tmp_path / "s.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the store is locked by another writer
    try:
        with caplog.at_level(logging.WARNING):
            pages.keep_unread(HTML, ResponseFormatError("html", source_id="p"), run_id, 2,
                              window=Window(None, "2026-11-25"), set_spec=None)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "was not kept" in caplog.text and "locked" in caplog.text
    assert store.pages.of_run(run_id) == []
    store.close()
