"""Every page a harvest receives is kept as it came, with where it came from (checklist 11):
a record's provenance, and a failure reproducible from the bytes that caused it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from harvest_support import keep
from hostile_server import Fault, HostileServer, items
from lxml import etree

from tsunagu.cli import main
from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.records import Sector, Source
from tsunagu.store import Store
from tsunagu.store.raw_pages import FAILED, STORED

OAI = "{http://www.openarchives.org/OAI/2.0/}"


def register(store: Store, url: str) -> Source:
    source = Source(id="kept", name="Kept", base_url=url, sector=Sector.ARCHIVE)
    store.sources.add(source)
    return source


def identifiers(body: bytes) -> list[str]:
    root = etree.fromstring(body)
    return [e.text or "" for e in root.iter(f"{OAI}identifier")]


def test_each_page_is_kept_with_its_request_and_each_record_points_to_its_page(
        store: Store, settings: Settings) -> None:
    with HostileServer(items(45), page_size=10) as server:
        run = harvest_source(register(store, server.url), store, settings, on_page=keep)
    assert run.status == "ok", run.error
    pages = store.pages.of_run(run.id)
    assert [p.request.page for p in pages] == [1, 2, 3, 4, 5]
    assert all(p.status == STORED and p.request.run_id == run.id for p in pages)
    for before, page in zip([None, *pages], pages, strict=False):
        body = store.pages.body(page.id)
        assert body is not None and body.startswith(b"<?xml")
        root = etree.fromstring(body)
        # What was asked: the token of the page before; what came: this page's own.
        assert page.request.token_sent == (before.request.token_next if before else None)
        assert page.request.token_next == (
            root.findtext(f"{OAI}ListRecords/{OAI}resumptionToken") or None)
        assert page.request.response_date == root.findtext(f"{OAI}responseDate")
        assert page.request.url.startswith(server.url) and "verb=ListRecords" in page.request.url
        assert page.request.window_until  # until is always sent
    stored = {raw.oai_identifier for raw in store.raw.iter("kept")}
    assert len(stored) == 45
    for identifier in stored:
        page = store.pages.of_record("kept", identifier)
        assert page is not None and page.request.run_id == run.id
        body = store.pages.body(page.id)
        assert body is not None and identifier in identifiers(body)


def test_a_page_that_is_not_xml_is_kept_with_the_error(store: Store, settings: Settings) -> None:
    with HostileServer(items(30), page_size=10, faults=[Fault("html", at=2, times=9)]) as server:
        run = harvest_source(register(store, server.url), store,
                             dataclasses.replace(settings, retry_attempts=1), on_page=keep)
    assert run.status == "failed"
    pages = store.pages.of_run(run.id)
    assert [(p.request.page, p.status) for p in pages] == [(1, STORED), (2, FAILED)]
    failed = pages[1]
    assert failed.error is not None and "html" in failed.error.lower()
    body = store.pages.body(failed.id)
    assert body is not None and b"<html" in body.lower()
    assert failed.request.token_sent == pages[0].request.token_next


def test_a_quarantined_record_names_its_page(store: Store, settings: Settings) -> None:
    with HostileServer(items(20), page_size=10, faults=[Fault("bad_record", at=2)]) as server:
        run = harvest_source(register(store, server.url), store, settings, on_page=keep)
    assert run.status == "ok", run.error
    [entry] = store.quarantine.list("kept")
    page = store.pages.of_run(run.id)[1]
    assert entry.page_id == page.id
    assert f"kept as {page.id}" in entry.reason and page.request.url in entry.reason
    body = store.pages.body(page.id)
    assert body is not None and entry.raw in body  # the bad record's bytes, in its page


def test_pages_no_record_needs_are_dropped_after_the_last_runs(
        store: Store, settings: Settings) -> None:
    chosen = dataclasses.replace(settings, keep_page_runs=1)
    with HostileServer(items(20), page_size=10) as server:
        source = register(store, server.url)
        runs = [harvest_source(source, store, dataclasses.replace(chosen), on_page=keep,
                               full=True) for _ in range(3)]
    assert [r.status for r in runs] == ["ok"] * 3
    # Every record now points to the last run's pages; older ones went.
    assert store.pages.of_run(runs[0].id) == [] and store.pages.of_run(runs[1].id) == []
    assert len(store.pages.of_run(runs[2].id)) == 2


def test_the_cli_lists_a_runs_pages_and_writes_one_as_received(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    monkeypatch.setenv("TSUNAGU_ALLOW_PRIVATE_HOSTS", "1")
    monkeypatch.setenv("TSUNAGU_REQUEST_DELAY", "0")
    data = ["--data-dir", str(tmp_path)]
    with HostileServer(items(15), page_size=10) as server:
        assert main([*data, "source", "add", "kept", "--url", server.url, "--name", "Kept",
                     "--sector", "archive"]) == 0
        assert main([*data, "harvest", "kept", "--no-index"]) == 0
    capfdbinary.readouterr()
    assert main([*data, "harvest", "pages", "kept", "--json"]) == 0
    listed = json.loads(capfdbinary.readouterr().out)
    assert [p["page"] for p in listed] == [1, 2] and listed[0]["token_next"]
    assert main([*data, "harvest", "page", "kept", str(listed[0]["id"])]) == 0
    body = capfdbinary.readouterr().out
    assert body.startswith(b"<?xml") and len(identifiers(body)) == 10
    assert main([*data, "harvest", "page", "kept", str(listed[1]["id"])]) == 0
    last = identifiers(capfdbinary.readouterr().out)[-1]
    assert main([*data, "harvest", "pages", "kept", "--record", last]) == 0
    line = capfdbinary.readouterr().out.decode()
    assert line.startswith(f"{listed[1]['id']}\t") and "page 2" in line
    assert main([*data, "harvest", "pages", "kept", "--record", "oai:nowhere"]) != 0
    assert "oai:nowhere" in capfdbinary.readouterr().err.decode()
    assert main([*data, "harvest", "page", "kept", "999"]) != 0
    assert "no kept page 999" in capfdbinary.readouterr().err.decode()


def test_a_tombstone_points_to_the_page_that_reported_the_deletion(
        store: Store, settings: Settings) -> None:
    with HostileServer(items(25), page_size=10) as server:
        source = register(store, server.url)
        first = harvest_source(source, store, settings, on_page=keep)
        before = store.pages.of_record("kept", "oai:hostile:00003")
        for item in server.items[3:5]:  # now deleted headers, changed after the first run
            item.title, item.datestamp = None, "2026-11-25T12:30:00Z"
        server.clock = server.clock.replace(hour=13)
        second = harvest_source(source, store, settings, on_page=keep)
    assert first.status == second.status == "ok" and second.deleted == 2
    assert before is not None and before.request.run_id == first.id
    tomb = store.raw.get("kept", "oai:hostile:00003")
    assert tomb is not None and tomb.deleted
    page = store.pages.of_record("kept", "oai:hostile:00003")
    assert page is not None and page.request.run_id == second.id
    body = store.pages.body(page.id)
    assert body is not None
    [header] = [h for h in etree.fromstring(body).iter(f"{OAI}header")
                if h.findtext(f"{OAI}identifier") == "oai:hostile:00003"]
    assert header.get("status") == "deleted"


def test_a_record_missing_from_a_full_harvest_keeps_the_page_it_was_last_seen_in(
        store: Store, settings: Settings) -> None:
    with HostileServer(items(20), page_size=10, deleted_record="no") as server:
        source = register(store, server.url)
        first = harvest_source(source, store, settings, on_page=keep)
        seen_in = store.pages.of_record("kept", "oai:hostile:00000")
        del server.items[:1]  # gone without a deleted header
        full = harvest_source(source, store, settings, on_page=keep, full=True)
    assert full.status == "ok" and full.deleted == 1
    tomb = store.raw.get("kept", "oai:hostile:00000")
    assert tomb is not None and tomb.deleted
    assert seen_in is not None and seen_in.request.run_id == first.id
    page = store.pages.of_record("kept", "oai:hostile:00000")
    assert page is not None and page.id == seen_in.id  # not a page of the run that missed it
