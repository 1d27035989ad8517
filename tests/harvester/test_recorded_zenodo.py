"""Zenodo's recorded OAI-PMH traffic replayed over HTTP through real harvests.

Each request is answered with the recorded interaction whose request it is
(``fixtures/oai/zenodo/INDEX.tsv``), with the recorded status (OAI errors come as
HTTP 422), ``Content-Type`` and ``Retry-After``. The harvester always sends
``until`` (the server's clock from Identify) and the recordings were made without
it, so ``until`` is left out when a request is looked up. A request the recording
does not hold gets the ``unrecorded`` body given, or HTTP 501 (the run then fails
with a message naming the status, which the tests would show).

The real list is ``list_records__05`` (3 records) -> ``__09`` (3 records, one
deleted header) -> ``__08`` (3 records, no token: the end), tokens as recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from harvest_support import Recorded, ReplayServer, Responder, zenodo, zenodo_recordings

from tsunagu.config import Settings
from tsunagu.errors import OAIError
from tsunagu.harvester import OAIClient, harvest_source
from tsunagu.harvester.protocol import parse_list_records, parse_xml, raise_for_oai_error
from tsunagu.harvester.transport import HttpTransport
from tsunagu.records import RawRecord, Sector, Source
from tsunagu.store import ChangeKind, HarvestRun, Store

RECORDED = zenodo_recordings()
Answer = tuple[int, dict[str, str], bytes]
Replay = Callable[[Responder], ReplayServer]

#: The identifiers of the recorded list, page by page.
CHAIN = {
    "list_records__05_200.body": ["oai:zenodo.org:8435696", "oai:zenodo.org:8435639",
                                  "oai:zenodo.org:8433301"],
    "list_records__09_200.body": ["oai:zenodo.org:8433364", "oai:zenodo.org:8333281",
                                  "oai:zenodo.org:8321258"],
    "list_records__08_200.body": ["oai:zenodo.org:20589672", "oai:zenodo.org:20590449",
                                  "oai:zenodo.org:20565714"],
}
DELETED = "oai:zenodo.org:8433364"  # status="deleted" on page __09, live in __07 (set software)
TOKEN_5 = RECORDED["list_records__09_200.body"].query["resumptionToken"]  # __05's token
TOKEN_9 = RECORDED["list_records__08_200.body"].query["resumptionToken"]  # __09's token


def answer(recorded: Recorded) -> Answer:
    return recorded.status, dict(recorded.headers), zenodo(recorded.name)


def zenodo_replay(*, unrecorded: str | None = None,
                  before: Callable[[dict[str, str]], Answer | None] | None = None
                  ) -> Callable[[dict[str, str]], Answer]:
    """A responder for :class:`ReplayServer`; ``before`` may answer a request first."""
    by_query = {tuple(sorted(r.query.items())): r for r in RECORDED.values()
                if r.query.get("verb")}

    def respond(query: dict[str, str]) -> Answer:
        if before is not None and (early := before(query)) is not None:
            return early
        asked = tuple(sorted((k, v) for k, v in query.items() if k != "until"))
        if asked in by_query:
            return answer(by_query[asked])
        if unrecorded is not None:
            return answer(RECORDED[unrecorded])
        return 501, {"Content-Type": "text/plain"}, f"not recorded: {query}".encode()

    return respond


def source_at(store: Store, url: str, *, prefix: str = "oai_dc",
              sets: tuple[str, ...] = ()) -> Source:
    # One window (window_days=0): monthly windows from 2014 would ask 150 unrecorded ranges.
    source = Source(id="zenodo", name="Zenodo", base_url=url, sector=Sector.RESEARCH_REPOSITORY,
                    metadata_prefix=prefix, set_specs=sets, window_days=0)
    store.sources.add(source)
    return source


def harvest(store: Store, source: Source, settings: Settings, sleeps: list[float],
            changes: list[tuple[str, ChangeKind]] | None = None) -> HarvestRun:
    """A harvest whose transport records the waits it is asked for instead of sleeping."""

    def on_page(page: Sequence[tuple[RawRecord, ChangeKind]], run_id: int) -> int:
        if changes is not None:
            changes.extend((raw.oai_identifier, kind) for raw, kind in page)
        return 0

    transport = HttpTransport(settings, sleep=sleeps.append)
    with OAIClient(source, settings, transport) as client:
        return harvest_source(source, store, settings, on_page=on_page, client=client)


def listings(server: ReplayServer) -> list[dict[str, str]]:
    return [{k: v for k, v in q.items() if k != "until"} for q in server.requests
            if q.get("verb") == "ListRecords"]


#: Every recorded OAI error (all sent with HTTP 422) and what its body says.
ERRORS = {
    "get_record__00_422.body": ("badArgument", "metadataPrefix does not exist"),
    "id_does_not_exist__00_422.body": ("idDoesNotExist", "No matching identifier"),
    "list_identifiers__02_422.body": ("noRecordsMatch", ""),
    "list_identifiers__03_422.body": ("badArgument", "metadataPrefix does not exist"),
    "list_identifiers__06_422.body": ("noRecordsMatch", ""),
    "list_identifiers__10_422.body": ("badResumptionToken", "invalid or expired"),
    "list_metadata_formats__02_422.body": ("idDoesNotExist", "No matching identifier"),
    "list_records__02_422.body": ("noRecordsMatch", ""),
    "list_records__03_422.body": ("badArgument", "metadataPrefix does not exist"),
    "list_records__06_422.body": ("noRecordsMatch", ""),
    "list_records__10_422.body": ("badResumptionToken", "invalid or expired"),
    "list_sets__01_422.body": ("badResumptionToken", "invalid or expired"),
}


def test_the_fixtures_hold_all_twelve_recorded_422_errors() -> None:
    assert sorted(n for n, r in RECORDED.items() if r.status == 422) == sorted(ERRORS)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_each_recorded_422_is_read_from_its_body_asked_once_without_waiting(
    replay: Replay, store: Store, settings: Settings, name: str
) -> None:
    recorded = RECORDED[name]
    assert recorded.status == 422 and recorded.headers["Retry-After"] in {"33", "48", "59", "60"}
    server = replay(lambda query: answer(recorded))
    sleeps: list[float] = []
    source = source_at(store, server.url)
    with OAIClient(source, settings, HttpTransport(settings, sleep=sleeps.append)) as client:
        response = client.request(dict(recorded.query))
    # 422 is not a status to retry, and a Retry-After beside it is no request to wait.
    assert response.status == 422 and len(server.requests) == 1 and sleeps == []
    assert server.requests[0] == recorded.query  # sent as recorded, encoded once
    code, words = ERRORS[name]
    with pytest.raises(OAIError) as raised:
        raise_for_oai_error(parse_xml(response.body))
    assert raised.value.code == code and words in raised.value.message


def test_the_recorded_list_is_harvested_and_its_deleted_header_becomes_a_tombstone(
    replay: Replay, store: Store, settings: Settings
) -> None:
    # The record was live in the recorded ``set=software`` page: store it as that page has it.
    [live] = [r for r in parse_list_records(zenodo("list_records__07_200.body"),
                                            source_id="zenodo", metadata_prefix="oai_dc").records
              if r.oai_identifier == DELETED]
    assert not live.deleted and b"<dc:" in live.xml
    server = replay(zenodo_replay())
    source = source_at(store, server.url)
    store.raw.put(live)
    sleeps: list[float] = []
    changes: list[tuple[str, ChangeKind]] = []
    run = harvest(store, source, settings, sleeps, changes)
    assert run.status == "ok", run.error
    assert listings(server) == [{"verb": "ListRecords", "metadataPrefix": "oai_dc"},
                                {"verb": "ListRecords", "resumptionToken": TOKEN_5},
                                {"verb": "ListRecords", "resumptionToken": TOKEN_9}]
    every = {i for ids in CHAIN.values() for i in ids}
    assert store.raw.identifiers("zenodo") == every - {DELETED}
    assert store.raw.count("zenodo", include_deleted=True) == 9
    tombstone = store.raw.get("zenodo", DELETED)
    assert tombstone is not None and tombstone.deleted and tombstone.xml == b""
    assert tombstone.datestamp == "2023-10-12T03:01:25Z" and tombstone.set_specs == ("software",)
    assert (run.new, run.deleted) == (8, 1) and (DELETED, ChangeKind.DELETED) in changes
    # Every recorded response carried Retry-After (48-60 s) with a 200: no wait is asked.
    assert sleeps == []
    assert store.sources.high_water("zenodo") == "2026-08-10T08:56:30Z"  # Identify's clock


def test_a_recorded_retry_after_on_a_429_is_waited_for_exactly(
    replay: Replay, store: Store, settings: Settings
) -> None:
    # The recording has no 429 or 503: the first page is refused once with the status a
    # rate limiter sends, carrying the Retry-After recorded with that page ("56").
    refused: list[dict[str, str]] = []

    def once(query: dict[str, str]) -> Answer | None:
        if query.get("metadataPrefix") == "oai_dc" and not refused:
            refused.append(query)
            headers = {"Retry-After": RECORDED["list_records__05_200.body"].headers["Retry-After"]}
            return 429, headers, b"Too Many Requests"
        return None

    server = replay(zenodo_replay(before=once))
    sleeps: list[float] = []
    run = harvest(store, source_at(store, server.url), settings, sleeps)
    assert run.status == "ok", run.error
    assert sleeps == [56.0]
    assert len(listings(server)) == 4  # the refused request, then the three pages
    assert store.raw.count("zenodo", include_deleted=True) == 9


def test_zenodos_own_bad_resumption_token_is_retried_once_with_the_same_token(
    replay: Replay, store: Store, settings: Settings
) -> None:
    rejected: list[str] = []

    def expire_once(query: dict[str, str]) -> Answer | None:
        if query.get("resumptionToken") == TOKEN_5 and not rejected:
            rejected.append(TOKEN_5)
            return answer(RECORDED["list_records__10_422.body"])  # Zenodo: token expired
        return None

    server = replay(zenodo_replay(before=expire_once))
    sleeps: list[float] = []
    run = harvest(store, source_at(store, server.url), settings, sleeps)
    assert run.status == "ok", run.error
    tokens = [q.get("resumptionToken") for q in listings(server)]
    assert tokens == [None, TOKEN_5, TOKEN_5, TOKEN_9]
    assert len(sleeps) == 1 and 0.5 <= sleeps[0] <= 1.0  # one backoff (base 1 s, jitter)
    assert store.raw.count("zenodo", include_deleted=True) == 9 and run.new == 8


def test_a_token_rejected_twice_restarts_the_window_and_counts_nothing_twice(
    replay: Replay, store: Store, settings: Settings
) -> None:
    rejected: list[str] = []

    def expire_twice(query: dict[str, str]) -> Answer | None:
        if query.get("resumptionToken") == TOKEN_9 and len(rejected) < 2:
            rejected.append(TOKEN_9)
            return answer(RECORDED["list_records__10_422.body"])
        return None

    server = replay(zenodo_replay(before=expire_twice))
    run = harvest(store, source_at(store, server.url), settings, [])
    assert run.status == "ok", run.error
    tokens = [q.get("resumptionToken") for q in listings(server)]
    assert tokens == [None, TOKEN_5, TOKEN_9, TOKEN_9, None, TOKEN_5, TOKEN_9]
    assert store.raw.count("zenodo", include_deleted=True) == 9
    assert (run.new, run.unchanged, run.deleted) == (8, 0, 1)
    assert any("restarting" in i.message for i in store.runs.log.issues(run.id, ["retry"]))


def test_a_set_missing_from_the_recorded_list_sets_fails_before_any_listing(
    replay: Replay, store: Store, settings: Settings
) -> None:
    # The recorded ListSets is two pages (5 + 5 sets; the second carries no token).
    server = replay(zenodo_replay())
    run = harvest(store, source_at(store, server.url, sets=("XXX",)), settings, [])
    assert run.status == "failed" and "no longer has the set(s) XXX" in (run.error or "")
    assert [q.get("resumptionToken") for q in server.requests if q["verb"] == "ListSets"] == [
        None, RECORDED["list_sets__02_200.body"].query["resumptionToken"]]
    assert listings(server) == []


def test_a_set_zenodo_does_not_have_unchecked_is_an_empty_success_with_a_warning(
    replay: Replay, store: Store, settings: Settings
) -> None:
    # Zenodo answers an unknown set with noRecordsMatch (list_records__06), not an error; here
    # ListSets cannot be read to its end: its second page is refused as Zenodo refused a token
    # it did not know (list_sets__01), so the set is harvested unchecked.
    def no_second_page(query: dict[str, str]) -> Answer | None:
        if query.get("verb") == "ListSets" and "resumptionToken" in query:
            return answer(RECORDED["list_sets__01_422.body"])
        return None

    server = replay(zenodo_replay(before=no_second_page))
    run = harvest(store, source_at(store, server.url, sets=("XXX",)), settings, [])
    assert run.status == "ok", run.error
    assert [q["verb"] for q in server.requests] == [
        "Identify", "ListMetadataFormats", "ListSets", "ListSets", "ListRecords"]
    assert listings(server) == [{"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "XXX"}]
    assert store.raw.count("zenodo", include_deleted=True) == 0 and run.new == 0
    [warning] = [i.message for i in store.runs.log.issues(run.id, ["check"])]
    assert warning.startswith("ListSets failed") and "badResumptionToken" in warning
    assert store.sources.high_water("zenodo") == "2026-08-10T08:56:30Z"


def test_an_unknown_prefix_is_refused_from_list_metadata_formats_before_any_listing(
    replay: Replay, store: Store, settings: Settings
) -> None:
    server = replay(zenodo_replay())
    run = harvest(store, source_at(store, server.url, prefix="XXX"), settings, [])
    assert run.status == "failed" and "metadataPrefix 'XXX'" in (run.error or "")
    assert listings(server) == []


def test_an_unknown_prefix_unchecked_ends_on_zenodos_bad_argument_in_bounded_requests(
    replay: Replay, store: Store, settings: Settings
) -> None:
    # ListMetadataFormats answered with the recorded 422 idDoesNotExist: the prefix cannot be
    # checked; ListRecords then gets Zenodo's badArgument (list_records__03) for it, also for
    # the ranges the harvester tries next (from earliestDatestamp, then whole days).
    def no_formats(query: dict[str, str]) -> Answer | None:
        if query.get("verb") == "ListMetadataFormats":
            return answer(RECORDED["list_metadata_formats__02_422.body"])
        return None

    server = replay(zenodo_replay(before=no_formats, unrecorded="list_records__03_422.body"))
    run = harvest(store, source_at(store, server.url, prefix="XXX"), settings, [])
    assert run.status == "failed"
    assert "badArgument" in (run.error or "") and "metadataPrefix does not exist" in (
        run.error or "")
    asked = listings(server)
    assert [q.get("from") for q in asked] == [None, "2014-02-03T14:41:33Z", "2014-02-03"]
    assert all(q["metadataPrefix"] == "XXX" for q in asked)
    assert store.raw.count("zenodo", include_deleted=True) == 0
    [warning] = [i.message for i in store.runs.log.issues(run.id, ["check"])]
    assert warning.startswith("ListMetadataFormats failed") and "idDoesNotExist" in warning


def test_an_incremental_run_after_the_list_is_an_empty_success_from_the_recorded_422(
    replay: Replay, store: Store, settings: Settings
) -> None:
    # Any request with ``from`` gets the recorded noRecordsMatch for ``from=2030-01-01``.
    def later(query: dict[str, str]) -> Answer | None:
        return answer(RECORDED["list_records__02_422.body"]) if "from" in query else None

    server = replay(zenodo_replay(before=later))
    source = source_at(store, server.url)
    assert harvest(store, source, settings, []).status == "ok"
    server.requests.clear()
    second = harvest(store, source, settings, [])
    assert second.status == "ok", second.error
    assert [q.get("from") for q in server.requests if q["verb"] == "ListRecords"] == [
        "2026-08-10T07:56:30Z"]  # the mark minus the hour of overlap
    assert (second.new, second.deleted) == (0, 0)
    assert store.raw.count("zenodo", include_deleted=True) == 9
