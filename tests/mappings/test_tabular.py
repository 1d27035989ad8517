"""The tsunagu_row mapper: uploaded rows to records, through the registry."""

from __future__ import annotations

from tsunagu.feeds import ColumnMapping, read_table, rows_to_records
from tsunagu.mappings import map_record
from tsunagu.records import ObjectType, ReuseLevel, RightsOrigin, Sector, Source

SOURCE = Source(id="museum", name="市立博物館", base_url="", sector=Sector.MUSEUM,
                default_rights="https://creativecommons.org/licenses/by/4.0/",
                languages=("ja",))
CSV = (
    "番号,名称,よみ,作者,制作年,種別,キーワード,ライセンス,ページ,画像,メモ\n"
    "M-1,紙本著色洛中洛外図,らくちゅうらくがいず,狩野永徳|狩野派,天正2年,image,"
    "屏風|京都,https://creativecommons.org/publicdomain/mark/1.0/,"
    "https://museum.example.jp/M-1,https://museum.example.jp/M-1.jpg,内部用\n"
    "M-2,,,,年代不詳,,,館内閲覧のみ（要相談）,museum.example.jp/M-2,,\n"
    "M-3,茶碗,,,江戸時代,physical object,,,,,\n"
).encode()
MAPPING = ColumnMapping.of({"番号": "identifier", "名称": "title", "よみ": "alt_title",
                            "作者": "creator", "制作年": "date", "種別": "type",
                            "キーワード": "subject", "ライセンス": "rights", "ページ": "url",
                            "画像": "thumbnail", "メモ": ""})


def mapped() -> dict[str, object]:
    records, rejected = rows_to_records(SOURCE.id, read_table(CSV, "m.csv"), MAPPING,
                                        "2026-05-01T00:00:00Z")
    assert rejected == []
    return {raw.oai_identifier.rsplit(":", 1)[1]: map_record(raw, SOURCE) for raw in records}


def test_a_full_row() -> None:
    record = mapped()["M-1"]
    assert record.id == "museum:oai:tsunagu:museum:M-1"
    assert record.title.value == "紙本著色洛中洛外図" and record.title.lang == "ja"
    assert [t.value for t in record.title_alt] == ["らくちゅうらくがいず"]
    assert [a.name for a in record.agents] == ["狩野永徳", "狩野派"]
    assert record.dates[0].year_start == 1574 and record.dates[0].era == "天正"
    assert record.object_type is ObjectType.IMAGE and record.subjects == ("屏風", "京都")
    assert record.rights.content.code == "PDM-1.0"
    assert record.rights.content.reuse is ReuseLevel.OPEN
    assert record.landing_url == "https://museum.example.jp/M-1"
    assert record.thumbnail_url == "https://museum.example.jp/M-1.jpg"
    assert record.languages == ("ja",) and record.provider == "市立博物館"
    assert record.warnings == ()
    # The unmapped column is kept in the raw document but not read.
    assert "内部用" not in repr(record)


def test_a_poor_row_gets_warnings_and_unknown_rights() -> None:
    record = mapped()["M-2"]
    assert "no_title" in record.warnings and record.title.value.endswith("M-2")
    assert "url_invalid" in record.warnings and record.landing_url is None
    assert record.rights.content.raw == "館内閲覧のみ（要相談）"
    assert record.rights.content.reuse is ReuseLevel.UNKNOWN  # never guessed open
    assert "rights_unknown" in record.warnings


def test_the_source_default_rights_apply_when_a_row_has_none() -> None:
    record = mapped()["M-3"]
    assert record.rights.content.code == "CC-BY-4.0"
    assert record.rights.content.origin is RightsOrigin.SOURCE_DEFAULT
    assert record.object_type is ObjectType.PHYSICAL_OBJECT


def test_row_order_does_not_change_the_raw_record() -> None:
    lines = CSV.decode().splitlines(keepends=True)
    swapped = (lines[0] + lines[3] + lines[1] + lines[2]).encode()
    first, _ = rows_to_records("museum", read_table(CSV, "a.csv"), MAPPING, "d")
    second, _ = rows_to_records("museum", read_table(swapped, "b.csv"), MAPPING, "d")
    assert sorted(r.xml for r in first) == sorted(r.xml for r in second)
