"""Conformance: recorded responses and real records against the schemas, and the harvest hook."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from hostile_server import Fault, HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.harvester.conformance import (
    check_metadata,
    check_page,
    check_response,
    validate_stored,
)
from tsunagu.harvester.protocol import parse_list_records
from tsunagu.records import RawRecord, Sector, Source
from tsunagu.store import ChangeKind, Store

FIXTURES = Path(__file__).parent.parent / "fixtures"
ZENODO = FIXTURES / "oai" / "zenodo"
VUFIND = FIXTURES / "oai" / "vufind"
JPCOAR = FIXTURES / "records" / "jpcoar"
OAI_DC = FIXTURES / "records" / "oai_dc"
PAGE = (ZENODO / "list_records__00_200.body").read_bytes()


@pytest.mark.parametrize("name", ["list_records__00_200.body", "list_records__05_200.body",
                                  "list_records__02_422.body", "list_sets__00_200.body",
                                  "list_metadata_formats__00_200.body",
                                  "identify__02_200.body"])
def test_recorded_zenodo_responses_conform(name: str) -> None:
    assert check_response((ZENODO / name).read_bytes()) == ()


def test_a_real_alma_marcxml_page_conforms() -> None:
    assert check_response((VUFIND / "marc.xml").read_bytes()) == ()


def test_a_zenodo_page_and_its_oai_dc_records_conform() -> None:
    page = parse_list_records(PAGE, source_id="zenodo", metadata_prefix="oai_dc")
    assert len(page.records) == 50
    assert check_page(PAGE, page) == ()


def test_a_header_without_identifier_is_found_at_its_record() -> None:
    broken = PAGE.replace(b"<identifier>oai:zenodo.org:20510666</identifier>", b"", 1)
    findings = check_response(broken)
    assert len(findings) == 1
    assert findings[0].scope == "response"
    assert "Expected is ( identifier )" in findings[0].message
    assert findings[0].line == 10  # the <datestamp> where the identifier should have been
    assert findings[0].oai_identifier is None  # the record has none to name


def test_a_bad_datestamp_names_the_record() -> None:
    broken = PAGE.replace(b"<datestamp>2026-06-06T07:52:15Z</datestamp>",
                          b"<datestamp>06/06/2026</datestamp>", 1)
    (finding,) = check_response(broken)
    assert "datestamp" in finding.message and "06/06/2026" in finding.message
    second = re.findall(rb"<identifier>(oai:zenodo.org:\d+)</identifier>", PAGE)[1]
    assert finding.oai_identifier == second.decode()


def test_an_unknown_error_code_fails() -> None:
    body = (ZENODO / "list_records__02_422.body").read_bytes().replace(
        b'code="noRecordsMatch"', b'code="tooManyRequests"')
    (finding,) = check_response(body)
    assert "code" in finding.message and "tooManyRequests" in finding.message


def test_real_quirks_are_findings() -> None:
    """SubjectsPlus: a responseDate with an offset; the synthetic VuFind page: no datestamp."""
    (offset,) = check_response((VUFIND / "subjectsplus.xml").read_bytes())
    assert "+05:45" in offset.message and "responseDate" in offset.message
    quirks = check_response((VUFIND / "list_records_response.xml").read_bytes())
    assert {f.oai_identifier for f in quirks} == {"fake:foo1", "fake:foo2"}
    assert any("foo" in f.message for f in quirks)


def test_an_html_page_is_not_well_formed() -> None:
    (finding,) = check_response((ZENODO / "identify__00_200.body").read_bytes())
    assert finding.message.startswith("not well-formed XML")


@pytest.mark.parametrize("version", ["2.0", "2.1"])
def test_official_jpcoar_samples_are_valid(version: str) -> None:
    samples = sorted((JPCOAR / version).glob("*.xml"))
    assert len(samples) == 14
    for sample in samples:
        assert check_metadata(sample.read_bytes(), sample.name) == (), sample.name


def test_the_jpcoar_1_0_samples_hold_one_real_typo() -> None:
    results = {p.name: check_metadata(p.read_bytes()) for p in (JPCOAR / "1.0").glob("*.xml")}
    assert len(results) == 10
    invalid = {name: found for name, found in results.items() if found}
    assert list(invalid) == ["08_conference_object.xml"]
    assert "starYear" in invalid["08_conference_object.xml"][0].message


def test_a_damaged_jpcoar_record_fails() -> None:
    sample = (JPCOAR / "2.0" / "03_journal_article_oa.xml").read_bytes()
    damaged = re.sub(rb"<dc:title[^>]*>.*?</dc:title>", b"", sample, flags=re.S)
    damaged = damaged.replace(b"<jpcoar:creator", b"<jpcoar:author", 1)
    findings = check_metadata(damaged, "oai:x:1")
    assert findings and all(f.oai_identifier == "oai:x:1" for f in findings)
    assert any("author" in f.message for f in findings)
    truncated = (JPCOAR / "damaged" / "truncated.xml").read_bytes()
    (broken,) = check_metadata(truncated) or ()
    assert broken.message.startswith("not well-formed XML")


def test_oai_dc_records_are_valid_and_a_stray_element_is_not() -> None:
    records = sorted(OAI_DC.glob("*.xml"))
    assert records
    for record in records:
        assert check_metadata(record.read_bytes()) == (), record.name
    stray = records[0].read_bytes().replace(b"</dc:title>", b"</dc:title><dc:titel>x</dc:titel>",
                                            1)
    assert any("titel" in f.message for f in check_metadata(stray) or ())


def test_a_format_without_a_schema_is_skipped() -> None:
    assert check_metadata(b'<mods xmlns="http://www.loc.gov/mods/v3"><titleInfo/></mods>') is None


def test_schemas_load_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every import resolves locally: sockets are refused while the schemas compile."""
    import socket

    from tsunagu.harvester import conformance

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a schema tried the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(conformance, "_COMPILED", {})
    for name in (conformance.RESPONSE_SCHEMA, *conformance.METADATA_SCHEMAS.values()):
        assert conformance._schema(name) is not None


