"""The harvester against a hostile OAI-PMH server on 127.0.0.1: one test per behaviour."""

from __future__ import annotations

import calendar
import dataclasses
import time

import pytest
from harvest_support import keep
from hostile_server import DAY, Fault, HostileServer, Item, http_date, items

from tsunagu.config import Settings
from tsunagu.harvester import approve, harvest_source, reject
from tsunagu.records import Sector, Source
from tsunagu.store import HarvestRun, Store

UNTIL = "2026-11-25T12:00:00Z"  # the hostile server's clock: until is always sent
TOKEN_10, TOKEN_20 = f"10||{UNTIL}|", f"20||{UNTIL}|"


@pytest.fixture
def fast(settings: Settings) -> Settings:
    """Short timeouts and tiny backoffs so that faults cost little time."""
    return dataclasses.replace(settings, read_timeout=0.5, connect_timeout=0.5,
                               retry_attempts=3)


def register(store: Store, url: str, sid: str = "hostile",
             sets: tuple[str, ...] = ()) -> Source:
    source = Source(id=sid, name="Hostile", base_url=url, sector=Sector.ARCHIVE, set_specs=sets)
    store.sources.add(source)
    return source


def harvest(store: Store, source: Source, settings: Settings, **kw: bool) -> HarvestRun:
    return harvest_source(source, store, settings, on_page=keep, **kw)


def serve(records: list[Item], *faults: Fault, **kw: object) -> HostileServer:
    return HostileServer(records, faults=list(faults), **kw)  # type: ignore[arg-type]


def assert_complete(store: Store, server: HostileServer, run: HarvestRun) -> None:
    assert run.status == "ok", run.error
    expected = {item.identifier for item in server.items if item.title is not None}
    assert store.raw.identifiers("hostile") == expected
    assert store.runs.checkpoint("hostile") is None


# -- transport -------------------------------------------------------------------

def test_503_with_retry_after_seconds_is_waited_out(store: Store, fast: Settings) -> None:
    with serve(items(25), Fault("status", at=2, status=503,
                                headers={"Retry-After": "1"})) as server:
        started = time.monotonic()
        run = harvest(store, register(store, server.url), fast)
    assert_complete(store, server, run)
    assert time.monotonic() - started >= 1.0
    assert run.requests == 2 + 4  # Identify, ListMetadataFormats, 3 pages, one 503
    statuses = [entry.status for entry in store.runs.log.requests(run.id)]
    assert statuses == [200, 200, 200, 503, 200, 200]


def test_503_with_retry_after_as_http_date(store: Store, fast: Settings) -> None:
    with serve(items(25), Fault("status", at=1, status=503,
                                headers={"Retry-After": http_date(2)})) as server:
        started = time.monotonic()
        run = harvest(store, register(store, server.url), fast)
    assert_complete(store, server, run)
    assert time.monotonic() - started >= 0.9  # the date was read, not ignored or crashed on


def test_retry_after_too_long_parks_the_source_and_resumes_later(
    store: Store, fast: Settings
) -> None:
    short_park = dataclasses.replace(fast, max_park_seconds=1.0)
    with serve(items(25), Fault("status", at=2, status=503,
                                headers={"Retry-After": "86400"})) as server:
        source = register(store, server.url)
        parked = harvest(store, source, short_park)
        assert parked.status == "parked" and parked.resume_after is not None
        assert "86400" in (parked.error or "")
        assert store.raw.count("hostile") == 10  # the first page is kept
        asked = len(server.requests)
        again = harvest(store, source, short_park)  # before resume_after: not asked at all
        assert again.id == parked.id and again.status == "parked"
        assert len(server.requests) == asked
        time.sleep(1.1)
        resumed = harvest(store, source, short_park)
    assert resumed.id == parked.id
    assert_complete(store, server, resumed)
    assert resumed.new == 25
    assert server.requests[asked + 1] == {"verb": "ListMetadataFormats"}  # checked again
    assert server.requests[asked + 2] == {"verb": "ListRecords",
                                          "resumptionToken": TOKEN_10}


