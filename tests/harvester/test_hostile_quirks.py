"""Quirks real OAI-PMH servers show, against the hostile server on 127.0.0.1.

Each test is one behaviour that could make a harvest lose, corrupt, duplicate or
mis-attribute a record, or fail without a clear error: the same record twice in
one list, identifiers and setSpecs that need decoding, pages in other encodings,
tokens that need URL encoding, redirects, lengths that lie, odd record parts and
datestamps, a server clock that is not UTC.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from harvest_support import keep
from hostile_server import Fault, HostileServer, Item, items
from lxml import etree

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.harvester.deletions import reject
from tsunagu.harvester.probe import list_formats, list_sets
from tsunagu.harvester.transport import HttpTransport
from tsunagu.records import Sector, Source
from tsunagu.store import HarvestRun, Store

DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture
def fast(settings: Settings) -> Settings:
    """Short timeouts and few retries so that faults cost little time."""
    return dataclasses.replace(settings, read_timeout=0.5, connect_timeout=0.5,
                               retry_attempts=3)


def register(store: Store, url: str, *, sets: tuple[str, ...] = (),
             exclude: tuple[str, ...] = ()) -> Source:
    source = Source(id="quirks", name="Quirks", base_url=url, sector=Sector.ARCHIVE,
                    set_specs=sets, exclude_sets=exclude)
    store.sources.add(source)
    return source


def harvest(store: Store, source: Source, settings: Settings, *, full: bool = False
            ) -> HarvestRun:
    return harvest_source(source, store, settings, on_page=keep, full=full)


def serve(records: list[Item], *faults: Fault, **kw: object) -> HostileServer:
    return HostileServer(records, faults=list(faults), **kw)  # type: ignore[arg-type]


def title(store: Store, identifier: str) -> str:
    raw = store.raw.get("quirks", identifier)
    assert raw is not None, identifier
    found = etree.fromstring(raw.xml).findtext(f"{DC}title")
    assert found is not None
    return str(found)


def ok(run: HarvestRun) -> None:
    assert run.status == "ok", run.error


# -- the same record twice in one list: what the server says last wins ----------------

def test_the_same_identifier_twice_in_one_page_keeps_the_later_version(
    store: Store, fast: Settings
) -> None:
    served = items(6)
    changed = Item(served[1].identifier, "2026-11-09T11:00:00Z", "Changed during the list")
    with serve([*served, changed]) as server:  # one page of 7
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert store.raw.count("quirks") == 6
    assert title(store, served[1].identifier) == "Changed during the list"
    assert store.raw.get("quirks", served[1].identifier).datestamp == (  # type: ignore[union-attr]
        "2026-11-09T11:00:00Z")


def test_a_record_changed_while_the_list_is_paged_keeps_its_later_version(
    store: Store, fast: Settings
) -> None:
    # A server whose list is re-queried page by page serves a record changed meanwhile
    # once more, on a later page, with its new content and datestamp.
    served = items(8)
    changed = Item(served[0].identifier, "2026-11-09T11:00:00Z", "Changed during the list")
    with serve([*served, changed], page_size=3) as server:
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert store.raw.count("quirks") == 8
    assert title(store, served[0].identifier) == "Changed during the list"
    assert run.new == 8  # the record is new once; its second version an update of it
    assert run.updated == 1


def test_the_same_record_repeated_unchanged_is_stored_and_counted_once(
    store: Store, fast: Settings
) -> None:
    served = items(8)
    with serve([*served, served[2]], page_size=3) as server:
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert store.raw.count("quirks") == 8
    assert (run.new, run.updated, run.unchanged) == (8, 0, 0)


def test_a_record_deleted_on_a_later_page_of_the_same_list_becomes_a_tombstone(
    store: Store, fast: Settings
) -> None:
    served = items(8)
    gone = Item(served[1].identifier, "2026-11-09T11:00:00Z", None)
    with serve([*served, gone], page_size=3) as server:
        first = harvest(store, register(store, server.url), fast)
    ok(first)
    assert served[1].identifier not in store.raw.identifiers("quirks")
    tombstone = store.raw.get("quirks", served[1].identifier)
    assert tombstone is not None and tombstone.deleted


def test_a_record_deleted_then_listed_live_on_a_later_page_stays_live(
    store: Store, fast: Settings
) -> None:
    served = items(8)
    back = Item(served[1].identifier, "2026-11-09T11:00:00Z", "Restored")
    deleted_first = [served[0], Item(served[1].identifier, served[1].datestamp, None),
                     *served[2:], back]
    with serve(deleted_first, page_size=3) as server:
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert served[1].identifier in store.raw.identifiers("quirks")
    assert title(store, served[1].identifier) == "Restored"


def test_a_record_deleted_and_live_in_one_page_takes_the_later_of_the_two(
    store: Store, fast: Settings
) -> None:
    served = items(4)
    with serve([*served, Item(served[0].identifier, "2026-11-09T11:00:00Z", None)]) as server:
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert store.raw.identifiers("quirks") == {i.identifier for i in served[1:]}


def test_a_record_deleted_and_then_live_in_one_page_stays_live(
    store: Store, fast: Settings
) -> None:
    served = items(4)
    gone_then_back = [Item(served[0].identifier, served[0].datestamp, None), *served[1:],
                      Item(served[0].identifier, "2026-11-09T11:00:00Z", "Restored")]
    with serve(gone_then_back) as server:
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert store.raw.identifiers("quirks") == {i.identifier for i in served}
    assert title(store, served[0].identifier) == "Restored"


def test_a_record_live_deleted_and_live_again_unchanged_stays_live(
    store: Store, fast: Settings
) -> None:
    # Live on the first page, deleted on the second, live again on the third with the
    # very content stored from the first: seen again, it was last said to be live.
    served = items(9)
    flapping = [*served[:3], Item(served[0].identifier, "2026-11-09T11:00:00Z", None),
                *served[3:5], served[0], *served[5:]]
    with serve(flapping, page_size=3) as server:
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert store.raw.identifiers("quirks") == {i.identifier for i in served}
    assert run.deleted == 0


def test_a_record_deleted_live_and_deleted_again_ends_deleted(
    store: Store, fast: Settings
) -> None:
    # Deleted on the first page, live on the second, deleted again on the third: the
    # server said last that it is gone (the deletion staged first must not hide it).
    served = items(9)
    first = served[0].identifier
    flapping = [Item(first, "2026-11-09T11:00:00Z", None), *served[1:3], served[0],
                *served[3:5], Item(first, "2026-11-09T12:00:00Z", None), *served[5:]]
    with serve(flapping, page_size=3) as server:
        source = register(store, server.url)
        run = harvest(store, source, fast)
    ok(run)
    assert first not in store.raw.identifiers("quirks")
    tomb = store.raw.get("quirks", first)
    assert tomb is not None and tomb.deleted
    page = store.pages.of_record("quirks", first)  # the page that said so last
    assert page is not None and page.request.page == 3


# -- identifiers and sets that need decoding ---------------------------------------------

def test_identifiers_are_stored_decoded_and_trimmed_and_match_again_next_run(
    store: Store, fast: Settings
) -> None:
    # The identifiers as the XML spells them: padded with newlines, with an entity, in
    # Japanese.
    served = [Item("\n    oai:quirks:padded\n  ", "2026-11-03T10:00:00Z", "Padded"),
              Item("oai:quirks:a&amp;b", "2026-11-04T10:00:00Z", "Ampersand"),
              Item("oai:quirks:東京/1", "2026-11-05T10:00:00Z", "Japanese")]
    with serve(served) as server:
        source = register(store, server.url)
        first = harvest(store, source, fast)
        again = harvest(store, source, fast, full=True)
    ok(first)
    ok(again)
    assert store.raw.identifiers("quirks") == {
        "oai:quirks:padded", "oai:quirks:a&b", "oai:quirks:東京/1"}
    assert store.raw.count("quirks", include_deleted=True) == 3  # no second row for any
    assert (again.new, again.unchanged, again.deleted) == (0, 3, 0)


def test_a_set_spec_with_an_ampersand_is_asked_for_and_excluded_by_its_decoded_value(
    store: Store, fast: Settings
) -> None:
    served = [*items(4, sets=("art&craft",)), *items(3, prefix="oai:other:", sets=("a+b",)),
              Item("oai:both:1", "2026-11-05T10:00:00Z", "Both", ("art&craft", "a+b"))]
    with serve(served) as server:
        source = register(store, server.url, sets=("art&craft",), exclude=("a+b",))
        run = harvest(store, source, fast)
    ok(run)
    assert [q.get("set") for q in server.requests if q.get("verb") == "ListRecords"] == [
        "art&craft"]
    assert store.raw.identifiers("quirks") == {i.identifier for i in served[:4]}
    assert store.raw.get("quirks", served[0].identifier).set_specs == (  # type: ignore[union-attr]
        "art&craft",)


# -- encodings: the declaration and the byte order mark, not the HTTP header --------------

LATIN = [Item(f"oai:quirks:{n}", f"2026-11-0{n + 1}T10:00:00Z", f"Café Müller {n} ½")
         for n in range(5)]
JAPANESE = [Item(f"oai:quirks:{n}", f"2026-11-0{n + 1}T10:00:00Z", f"東京の浮世絵 {n}・版画")
            for n in range(5)]


@pytest.mark.parametrize("fault", [
    Fault("recode", times=None, encoding="ISO-8859-1"),
    Fault("recode", times=None, encoding="Shift_JIS"),
    Fault("recode", times=None, encoding="ISO-8859-1",
          headers={"Content-Type": "text/xml; charset=utf-8"}),
    Fault("recode", times=None, encoding="UTF-16"),  # with its byte order mark
    Fault("bom", times=None),
    Fault("bom", times=None, headers={"Content-Type": "text/xml; charset=ISO-8859-1"}),
], ids=["latin1", "shift-jis", "latin1-header-says-utf8", "utf16-bom", "utf8-bom",
        "utf8-bom-header-latin1"])
def test_pages_in_other_encodings_are_read_by_their_declaration_and_stored_as_utf8(
    store: Store, fast: Settings, fault: Fault
) -> None:
    served = JAPANESE if fault.encoding == "Shift_JIS" else LATIN
    with serve(served, dataclasses.replace(fault, verb="*"), page_size=2) as server:
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert run.new == 5 and run.quarantined == 0 and run.repaired == 0
    for item in served:
        assert title(store, item.identifier) == item.title
    assert store.runs.log.issues(run.id, ["page", "repaired"]) == []


@pytest.mark.parametrize(("encoding", "header"), [
    ("ISO-8859-1", "text/xml; charset=ISO-8859-1"),
    ("Shift_JIS", 'text/xml;charset="Shift_JIS"'),
    ("UTF-8", "text/xml; charset=ISO-8859-1"),
])
def test_a_page_without_declaration_not_in_utf8_is_read_in_its_content_type_charset(
    store: Store, fast: Settings, encoding: str, header: str
) -> None:
    # No XML declaration, no BOM: a body that is not UTF-8 is read in the charset the
    # Content-Type names; a UTF-8 body stays UTF-8 whatever the header says (servlet
    # containers answer charset=ISO-8859-1 by default).
    served = {"ISO-8859-1": LATIN, "Shift_JIS": JAPANESE,
              "UTF-8": [*LATIN, *JAPANESE[:1]]}[encoding]
    if encoding == "UTF-8":
        served[-1] = dataclasses.replace(served[-1], identifier="oai:quirks:ja")
    undeclared = Fault("recode", verb="*", times=None, encoding=encoding, declare=False,
                       headers={"Content-Type": header})
    with serve(served, undeclared, page_size=2) as server:
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert run.new == len(served) and run.repaired == 0
    for item in served:
        assert title(store, item.identifier) == item.title


def test_the_sets_of_a_repository_without_declaration_are_read_in_its_charset(
    fast: Settings
) -> None:
    # The source check and the registration's probe read ListSets (and Identify, and
    # ListMetadataFormats) the same way as the pages: set names in Shift_JIS, undeclared.
    prints = [dataclasses.replace(item, sets=("版画",)) for item in JAPANESE]
    undeclared = Fault("recode", verb="*", times=None, encoding="Shift_JIS", declare=False,
                       headers={"Content-Type": "text/xml; charset=Shift_JIS"})
    with serve(prints, undeclared) as server, HttpTransport(fast) as transport:
        listing = list_sets(transport, server.url)
        formats = list_formats(transport, server.url)
    assert [(s.spec, s.name) for s in listing.sets] == [("版画", "Set 版画")]
    assert "oai_dc" in {f.prefix for f in formats}


# -- resumption tokens sent back exactly -------------------------------------------------

def test_a_token_that_needs_url_encoding_and_is_padded_with_whitespace_comes_back_exact(
    store: Store, fast: Settings
) -> None:
    decor = "a+b/c=d&e f%20東京;?#~"
    with serve(items(25), token_decor=decor, token_padding="\n      ") as server:
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert run.new == 25
    tokens = [q["resumptionToken"] for q in server.requests if "resumptionToken" in q]
    assert tokens == [f"10||{'2026-11-25T12:00:00Z'}|", f"20||{'2026-11-25T12:00:00Z'}|"]


# -- redirects ------------------------------------------------------------------------

@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_base_url_redirected_on_the_same_host_is_followed_for_every_page(
    store: Store, fast: Settings, status: int
) -> None:
    with serve(items(25), Fault("redirect", verb="*", times=None, status=status,
                                target="/v2/oai")) as server:
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert run.new == 25
    pages = store.pages.of_run(run.id)
    assert len(pages) == 3 and all("/v2/oai?" in page.request.url for page in pages)
    # A permanent redirect is followed once, then every request goes to the new place; a
    # temporary one is asked at the base URL each time.
    at_base = [h for h in server.paths if h == "/oai"]
    assert len(at_base) == (1 if status in (301, 308) else len(server.paths) // 2)
    notes = [issue.message for issue in store.runs.log.issues(run.id, ["moved"])]
    if status in (301, 308):  # the institution is told, in the run's report
        assert notes == [f"{server.url} moved permanently to {server.url[:-4]}/v2/oai: asked "
                         "there for the rest of the run; the source's base URL should be "
                         "changed to it"]
    else:
        assert notes == []


def test_a_redirect_loop_fails_the_run_with_a_clear_error(store: Store, settings: Settings
                                                        ) -> None:
    once = dataclasses.replace(settings, retry_attempts=1)
    with serve(items(5), Fault("redirect", verb="*", times=None, status=302,
                               target="/oai")) as server:
        run = harvest(store, register(store, server.url), once)
    assert run.status == "failed"
    assert "redirects" in (run.error or "")
    assert len(server.requests) == 6  # the request and five redirects, no more


# -- lengths that lie -------------------------------------------------------------------

def test_a_content_length_counting_characters_is_a_cut_page_fetched_again(
    store: Store, fast: Settings
) -> None:
    # The Japanese titles make the body longer in bytes than in characters: the page is
    # cut short, and the bytes left over must not be read as the next answer.
    with serve(items(25), Fault("char_length", at=2)) as server:
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert run.new == 25 and run.quarantined == 0
    assert all(title(store, i.identifier) == i.title for i in server.items)


def test_a_content_length_counting_characters_on_every_page_fails_clearly(
    store: Store, fast: Settings
) -> None:
    with serve(items(25), Fault("char_length", times=None)) as server:
        run = harvest(store, register(store, server.url), fast)
    assert run.status == "failed"
    assert "cut off" in (run.error or "")
    assert store.raw.count("quirks") == 0  # nothing read from a page cut short


# -- odd record parts -----------------------------------------------------------------

def test_a_deleted_header_with_a_metadata_block_is_a_tombstone_without_payload(
    store: Store, fast: Settings
) -> None:
    served = items(3)
    with serve(served) as server:
        source = register(store, server.url)
        ok(harvest(store, source, fast))
        server.items[0] = Item(  # changed after the first run, within the overlap
            served[0].identifier, "2026-11-25T11:30:00Z", None, metadata=(
                '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/">'
                "<dc:title xmlns:dc=\"http://purl.org/dc/elements/1.1/\">Stale</dc:title>"
                "</oai_dc:dc>"), metadata_when_deleted=True)
        run = harvest(store, source, fast)
    ok(run)
    tombstone = store.raw.get("quirks", served[0].identifier)
    assert tombstone is not None and tombstone.deleted and tombstone.xml == b""
    assert run.deleted == 1


def test_an_about_element_after_the_metadata_is_not_part_of_the_payload(
    store: Store, fast: Settings
) -> None:
    served = [dataclasses.replace(item, about="<provenance>harvested from elsewhere"
                                             "</provenance>") for item in items(3)]
    with serve(served) as server:
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    for item in served:
        raw = store.raw.get("quirks", item.identifier)
        assert raw is not None and b"provenance" not in raw.xml
        assert title(store, item.identifier) == item.title


# -- datestamps and the server's clock ---------------------------------------------------

def test_datestamps_of_mixed_granularity_and_offsets_are_kept_as_sent_and_lose_nothing(
    store: Store, fast: Settings
) -> None:
    # Out of datestamp order too; the window's end and the high-water mark come from
    # the server's clock, not from the records.
    stamps = ["2026-11-05", "2026-11-03T10:00:00.250Z", "2026-11-04T19:00:00+09:00",
              "2026-11-02T10:00:00", "2026-11-01T10:00:00Z"]
    served = [Item(f"oai:quirks:{n}", stamp, f"Record {n}") for n, stamp in enumerate(stamps)]
    with serve(served, page_size=2) as server:
        source = register(store, server.url)
        run = harvest(store, source, fast)
        again = harvest(store, source, fast)
    ok(run)
    ok(again)
    assert {raw.oai_identifier: raw.datestamp for raw in store.raw.iter("quirks")} == {
        item.identifier: item.datestamp for item in served}
    assert store.sources.high_water("quirks") == "2026-11-25T12:00:00Z"


@pytest.mark.parametrize("written", ["2026-11-25T21:00:00.875+09:00", "2026-11-25T12:00:00.5Z",
                                     "2026-11-25T12:00:00"])
def test_a_response_date_with_an_offset_or_fractions_gives_a_utc_until_in_seconds(
    store: Store, fast: Settings, written: str
) -> None:
    with serve(items(5)) as server:
        server.response_date = written  # OAI-PMH wants UTC in whole seconds: not all obey
        run = harvest(store, register(store, server.url), fast)
    ok(run)
    assert run.new == 5
    [listed] = [q for q in server.requests if q.get("verb") == "ListRecords"]
    assert listed.get("until") == "2026-11-25T12:00:00Z"
    assert store.sources.high_water("quirks") == "2026-11-25T12:00:00Z"


def test_a_server_clock_ahead_of_its_datestamps_loses_no_record_changed_between_runs(
    store: Store, fast: Settings
) -> None:
    # The server stamps records in UTC but answers responseDate in its local time (UTC+9)
    # labelled Z: until is this machine's clock instead, or a record changed after the
    # first run would fall before the next run's from (the mark minus an hour) for ever.
    now = datetime.now(UTC).replace(microsecond=0)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    earlier = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with serve([Item(f"oai:quirks:{n}", earlier, f"Item {n}") for n in range(5)]) as server:
        server.clock = now + timedelta(hours=9)
        source = register(store, server.url)
        first = harvest(store, source, fast)
        ok(first)
        mark = store.sources.high_water("quirks")
        assert mark is not None and mark <= datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        # Changed after the first run's until (this machine's clock then), in real UTC.
        server.items.append(Item("oai:quirks:later", max(stamp, mark), "Changed later"))
        server.clock = datetime.now(UTC) + timedelta(hours=9, seconds=1)
        ok(harvest(store, source, fast))
    assert "oai:quirks:later" in store.raw.identifiers("quirks")
    [note] = store.runs.log.issues(first.id, ["clock"])
    assert "9.0 hours ahead" in note.message and "with a Z" in note.message


def test_a_list_that_ends_short_of_its_announced_size_holds_the_reconciliation(
    store: Store, fast: Settings
) -> None:
    # A server without persistent deletions ends its list after 90 of the 100 records it
    # announces (a result set evicted from its cache): 10 % missing is under the
    # mass-deletion guard's share, but the 10 may be missing from the list only, so the
    # reconciliation waits for a person instead of tombstoning them.
    with serve(items(100), deleted_record="no") as server:
        source = register(store, server.url)
        ok(harvest(store, source, fast))
        server.faults.append(Fault("end_early", at=server.verb_requests["ListRecords"] + 9))
        run = harvest(store, source, fast, full=True)
        assert run.status == "held", run.error
        assert "10 records were missing" in (run.error or "")
        assert "ended after 90 of the 100 records its server announced" in (run.error or "")
        assert store.raw.count("quirks") == 100  # nothing deleted
        rejected = reject(store, "quirks", run.id)
    assert rejected.status == "rejected" and store.raw.count("quirks") == 100
    # (A whole list with records missing still reconciles at once: test_hostile.py's
    # test_a_full_harvest_reconciles_a_few_missing_records.)
