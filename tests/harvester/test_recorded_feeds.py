"""Recorded pages of other real servers, served over HTTP and harvested into a real store.

The pages (``fixtures/oai/PROVENANCE.md``): an Ex Libris Alma MARCXML page and a DOAJ
``oai_doaj`` page (both from VuFind's harvester tests), a SubjectsPlus page, and
Harvard's MODS page and ListSets (from DPLA's ingestion3). None of them came with an
Identify, so the replay answers Identify with VuFind's recorded Identify of its test
server, and ListMetadataFormats (never recorded) with HTTP 404: the harvest goes on
with a warning. Each recorded page ends with a resumption token whose next page was
not recorded; the replay answers that token with :func:`closing_page`, an empty
last page of our own, unless the test says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from harvest_support import ReplayServer, Responder, keep
from lxml import etree

from tsunagu.config import Settings
from tsunagu.harvester import OAIClient, harvest_source
from tsunagu.harvester.probe import list_sets
from tsunagu.harvester.transport import HttpTransport
from tsunagu.records import Sector, Source
from tsunagu.store import HarvestRun, Store

FIXTURES = Path(__file__).parent.parent / "fixtures" / "oai"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
Answer = tuple[int, dict[str, str], bytes]
Replay = Callable[[Responder], ReplayServer]
XML = {"Content-Type": "text/xml; charset=utf-8"}


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def closing_page(size: int) -> bytes:
    """The last page of a list: no records, an empty token (ours, not recorded)."""
    return (b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            b"<responseDate>2024-08-04T16:02:28Z</responseDate>"
            b'<request verb="ListRecords">http://127.0.0.1/oai</request><ListRecords>'
            b'<resumptionToken completeListSize="%d" cursor="%d"/></ListRecords></OAI-PMH>'
            % (size, size))


def feed(page: bytes, *, sets: bytes | None = None, after_token: Callable[[], bytes] | None = None
         ) -> Callable[[dict[str, str]], Answer]:
    """A server with one recorded ListRecords page (and optionally its ListSets)."""

    def respond(query: dict[str, str]) -> Answer:
        verb = query.get("verb")
        if verb == "Identify":
            return 200, XML, fixture("vufind/identify_response.xml")
        if verb == "ListSets" and sets is not None:
            return 200, XML, sets
        if verb == "ListRecords" and "resumptionToken" not in query:
            return 200, XML, page
        if verb == "ListRecords" and after_token is not None:
            return 200, XML, after_token()
        return 404, {"Content-Type": "text/plain"}, b"not recorded"

    return respond


def run_on(store: Store, server: ReplayServer, settings: Settings, *, prefix: str,
           sets: tuple[str, ...] = (), sleeps: list[float] | None = None) -> HarvestRun:
    source = Source(id="feed", name="Feed", base_url=server.url, sector=Sector.LIBRARY,
                    metadata_prefix=prefix, set_specs=sets, window_days=0)
    if not store.sources.list():
        store.sources.add(source)
    waits: list[float] = [] if sleeps is None else sleeps
    with OAIClient(source, settings, HttpTransport(settings, sleep=waits.append)) as client:
        return harvest_source(source, store, settings, on_page=keep, client=client)


def canonical(element: etree._Element) -> bytes:
    form: bytes = etree.tostring(element, method="c14n", exclusive=True, with_comments=True)
    return form


def recorded_metadata(page: bytes) -> dict[str, bytes]:
    """Each record's metadata as it stands in the recorded page, in exclusive canonical form.

    Exclusive C14N is the form for a subtree taken out of its document; the inclusive
    form of a subtree in place is unusable here: libxml2 writes ``xmlns=""`` on the Alma
    page's nested ``<subfield>`` elements, which are in the MARC namespace.
    """
    root = etree.fromstring(page)
    found: dict[str, bytes] = {}
    for record in root.iter(f"{OAI}record"):
        identifier = record.findtext(f"{OAI}header/{OAI}identifier")
        [payload] = [e for e in record.find(f"{OAI}metadata") if isinstance(e.tag, str)]
        assert identifier is not None and identifier not in found
        found[identifier] = canonical(payload)
    return found


def assert_stored_as_recorded(store: Store, page: bytes, count: int,
                              besides: frozenset[str] = frozenset()) -> dict[str, bytes]:
    """The live records are exactly the page's (and ``besides``), each payload C14N-equal
    to the page's."""
    recorded = recorded_metadata(page)
    assert len(recorded) == count
    stored = {raw.oai_identifier: raw for raw in store.raw.iter("feed", include_deleted=False)}
    assert set(stored) == set(recorded) | besides
    for identifier, form in recorded.items():
        assert canonical(etree.fromstring(stored[identifier].xml)) == form, identifier
    return recorded


