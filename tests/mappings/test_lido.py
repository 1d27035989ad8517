"""LIDO → Record: German museum records via the DDB and KENOM, the LIDO reference examples."""

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
from tsunagu.records import (
    Agent,
    LangString,
    ObjectType,
    RawRecord,
    Record,
    ReuseLevel,
    RightsOrigin,
)

CASES = golden_cases("lido")
MANIPULATED = sorted((RECORDS / "lido" / "damaged").glob("*.xml"))
LIDO = 'xmlns:lido="http://www.lido-schema.org"'


def _load(name: str) -> Record:
    return map_record(read_raw_record(RECORDS / "lido" / name, "lido"), GOLDEN_SOURCE)


def _lido(body: str, wrap: bool = False) -> Record:
    xml = f"<lido:lido {LIDO}>{body}</lido:lido>"
    if wrap:
        xml = f"<lido:lidoWrap {LIDO}>{xml.replace(' ' + LIDO, '')}</lido:lidoWrap>"
    return map_payload(xml, "lido", "oai:example.jp:lido:1")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    assert len(CASES) >= 45
    record = map_record(read_raw_record(path, "lido"), GOLDEN_SOURCE)
    assert_golden(record, path.with_suffix(".expected.json"))


def test_per_media_rights_beat_record_rights() -> None:
    record = _load("ddb-DSM.xml")
    # Each resourceSet says CC BY-NC-SA 4.0; the record metadata is PDM (a deed.de URL).
    assert {m.rights.code for m in record.media if m.rights} == {"CC-BY-NC-SA-4.0"}
    assert record.rights.content.code == "CC-BY-NC-SA-4.0"
    assert record.rights.content.origin is RightsOrigin.MEDIA
    assert record.rights.content.reuse is ReuseLevel.CONDITIONAL
    assert record.rights.metadata.code == "PDM-1.0"
    assert record.rights_holder == ("Deutsches Schifffahrtsmuseum",)
    assert record.agents == (Agent("Porzellanfabrik Weiden Gebr. Bauscher (1881 - heute)",
                                   "creator"),)  # only displayActorInRole is given
    assert record.places == ("Bremen",)
    assert record.object_type is ObjectType.PHYSICAL_OBJECT  # CIDOC E22, German work type
    assert record.genre_raw == ("Suppenschälchen", "Geschirr")


def test_thumbnails_and_display_dates() -> None:
    kenom = _load("ddb-KENOM_Landesbib_Schwerin.xml")
    assert kenom.thumbnail_url is not None and "/full/300,/" in kenom.thumbnail_url
    assert [m.role for m in kenom.media] == ["full", "thumbnail", "full", "thumbnail"]
    uslar = _load("ddb-Museum_Uslar.xml")
    assert uslar.coordinates == (51.396, 9.3933)  # gml:pos of the event place
    wannsee = _load("ddb-Wannseekonferenz.xml")
    assert wannsee.dates[0].original == "Um 1950"
    assert wannsee.dates[0].approximate


def test_lido_1_1_concepts_and_languages() -> None:
    record = _load("LIDO-v1.1-Example_FMobj00154983-LaPrimavera.xml")
    # skos:Concept event types; the preferred title in the record language (de) comes first.
    assert record.title == LangString("Der Frühling", "de")
    assert LangString("La Primavera", "it") in record.title_alt
    botticelli = record.agents[0]
    assert (botticelli.name, botticelli.role) == ("Botticelli, Sandro", "creator")
    assert botticelli.role_raw == "painters (artists); Maler"  # one agent, two role languages
    assert botticelli.uri == "http://vocab.getty.edu/ulan/500015254"
    assert botticelli.life_dates is not None and botticelli.life_dates.startswith("1445")
    assert (record.agents[1].name, record.agents[1].role) == ("Uffizien", "contributor")
    # Restoration (1981/1983) and acquisition dates are not the work's dates.
    assert [d.kind for d in record.dates] == ["created"]


def test_german_event_terms_without_concept_ids() -> None:
    record = _load("ddb-Technik-Museum.xml")
    roles = {a.name: a.role for a in record.agents}
    assert roles["H. Rauer (Technischer Zeichner/Ingenieur)"] == "creator"  # "Gezeichnet"
    assert roles["Starke, Paul (Mühlenbesitzer)"] == "contributor"  # "Beauftragt"


