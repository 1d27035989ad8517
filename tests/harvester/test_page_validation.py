"""``tsunagu harvest validate``: a run's kept response pages against OAI-PMH 2.0, offline
(checklist 22). Real harvests (the hostile server; recorded pages of real servers, replayed)
into a real store, then the command line in-process."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from harvest_support import ReplayServer, Responder, keep
from hostile_server import Fault, HostileServer, items

from tsunagu.cli import main
from tsunagu.config import Settings
from tsunagu.harvester import OAIClient, harvest_source
from tsunagu.harvester.transport import HttpTransport
from tsunagu.records import Sector, Source
from tsunagu.store import HarvestRun, Store

FIXTURES = Path(__file__).parent.parent / "fixtures" / "oai"
XML = {"Content-Type": "text/xml; charset=utf-8"}
Answer = tuple[int, dict[str, str], bytes]
Replay = Callable[[Responder], ReplayServer]


def recorded(name: str) -> bytes:
    return (FIXTURES / "vufind" / name).read_bytes()


def recorded_feed(first: bytes, after_token: list[bytes]) -> Responder:
    """A server answering with recorded pages: ``first``, then ``after_token`` in turn;
    Identify with VuFind's recorded one, anything else 404 (never recorded)."""

    def respond(query: dict[str, str]) -> Answer:
        if query.get("verb") == "Identify":
            return 200, XML, recorded("identify_response.xml")
        if query.get("verb") == "ListRecords":
            return 200, XML, after_token.pop(0) if "resumptionToken" in query else first
        return 404, {"Content-Type": "text/plain"}, b"not recorded"

    return respond


