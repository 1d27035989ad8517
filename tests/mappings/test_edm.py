"""EDM RDF/XML → Record: a Judaica Europeana record (golden) and per-WebResource rights."""

from __future__ import annotations

from pathlib import Path

import pytest
from golden import (
    GOLDEN_SOURCE,
    RECORDS,
    assert_damage_handled,
    assert_golden,
    golden_cases,
    read_raw_record,
)

from tsunagu.errors import MappingError
from tsunagu.mappings import map_record
from tsunagu.records import (
    Agent,
    LangString,
    Media,
    ObjectType,
    RawRecord,
    Record,
    ReuseLevel,
    RightsOrigin,
    Source,
)

CASES = golden_cases("edm")
NAMESPACES = (
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:edm="http://www.europeana.eu/schemas/edm/" '
    'xmlns:ore="http://www.openarchives.org/ore/terms/" '
    'xmlns:skos="http://www.w3.org/2004/02/skos/core#" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:wgs84_pos="http://www.w3.org/2003/01/geo/wgs84_pos#" '
    'xmlns:svcs="http://rdfs.org/sioc/services#"'
)
#: A Japanese museum record in EDM, written for these tests after Europeana's EDM examples;
#: the image and its thumbnail carry their own rights, stricter / looser than the item's.
UKIYOE = f"""<rdf:RDF {NAMESPACES}>
  <edm:ProvidedCHO rdf:about="https://example.jp/item/42">
    <dc:title xml:lang="ja">富嶽三十六景 神奈川沖浪裏</dc:title>
    <dc:title xml:lang="ja-Latn">Fugaku sanjūrokkei Kanagawa-oki nami-ura</dc:title>
    <dcterms:alternative>The Great Wave</dcterms:alternative>
    <dc:creator rdf:resource="https://example.jp/agent/hokusai"/>
    <dc:creator>版元 西村屋与八</dc:creator>
    <dcterms:created>天保2年頃</dcterms:created>
    <dcterms:temporal rdf:resource="https://example.jp/time/tenpo"/>
    <dcterms:temporal>江戸時代</dcterms:temporal>
    <dc:type>浮世絵</dc:type>
    <edm:type>IMAGE</edm:type>
    <dc:subject rdf:resource="https://example.jp/concept/wave"/>
    <dcterms:spatial rdf:resource="https://example.jp/place/kanagawa"/>
    <dc:description xml:lang="ja">&lt;p&gt;大判錦絵。&lt;/p&gt;</dc:description>
    <dc:language>jpn</dc:language>
    <dc:identifier>A-1234</dc:identifier>
    <dcterms:isPartOf>浮世絵コレクション</dcterms:isPartOf>
    <dc:rights>画像の利用条件は各画像を参照</dc:rights>
  </edm:ProvidedCHO>
  <edm:Agent rdf:about="https://example.jp/agent/hokusai">
    <skos:prefLabel xml:lang="ja">葛飾北斎</skos:prefLabel>
    <skos:altLabel xml:lang="ja-Kana">カツシカ ホクサイ</skos:altLabel>
  </edm:Agent>
  <edm:TimeSpan rdf:about="https://example.jp/time/tenpo">
    <skos:prefLabel xml:lang="ja">天保年間</skos:prefLabel>
    <edm:begin>1830</edm:begin><edm:end>1844</edm:end>
  </edm:TimeSpan>
  <skos:Concept rdf:about="https://example.jp/concept/wave"><skos:prefLabel>波</skos:prefLabel>
  </skos:Concept>
  <edm:Place rdf:about="https://example.jp/place/kanagawa">
    <skos:prefLabel xml:lang="ja">神奈川</skos:prefLabel>
    <wgs84_pos:lat>35.4478</wgs84_pos:lat><wgs84_pos:long>139.6425</wgs84_pos:long>
  </edm:Place>
  <ore:Aggregation rdf:about="https://example.jp/aggregation/42">
    <edm:aggregatedCHO rdf:resource="https://example.jp/item/42"/>
    <edm:dataProvider>テスト美術館</edm:dataProvider>
    <edm:provider>テスト・アグリゲーター</edm:provider>
    <edm:isShownAt rdf:resource="https://example.jp/item/42.html"/>
    <edm:isShownBy rdf:resource="https://example.jp/image/42.tif"/>
    <edm:object rdf:resource="https://example.jp/thumb/42.jpg"/>
    <edm:hasView rdf:resource="https://example.jp/image/42-back.tif"/>
    <edm:rights rdf:resource="http://creativecommons.org/publicdomain/mark/1.0/"/>
  </ore:Aggregation>
  <edm:WebResource rdf:about="https://example.jp/image/42.tif">
    <edm:rights rdf:resource="http://rightsstatements.org/vocab/InC-EDU/1.0/"/>
    <dcterms:isReferencedBy rdf:resource="https://example.jp/iiif/42/manifest.json"/>
    <svcs:has_service rdf:resource="https://example.jp/iiif/image/42"/>
  </edm:WebResource>
  <edm:WebResource rdf:about="https://example.jp/thumb/42.jpg">
    <edm:rights rdf:resource="http://creativecommons.org/publicdomain/zero/1.0/"/>
  </edm:WebResource>
</rdf:RDF>"""


