"""Damaged recorded pages served over HTTP on 127.0.0.1 and harvested into a real store.

Issue #3: a bad record is quarantined with its bytes and the run goes on; no record
is lost, altered or stored twice; a page with text after ``</OAI-PMH>`` is read,
not taken for a cut-off one. The pages are the real Harvard MODS page (DPLA's
ingestion3) and the Ex Libris Alma MARCXML page (VuFind), see
``fixtures/oai/PROVENANCE.md``, each damaged here in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from harvest_support import ReplayServer, Responder, keep

from tsunagu.config import Settings
from tsunagu.harvester import OAIClient, harvest_source
from tsunagu.harvester.transport import HttpTransport
from tsunagu.records import Sector, Source
from tsunagu.store import HarvestRun, Store

FIXTURES = Path(__file__).parent.parent / "fixtures" / "oai"
MODS = (FIXTURES / "dpla" / "oai-page.xml").read_bytes()
MARC = (FIXTURES / "vufind" / "marc.xml").read_bytes()
IDENTIFY = (FIXTURES / "vufind" / "identify_response.xml").read_bytes()
XML = {"Content-Type": "text/xml; charset=utf-8"}
TITLE = b"<mods:title>Plate 1. Clematis cylindrica"
Replay = Callable[[Responder], ReplayServer]
Answer = tuple[int, dict[str, str], bytes]


def last_page(size: int) -> bytes:
    """An empty last page (ours, not recorded) answering the recorded page's token."""
    return (b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            b"<responseDate>2024-08-04T16:02:28Z</responseDate>"
            b"<ListRecords>"
            b'<resumptionToken completeListSize="%d" cursor="%d"/></ListRecords></OAI-PMH>'
            % (size, size))


def serving(*first_pages: bytes, size: int) -> Callable[[dict[str, str]], Answer]:
    """Identify, then ``first_pages`` in turn for the list's first request (the last one
    again if asked more often), then :func:`last_page` for its token."""
    answers = list(first_pages)

    def respond(query: dict[str, str]) -> Answer:
        if query.get("verb") == "Identify":
            return 200, XML, IDENTIFY
        if query.get("verb") == "ListRecords":
            if "resumptionToken" in query:
                return 200, XML, last_page(size)
            return 200, XML, answers.pop(0) if len(answers) > 1 else answers[0]
        return 404, {"Content-Type": "text/plain"}, b"not recorded"

    return respond


def harvest(store: Store, server: ReplayServer, settings: Settings, prefix: str) -> HarvestRun:
    source = Source(id="feed", name="Feed", base_url=server.url, sector=Sector.LIBRARY,
                    metadata_prefix=prefix, window_days=0)
    store.sources.add(source)
    waits: list[float] = []
    with OAIClient(source, settings, HttpTransport(settings, sleep=waits.append)) as client:
        return harvest_source(source, store, settings, on_page=keep, client=client)


def first_requests(server: ReplayServer) -> int:
    return sum(1 for q in server.requests
               if q.get("verb") == "ListRecords" and "resumptionToken" not in q)


@pytest.mark.parametrize("damage", [b"Clematis &", b"Clematis <"])
def test_a_bare_ampersand_or_less_than_quarantines_that_record_with_its_bytes(
    replay: Replay, store: Store, settings: Settings, damage: bytes
) -> None:
    page = MODS.replace(TITLE, TITLE.replace(b"Clematis", damage))
    server = replay(serving(page, size=4147))
    run = harvest(store, server, settings, "mods")
    assert run.status == "ok", run.error
    assert (run.new, run.quarantined) == (9, 1)
    stored = store.raw.identifiers("feed")
    assert len(stored) == 9 and "arn00007c00001" not in stored
    [bad] = store.quarantine.list("feed")
    assert bad.oai_identifier == "arn00007c00001" and bad.stage == "parsing"
    assert TITLE.replace(b"Clematis", damage) in bad.raw
    assert [q.get("resumptionToken") for q in server.requests if q["verb"] == "ListRecords"
            ] == [None, "AoEuYXJuMDAwMDdjMDAwMTE=:botanicals:10:mods"]


def test_a_comment_before_a_header_and_a_broken_record_elsewhere_account_for_all_100(
    replay: Replay, store: Store, settings: Settings
) -> None:
    starts = [i for i in range(len(MARC)) if MARC.startswith(b"<record><header>", i)]
    fifth = starts[4] + len(b"<record>")
    end = MARC.index(b"</leader>", starts[2])
    page = (MARC[:end] + MARC[end + len(b"</leader>"):fifth]
            + b"<!-- record 5 -->" + MARC[fifth:])
    server = replay(serving(page, size=100))
    run = harvest(store, server, settings, "marc21")
    assert run.status == "ok", run.error
    assert (run.new, run.quarantined) == (99, 1)
    [bad] = store.quarantine.list("feed")
    stored = store.raw.identifiers("feed")
    assert len(stored | {bad.oai_identifier}) == 100
    assert b"<leader>" in bad.raw and b"</leader>" not in bad.raw


def test_php_notices_after_the_root_are_noted_and_the_page_read_once(
    replay: Replay, store: Store, settings: Settings
) -> None:
    notices = (b"<br />\n<b>Notice</b>:  Undefined index: set in <b>/var/www/oai/index.php"
               b"</b> on line <b>42</b><br />\n") * 50
    assert len(notices) > 5000
    server = replay(serving(MODS + notices, size=4147))
    run = harvest(store, server, settings, "mods")
    assert run.status == "ok", run.error
    assert (run.new, run.quarantined, run.repaired) == (10, 0, 0)
    assert first_requests(server) == 1  # not taken for a cut-off page: no refetch
    notes = [i.message for i in store.runs.log.issues(run.id, ["page"])]
    assert any(f"junk after </OAI-PMH> removed ({len(notices)} characters)" in n
               for n in notes), notes


def test_a_page_really_cut_off_is_still_fetched_again(
    replay: Replay, store: Store, settings: Settings
) -> None:
    # Cut after a record whose title holds "</OAI-PMH>" in a CDATA section: not an end.
    page = MODS.replace(TITLE, TITLE + b"<![CDATA[ </OAI-PMH> ]]>")
    server = replay(serving(page[: page.index(b"</mods:title>") + 500], page, size=4147))
    run = harvest(store, server, settings, "mods")
    assert run.status == "ok", run.error
    assert (run.new, run.quarantined) == (10, 0)
    assert first_requests(server) == 2
