"""The per-source rights report counts codes and levels and lists what to fix."""

from __future__ import annotations

from tsunagu.mappings.rights import derive_rights_set
from tsunagu.mappings.rights_report import rights_report
from tsunagu.records import LangString, Record, Sector, Source

SOURCE = Source(id="ndl", name="NDL", base_url="https://example.jp/oai")
# rights of NDL Search records (nakamura196/ddc-tutorial2025 @ 3cdce58, rights column)
VALUES = [
    ["著作権なし-契約による制限あり"], ["著作権なし-契約による制限あり"], ["pdm", "PDM"],
    ["著作権なし"], ["著作権なし"], ["https://www.sagalibdb.jp/info/"], [],
    ["本資料の二次利用には事前の利用申請が必要です", "著作権なし-契約による制限あり"],
]


def _records() -> list[Record]:
    records = []
    for n, values in enumerate(VALUES):
        rights, warnings = derive_rights_set(values, SOURCE)
        records.append(Record(id=f"ndl:{n}", source_id="ndl", oai_identifier=str(n),
                              datestamp="2024-01-01", title=LangString("t"),
                              sector=Sector.LIBRARY, provider="NDL", rights=rights,
                              warnings=warnings))
    return records


def test_report_counts_codes_levels_and_lists_what_to_fix() -> None:
    report = rights_report(_records())
    assert report.total == 8
    assert dict(report.by_code) == {"RS-NoC-CR": 2, "PDM-1.0": 1, "UNKNOWN": 3, "CUSTOM": 2}
    assert report.by_code[0] == ("UNKNOWN", 3)
    assert dict(report.by_level) == {"conditional": 2, "open": 1, "unknown": 4, "no-reuse": 1}
    assert [(u.raw, u.count, u.examples) for u in report.unknown] == [
        ("著作権なし", 2, ("ndl:3", "ndl:4"))]
    assert [c.raw for c in report.custom] == [
        "https://www.sagalibdb.jp/info/",
        "本資料の二次利用には事前の利用申請が必要です | 著作権なし-契約による制限あり"]
    assert [c.count for c in report.conflicts] == [1]
    assert report.no_statement == 1
    assert report.needs_check == 7  # everything but PDM


def test_empty_source() -> None:
    report = rights_report([])
    assert (report.total, report.by_code, report.unknown) == (0, (), ())