# -- during a harvest ----------------------------------------------------------------

def _keep(changes: Sequence[tuple[RawRecord, ChangeKind]], run_id: int) -> int:
    return 0


def _source(url: str) -> Source:
    return Source(id="hostile", name="Hostile", base_url=url, sector=Sector.ARCHIVE)


def _conformance(store: Store, run_id: int) -> list[str]:
    return [f"{i.oai_identifier}: {i.message}" for i in store.runs.log.issues(run_id)
            if i.kind == "conformance"]


def test_a_broken_record_in_a_later_page_is_a_warning_and_nothing_is_lost(
        store: Store, settings: Settings) -> None:
    served = items(30)
    with HostileServer(served, faults=[Fault("control", at=2)]) as server:
        source = _source(server.url)
        store.sources.add(source)
        run = harvest_source(source, store, settings, on_page=_keep)
    assert run.status == "ok", run.error
    assert store.raw.count("hostile") == 30  # findings never drop records
    warnings = _conformance(store, run.id)
    assert warnings and all("not well-formed XML" in w for w in warnings)
    # the first page was checked too (clean), the third page was not checked at all
    assert len(warnings) == 1


def test_every_page_is_checked_when_asked(store: Store, settings: Settings) -> None:
    served = items(30)
    served[25].datestamp = "2026-11-0710:00:00"  # page 3 of 3
    with HostileServer(served) as server:
        source = _source(server.url)
        store.sources.add(source)
        run = harvest_source(source, store, settings, on_page=_keep)
        assert _conformance(store, run.id) == []  # page 3 is not looked at by default
        everything = dataclasses.replace(settings, validate_all_pages=True)
        second = harvest_source(source, store, everything, on_page=_keep, full=True)
    assert second.status == "ok", second.error
    (warning,) = _conformance(store, second.id)
    assert warning.startswith(f"{served[25].identifier}: response line")
    assert "2026-11-0710:00:00" in warning


def test_validate_stored_records(store: Store, settings: Settings) -> None:
    store.sources.add(Source(id="jp", name="JPCOAR", base_url="https://example.org/oai",
                             sector=Sector.RESEARCH_REPOSITORY, metadata_prefix="jpcoar_1.0"))
    samples = sorted((JPCOAR / "1.0").glob("*.xml"))
    store.raw.put_many([RawRecord("jp", f"oai:jp:{p.stem}", "2026-01-01", "jpcoar_1.0",
                                  xml=p.read_bytes()) for p in samples], None)
    result = validate_stored(store, "jp")
    assert (result.records, result.valid, result.invalid, result.skipped) == (10, 9, 1, 0)
    assert result.schema == "jpcoar/1.0/jpcoar_scm.xsd"
    assert result.findings[0].oai_identifier == "oai:jp:08_conference_object"
    assert result.messages[0][1] == 1