def test_a_long_retry_after_is_clamped_by_the_park_limit(store: Store, fast: Settings) -> None:
    # The server asks for 10^7 s (116 days); the source is parked for the clamp,
    # max_park_seconds (a day by default), not for what the server asked.
    assert fast.max_park_seconds == 86400
    with serve(items(5), Fault("status", at=1, status=429,
                               headers={"Retry-After": str(10**7)})) as server:
        before = time.time()
        run = harvest(store, register(store, server.url), fast)
        after = time.time()
    assert run.status == "parked" and str(10**7) in (run.error or "")
    assert run.resume_after is not None
    resume = calendar.timegm(time.strptime(run.resume_after, "%Y-%m-%dT%H:%M:%SZ"))
    assert before + 86400 - 1 <= resume <= after + 86400 + 1


def test_500_once_is_retried(store: Store, fast: Settings) -> None:
    with serve(items(25), Fault("status", at=3, status=500)) as server:
        run = harvest(store, register(store, server.url), fast)
    assert_complete(store, server, run)
    assert run.new == 25


def test_a_stalled_socket_times_out_and_is_retried(store: Store, fast: Settings) -> None:
    with serve(items(25), Fault("stall", at=2)) as server:
        started = time.monotonic()
        run = harvest(store, register(store, server.url), fast)
    assert_complete(store, server, run)
    assert time.monotonic() - started < 10
    errors = [e for e in store.runs.log.requests(run.id) if e.error]
    assert len(errors) == 1 and "Timeout" in (errors[0].error or "")


def test_a_server_that_never_answers_fails_the_run_in_bounded_time(
    store: Store, fast: Settings
) -> None:
    # From the 4th request on (Identify, ListMetadataFormats, page 1, page 2) nothing is
    # answered: the window is not split, since the server does not answer Identify either.
    with serve(items(25), Fault("stall", at=4, times=None, verb="*")) as server:
        started = time.monotonic()
        run = harvest(store, register(store, server.url), fast)
    assert run.status == "failed" and "Timeout" in (run.error or "")
    assert time.monotonic() - started < 15
    checkpoint = store.runs.checkpoint("hostile")
    assert checkpoint is not None and checkpoint.token == TOKEN_10  # resumable


def test_a_trickling_page_is_cut_at_the_response_deadline_and_fetched_again(
    store: Store, fast: Settings
) -> None:
    # Page 2 trickles in over 8 s, each read well inside the 0.5 s read timeout.
    capped = dataclasses.replace(fast, response_deadline=0.6)
    with serve(items(25), Fault("trickle", at=2, seconds=8)) as server:
        started = time.monotonic()
        run = harvest(store, register(store, server.url), capped)
    assert_complete(store, server, run)
    assert time.monotonic() - started < 5
    [error] = [e for e in store.runs.log.requests(run.id) if e.error]
    assert "deadline" in (error.error or "") and server.list_requests == 4


def test_a_connection_dropped_mid_body_is_retried(store: Store, fast: Settings) -> None:
    with serve(items(25), Fault("drop", at=2)) as server:
        run = harvest(store, register(store, server.url), fast)
    assert_complete(store, server, run)
    assert run.new == 25


def test_a_truncated_page_is_fetched_again(store: Store, fast: Settings) -> None:
    with serve(items(25), Fault("truncate", at=2)) as server:
        run = harvest(store, register(store, server.url), fast)
    assert_complete(store, server, run)
    assert run.new == 25 and store.quarantine.list("hostile") == []
    assert server.list_requests == 4


def test_gzip_without_header_is_read(store: Store, fast: Settings) -> None:
    with serve(items(25), Fault("gzip", at=1, times=None)) as server:
        run = harvest(store, register(store, server.url), fast)
    assert_complete(store, server, run)


