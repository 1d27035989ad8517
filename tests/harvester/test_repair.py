"""Bad XML: clean and re-parse, then isolate record by record — on real recorded pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tsunagu.errors import ResponseFormatError, TruncatedResponseError
from tsunagu.harvester.protocol import RecordPage, parse_list_records
from tsunagu.harvester.repair import (
    clean_page,
    in_scope,
    is_truncated,
    root_end,
    token_by_pattern,
)
from tsunagu.harvester.windows import parse_datestamp

FIXTURES = Path(__file__).parent.parent / "fixtures" / "oai"
MARC = (FIXTURES / "vufind" / "marc.xml").read_bytes()
MODS = (FIXTURES / "dpla" / "oai-page.xml").read_bytes()


def parse(body: bytes, prefix: str = "marc21") -> RecordPage:
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


# -- the damaged-page path (issue #3, audit4 gaps 1-3) ----------------------------

TITLE = b"<mods:title>Plate 1. Clematis cylindrica"
NOTICE = (b"<br />\n<b>Notice</b>:  Undefined index: set in <b>/var/www/oai/index.php</b>"
          b" on line <b>42</b><br />\n")


def oai_record_starts(body: bytes) -> list[int]:
    return [i for i in range(len(body)) if body.startswith(b"<record><header>", i)]


@pytest.mark.parametrize("damage", [b"Clematis &", b"Clematis < "])
def test_a_bare_ampersand_or_less_than_in_the_dpla_page_rejects_that_record_only(
    damage: bytes
) -> None:
    # Harvard declares xmlns on both <OAI-PMH> and <ListRecords>: one wrapper holding
    # both declarations made every record unreadable.
    page = parse(MODS.replace(TITLE, TITLE.replace(b"Clematis", damage)), "mods")
    assert len(page.records) == 9
    [bad] = page.rejected
    assert bad.oai_identifier == "arn00007c00001"
    assert damage in bad.raw and bad.raw.startswith(b"<record>")
    assert "arn00007c00001" not in {r.oai_identifier for r in page.records}
    assert page.token == "AoEuYXJuMDAwMDdjMDAwMTE=:botanicals:10:mods"
    assert page.complete_list_size == 4147
    assert page.notes == (page.notes[0],)  # "read record by record", no count difference
    # Each record kept is the recorded one, not a merged or altered one.
    assert [r.xml for r in page.records] == [r.xml for r in parse(MODS, "mods").records[1:]]


def test_the_namespaces_in_scope_at_the_records_merge_by_prefix_the_innermost_winning() -> None:
    opening = ('<?xml version="1.0"?><!-- <x xmlns="urn:comment"> -->'
               '<OAI-PMH xmlns="urn:outer" xmlns:a=\'urn:a\'>'
               '<request xmlns:closed="urn:closed" verb="ListRecords">x</request>'
               '<empty xmlns:e="urn:e"/>'
               '<ListRecords xmlns="urn:inner" xmlns:b="urn:b">\n')
    declarations = in_scope(opening)
    assert sorted(declarations.split()) == sorted([
        'xmlns="urn:inner"', "xmlns:a='urn:a'", 'xmlns:b="urn:b"'])
    chunk = etree.fromstring(f"<chunk{declarations}><record/></chunk>".encode())
    assert chunk[0].tag == "{urn:inner}record" and chunk.nsmap["a"] == "urn:a"


def test_a_comment_before_a_header_does_not_hide_its_record() -> None:
    # Record 5 opens with a comment and a processing instruction, record 3 is broken:
    # the page is read record by record and every one of the 100 is accounted for.
    starts = oai_record_starts(MARC)
    fifth = starts[4] + len(b"<record>")
    end = MARC.index(b"</leader>", starts[2])
    body = (MARC[:end] + MARC[end + len(b"</leader>"):fifth]
            + b"\n  <!-- exported by Alma --><?alma note?>\n" + MARC[fifth:])
    page = parse(body)
    ids = [r.oai_identifier for r in page.records]
    assert len(ids) == 99 == len(set(ids)) and len(page.rejected) == 1
    whole = parse(MARC)
    fifth_id = whole.records[4].oai_identifier
    assert fifth_id in ids and whole.records[2].oai_identifier == page.rejected[0].oai_identifier
    assert next(r for r in page.records if r.oai_identifier == fifth_id).xml == whole.records[4].xml


def test_junk_of_any_length_after_the_root_is_removed_and_noted_not_taken_for_a_cut() -> None:
    for junk in (NOTICE * 50, NOTICE * 1000):  # 5 KB, then 100 KB of PHP notices
        assert len(junk) > 4096
        assert not is_truncated(MODS + junk)
        page = parse(MODS + junk, "mods")
        assert len(page.records) == 10 and page.rejected == () and page.repaired == ()
        assert page.token == "AoEuYXJuMDAwMDdjMDAwMTE=:botanicals:10:mods"
        assert any(f"junk after </OAI-PMH> removed ({len(junk)} characters)" == note
                   for note in page.notes), page.notes
        assert not any("outside the records" in note for note in page.notes)


def test_an_end_tag_in_a_cdata_section_or_a_comment_does_not_end_the_page() -> None:
    # The page is cut after a record whose title holds "</OAI-PMH>" in CDATA, then in a comment.
    for hidden in (b"<![CDATA[see </OAI-PMH> and ]]>", b"<!-- </OAI-PMH> -->"):
        body = MODS.replace(TITLE, TITLE.replace(b"Plate 1.", b"Plate 1. " + hidden))
        assert parse(body, "mods").records[0].oai_identifier == "arn00007c00001"
        cut = body[: body.index(b"</mods:title>") + 200]
        assert is_truncated(cut)
        with pytest.raises(TruncatedResponseError):
            parse(cut, "mods")


def test_the_root_end_is_found_past_nested_roots_and_hidden_markup() -> None:
    text = ('<?xml version="1.0"?><o:OAI-PMH xmlns:o="urn:o"><x><o:OAI-PMH>'
            "<![CDATA[</o:OAI-PMH>]]></o:OAI-PMH></x><?pi </o:OAI-PMH>?></o:OAI-PMH >")
    assert root_end(text + "<b>Notice</b></o:OAI-PMH>") == len(text)
    assert root_end(text[:-2]) is not None  # the nested root's end: not a cut page
    assert root_end(text[: text.index("<x>")]) is None
    assert is_truncated(b"<OAI-PMH><ListRecords><record><!-- </OAI-PMH>")
    assert not is_truncated(b"<OAI-PMH/>\n<junk>")
