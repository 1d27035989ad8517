"""Parsing real recorded OAI-PMH responses (Zenodo, see fixtures PROVENANCE.md)."""

from __future__ import annotations

import dataclasses
import inspect
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from harvest_support import ZENODO, zenodo
from lxml import etree

from tsunagu.errors import OAIError, ResponseFormatError
from tsunagu.harvester.protocol import parse_identify, parse_list_records
from tsunagu.records import RawRecord


def test_identify_reads_granularity_and_clock() -> None:
    identity = parse_identify(zenodo("identify__02_200.body"))
    assert identity.repository_name == "Zenodo"
    assert identity.response_date == "2026-08-10T08:56:30Z"
    assert identity.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert not identity.day_granularity


def test_list_records_page_gives_raw_records_and_token() -> None:
    page = parse_list_records(zenodo("list_records__00_200.body"), source_id="z",
                              metadata_prefix="oai_dc")
    assert len(page.records) == 50
    assert page.token is not None and page.token.startswith(".")
    first = page.records[0]
    assert first.oai_identifier == "oai:zenodo.org:20510666"
    assert first.datestamp == "2026-06-02T13:19:56Z"
    assert first.set_specs == ("software",)
    assert not first.deleted
    # The payload is the oai_dc element itself, standalone and namespace-complete.
    payload = etree.fromstring(first.xml)
    assert etree.QName(payload).localname == "dc"
    creators = payload.findall("{http://purl.org/dc/elements/1.1/}creator")
    assert [c.text for c in creators] == ["Meika4"]
    assert len({r.oai_identifier for r in page.records}) == 50


def test_no_records_match_sent_with_422_is_an_empty_success() -> None:
    page = parse_list_records(zenodo("list_records__02_422.body"), source_id="z",
                              metadata_prefix="oai_dc")
    assert page.records == () and page.token is None


@pytest.mark.parametrize(("name", "code"), [
    ("list_records__03_422.body", "badArgument"),
    ("list_records__10_422.body", "badResumptionToken"),
])
def test_oai_errors_are_read_from_the_body(name: str, code: str) -> None:
    with pytest.raises(OAIError) as caught:
        parse_list_records(zenodo(name), source_id="z", metadata_prefix="oai_dc")
    assert caught.value.code == code
    assert caught.value.source_id == "z"


def test_html_instead_of_xml_is_an_error_with_a_snippet() -> None:
    with pytest.raises(ResponseFormatError) as caught:
        parse_identify(zenodo("identify__00_200.body"), source_id="z")
    assert "<!DOCTYPE html>" in str(caught.value)


@pytest.mark.parametrize("body", [b"", b"   ", b'{"error": "json"}', b"<html><p>x</p></html>"])
def test_non_oai_bodies_are_errors(body: bytes) -> None:
    with pytest.raises(ResponseFormatError):
        parse_list_records(body, source_id="z", metadata_prefix="oai_dc")


def test_deleted_header_becomes_a_tombstone_without_payload() -> None:
    body = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-01-01T00:00:00Z'
        b'</responseDate><ListRecords><record><header status="deleted"><identifier>oai:x:1'
        b'</identifier><datestamp>2024-01-01</datestamp></header></record>'
        b'<resumptionToken completeListSize="1"/></ListRecords></OAI-PMH>'
    )
    page = parse_list_records(body, source_id="x", metadata_prefix="oai_dc")
    assert page.records[0].deleted and page.records[0].xml == b""
    assert page.token is None  # an empty token ends the list
    assert page.complete_list_size == 1


def test_header_and_payload_are_read_by_local_name_first_one_wins() -> None:
    # Elements found by local name whatever the prefix or namespace (the first of a name
    # counts), comments skipped, the payload is the first element of <metadata>.
    body = (
        b'<o:OAI-PMH xmlns:o="http://www.openarchives.org/OAI/2.0/"><o:responseDate>2024-01-01'
        b'</o:responseDate><o:ListRecords>'
        b'<o:record><!-- c --><x:header xmlns:x="urn:other"><x:identifier> oai:x:1 </x:identifier>'
        b'<x:setSpec>a</x:setSpec><x:setSpec> </x:setSpec><!-- c --><x:setSpec>b</x:setSpec>'
        b'<x:identifier>oai:x:ignored</x:identifier></x:header>'
        b'<o:header><o:identifier>oai:x:also-ignored</o:identifier></o:header>'
        b'<o:metadata><!-- a comment first --><?pi x?><dc xmlns="urn:dc">one</dc><dc2/>'
        b'</o:metadata>'
        b'<o:about><a/></o:about></o:record>'
        b'<o:record><o:header><!-- c --><o:datestamp>2024-02-02</o:datestamp>'
        b'<o:identifier>oai:x:2</o:identifier></o:header><o:metadata><!-- only a comment -->'
        b'</o:metadata></o:record>'
        b'</o:ListRecords></o:OAI-PMH>'
    )
    page = parse_list_records(body, source_id="x", metadata_prefix="oai_dc")
    first, second = page.records
    assert (first.oai_identifier, first.datestamp, first.set_specs) == ("oai:x:1", "", ("a", "b"))
    # Serialized standalone: the namespaces in scope come along (as stored since v1).
    assert first.xml == b'<dc xmlns="urn:dc" xmlns:o="http://www.openarchives.org/OAI/2.0/">one</dc>'
    assert (second.oai_identifier, second.datestamp, second.xml) == ("oai:x:2", "2024-02-02", b"")
    assert page.rejected == () and page.token is None


