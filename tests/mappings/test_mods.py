"""MODS → Record: the DPLA hub records (golden files) and the dirty data of formats.md §3.3."""

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
from tsunagu.records import Agent, LangString, Media, ObjectType, Record, ReuseLevel

CASES = golden_cases("mods")
MODS_NS = "http://www.loc.gov/mods/v3"


def _load(name: str) -> Record:
    return map_record(read_raw_record(RECORDS / "mods" / name, "mods"), GOLDEN_SOURCE)


def _mods(body: str) -> Record:
    xml = (f'<mods xmlns="{MODS_NS}" xmlns:xlink="http://www.w3.org/1999/xlink">{body}</mods>')
    return map_payload(xml, "mods")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    assert len(CASES) >= 20
    record = map_record(read_raw_record(path, "mods"), GOLDEN_SOURCE)
    assert_golden(record, path.with_suffix(".expected.json"))


def test_bhl_title_agents_and_a_thumbnail_labelled_as_the_page() -> None:
    record = _load("dpla-bhl.xml")
    # ISBD " /" stripped; the abbreviated title is an alternative.
    assert record.title.value == (
        "Die Musci der Flora von Buitenzorg : zugleich Laubmoosflora von Java")
    assert [t.value for t in record.title_alt] == ["Sp. Musc. Frond."]
    assert record.agents[0] == Agent("Fleischer, Max", "creator", "creator", "1861-1930")
    assert record.agents[1].name == "Winnie Peaches"  # stray ", , " removed
    assert record.agents[2].role == "contributor"
    assert record.agents[2].role_raw == "issuing body; contributor"
    assert Agent("E.J. Brill", "publisher") in record.agents  # originInfo/publisher, ISBD "," gone
    # "object in context" points at a page thumbnail: it is the thumbnail, not the landing page.
    assert record.thumbnail_url == "https://www.biodiversitylibrary.org/pagethumb/600316"
    assert record.landing_url == "https://www.biodiversitylibrary.org/item/7"
    # The key date comes first; start/end duplicates of the written range are dropped.
    assert [(d.original, d.kind) for d in record.dates] == [("1900-1902", "other"),
                                                           ("1900-1922.", "issued")]
    assert record.places == ("Bogor", "Indonesia", "Leiden")


def test_rights_uri_in_element_text_and_junk_href() -> None:
    nc = _load("dpla-nc.xml")
    assert nc.rights.content.code == "RS-InC-EDU"
    assert nc.rights.content.reuse is ReuseLevel.EDUCATION
    # The "local rights statements" condition is not read when a use condition exists.
    assert "Campbell" not in nc.rights.content.raw
    ct = _load("dpla-ct.xml")
    assert ct.rights.content.code == "CC-BY-NC-4.0"
    assert "rs.org" not in ct.rights.content.raw  # xlink:href="rs.org" is not a URL
    assert ct.rights.thumbnail == ct.rights.content


def test_related_items_describe_something_else() -> None:
    record = _load("dpla-oai-page-arn00007c00001.xml")
    # The host collection's creator and dates are not the plate's.
    assert record.agents == ()
    assert record.dates == ()
    assert record.collection == "Alfred Riocreux botanical watercolors"
    assert record.languages == ()  # "und" is no language, and no warning
    assert "language_unparsed" not in record.warnings
    assert record.media == (
        Media("https://nrs.harvard.edu/urn-3:FMUS.ARN:37524536?width=150", "thumbnail"),
        Media("https://nrs.harvard.edu/urn-3:FMUS.ARN:37524535", "full"),
    )


def test_children_without_the_namespace_and_geography() -> None:
    michigan = _load("dpla-michigan.xml")
    assert michigan.data_provider == "Oakland County Historical Resources"
    assert michigan.iiif_manifest is not None and "manifest" in michigan.iiif_manifest
    ma = _load("dpla-ma.xml")
    assert ma.places == ("Springfield, Hampden, Massachusetts, United States, "
                         "North and Central America",)
    assert ma.coordinates == (42.1, -72.5833)
    assert ma.title_alt[-1] == LangString("Kio circus", "en")  # translated, lang="eng"
    assert ma.dates[0].original == "1967/2007"
    assert (ma.dates[0].year_start, ma.dates[0].year_end) == (1967, 2007)
    assert ma.object_type is ObjectType.IMAGE


def test_descriptions_take_the_cataloguing_language() -> None:
    record = _load("dpla-ma-creator.xml")
    assert record.languages == ("fr",)
    assert record.title.lang == "fr"
    assert {d.lang for d in record.description} == {"en"}
    assert record.dates[0].uncertain  # qualifier="questionable" on the start/end pair