def test_html_instead_of_xml_fails_with_a_snippet_and_keeps_the_checkpoint(
    store: Store, fast: Settings
) -> None:
    with serve(items(25), Fault("html", at=2, times=None)) as server:
        run = harvest(store, register(store, server.url), fast)
    assert run.status == "failed"
    assert "Maintenance" in (run.error or "")
    assert store.raw.count("hostile") == 10
    assert store.runs.checkpoint("hostile") is not None


# -- protocol --------------------------------------------------------------------

def test_an_empty_page_with_a_token_is_followed(store: Store, fast: Settings) -> None:
    with serve(items(25), Fault("empty", at=2)) as server:
        run = harvest(store, register(store, server.url), fast)
    assert_complete(store, server, run)
    assert run.new == 25 and server.list_requests == 4


def test_a_repeated_token_stops_with_an_error(store: Store, fast: Settings) -> None:
    with serve(items(25), Fault("repeat", at=2, times=None)) as server:
        run = harvest(store, register(store, server.url), fast)
    assert run.status == "failed" and "twice" in (run.error or "")
    assert store.raw.count("hostile") == 20
    assert run.new == 20  # nothing counted or stored twice


def test_an_expired_token_restarts_the_window(store: Store, fast: Settings) -> None:
    # The token is refused, and refused again when retried once: restart the window.
    with serve(items(25), Fault("expire", at=3, times=2)) as server:
        run = harvest(store, register(store, server.url), fast)
    assert_complete(store, server, run)
    assert run.new == 25
    assert [r.get("resumptionToken") for r in server.requests
            if r["verb"] == "ListRecords"] == [
        None, TOKEN_10, TOKEN_20, TOKEN_20, None, TOKEN_10, TOKEN_20]
    assert any("restarting" in i.message for i in store.runs.log.issues(run.id, ["retry"]))


# -- bad XML ---------------------------------------------------------------------

def test_illegal_control_characters_in_one_record_are_removed_and_flagged(
    store: Store, fast: Settings
) -> None:
    with serve(items(25), Fault("control", at=2)) as server:
        run = harvest(store, register(store, server.url), fast)
    assert_complete(store, server, run)
    assert run.repaired == 1 and run.quarantined == 0
    raw = store.raw.get("hostile", "oai:hostile:00010")
    assert raw is not None and "<dc:title>badRecord 10 東京</dc:title>" in raw.xml.decode()
    [issue] = store.runs.log.issues(run.id, ["repaired"])
    assert issue.oai_identifier == "oai:hostile:00010"
    assert "illegal XML characters" in issue.message


def test_an_unrepairable_record_is_quarantined_and_the_page_goes_on(
    store: Store, fast: Settings
) -> None:
    with serve(items(25), Fault("bad_record", at=2)) as server:
        run = harvest(store, register(store, server.url), fast)
    assert run.status == "ok", run.error
    assert run.quarantined == 1 and run.new == 24
    [bad] = store.quarantine.list("hostile")
    assert bad.oai_identifier == "oai:hostile:00010" and bad.stage == "parsing"
    assert b"</dc:titel>" in bad.raw and "resumptionToken=10" in bad.reason
    assert store.raw.get("hostile", "oai:hostile:00011") is not None


def test_the_error_budget_stops_a_run(store: Store, fast: Settings) -> None:
    budget = dataclasses.replace(fast, error_budget=1)
    with serve(items(45), Fault("bad_record", at=1, times=None)) as server:
        run = harvest(store, register(store, server.url), budget)
    assert run.status == "failed" and "error budget" in (run.error or "")
    assert run.quarantined == 2 and store.raw.count("hostile") == 18


# -- deletions and the mass-deletion guard ------------------------------------------

