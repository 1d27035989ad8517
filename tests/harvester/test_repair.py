"""Bad XML: clean and re-parse, then isolate record by record — on real recorded pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tsunagu.errors import ResponseFormatError, TruncatedResponseError
from tsunagu.harvester.protocol import parse_list_records
from tsunagu.harvester.repair import clean_page, token_by_pattern
from tsunagu.harvester.windows import parse_datestamp

FIXTURES = Path(__file__).parent.parent / "fixtures" / "oai"
MARC = (FIXTURES / "vufind" / "marc.xml").read_bytes()
MODS = (FIXTURES / "dpla" / "oai-page.xml").read_bytes()


def parse(body: bytes, prefix: str = "marc21"):
    return parse_list_records(body, source_id="t", metadata_prefix=prefix)


def test_clean_pages_are_parsed_strictly_without_repairs() -> None:
    page = parse(MARC)
    assert len(page.records) == 100 and page.token == "fakeresumptiontoken"
    assert page.rejected == () and page.repaired == () and page.notes == ()
    mods = parse(MODS, "mods")
    assert len(mods.records) == 10 and mods.complete_list_size == 4147


def test_subjectsplus_quirks() -> None:
    page = parse((FIXTURES / "vufind" / "subjectsplus.xml").read_bytes(), "oai_dc")
    [record] = page.records
    assert record.oai_identifier == "1" and record.datestamp == "2023-03-30"
    assert str(parse_datestamp(page.response_date)) == "2023-03-30 10:17:12+00:00"


def test_deleted_header_without_datestamp_is_a_tombstone() -> None:
    page = parse((FIXTURES / "vufind" / "list_records_response.xml").read_bytes(), "oai_dc")
    assert [(r.oai_identifier, r.deleted) for r in page.records] == [
        ("fake:foo1", True), ("fake:foo2", False)]


def test_control_characters_and_bad_references_are_removed_and_flagged() -> None:
    first = MODS.index(b"<mods:title>") + len(b"<mods:title>")
    body = MODS[:first] + b"\x0b\x1a&#x1A;&#55349;\t" + MODS[first:]
    page = parse(body, "mods")
    assert len(page.records) == 10 and page.token is not None
    [(identifier, what)] = page.repaired
    assert identifier == page.records[0].oai_identifier and "illegal" in what
    title = page.records[0].xml.split(b"<mods:title>")[1][:1]
    assert title == b"\t"  # TAB is legal XML and stays


def test_embedded_declarations_and_trailing_junk_are_stripped() -> None:
    body = MODS.replace(b"<mods:mods", b'<?xml version="1.0"?><mods:mods', 1) + b"\n<junk>"
    page = parse(body, "mods")
    assert len(page.records) == 10 and page.rejected == ()
    assert any("junk" in note for note in page.notes)
    assert "embedded XML declaration" in dict(page.repaired)[page.records[0].oai_identifier]


def test_invalid_utf8_is_replaced_in_the_record_that_had_it() -> None:
    at = MARC.index(b"<subfield", MARC.index(b"<record>", 5000))
    body = MARC[:at] + b"\xff\xfe" + MARC[at:]
    page = parse(body)
    assert len(page.records) == 100
    [(identifier, what)] = page.repaired
    assert "U+FFFD" in what
    repaired = next(r for r in page.records if r.oai_identifier == identifier)
    assert "\ufffd\ufffd".encode() in repaired.xml


def test_a_broken_record_is_isolated_and_the_rest_kept() -> None:
    # The third OAI record loses a closing tag: no cleaning fixes that.
    starts = [i for i in range(len(MARC)) if MARC.startswith(b"<record>", i)]
    third = starts[2]
    end = MARC.index(b"</leader>", third)
    body = MARC[:end] + MARC[end + len(b"</leader>"):]
    page = parse(body)
    assert len(page.records) == 99
    [bad] = page.rejected
    assert bad.oai_identifier is not None and bad.oai_identifier not in {
        r.oai_identifier for r in page.records}
    assert b"<leader>" in bad.raw and b"</leader>" not in bad.raw
    assert page.token == "fakeresumptiontoken"  # read by pattern: the list goes on
    assert "record by record" in page.notes[0]
    # No record took another's data (what lxml's recover=True would do).
    ids = [r.oai_identifier for r in page.records]
    assert len(set(ids)) == 99


def test_a_cut_off_page_is_truncated_not_repaired() -> None:
    with pytest.raises(TruncatedResponseError):
        parse(MARC[: len(MARC) // 2])


def test_html_is_still_an_error_with_a_snippet() -> None:
    with pytest.raises(ResponseFormatError, match="Maintenance"):
        parse(b"<html><body><p>Maintenance & more</body></html>")


def test_clean_page_and_token_pattern_directly() -> None:
    cleaned = clean_page(b'<?xml version="1.0" encoding="ISO-8859-1"?><OAI-PMH>'
                         b"<r>caf\xe9\x07</r></OAI-PMH>trailing")
    assert cleaned.body == "<OAI-PMH><r>café</r></OAI-PMH>".encode()
    assert token_by_pattern('<resumptionToken completeListSize="5">a&amp;b</resumptionToken>'
                            ) == ("a&b", 5)
    assert token_by_pattern("<resumptionToken/>") == (None, None)
