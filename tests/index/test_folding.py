"""The folding tables and the romanization of readings, at index and query time."""

from __future__ import annotations

import pytest

from tsunagu.index import normalize_text
from tsunagu.index.analysis import analyze, normalize_with_offsets
from tsunagu.index.folding import kanji_table
from tsunagu.index.romaji import fold_romaji, kana_to_romaji


@pytest.mark.parametrize(
    ("old", "modern"),
    [("國", "国"), ("澤", "沢"), ("櫻", "桜"), ("髙", "高"), ("﨑", "崎"), ("廣", "広"),
     ("齋", "斎"), ("濱", "浜"), ("學", "学"), ("圖", "図")],
)
def test_old_and_variant_kanji_fold_to_the_modern_form(old: str, modern: str) -> None:
    assert normalize_text(old) == modern
    assert analyze(f"{old}{old}") == analyze(f"{modern}{modern}")


def test_the_kanji_table_comes_from_the_package_and_keeps_lengths() -> None:
    table = kanji_table()
    assert len(table) > 300  # the Jōyō old forms and the variants
    assert all(len(new) == 1 for new in table.values())
    assert ord("国") not in table  # modern forms stay as they are


@pytest.mark.parametrize(
    ("spelling", "other"),
    [
        ("キャノン", "キヤノン"),  # small kana written large in older spellings
        ("ほっかいどう", "ホツカイドウ"),
        ("コンピューター", "コンピュータ"),  # long vowel mark dropped
        ("ｺﾝﾋﾟｭｰﾀｰ", "コンピュータ"),  # half-width, long vowel mark
        ("ゝゞ", "ゝゞ"),  # iteration marks with nothing before them stay
        ("佐々木", "佐佐木"),
        ("Tōkyō", "TOKYO"),
        ("Ｃａｆé", "cafe"),
    ],
)
def test_spellings_people_treat_as_the_same_fold_together(spelling: str, other: str) -> None:
    assert normalize_text(spelling) == normalize_text(other)


def test_offsets_map_the_normalized_text_back_to_the_original() -> None:
    text = "ｺﾝﾋﾟｭｰﾀｰ 國學"
    normalized, origins = normalize_with_offsets(text)
    assert normalized.endswith(" 国学")
    assert len(origins) == len(normalized)
    assert text[origins[normalized.index("国")]] == "國"
    assert origins == sorted(origins)


@pytest.mark.parametrize(
    ("kana", "romaji"),
    [
        ("カツシカ ホクサイ", "katsushika hokusai"),
        ("トウキョウ", "toukyou"),
        ("シャシン", "shashin"),
        ("チャノユ", "chanoyu"),
        ("ジョウモン", "joumon"),
        ("マッチャ", "matcha"),
        ("ハットリ", "hattori"),
        ("シンイチ", "shin'ichi"),
        ("ティー", "tii"),
        ("ヒロシゲ", "hiroshige"),
    ],
)
def test_kana_to_hepburn(kana: str, romaji: str) -> None:
    assert kana_to_romaji(kana) == romaji


@pytest.mark.parametrize(
    ("typed", "folded"),
    [("toukyou", "tokyo"), ("tookyoo", "tokyo"), ("tokyo", "tokyo"), ("kyuushuu", "kyushu"),
     ("shin'ichi", "shinichi"), ("hokusai", "hokusai")],
)
def test_romaji_spellings_fold_together(typed: str, folded: str) -> None:
    assert fold_romaji(typed) == folded


def test_romaji_query_terms_use_the_romaji_folding() -> None:
    assert analyze("Tōkyō", "romaji") == analyze("toukyou", "romaji") == ["tokyo"]
    assert analyze("the", "romaji") == []  # stop words are never romaji terms
    assert analyze("東京", "romaji") == []  # only Latin words are looked up as romaji


def test_exact_analysis_keeps_the_text_as_written() -> None:
    assert analyze("國學 Turner", "exact") == ["國學", "Turner"]
    assert analyze("ほくさい", "exact") != analyze("ホクサイ", "exact")