def test_deleted_records_become_tombstones(store: Store, fast: Settings) -> None:
    with serve(items(30)) as server:
        source = register(store, server.url)
        harvest(store, source, fast)
        for item in server.items[:2]:
            item.title, item.datestamp = None, "2026-11-25T11:30:00Z"
        server.clock = server.clock.replace(hour=13)
        run = harvest(store, source, fast)
    assert run.status == "ok", run.error
    assert run.deleted == 2
    tomb = store.raw.get("hostile", "oai:hostile:00000")
    assert tomb is not None and tomb.deleted
    assert store.raw.count("hostile") == 28
    assert store.runs.log.changes(run.id)["deleted"] == ["oai:hostile:00000",
                                                         "oai:hostile:00001"]


def test_a_sudden_90_percent_drop_is_held_until_approved(store: Store, fast: Settings) -> None:
    with serve(items(50)) as server:
        source = register(store, server.url)
        assert harvest(store, source, fast).new == 50
        del server.items[5:]
        server.clock = server.clock.replace(hour=13)
        held = harvest(store, source, fast, full=True)
        assert held.status == "held" and "45 of 50" in (held.error or "")
        assert store.raw.count("hostile") == 50  # nothing deleted
        high_water = store.sources.high_water("hostile")
        asked = len(server.requests)
        assert harvest(store, source, fast).id == held.id  # the source waits for a person
        assert len(server.requests) == asked
        done = approve(store, "hostile", held.id, keep)
    assert done.status == "ok" and done.deleted == 45
    assert store.raw.count("hostile") == 5
    assert store.sources.high_water("hostile") != high_water


def test_a_rejected_mass_deletion_deletes_nothing(store: Store, fast: Settings) -> None:
    with serve(items(20)) as server:
        source = register(store, server.url)
        harvest(store, source, fast)
        for item in server.items[:15]:
            item.title = None
        held = harvest(store, source, fast, full=True)
    assert held.status == "held"
    assert reject(store, "hostile", held.id).status == "rejected"
    assert store.raw.count("hostile") == 20


def test_a_full_harvest_reconciles_a_few_missing_records(store: Store, fast: Settings) -> None:
    with serve(items(50), deleted_record="no") as server:
        source = register(store, server.url)
        harvest(store, source, fast)
        del server.items[:3]  # gone without a deleted header
        run = harvest(store, source, fast, full=True)
    assert run.status == "ok" and run.deleted == 3 and run.full
    assert store.raw.count("hostile") == 47


def test_a_failed_full_harvest_deletes_nothing(store: Store, fast: Settings) -> None:
    with serve(items(50), Fault("html", at=3, times=None)) as server:
        source = register(store, server.url)
        server.faults[0].at = 10**6
        harvest(store, source, fast)
        server.faults[0].at = server.list_requests + 2
        run = harvest(store, source, fast, full=True)
    assert run.status == "failed"
    assert store.raw.count("hostile") == 50


# -- windows, granularity and sets ----------------------------------------------------

def test_day_granularity_windows_overlap_by_a_day(store: Store, fast: Settings) -> None:
    with serve(items(5), granularity=DAY) as server:
        source = register(store, server.url)
        first = harvest(store, source, fast)
        run = harvest(store, source, fast)
    assert first.status == run.status == "ok"
    listings = [r for r in server.requests if r["verb"] == "ListRecords"]
    assert listings[0] == {"verb": "ListRecords", "metadataPrefix": "oai_dc",
                           "until": "2026-11-25"}
    assert listings[1] == {"verb": "ListRecords", "metadataPrefix": "oai_dc",
                           "from": "2026-11-24", "until": "2026-11-25"}


def test_bad_argument_on_seconds_is_retried_at_day_granularity(
    store: Store, fast: Settings
) -> None:
    with serve(items(25), Fault("refuse_seconds", at=1, times=None)) as server:
        source = register(store, server.url)
        harvest(store, source, fast)
        run = harvest(store, source, fast)
    assert run.status == "ok", run.error
    # from = the last until minus the overlap, both then cut to days.
    assert server.requests[-1]["from"] == "2026-11-24"
    assert (run.from_param, run.until_param) == ("2026-11-24", "2026-11-25")
    assert store.sources.high_water("hostile") == "2026-11-25"