def harvest(settings: Settings, url: str, *, prefix: str = "oai_dc",
            attempts: int | None = None, full: bool = False) -> HarvestRun:
    """One harvest of source ``feed`` into the store of ``settings.data_dir`` (the one the
    command line opens), without waiting between retries."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if attempts is not None:
        settings = dataclasses.replace(settings, retry_attempts=attempts)
    source = Source(id="feed", name="Feed", base_url=url, sector=Sector.LIBRARY,
                    metadata_prefix=prefix, window_days=0)
    store = Store(settings.db_path)
    try:
        if not store.sources.list():
            store.sources.add(source)
        waits: list[float] = []
        with HttpTransport(settings, sleep=waits.append) as transport, \
                OAIClient(source, settings, transport) as client:
            return harvest_source(source, store, settings, on_page=keep, client=client,
                                  full=full)
    finally:
        store.close()


def validate(settings: Settings, *args: str) -> int:
    return main(["--data-dir", str(settings.data_dir), "harvest", "validate", "feed", *args])


def as_json(settings: Settings, capsys: pytest.CaptureFixture[str], *args: str
            ) -> tuple[int, dict[str, Any]]:
    status = validate(settings, "--json", *args)
    return status, json.loads(capsys.readouterr().out)


def test_a_clean_run_has_every_page_valid(settings: Settings,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with HostileServer(items(25), page_size=10) as server:
        run = harvest(settings, server.url)
    assert run.status == "ok", run.error
    status, result = as_json(settings, capsys)
    assert status == 0
    # The records' report is as it was; the pages come beside it.
    assert (result["records"], result["valid"], result["invalid"]) == (25, 25, 0)
    pages = result["pages"]
    assert (pages["run_id"], pages["total"], pages["valid"], pages["invalid"],
            pages["failed"], pages["not_validated"]) == (run.id, 3, 3, 0, 0, 0)
    assert [(p["page"], p["status"], p["valid"], p["findings"]) for p in pages["results"]] == [
        (1, "stored", True, []), (2, "stored", True, []), (3, "stored", True, [])]
    assert validate(settings) == 0
    text = capsys.readouterr().out
    assert f"run {run.id}: 3 kept pages against OAI-PMH 2.0; 3 valid, 0 invalid" in text
    assert "  page 3 (kept as 3): valid" in text


def test_a_recorded_page_with_an_element_the_schema_forbids_is_reported(
        replay: Replay, settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    # A real Alma MARCXML page, then VuFind's recorded page with headers without a
    # datestamp and <foo/> in the OAI namespace as a record's metadata.
    server = replay(recorded_feed(recorded("marc.xml"),
                                  [recorded("list_records_response.xml")]))
    run = harvest(settings, server.url, prefix="marc21")
    assert run.status == "ok", run.error
    status, result = as_json(settings, capsys)
    assert status == 1  # a page is invalid ...
    assert result["invalid"] == 0 and result["skipped"] == 101  # ... no record (no MARC xsd)
    pages = result["pages"]
    assert (pages["total"], pages["valid"], pages["invalid"]) == (2, 1, 1)
    alma, vufind = pages["results"]
    assert alma["valid"] is True and alma["findings"] == []
    assert vufind["valid"] is False and vufind["status"] == "stored"
    assert [(f["line"], f["oai_identifier"]) for f in vufind["findings"]] == [
        (4, "fake:foo1"), (9, "fake:foo2"), (13, "fake:foo2")]
    assert "Element 'foo': This element is not expected" in vufind["findings"][2]["message"]
    assert [count for _message, count in pages["messages"]] == [1, 1]  # datestamp once a page
    assert validate(settings) == 1
    text = capsys.readouterr().out
    assert f"  page 2 (kept as {vufind['page_id']}): invalid" in text
    assert "    line 13: Element 'foo': This element is not expected" in text
    assert "[record fake:foo2]" in text


def test_a_failed_page_that_is_not_oai_pmh_is_listed_as_failed(
        settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    with HostileServer(items(30), page_size=10) as server:
        first = harvest(settings, server.url)
    with HostileServer(items(30), page_size=10,
                       faults=[Fault("html", at=2, times=9)]) as server:
        second = harvest(settings, server.url, attempts=1, full=True)
    assert (first.status, second.status) == ("ok", "failed")
    status, result = as_json(settings, capsys)
    assert status == 0  # nothing invalid: the failure is the run's, reported by its report
    pages = result["pages"]
    assert pages["run_id"] == second.id
    assert (pages["total"], pages["valid"], pages["invalid"], pages["failed"],
            pages["not_validated"]) == (2, 1, 0, 1, 1)
    failed = pages["results"][1]
    assert (failed["page"], failed["status"], failed["valid"], failed["findings"]) == (
        2, "failed", None, [])
    assert "html" in failed["error"].lower()
    assert validate(settings) == 0
    text = capsys.readouterr().out
    assert (f"  page 2 (kept as {failed['page_id']}): not OAI-PMH XML, not validated "
            "(failed: ") in text
    # --run: the first, clean run
    status, earlier = as_json(settings, capsys, "--run", str(first.id))
    assert status == 0
    assert (earlier["pages"]["run_id"], earlier["pages"]["total"],
            earlier["pages"]["valid"]) == (first.id, 3, 3)


def test_a_failed_page_that_is_oai_pmh_is_validated(
        replay: Replay, settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    # A real DOAJ page; its token answered with VuFind's recorded <error code="foo">, which
    # the harvest cannot read (kept as failed), then asked again: an empty last page.
    closing = (b'<?xml version="1.0" encoding="UTF-8"?>'
               b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
               b"<responseDate>2024-08-04T16:02:28Z</responseDate>"
               b'<request verb="ListRecords">http://127.0.0.1/oai</request><ListRecords>'
               b'<resumptionToken completeListSize="100" cursor="100"/></ListRecords>'
               b"</OAI-PMH>")
    server = replay(recorded_feed(recorded("oai_doaj.xml"),
                                  [recorded("arbitrary_error_response.xml"), closing]))
    run = harvest(settings, server.url, prefix="oai_doaj")
    assert run.status == "ok", run.error
    status, result = as_json(settings, capsys)
    assert status == 1
    pages = result["pages"]
    # The closing page (ours, not recorded) is found too: a ListRecords holds a record.
    assert [(p["status"], p["valid"]) for p in pages["results"]] == [
        ("stored", True), ("failed", False), ("stored", False)]
    assert "Element 'resumptionToken': This element is not expected. Expected is ( record )" \
        in pages["results"][2]["findings"][0]["message"]
    (finding,) = pages["results"][1]["findings"]
    assert finding["line"] == 3 and "The value 'foo' is not an element of the set" in (
        finding["message"])
    assert pages["results"][1]["error"]  # why the harvest could not read it
    assert (pages["failed"], pages["not_validated"], pages["invalid"]) == (1, 0, 2)


def test_no_run_yet_and_a_run_of_another_source(
        settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    settings.data_dir.mkdir(parents=True)
    store = Store(settings.db_path)
    store.sources.add(Source(id="feed", name="Feed", base_url="https://example.org/oai",
                             sector=Sector.ARCHIVE))
    store.close()
    capsys.readouterr()
    status, result = as_json(settings, capsys)
    assert status == 0 and result["records"] == 0 and result["pages"] is None
    assert validate(settings) == 0
    assert "feed: no harvest run, so no kept pages to validate" in capsys.readouterr().out
    with HostileServer(items(5)) as server:
        source = Source(id="other", name="Other", base_url=server.url, sector=Sector.ARCHIVE)
        store = Store(settings.db_path)
        try:
            store.sources.add(source)
            other = harvest_source(source, store, settings, on_page=keep)
        finally:
            store.close()
    assert validate(settings, "--run", str(other.id)) == 1
    assert f"harvest run {other.id} is not a run of feed" in capsys.readouterr().err