def test_dirty_dates() -> None:
    record = _mods(
        "<titleInfo><title>t</title></titleInfo>"
        '<originInfo><dateIssued encoding="marc">18uu</dateIssued>'
        '<dateCreated point="start" qualifier="approximate">1850</dateCreated>'
        '<dateCreated point="end">1860</dateCreated></originInfo>'
        '<originInfo eventType="digitization"><dateIssued>2015</dateIssued></originInfo>'
        "<originInfo><dateCaptured>2016-02-01</dateCaptured>"
        "<dateOther>n.d.</dateOther><dateOther>someday</dateOther></originInfo>"
    )
    summary = [(d.original, d.kind, d.year_start, d.year_end, d.approximate) for d in record.dates]
    assert summary == [
        ("1850/1860", "created", 1850, 1860, True),
        ("18uu", "issued", 1800, 1899, False),
        ("2015", "digitized", 2015, 2015, False),
        ("2016-02-01", "digitized", 2016, 2016, False),
        ("someday", "other", None, None, False),
    ]
    assert {"date_unknown", "date_unparsed"} <= set(record.warnings)


def test_roles_by_code_and_text() -> None:
    record = _mods(
        "<titleInfo><title>t</title></titleInfo>"
        '<name><namePart type="family">夏目</namePart><namePart type="given">漱石</namePart>'
        '<namePart type="date">1867-1916</namePart>'
        '<role><roleTerm type="code" authority="marcrelator">aut</roleTerm></role></name>'
        '<name><namePart>岩波書店</namePart><role><roleTerm type="code">pbl</roleTerm></role>'
        "</name><name><namePart>Editor X</namePart><role><roleTerm>editor</roleTerm></role></name>"
        '<name usage="primary"><namePart>No Role</namePart></name>'
        "<name><namePart>-</namePart></name>"
    )
    assert record.agents == (
        Agent("夏目, 漱石", "creator", "aut", "1867-1916"),
        Agent("岩波書店", "publisher", "pbl"),
        Agent("Editor X", "contributor", "editor"),
        Agent("No Role", "creator"),
    )


def test_titles_with_script_and_no_main_title() -> None:
    record = _mods(
        '<titleInfo type="alternative" lang="ja" script="Latn"><title>Hokusai manga</title>'
        '</titleInfo><titleInfo type="translated" xml:lang="en"><title>Sketches</title>'
        '</titleInfo><titleInfo type="no not map"><title>Ignored</title></titleInfo>'
    )
    assert record.title == LangString("Hokusai manga", "ja-Latn")
    assert record.title_alt == (LangString("Sketches", "en"),)
    empty = _mods("<typeOfResource>cartographic</typeOfResource>")
    assert empty.title == LangString("oai:example.org:1", None)
    assert {"no_title", "no_landing_url", "no_rights"} <= set(empty.warnings)
    assert empty.object_type is ObjectType.IMAGE


def test_html_in_notes_is_text() -> None:
    record = _mods("<titleInfo><title>t</title></titleInfo>"
                   "<abstract>&lt;p&gt;One &amp;amp; two&lt;/p&gt;&lt;p&gt;Three&lt;/p&gt;"
                   "</abstract>"
                   "<note>line\n   broken\n\n   paragraph</note>")
    assert [d.value for d in record.description] == ["One & two\n\nThree",
                                                     "line broken\n\nparagraph"]


def test_namespace_error_is_a_mapping_error() -> None:
    raw = read_raw_record(RECORDS / "mods" / "damaged" / "dpla-tn.xml", "mods")
    with pytest.raises(MappingError) as caught:
        map_record(raw, GOLDEN_SOURCE)
    assert caught.value.field == "xml"
    assert caught.value.record_id is not None


@pytest.mark.parametrize("xml", [b"<oai_dc:dc xmlns:oai_dc='http://www.openarchives.org/OAI/2.0/"
                                 b"oai_dc/'/>", b"<mods/>", b"not xml", b"", b"<mods xmlns='"
                                 + MODS_NS.encode() + b"'><titleInfo>"])
def test_foreign_or_broken_xml(xml: bytes) -> None:
    with pytest.raises(MappingError):
        map_payload(xml, "mods")


@pytest.mark.parametrize("path", CASES[:6], ids=lambda p: p.stem)
def test_damaged_records_map_or_fail_cleanly(path: Path) -> None:
    raw = read_raw_record(path, "mods")
    assert_damage_handled(raw)
