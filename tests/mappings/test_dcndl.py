"""DC-NDL (RDF/XML) and DC-NDL Simple → Record: real NDL Search records, golden files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from golden import GOLDEN_SOURCE, RECORDS, assert_golden, golden_cases, read_raw_record

from tsunagu.errors import MappingError
from tsunagu.mappings import map_record
from tsunagu.records import Identifier, LangString, ObjectType, Record

FOLDER = RECORDS / "dcndl"


def _map(name: str, prefix: str = "dcndl") -> Record:
    folder = FOLDER / "simple" if prefix == "dcndl_simple" else FOLDER
    return map_record(read_raw_record(folder / name, prefix), GOLDEN_SOURCE)


@pytest.mark.parametrize("path", golden_cases("dcndl"), ids=lambda p: p.stem)
def test_golden_dcndl(path: Path) -> None:
    assert len(golden_cases("dcndl")) >= 8
    assert_golden(map_record(read_raw_record(path, "dcndl"), GOLDEN_SOURCE),
                  path.with_suffix(".expected.json"))


@pytest.mark.parametrize("path", golden_cases("dcndl/simple"), ids=lambda p: p.stem)
def test_golden_dcndl_simple(path: Path) -> None:
    assert_golden(map_record(read_raw_record(path, "dcndl_simple"), GOLDEN_SOURCE),
                  path.with_suffix(".expected.json"))


def test_title_reading_is_kept_as_ja_kana() -> None:
    record = _map("ndl-book-R100000002-I000010980901-00.xml")
    assert record.title.value.startswith("プログラミングコンテストチャレンジブック")
    assert LangString("プログラミング コンテスト チャレンジ ブック : モンダイ カイケツ ノ "
                      "アルゴリズム カツヨウリョク ト コーディング テクニック オ キタエル",
                      "ja-Kana") in record.title_alt


def test_creator_reading_life_dates_and_authority_uri() -> None:
    record = _map("ndl-book-R100000002-I000010980901-00.xml")
    akiba = record.agents[0]
    assert (akiba.name, akiba.role, akiba.uri) == (
        "秋葉, 拓哉", "creator", "http://id.ndl.go.jp/auth/entity/01208840")
    assert akiba.alt_names == (LangString("アキバ, タクヤ", "ja-Kana"),)
    publisher = next(a for a in record.agents if a.role == "publisher")
    assert publisher.name == "毎日コミュニケーションズ"
    assert record.places == ("東京",)


def test_identifiers_by_datatype_and_landing_page() -> None:
    record = _map("ndl-book-R100000002-I000010980901-00.xml")
    assert Identifier("jpno", "21816393") in record.identifiers
    assert Identifier("isbn", "9784839931995") in record.identifiers
    assert record.landing_url == "http://iss.ndl.go.jp/books/R100000002-I000010980901-00"
    assert record.subjects == ("プログラミング (コンピュータ)", "NDLC M159", "NDC9 007.64")


def test_internal_access_codes_are_not_rights() -> None:
    record = _map("ndl-book-R100000002-I000010980901-00.xml")
    assert "S01P99U99" not in record.rights.content.raw
    assert "no_rights" in record.warnings


def test_digitized_serial_keeps_rights_text_thumbnail_and_digitization_date() -> None:
    record = _map("ndl-serial-R100000039-I001413988-00.xml")
    assert record.rights.content.raw == "国立国会図書館内公開"
    assert record.thumbnail_url == "https://dl.ndl.go.jp/titleThumb/info:ndljp/pid/3377584"
    assert [d.kind for d in record.dates] == ["issued", "digitized"]
    assert Identifier("doi", "10.11501/3377584") in record.identifiers
    # the source identifiers describe the printed original, not this digitization
    assert Identifier("jpno", "00010852") not in record.identifiers


@pytest.mark.parametrize(("name", "expected"), [
    ("ndl-map-R100000002-I025478296-00.xml", ObjectType.IMAGE),
    ("ndl-audio-cd-R100000002-I000010273695-00.xml", ObjectType.SOUND),
    ("ndl-video-dvd-R100000002-I000009149656-00.xml", ObjectType.MOVING_IMAGE),
    ("ndl-painting-R100000002-I000009199930-00.xml", ObjectType.IMAGE),
    ("ndl-serial-R100000039-I001413988-00.xml", ObjectType.TEXT),
])
def test_material_types(name: str, expected: ObjectType) -> None:
    assert _map(name).object_type is expected


def test_split_bib_resource_is_read_as_one_and_holdings_are_not_a_provider() -> None:
    record = _map("ndl-book-holdings-R100000002-I028087126-00.xml")
    assert record.title.value.startswith("Ruby on Rails 5")
    assert record.data_provider is None  # sixteen libraries hold it
    assert "NDC10 007.64" in record.subjects


def test_simple_variant_pairs_readings_and_types_identifiers() -> None:
    record = _map("ndl-opensearch-R100000002-I000002986382-00.xml", "dcndl_simple")
    assert record.title.value == "2000年京都電子図書館国際会議:研究と実際"
    # a declared transcription is a reading even with digits in it
    assert record.title_alt == (LangString(
        "2000ネン キョウト デンシ トショカン コクサイ カイギ ケンキュウ ト ジッサイ", "ja-Kana"),)
    assert Identifier("ndl_bib_id", "000002986382") in record.identifiers
    assert Identifier("isbn", "4820400339") in record.identifiers
    assert "NDC9 010.4" in record.subjects


def test_record_without_bib_resource_is_a_mapping_error() -> None:
    raw = read_raw_record(FOLDER / "ndl-book-R100000002-I000010980901-00.xml", "dcndl")
    empty = dataclasses.replace(
        raw, xml=b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>')
    with pytest.raises(MappingError, match="BibResource"):
        map_record(empty, GOLDEN_SOURCE)


def test_damaged_xml_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="malformed"):
        map_record(read_raw_record(FOLDER / "damaged" / "unclosed-title.xml", "dcndl"),
                   GOLDEN_SOURCE)