def warnings(store: Store, run: HarvestRun) -> list[str]:
    return [i.message for i in store.runs.log.issues(run.id, ["check"])]


def test_the_alma_marcxml_page_is_harvested_and_stored_as_recorded(
    replay: Replay, store: Store, settings: Settings
) -> None:
    # The Alma page's token is answered with the page VuFind's tests follow it with: a deleted
    # header without datestamp (fake:foo1) and a record whose metadata is <foo/> (fake:foo2).
    page = fixture("vufind/marc.xml")
    server = replay(feed(page, after_token=lambda: fixture("vufind/list_records_response.xml")))
    run = run_on(store, server, settings, prefix="marc21")
    assert run.status == "ok", run.error
    assert [q.get("resumptionToken") for q in server.requests if q["verb"] == "ListRecords"] == [
        None, "fakeresumptiontoken"]
    assert (run.new, run.deleted, run.repaired, run.quarantined) == (101, 1, 0, 0)
    foo2 = store.raw.get("feed", "fake:foo2")
    assert foo2 is not None and etree.fromstring(foo2.xml).tag == f"{OAI}foo"
    foo1 = store.raw.get("feed", "fake:foo1")
    assert foo1 is not None and foo1.deleted and foo1.datestamp == ""
    recorded = assert_stored_as_recorded(store, page, 100, frozenset({"fake:foo2"}))
    first = store.raw.get("feed", "oai:urm_publish:9925821506101791")
    assert first is not None and first.datestamp == "2016-05-02T08:06:51Z"
    assert first.set_specs == ("TESTING_DIGI_TEST", "TESTING_DIGI")
    assert all(etree.QName(etree.fromstring(c)).localname == "record" for c in recorded.values())
    assert warnings(store, run)[0].startswith("ListMetadataFormats failed")


def test_the_dpla_mods_page_is_harvested_from_its_set_and_stored_as_recorded(
    replay: Replay, store: Store, settings: Settings
) -> None:
    # Harvard's server, recorded the same day: ListSets lists "botanicals", the page's set.
    page = fixture("dpla/oai-page.xml")
    server = replay(feed(page, sets=fixture("dpla/oai-sets.xml"),
                         after_token=lambda: closing_page(4147)))
    run = run_on(store, server, settings, prefix="mods", sets=("botanicals",))
    assert run.status == "ok", run.error
    assert [q["verb"] for q in server.requests] == [
        "Identify", "ListMetadataFormats", "ListSets", "ListRecords", "ListRecords"]
    first, after = [q for q in server.requests if q["verb"] == "ListRecords"]
    assert (first["set"], first["metadataPrefix"]) == ("botanicals", "mods")
    assert after == {"verb": "ListRecords",
                     "resumptionToken": "AoEuYXJuMDAwMDdjMDAwMTE=:botanicals:10:mods"}
    recorded = assert_stored_as_recorded(store, page, 10)
    assert sorted(recorded) == [f"arn00007c000{n:02d}" for n in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11)]
    assert {raw.datestamp for raw in store.raw.iter("feed")} == {"20210311"}  # as written
    assert (run.new, run.repaired, run.quarantined) == (10, 0, 0)


def test_one_bare_ampersand_in_the_dpla_page_quarantines_that_record_only(
    replay: Replay, store: Store, settings: Settings
) -> None:
    title = b"<mods:title>Plate 1. Clematis cylindrica"
    page = fixture("dpla/oai-page.xml").replace(title, title.replace(b"Clematis", b"Clematis &"))
    server = replay(feed(page, after_token=lambda: closing_page(4147)))
    run = run_on(store, server, settings, prefix="mods")
    assert run.status == "ok", run.error
    assert (run.new, run.quarantined) == (9, 1)
    assert "arn00007c00001" not in store.raw.identifiers("feed")