def test_a_server_that_refuses_lists_without_from_is_asked_from_earliest_datestamp(
    store: Store, fast: Settings
) -> None:
    # Like NDL Search (at most a year a list): the first window of a full harvest has
    # no from; it is asked again from Identify's earliestDatestamp.
    with serve(items(25), require_from=True) as server:
        source = register(store, server.url)
        run = harvest(store, source, fast)
        again = harvest(store, source, fast)  # incremental: from the high-water mark
    assert_complete(store, server, run)
    lists = [r for r in server.requests if r.get("verb") == "ListRecords"
             and "resumptionToken" not in r]
    assert "from" not in lists[0] and lists[1]["from"] == "2026-11-01T00:00:00Z"
    assert all("from" in r for r in lists[1:])
    issues = [i.message for i in store.runs.log.issues(run.id, ["retry"])]
    assert any("refused a list without from" in m and "2026-11-01T00:00:00Z" in m
               for m in issues), issues
    assert again.status == "ok" and again.new == 0


def test_a_refusal_without_from_and_no_earliest_datestamp_fails_the_run(
    store: Store, fast: Settings
) -> None:
    with serve(items(5), require_from=True, earliest="") as server:
        run = harvest(store, register(store, server.url), fast)
    assert run.status == "failed" and "badArgument" in (run.error or "")
    assert store.raw.count("hostile") == 0


def test_records_in_several_sets_are_stored_and_counted_once(
    store: Store, fast: Settings
) -> None:
    records = items(12, sets=("a",)) + items(8, prefix="oai:hostile:b", sets=("b",))
    for item in records[:4]:
        item.sets = ("a", "b")
    with serve(records) as server:
        run = harvest(store, register(store, server.url, sets=("a", "b")), fast)
    assert_complete(store, server, run)
    assert run.new == 20 and run.unchanged == 0
    assert {r.get("set") for r in server.requests if "set" in r} == {"a", "b"}


# -- politeness and deadline -------------------------------------------------------

def test_requests_to_one_host_are_spaced_and_identified(store: Store, fast: Settings) -> None:
    polite = dataclasses.replace(fast, request_delay=0.2)
    with serve(items(30)) as server:
        harvest(store, register(store, server.url), polite)
    gaps = [b - a for a, b in zip(server.times, server.times[1:], strict=False)]
    assert len(gaps) == 4 and min(gaps) >= 0.19  # Identify, formats, 3 pages
    headers = server.headers[0]
    assert headers["user-agent"].startswith("tsunagu/")
    assert "text/xml" in headers["accept"] and "gzip" in headers["accept-encoding"]


def test_the_run_deadline_parks_the_source_with_its_checkpoint(
    store: Store, fast: Settings
) -> None:
    tight = dataclasses.replace(fast, run_deadline=0.0)
    with serve(items(25)) as server:
        source = register(store, server.url)
        run = harvest(store, source, tight)
        assert run.status == "parked" and "deadline" in (run.error or "")
        assert store.raw.count("hostile") == 10
        resumed = harvest(store, source, fast)
    assert resumed.id == run.id
    assert_complete(store, server, resumed)


def test_every_request_is_logged_with_the_run(store: Store, fast: Settings) -> None:
    with serve(items(25), Fault("status", at=2, status=500)) as server:
        run = harvest(store, register(store, server.url), fast)
    log = store.runs.log.requests(run.id)
    assert len(log) == run.requests == len(server.requests) == 6
    assert log[0].query == "verb=Identify" and log[1].query == "verb=ListMetadataFormats"
    assert log[3].status == 500
    assert all(entry.ms >= 0 and entry.bytes > 0 for entry in log)
