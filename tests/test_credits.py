"""Credit lines in Japanese and English (``rights.md`` §5.2)."""

from __future__ import annotations

import dataclasses

from tsunagu.credits import credit_lines, licence_link, licence_name
from tsunagu.mappings.rights import normalize_rights
from tsunagu.records import Agent, LangString, Record, RightsSet, Sector

# The worked example of rights.md §5.2 (a real Japan Search record, contentsRightsType ccby).
EDO = Record(
    id="gsi:172", source_id="gsi", oai_identifier="172", datestamp="2024-01-01",
    title=LangString("江戸實測図（南）", "ja"), sector=Sector.GOVERNMENT, provider="国土地理院",
    title_alt=(LangString("Edo Jissokuzu (South)", "en"),),
    agents=(Agent("伊能忠敬", alt_names=(LangString("Inō Tadataka", "ja-Latn"),)),),
    landing_url="https://kochizu.gsi.go.jp/items/172",
)


def _with(record: Record, value: str) -> Record:
    rights = normalize_rights([value])
    return dataclasses.replace(record, rights=RightsSet(rights, rights, rights))


def test_cc_by_tasl_in_both_languages() -> None:
    credit = credit_lines(_with(EDO, "https://creativecommons.org/licenses/by/4.0/"))
    assert credit.ja == ("「江戸實測図（南）」伊能忠敬、国土地理院所蔵（https://kochizu.gsi.go.jp/items/172）、"
                         "クリエイティブ・コモンズ 表示 4.0 国際"
                         "（https://creativecommons.org/licenses/by/4.0/deed.ja）")
    assert credit.en == ("\u201cEdo Jissokuzu (South) / 江戸實測図（南）\u201d by Inō Tadataka "
                         "(伊能忠敬), 国土地理院 (https://kochizu.gsi.go.jp/items/172), "
                         "licensed under CC BY 4.0 "
                         "(https://creativecommons.org/licenses/by/4.0/deed.en)")


def test_unversioned_code_says_cc_by_and_links_the_institution() -> None:
    credit = credit_lines(_with(EDO, "ccby"))
    assert credit.ja.endswith("、CC BY")
    assert "licensed under CC BY" in credit.en and "deed" not in credit.en


def test_japanese_ports_and_share_alike_when_modified() -> None:
    record = _with(EDO, "http://creativecommons.org/licenses/by-sa/2.1/jp/")
    assert licence_name(record.rights.content, "ja") == (
        "クリエイティブ・コモンズ 表示-継承 2.1 日本")
    assert licence_name(record.rights.content, "en") == "CC BY-SA 2.1 JP"
    credit = credit_lines(record, modified=True)
    assert "を加工して作成" in credit.ja and "改変物は同じライセンス" in credit.ja
    assert credit.en.startswith("Adapted from") and "Adaptations are shared under" in credit.en


def test_government_terms_use_the_source_format() -> None:
    credit = credit_lines(_with(EDO, "公共データ利用規約（第1.0版）"))
    assert credit.ja == ("出典：国土地理院「江戸實測図（南）」（https://kochizu.gsi.go.jp/items/172）、"
                         "PDL1.0（https://www.digital.go.jp/resources/open_data/"
                         "public_data_license_v1.0）")
    assert credit.en.startswith("Source: 国土地理院, ")
    assert "Public Data License 1.0 (https://www.digital.go.jp/en/" in credit.en
    edited = credit_lines(_with(EDO, "政府標準利用規約（第2.0版）"), modified=True)
    assert edited.ja.startswith("出典：国土地理院") and edited.ja.endswith("を加工して作成")


def test_public_domain_courtesy_credit() -> None:
    credit = credit_lines(_with(EDO, "pdm"))
    assert credit.ja.endswith("、パブリック・ドメイン（PDM 1.0）（https://creativecommons.org/"
                              "publicdomain/mark/1.0/deed.ja）")
    assert "Public Domain Mark 1.0" in credit.en


def test_education_only_and_rights_statements_links() -> None:
    record = _with(EDO, "incr_edu")
    credit = credit_lines(record)
    assert "その他の利用は権利者の許諾が必要です" in credit.ja
    assert "Other uses need permission" in credit.en
    assert licence_link(record.rights.content, "ja") == (
        "https://rightsstatements.org/page/InC-EDU/1.0/?language=en")


def test_provider_notice_and_credit_line_are_kept() -> None:
    record = dataclasses.replace(_with(EDO, "CC BY-SA 4.0"), copyright_notice="© 2019 ○○美術館",
                                 credit_line="Deutsches Museum, CC BY-SA 4.0", agents=())
    credit = credit_lines(record)
    assert credit.ja.endswith("（© 2019 ○○美術館 / Deutsches Museum, CC BY-SA 4.0）")
    assert "© 2019 ○○美術館" in credit.en and "by " not in credit.en


def test_unknown_rights_still_credit_the_source() -> None:
    credit = credit_lines(EDO)
    assert credit.ja == "「江戸實測図（南）」伊能忠敬、国土地理院所蔵（https://kochizu.gsi.go.jp/items/172）"
    assert credit.en.endswith("国土地理院 (https://kochizu.gsi.go.jp/items/172)")
