"""An OAI-PMH error code the protocol does not define (``unknownError``, a server's own)
in the middle of a run: the same request is asked again once after the transport's
backoff, with a ``retry`` issue; if it fails again the part of the window fails like
after a network error (split, then the run fails, keeping its checkpoint). The codes
OAI-PMH defines keep their own handling."""

from __future__ import annotations

from harvest_support import keep
from hostile_server import Fault, HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester import OAIClient, harvest_source
from tsunagu.harvester.transport import HttpTransport
from tsunagu.records import Sector, Source
from tsunagu.store import HarvestRun, Store

UNTIL = "2026-11-25T12:00:00Z"  # the hostile server's clock
TOKEN_10, TOKEN_20 = f"10||{UNTIL}|", f"20||{UNTIL}|"


def register(store: Store, url: str) -> Source:
    source = Source(id="hostile", name="Hostile", base_url=url, sector=Sector.ARCHIVE)
    store.sources.add(source)
    return source


def harvest(store: Store, source: Source, settings: Settings) -> tuple[HarvestRun, list[float]]:
    """One run; the transport's waits are recorded instead of slept."""
    waits: list[float] = []
    with HttpTransport(settings, sleep=waits.append) as transport, \
            OAIClient(source, settings, transport) as client:
        run = harvest_source(source, store, settings, on_page=keep, client=client)
    return run, waits


def list_tokens(server: HostileServer) -> list[str | None]:
    return [query.get("resumptionToken") for query in server.requests
            if query.get("verb") == "ListRecords"]


def test_an_unknown_error_once_is_asked_again_after_a_backoff(
    store: Store, settings: Settings
) -> None:
    with HostileServer(items(25), faults=[Fault("oai_error", at=2)]) as server:
        run, waits = harvest(store, register(store, server.url), settings)
    assert run.status == "ok", run.error
    assert store.raw.identifiers("hostile") == {item.identifier for item in server.items}
    assert run.new == 25
    # Page 2's request once more, with the same token, after one backoff (base 1 s, jitter).
    assert list_tokens(server) == [None, TOKEN_10, TOKEN_10, TOKEN_20]
    assert len(waits) == 1 and 0.5 <= waits[0] <= 1.0
    [issue] = store.runs.log.issues(run.id, ["retry"])
    assert "unknownError" in issue.message and "the query could not be run" in issue.message


def test_an_unknown_error_that_persists_fails_the_run_naming_it_and_keeps_the_pages(
    store: Store, settings: Settings
) -> None:
    with HostileServer(items(25), faults=[Fault("oai_error", at=2, times=None)]) as server:
        source = register(store, server.url)
        run, _waits = harvest(store, source, settings)
        assert run.status == "failed"
        assert "unknownError" in (run.error or "")
        assert "cannot be split further" in (run.error or "")  # a window failure, split
        kinds = [issue.message for issue in store.runs.log.issues(run.id, ["retry"])]
        assert any("splitting" in message for message in kinds)
        assert store.raw.count("hostile") == 10  # page 1 stays
        checkpoint = store.runs.checkpoint("hostile")
        assert checkpoint is not None and checkpoint.token == TOKEN_10
        server.faults.clear()  # the server recovers: the same run goes on from page 2
        resumed, _waits = harvest(store, source, settings)
    assert resumed.id == run.id and resumed.status == "ok", resumed.error
    assert store.raw.identifiers("hostile") == {item.identifier for item in server.items}
    assert list_tokens(server)[-2:] == [TOKEN_10, TOKEN_20]


def test_an_error_code_the_protocol_defines_is_not_asked_again(
    store: Store, settings: Settings
) -> None:
    fault = Fault("oai_error", at=2, times=None, code="cannotDisseminateFormat")
    with HostileServer(items(25), faults=[fault]) as server:
        run, waits = harvest(store, register(store, server.url), settings)
    assert run.status == "failed" and "cannotDisseminateFormat" in (run.error or "")
    assert list_tokens(server) == [None, TOKEN_10]  # no second ask, no split
    assert waits == []
    assert store.runs.log.issues(run.id, ["retry"]) == []
    assert store.raw.count("hostile") == 10