def test_records_without_header_or_identifier_are_rejected_with_their_bytes() -> None:
    body = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-01-01'
        b'</responseDate><ListRecords>'
        b'<record><metadata><dc>no header</dc></metadata></record>'
        b'<record><header><identifier>  </identifier></header></record>'
        b'<record><header><identifier>oai:x:3</identifier></header></record>'
        b'</ListRecords></OAI-PMH>'
    )
    page = parse_list_records(body, source_id="x", metadata_prefix="oai_dc")
    assert [raw.oai_identifier for raw in page.records] == ["oai:x:3"]
    assert [r.reason for r in page.rejected] == ["a <record> has no <header>",
                                                 "a record header has no identifier"]
    assert b"no header" in page.rejected[0].raw


def test_record_parts_out_of_the_usual_order_are_still_found_by_name() -> None:
    # <metadata> before <header>, and a foreign <metadata> before the OAI one: the first
    # of each local name counts, as for any other layout.
    body = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-01-01'
        b'</responseDate><ListRecords>'
        b'<record><metadata><dc xmlns="urn:dc">1</dc></metadata>'
        b'<header><identifier>oai:x:1</identifier></header></record>'
        b'<record><header><identifier>oai:x:2</identifier></header>'
        b'<y:metadata xmlns:y="urn:y"><dc xmlns="urn:dc">foreign</dc></y:metadata>'
        b'<metadata><dc xmlns="urn:dc">oai</dc></metadata></record>'
        b'</ListRecords></OAI-PMH>'
    )
    first, second = parse_list_records(body, source_id="x", metadata_prefix="oai_dc").records
    assert (first.oai_identifier, first.xml) == (
        "oai:x:1", b'<dc xmlns="urn:dc">1</dc>')
    assert (second.oai_identifier, second.xml) == (
        "oai:x:2", b'<dc xmlns="urn:dc" xmlns:y="urn:y">foreign</dc>')


def test_pages_parsed_in_several_threads_at_once_match_a_serial_parse() -> None:
    bodies = [zenodo("list_records__00_200.body")] * 8
    serial = [parse_list_records(b, source_id="z", metadata_prefix="oai_dc") for b in bodies]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(
            lambda b: parse_list_records(b, source_id="z", metadata_prefix="oai_dc"), bodies))
    assert parallel == serial and len(serial[0].records) == 50


def test_a_metadata_without_an_element_gives_an_empty_payload() -> None:
    body = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-01-01'
        b'</responseDate><ListRecords>'
        b'<record><header><identifier>oai:x:1</identifier></header><metadata/></record>'
        b'<record><header><identifier>oai:x:2</identifier></header>'
        b'<metadata><?pi only?></metadata></record>'
        b'<record><header><identifier>oai:x:3</identifier></header>'
        b'<metadata>\n  <?pi x?><!-- c --><dc xmlns="urn:dc">3</dc></metadata></record>'
        b'</ListRecords></OAI-PMH>'
    )
    records = parse_list_records(body, source_id="x", metadata_prefix="oai_dc").records
    assert [(r.oai_identifier, r.xml) for r in records] == [
        ("oai:x:1", b""), ("oai:x:2", b""), ("oai:x:3", b'<dc xmlns="urn:dc">3</dc>')]


@pytest.mark.parametrize("path", sorted(ZENODO.parent.rglob("*")), ids=lambda p: p.name)
def test_every_recorded_payload_is_its_first_metadata_element_serialized(path: Path) -> None:
    if path.suffix not in (".xml", ".body") or b"ListRecords>" not in path.read_bytes():
        return
    body = path.read_bytes()
    page = parse_list_records(body, source_id="z", metadata_prefix="any")
    records = etree.fromstring(body).xpath(
        "//*[local-name()='ListRecords']/*[local-name()='record']")
    assert len(page.records) == len(records) > 0
    for raw, record in zip(page.records, records, strict=True):
        payload = record.xpath("*[local-name()='metadata'][1]/*[1]")
        header = record.xpath("*[local-name()='header'][1]")[0]
        assert raw.oai_identifier == header.xpath("string(*[local-name()='identifier'])").strip()
        assert raw.set_specs == tuple(s.strip() for s in
                                      header.xpath("*[local-name()='setSpec']/text()"))
        assert raw.deleted == (header.get("status") == "deleted")
        assert raw.xml == (b"" if raw.deleted or not payload else
                           etree.tostring(payload[0], encoding="UTF-8", with_tail=False))