def test_the_doaj_page_is_stored_as_recorded_after_vufinds_token_error_once(
    replay: Replay, store: Store, settings: Settings
) -> None:
    # The token is refused once with VuFind's recorded badResumptionToken (HTTP 200), then
    # the list ends: the same token is sent again after one backoff.
    page = fixture("vufind/oai_doaj.xml")
    answers = [fixture("vufind/token_error_response.xml"), closing_page(100)]
    server = replay(feed(page, after_token=lambda: answers.pop(0)))
    sleeps: list[float] = []
    run = run_on(store, server, settings, prefix="oai_doaj", sleeps=sleeps)
    assert run.status == "ok", run.error
    token = "eyJtIjogIm9haV9kb2FqIiwgIm4iOiAxMDB9"
    assert [q.get("resumptionToken") for q in server.requests if q["verb"] == "ListRecords"] == [
        None, token, token]
    assert len(sleeps) == 1 and 0.5 <= sleeps[0] <= 1.0
    recorded = assert_stored_as_recorded(store, page, 100)
    assert all(etree.QName(etree.fromstring(c)).localname == "doajArticle"
               for c in recorded.values())
    first = store.raw.get("feed", "oai:doaj.org/article:84d148928d694848ab183fa142fc18f8")
    assert first is not None and first.set_specs == ("TENDOk1lZGljaW5l", "TENDOlNjaWVuY2U~")
    assert run.new == 100


def test_an_unknown_oai_error_is_asked_again_once_and_the_run_goes_on(
    replay: Replay, store: Store, settings: Settings
) -> None:
    # VuFind's recorded error with a code no standard knows: <error code="foo">bar</error>.
    page = fixture("vufind/oai_doaj.xml")
    answers = [fixture("vufind/arbitrary_error_response.xml"), closing_page(100)]
    server = replay(feed(page, after_token=lambda: answers.pop(0)))
    run = run_on(store, server, settings, prefix="oai_doaj")
    assert run.status == "ok", run.error
    token = "eyJtIjogIm9haV9kb2FqIiwgIm4iOiAxMDB9"
    assert [q for q in server.requests if q["verb"] == "ListRecords"][1:] == [
        {"verb": "ListRecords", "resumptionToken": token}] * 2  # the same request again
    retries = [i.message for i in store.runs.log.issues(run.id, ["retry"])]
    assert any("foo" in message and "bar" in message for message in retries), retries
    assert store.raw.count("feed") == 100
    # The answer that could not be read is kept, with its error.
    failed = [p for p in store.pages.of_run(run.id) if p.status == "failed"]
    assert len(failed) == 1 and failed[0].request.token_sent == token
    assert store.pages.body(failed[0].id) == fixture("vufind/arbitrary_error_response.xml")


def test_the_subjectsplus_page_and_its_quirks_are_harvested(
    replay: Replay, store: Store, settings: Settings
) -> None:
    page = fixture("vufind/subjectsplus.xml")
    server = replay(feed(page))
    run = run_on(store, server, settings, prefix="oai_dc")
    assert run.status == "ok", run.error
    [raw] = list(store.raw.iter("feed"))
    # A non-URI identifier, a day-granularity datestamp in a seconds-granularity repository.
    assert (raw.oai_identifier, raw.datestamp, raw.deleted) == ("1", "2023-03-30", False)
    assert_stored_as_recorded(store, page, 1)
    # The dc namespaces are declared on <record>, not on the payload: stored with it.
    dc = etree.fromstring(raw.xml)
    assert dc.findtext("{http://purl.org/dc/elements/1.1/}title") == "General"
    assert dc.find("{http://purl.org/dc/elements/1.1/}description").text is None
    # The +05:45 responseDate breaks OAI-PMH's UTC rule: reported, not fatal.
    conformance = [i.message for i in store.runs.log.issues(run.id, ["conformance"])]
    assert any("responseDate" in message for message in conformance), conformance


@pytest.mark.parametrize(("path", "count", "first", "last"), [
    ("dpla/oai-sets.xml", 50, ("crimes", "English Crime and Execution Broadsides"),
     ("salt-review", "Review-salt-2024-07-22")),
    ("vufind/list_sets_response.xml", 2, ("Audio (Music)", "Audio (Music)"),
     ("Audio (Non-Music)", "Audio (Non-Music)")),
])
def test_recorded_set_lists_are_read_over_http(
    replay: Replay, settings: Settings, path: str, count: int, first: tuple[str, str],
    last: tuple[str, str]
) -> None:
    server = replay(feed(b"", sets=fixture(path)))
    with HttpTransport(settings) as transport:
        listing = list_sets(transport, server.url)
    assert listing.supported and not listing.truncated and len(listing.sets) == count
    specs = [(s.spec, s.name) for s in listing.sets]
    assert (specs[0], specs[-1]) == (first, last) and len(set(specs)) == count
    assert server.requests == [{"verb": "ListSets"}]
    if count == 50:  # entities in names are read, not kept escaped
        assert dict(specs)["scarlet"] == (
            "Studies in Scarlet: Marriage and Sexuality in the U.S. & U.K., 1815-1914")
