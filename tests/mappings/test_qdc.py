"""Qualified DC → Record: DPLA hub records (golden) and the dirty data of formats.md §3.2."""

from __future__ import annotations

from pathlib import Path

import pytest
from golden import (
    GOLDEN_SOURCE,
    RECORDS,
    assert_damage_handled,
    assert_golden,
    golden_cases,
    map_payload,
    read_raw_record,
)

from tsunagu.errors import MappingError
from tsunagu.mappings import map_record
from tsunagu.records import Agent, LangString, ObjectType, Record, ReuseLevel

CASES = golden_cases("qdc")
ENVELOPE = ('<oai_qdc:qualifieddc xmlns:oai_qdc="http://worldcat.org/xmlschemas/qdc-1.0/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:edm="http://www.europeana.eu/schemas/edm/" '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{}</oai_qdc:qualifieddc>')


def _load(name: str) -> Record:
    return map_record(read_raw_record(RECORDS / "qdc" / name, "oai_qdc"), GOLDEN_SOURCE)


def _qdc(body: str, prefix: str = "qdc", envelope: str = ENVELOPE) -> Record:
    return map_payload(envelope.format(body), prefix)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    assert len(CASES) >= 5
    record = map_record(read_raw_record(path, "oai_qdc"), GOLDEN_SOURCE)
    assert_golden(record, path.with_suffix(".expected.json"))


def test_contentdm_semicolons_are_split() -> None:
    record = _load("dpla-in.xml")
    assert [a.name for a in record.agents if a.role == "creator"] == [
        "Ray C. Friesner", "Sallie", "Ron", "Sterling"]
    assert [a.name for a in record.agents if a.role == "publisher"] == [
        "Lewis G. Hall, Jr.", "Dexter Press"]
    assert [(d.original, d.kind) for d in record.dates[:2]] == [("1881", "created"),
                                                               ("1882", "created")]
    assert record.places == ("Muncie", "Delaware County", "Indiana", "United States",
                             "North and Central America")
    assert record.subjects[:3] == ("Civil War, 1861-1865", "United States History", "Diaries")
    assert record.title_alt == (LangString("Heuchera villosa Michx.", "en"),)
    # "Czech" is not a language value the shared table reads: warned, not dropped silently.
    assert record.languages == ("en",) and "language_unparsed" in record.warnings
    assert record.data_provider == "Butler University"  # dcterms:provenance


def test_rights_over_access_rights() -> None:
    record = _load("dpla-maryland.xml")
    # dc:rights names a statement; the CC licence prose of accessRights is not mixed in.
    assert record.rights.content.code == "RS-NoC-OKLR"
    assert record.rights.content.reuse is ReuseLevel.CONDITIONAL
    assert "Creative Commons" not in record.rights.content.raw
    only_access = _qdc("<dc:title>t</dc:title><dcterms:accessRights>CC0</dcterms:accessRights>")
    assert only_access.rights.content.code == "CC0-1.0"


def test_edm_elements_in_the_bag() -> None:
    record = _load("dpla-ohio.xml")
    # dc:alternative (a dcterms name in the dc namespace) is still an alternative title.
    assert [t.value for t in record.title_alt] == ["Alt title one", "Alt title two"]
    assert record.landing_url == "https://digitalgallery.bgsu.edu/collections/item/14058"
    assert record.thumbnail_url is not None and record.thumbnail_url.endswith(".jpg")
    assert record.data_provider == "Bowling Green State University Libraries"
    assert record.rights.content.code == "RS-NoC-US"  # edm:rights, /page/ URI
    assert record.rights_holder == ("Eric Rights Holder",)
    assert record.collection == "College of Musical Arts Programs"
    assert record.languages == ("en",)  # "english;eng"
    assert [d.original for d in record.dates] == ["1990-02-09", "2008", "2016", "1989-1990"]


def test_virginia_envelope_and_manifest() -> None:
    record = _load("dpla-virginias.xml")
    assert record.iiif_manifest == (
        "http://search.lib.virginia.edu/catalog/uva-lib:1002813/iiif/manifest.json")
    assert record.object_type is ObjectType.TEXT
    assert Agent("Runkle, Benjamin Piatt", "creator", life_dates="1837-1916") in record.agents


def test_licence_resource_and_duplicate_rights() -> None:
    record = _qdc(
        "<dc:title>t</dc:title>"
        '<dcterms:license rdf:resource="http://creativecommons.org/licenses/by/4.0/"/>'
        "<dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>"
        "<dcterms:issued>明治3年</dcterms:issued><dcterms:temporal>江戸時代</dcterms:temporal>"
        "<dcterms:spatial>東京</dcterms:spatial><dcterms:coverage>1850s</dcterms:coverage>"
        "<dc:description>http://example.org/thumb.jpg</dc:description>"
    )
    assert record.rights.content.code == "CC-BY-4.0"
    assert record.rights.content.raw == "http://creativecommons.org/licenses/by/4.0/"
    assert "rights_conflict" not in record.warnings
    assert [(d.original, d.kind, d.year_start) for d in record.dates] == [
        ("明治3年", "issued", 1870), ("1850s", "coverage", 1850)]
    assert record.subjects == ("江戸時代",)
    assert record.places == ("東京",)
    assert record.description == ()  # a thumbnail URL is not a description


@pytest.mark.parametrize("prefix", ["qdc", "oai_qdc", "dcterms"])
def test_prefixes_and_envelopes(prefix: str) -> None:
    oai_dc = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
              'xmlns:dc="http://purl.org/dc/elements/1.1/" '
              'xmlns:dcterms="http://purl.org/dc/terms/">{}</oai_dc:dc>')
    record = _qdc("<dcterms:alternative>only an alternative</dcterms:alternative>", prefix,
                  oai_dc)
    assert record.title.value == "only an alternative"
    assert record.title_alt == ()


@pytest.mark.parametrize("name", ["dpla-il.xml", "dpla-scdl.xml", "dpla-txdl.xml", "dpla-vt.xml"])
def test_undeclared_namespace_prefixes_are_mapping_errors(name: str) -> None:
    # Real payloads with prefixes declared nowhere (scdl binds dc: to XHTML upstream) and an
    # invalid namespace URI (txdl: "http://www.w3.o rg/2011/content#").
    raw = read_raw_record(RECORDS / "qdc" / "damaged" / name, "qdc")
    with pytest.raises(MappingError) as caught:
        map_record(raw, GOLDEN_SOURCE)
    assert caught.value.field == "xml"


@pytest.mark.parametrize("xml", [b"<qualifieddc/>", b"<record><title>t</title></record>", b"<"])
def test_foreign_or_broken_xml(xml: bytes) -> None:
    with pytest.raises(MappingError):
        map_payload(xml, "qdc")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_damaged_records_map_or_fail_cleanly(path: Path) -> None:
    raw = read_raw_record(path, "qdc")
    assert_damage_handled(raw)