def test_raw_record_keeps_the_dataclass_behaviour() -> None:
    # RawRecord writes its own __init__ (speed); it must stay the dataclass's.
    fields = dataclasses.fields(RawRecord)
    parameters = list(inspect.signature(RawRecord).parameters.values())
    assert [(p.name, p.default) for p in parameters] == [
        (f.name, inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default)
        for f in fields]
    raw = RawRecord("s", "oai:x:1", "2024-01-01", "oai_dc", xml=b"<dc/>")
    assert raw == RawRecord(source_id="s", oai_identifier="oai:x:1", datestamp="2024-01-01",
                            metadata_prefix="oai_dc", deleted=False, set_specs=(), xml=b"<dc/>")
    assert hash(raw) == hash(dataclasses.replace(raw)) and raw != dataclasses.replace(raw, xml=b"")
    assert vars(raw) == {f.name: getattr(raw, f.name) for f in fields}
    with pytest.raises(dataclasses.FrozenInstanceError):
        raw.xml = b""  # type: ignore[misc]


RECORDED = Path(__file__).parent.parent / "fixtures" / "oai"


def test_records_the_damaged_page_could_not_be_cut_at_are_counted_and_kept() -> None:
    # The real Alma page, record 3 broken beyond repair and text before record 1's header
    # (mixed content the splitter does not cut at): all 100 are read or quarantined.
    marc = (RECORDED / "vufind" / "marc.xml").read_bytes()
    whole = parse_list_records(marc, source_id="a", metadata_prefix="marc21").records
    starts = [i for i in range(len(marc)) if marc.startswith(b"<record><header>", i)]
    end = marc.index(b"</leader>", starts[2])
    body = (marc[:starts[0]] + b"<record>exported\n" + marc[starts[0] + len(b"<record>"):end]
            + marc[end + len(b"</leader>"):])
    page = parse_list_records(body, source_id="a", metadata_prefix="marc21")
    assert [r.oai_identifier for r in page.records] == [
        r.oai_identifier for r in whole[1:2] + whole[3:]]
    broken, missed = page.rejected
    assert broken.oai_identifier == whole[2].oai_identifier
    assert missed.oai_identifier == whole[0].oai_identifier
    assert missed.raw.startswith(b"<record>exported\n<header><identifier>")
    assert whole[0].oai_identifier.encode() in missed.raw and b"</record>" in missed.raw
    assert page.notes[-1].startswith(
        "record count check: 100 <record> start tag(s), 98 records read, 2 quarantined")
    assert page.token == "fakeresumptiontoken"


def test_a_record_glued_to_the_one_before_is_read_or_kept_with_it() -> None:
    def page_of(*records: bytes) -> bytes:
        return (b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-01-01'
                b"</responseDate><ListRecords>" + b"".join(records)
                + b'<resumptionToken cursor="0">t</resumptionToken></ListRecords></OAI-PMH>')

    def record(n: int, title: bytes = b"ok") -> bytes:
        return (b"<record><header><identifier>oai:x:%d</identifier></header><metadata>"
                b'<dc xmlns="urn:dc">%s</dc></metadata></record>' % (n, title))

    # <metadata> before <header>: not cut out, so glued to the record before it.
    glued = (b'<record><metadata><dc xmlns="urn:dc">late header</dc></metadata>'
             b"<header><identifier>oai:x:3</identifier></header></record>")
    page = parse_list_records(page_of(record(1, b"a & b"), record(2), glued, record(4)),
                              source_id="x", metadata_prefix="oai_dc")
    assert [r.oai_identifier for r in page.records] == ["oai:x:2", "oai:x:3", "oai:x:4"]
    assert [r.oai_identifier for r in page.rejected] == ["oai:x:1"]
    assert len(page.notes) == 1 and page.token == "t"
    # Glued to a broken record: quarantined with it, both start tags counted, and said.
    page = parse_list_records(page_of(record(1), record(2, b"a & b"), glued, record(4)),
                              source_id="x", metadata_prefix="oai_dc")
    assert [r.oai_identifier for r in page.records] == ["oai:x:1", "oai:x:4"]
    [kept] = page.rejected
    assert b"oai:x:2" in kept.raw and b"oai:x:3" in kept.raw and "2 <record>" in kept.reason
    assert page.notes[-1] == ("record count check: 4 <record> start tag(s), 2 records read, "
                              "1 quarantined (the chunk of oai:x:2: 2 <record> start tag(s), "
                              "unreadable)")
    # A <record> nested in another element than <metadata>: counted, so the chunk is kept.
    nested = record(5).replace(b"</header>", b"</header><about/><x><record/></x>")
    page = parse_list_records(page_of(record(1, b"<"), nested), source_id="x",
                              metadata_prefix="oai_dc")
    assert [r.oai_identifier for r in page.records] == ["oai:x:5"]
    assert [r.reason.split(":")[0] for r in page.rejected] == [
        "unreadable record", "2 <record> start tags but only 1 <record> element(s) in the chunk"]
    assert page.rejected[1].raw == nested and "oai:x:5: 2 <record>" in page.notes[-1]