def test_rights_uri_in_term_wrap_and_japanese_dates() -> None:
    record = _lido(
        "<lido:lidoRecID>jp-1</lido:lidoRecID>"
        '<lido:descriptiveMetadata xml:lang="ja"><lido:objectIdentificationWrap><lido:titleWrap>'
        "<lido:titleSet><lido:appellationValue>冨嶽三十六景</lido:appellationValue>"
        '<lido:appellationValue lido:pref="alternative" xml:lang="ja-Kana">フガクサンジュウロッケイ'
        "</lido:appellationValue></lido:titleSet></lido:titleWrap></lido:objectIdentificationWrap>"
        "<lido:eventWrap><lido:eventSet><lido:event><lido:eventType><lido:term>制作</lido:term>"
        "</lido:eventType><lido:eventActor><lido:actorInRole><lido:actor><lido:nameActorSet>"
        "<lido:appellationValue>葛飾北斎</lido:appellationValue></lido:nameActorSet></lido:actor>"
        "<lido:roleActor><lido:term>画</lido:term></lido:roleActor></lido:actorInRole>"
        "</lido:eventActor><lido:eventDate><lido:displayDate>江戸後期頃か</lido:displayDate>"
        "<lido:date><lido:earliestDate>1831</lido:earliestDate><lido:latestDate>1834"
        "</lido:latestDate></lido:date></lido:eventDate></lido:event></lido:eventSet>"
        "</lido:eventWrap></lido:descriptiveMetadata>"
        "<lido:administrativeMetadata><lido:rightsWorkWrap><lido:rightsWorkSet><lido:rightsType>"
        "<lido:term>https://creativecommons.org/publicdomain/mark/1.0/</lido:term>"
        "</lido:rightsType></lido:rightsWorkSet></lido:rightsWorkWrap>"
        "<lido:recordWrap><lido:recordInfoSet><lido:recordInfoLink>https://example.jp/42"
        "</lido:recordInfoLink></lido:recordInfoSet></lido:recordWrap>"
        "</lido:administrativeMetadata>",
        wrap=True,
    )
    assert record.title == LangString("冨嶽三十六景", "ja")
    assert record.title_alt == (LangString("フガクサンジュウロッケイ", "ja-Kana"),)
    assert record.agents == (Agent("葛飾北斎", "creator", "画"),)
    date = record.dates[0]
    assert date.original == "江戸後期頃か" and date.kind == "created"
    assert date.year_start is not None and 1781 <= date.year_start <= 1831
    assert record.rights.content.code == "PDM-1.0"  # a rights URI put in lido:term
    assert record.rights.content.origin is RightsOrigin.ITEM
    assert record.landing_url == "https://example.jp/42"


def test_unreadable_display_date_falls_back_to_the_normalized_dates() -> None:
    record = _lido(
        "<lido:descriptiveMetadata><lido:eventWrap><lido:eventSet><lido:event><lido:eventType>"
        "<lido:conceptID>http://terminology.lido-schema.org/lido00012</lido:conceptID>"
        "</lido:eventType><lido:eventDate><lido:displayDate>zur Zeit des Kaisers</lido:displayDate>"
        "<lido:date><lido:earliestDate>1871</lido:earliestDate><lido:latestDate>1888"
        "</lido:latestDate></lido:date></lido:eventDate></lido:event></lido:eventSet>"
        "</lido:eventWrap></lido:descriptiveMetadata>"
    )
    date = record.dates[0]
    assert (date.original, date.year_start, date.year_end) == ("zur Zeit des Kaisers", 1871, 1888)
    assert date.approximate
    assert "date_unparsed" not in record.warnings
    assert {"no_title", "no_landing_url", "no_rights"} <= set(record.warnings)


@pytest.mark.parametrize("path", MANIPULATED, ids=lambda p: p.stem)
def test_manipulated_quality_records_still_map(path: Path) -> None:
    # AQinDa's deliberately damaged records are well-formed XML with bad data: they map,
    # and what is missing or wrong shows up as values kept raw or as warnings.
    record = map_record(read_raw_record(path, "lido"), GOLDEN_SOURCE)
    assert record.title.value
    assert record.rights.content.raw or "no_rights" in record.warnings


def test_a_wrap_of_several_records_is_not_one_record() -> None:
    two = f"<lido:lidoWrap {LIDO}><lido:lido/><lido:lido/></lido:lidoWrap>"
    raw = RawRecord(source_id=GOLDEN_SOURCE.id, oai_identifier="oai:x:1", datestamp="2026",
                    metadata_prefix="lido", xml=two.encode())
    with pytest.raises(MappingError) as caught:
        map_record(raw, GOLDEN_SOURCE)
    assert "2 lido records" in str(caught.value)


@pytest.mark.parametrize("xml", [b"<lido/>", b"<lido:lido xmlns:lido='urn:other'/>",
                                 f"<lido:lido {LIDO}>".encode(), b"\x00"])
def test_foreign_or_broken_xml(xml: bytes) -> None:
    with pytest.raises(MappingError):
        map_payload(xml, "lido")


@pytest.mark.parametrize("path", [*CASES[::8], *MANIPULATED], ids=lambda p: p.stem)
def test_damaged_records_map_or_fail_cleanly(path: Path) -> None:
    raw = read_raw_record(path, "lido")
    assert_damage_handled(raw)
