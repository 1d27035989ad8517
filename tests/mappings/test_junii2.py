"""junii2 → Record: two hand-written records modelled on the junii2 element list."""

from __future__ import annotations

from pathlib import Path

import pytest
from golden import GOLDEN_SOURCE, RECORDS, assert_golden, golden_cases, read_raw_record

from tsunagu.errors import MappingError
from tsunagu.mappings import map_record
from tsunagu.records import Identifier, LangString, ObjectType, Record, ReuseLevel

FOLDER = RECORDS / "junii2"


def _map(name: str) -> Record:
    return map_record(read_raw_record(FOLDER / name, "junii2"), GOLDEN_SOURCE)


@pytest.mark.parametrize("path", golden_cases("junii2"), ids=lambda p: p.stem)
def test_golden_junii2(path: Path) -> None:
    assert len(golden_cases("junii2")) == 2
    assert_golden(map_record(read_raw_record(path, "junii2"), GOLDEN_SOURCE),
                  path.with_suffix(".expected.json"))


def test_article_fields() -> None:
    record = _map("kiyo-article.xml")
    assert record.title == LangString("近世京都の出版と本屋仲間", "ja")
    reading = LangString("キンセイ キョウト ノ シュッパン ト ホンヤ ナカマ", "ja-Kana")
    assert reading in record.title_alt
    assert record.agents[1].role_raw == "訳"
    assert record.collection == "京都文化大学人文学部紀要 52(1) p. 45-78"
    assert Identifier("ncid", "AN00123456") in record.identifiers
    assert "NDC 023.1" in record.subjects
    assert record.landing_url == "https://repository.example.ac.jp/records/12345"
    assert record.media[0].role == "full"
    assert record.description[0].value.endswith("出版統制の実態を明らかにする。")
    assert record.rights.content.reuse is ReuseLevel.NO_REUSE
    assert "textversion:publisher" in record.genre_raw
    assert record.object_type is ObjectType.TEXT


def test_reading_tagged_ja_is_still_a_reading() -> None:
    record = _map("thesis-cc-by.xml")
    assert LangString("ホクリク チホウ ニ オケル セキセツ ノ キセツ ヘンドウ", "ja-Kana") \
        in record.title_alt
    assert record.title.lang == "en"


def test_thesis_licence_doi_and_thumbnail() -> None:
    record = _map("thesis-cc-by.xml")
    assert record.rights.content.code == "CC-BY-4.0"
    assert Identifier("doi", "10.99999/example.4321") in record.identifiers
    assert record.thumbnail_url == (
        "https://dspace.example.ac.jp/bitstream/10087/4321/3/thumbnail.jpg")
    assert [d.kind for d in record.dates] == ["issued", "other"]


def test_damaged_xml_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="malformed"):
        map_record(read_raw_record(FOLDER / "damaged" / "truncated.xml", "junii2"), GOLDEN_SOURCE)