def _edm(xml: str, source: Source = GOLDEN_SOURCE, prefix: str = "edm") -> Record:
    raw = RawRecord(source_id=source.id, oai_identifier="oai:example.jp:42",
                    datestamp="2026-01-01", metadata_prefix=prefix, xml=xml.encode())
    return map_record(raw, source)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    assert CASES
    record = map_record(read_raw_record(path, "edm"), GOLDEN_SOURCE)
    assert_golden(record, path.with_suffix(".expected.json"))


def test_judaica_record_resolves_contextual_entities() -> None:
    record = map_record(read_raw_record(RECORDS / "edm" / "dpla-jh3.xml", "rdf"), GOLDEN_SOURCE)
    assert record.title.lang == "en"
    assert record.title_alt == ()  # the same title twice (with and without xml:lang) is one
    assert [a.name for a in record.agents] == ["Boim, Solomon", "Averbukh, Zalman"]
    assert record.subjects == ("New Year", "Siege of Leningrad, 1941-1944")
    assert record.object_type is ObjectType.IMAGE
    assert record.coordinates is None  # edm:Place is not linked, and "123.456N" is no number
    assert record.rights.content.code == "RS-InC"
    assert record.rights.content.origin is RightsOrigin.ITEM
    assert record.media == (Media(
        "https://cms-data.j-story.org/assets/4eebcfef-67c1-4708-b317-264dc695a27e", "full"),)


def test_web_resource_rights_override_the_aggregation() -> None:
    record = _edm(UKIYOE)
    # Item: PDM; the image: InC-EDU (stricter) → content; the thumbnail: CC0 → thumbnail.
    assert record.rights.content.code == "RS-InC-EDU"
    assert record.rights.content.reuse is ReuseLevel.EDUCATION
    assert record.rights.content.origin is RightsOrigin.MEDIA
    assert record.rights.thumbnail.code == "CC0-1.0"
    assert record.rights.thumbnail.origin is RightsOrigin.MEDIA
    by_url = {m.url: m for m in record.media}
    back = by_url["https://example.jp/image/42-back.tif"]
    assert back.role == "full" and back.rights is None  # no own statement: the item's applies
    assert by_url["https://example.jp/iiif/image/42"].role == "iiif_image_service"
    assert record.iiif_manifest == "https://example.jp/iiif/42/manifest.json"
    assert record.thumbnail_url == "https://example.jp/thumb/42.jpg"
    assert record.landing_url == "https://example.jp/item/42.html"


def test_japanese_record_fields() -> None:
    record = _edm(UKIYOE)
    assert record.title == LangString("富嶽三十六景 神奈川沖浪裏", "ja")
    assert record.title_alt == (LangString("Fugaku sanjūrokkei Kanagawa-oki nami-ura", "ja-Latn"),
                                LangString("The Great Wave", "ja-Latn"))
    assert record.agents[0] == Agent(
        "葛飾北斎", "creator", alt_names=(LangString("カツシカ ホクサイ", "ja-Kana"),),
        uri="https://example.jp/agent/hokusai")
    assert record.agents[1].name == "版元 西村屋与八"
    created, span = record.dates[:2]
    assert (created.original, created.kind) == ("天保2年頃", "created")
    assert (span.original, span.kind, span.year_start, span.year_end) == (
        "1830/1844", "coverage", 1830, 1844)
    assert record.places == ("神奈川",)
    assert record.coordinates == (35.4478, 139.6425)
    assert record.subjects[0] == "波"
    assert record.description == (LangString("大判錦絵。", "ja"),)
    assert record.data_provider == "テスト美術館"
    assert record.provider == GOLDEN_SOURCE.name
    assert record.collection == "浮世絵コレクション"
    assert record.genre_raw == ("浮世絵",)
    assert record.object_type is ObjectType.IMAGE


def test_aggregation_rights_and_missing_parts() -> None:
    no_media = UKIYOE.split("<edm:WebResource")[0] + "</rdf:RDF>"
    record = _edm(no_media, prefix="rdf")
    assert record.rights.content.code == "PDM-1.0"
    assert record.rights.thumbnail == record.rights.content
    bare = _edm(f"<rdf:RDF {NAMESPACES}/>")
    assert {"no_provided_cho", "no_title", "no_landing_url", "no_rights"} <= set(bare.warnings)


@pytest.mark.parametrize("name", ["dpla-jh3.xml", "dpla-orbis-cascade.xml"])
def test_real_payloads_with_broken_namespaces(name: str) -> None:
    raw = read_raw_record(RECORDS / "edm" / "damaged" / name, "edm")
    with pytest.raises(MappingError) as caught:
        map_record(raw, GOLDEN_SOURCE)
    assert caught.value.field == "xml"


@pytest.mark.parametrize("xml", ["<RDF/>", "<rdf:RDF>", "<x:RDF xmlns:x='urn:x'/>", ""])
def test_foreign_or_broken_xml(xml: str) -> None:
    with pytest.raises(MappingError):
        _edm(xml)


@pytest.mark.parametrize("xml", [UKIYOE, (RECORDS / "edm" / "dpla-jh3.xml").read_text()],
                         ids=["ukiyoe", "jh3"])
def test_damaged_records_map_or_fail_cleanly(xml: str) -> None:
    raw = RawRecord(source_id=GOLDEN_SOURCE.id, oai_identifier="oai:x:1", datestamp="2026",
                    metadata_prefix="edm", xml=xml.encode())
    assert_damage_handled(raw, count=120)
