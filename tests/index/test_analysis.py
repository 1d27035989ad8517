"""Normalization and tokenization shared by indexing and querying."""

from __future__ import annotations

import pickle

import pytest

from tsunagu.index import normalize_text
from tsunagu.index.analysis import (
    VALUE_POSITION_GAP,
    VALUE_SEPARATOR,
    CjkBigramTokenizer,
    analyze,
    is_single_cjk,
    make_analyzer,
)


def index_tokens(text: str) -> list[tuple[str, int]]:
    """``(term, position)`` as the index sees them."""
    return [(t.text, t.pos) for t in make_analyzer()(text, positions=True, mode="index")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ｔｕｒｎｅｒ", "turner"),  # full-width Latin (NFKC) and case
        ("ﾎｸｻｲ", "ホクサイ"),  # half-width katakana
        ("ほくさい", "ホクサイ"),  # hiragana folded to katakana
        ("ｶﾞｯｺｳ", "ガツコウ"),  # half-width voiced kana compose; small kana full size
        ("佐々木", "佐佐木"),  # kanji iteration mark
        ("いすゞ", "イスズ"),  # voiced kana iteration mark
        ("Tōkyō Café", "tokyo cafe"),  # Latin diacritics
        ("①２３", "123"),
        ("Straße", "strasse"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_text_keeps_voiced_kana() -> None:
    # Accent folding must not strip dakuten from kana.
    assert normalize_text("がぎぐ パピプ") == "ガギグ パピプ"


def test_cjk_runs_become_bigrams() -> None:
    assert analyze("葛飾北斎") == ["葛飾", "飾北", "北斎"]
    assert analyze("北斎") == ["北斎"]
    assert analyze("桜") == ["桜"]


def test_query_and_index_agree_across_scripts() -> None:
    assert analyze("ほくさい") == analyze("ホクサイ") == analyze("ﾎｸｻｲ")
    assert analyze("Ｔｕｒｎｅｒ") == analyze("turner") == analyze("TURNER")


def test_index_adds_the_last_character_of_each_run() -> None:
    # Every character starts some term, so a one-character query can be a prefix.
    assert index_tokens("葛飾北斎 夜桜") == [
        ("葛飾", 0),
        ("飾北", 1),
        ("北斎", 2),
        ("斎", 2),  # shares the last bigram's position: phrases still line up
        ("夜桜", 3),
        ("桜", 3),
    ]


def test_mixed_scripts_split_into_words_and_runs() -> None:
    assert analyze("1831年 NHK放送") == ["1831", "年", "nhk", "放送"]


def test_english_words_are_stemmed_and_stop_words_dropped() -> None:
    assert analyze("watercolours") == analyze("watercolour")
    assert analyze("studies") == analyze("study")
    assert analyze("Paintings") == analyze("painting")
    assert analyze("The view of the Thames") == analyze("view Thames")


def test_possessive_and_apostrophes() -> None:
    assert analyze("Turner's") == analyze("Turner")
    assert analyze("O'Keeffe") == analyze("okeeffe")


def test_stop_words_leave_no_position_gap() -> None:
    assert index_tokens("study of the Thames") == [("studi", 0), ("thame", 1)]


def test_punctuation_yields_nothing() -> None:
    assert analyze("「」、。・!?()") == []


def test_values_are_separated_by_a_position_gap() -> None:
    tokens = index_tokens(f"葛飾{VALUE_SEPARATOR}北斎")
    gap = 1 + VALUE_POSITION_GAP
    assert tokens == [("葛飾", 0), ("飾", 0), ("北斎", gap), ("斎", gap)]


def test_character_offsets_refer_to_the_normalized_text() -> None:
    text = "Turner 北斎"
    tokens = [
        (t.text, t.startchar, t.endchar) for t in make_analyzer()(text, chars=True, mode="query")
    ]
    assert tokens == [("turner", 0, 6), ("北斎", 7, 9)]


def test_is_single_cjk() -> None:
    assert is_single_cjk("桜")
    assert is_single_cjk("ホ")
    assert not is_single_cjk("北斎")
    assert not is_single_cjk("a")


def test_analyzer_is_picklable_and_importable() -> None:
    # Whoosh pickles the schema, analyzer included, into every index.
    analyzer = make_analyzer()
    clone = pickle.loads(pickle.dumps(analyzer))
    assert clone == analyzer
    assert type(clone).__module__ == "tsunagu.index.analysis"
    assert isinstance(clone, CjkBigramTokenizer)
    assert [t.text for t in clone("北斎", mode="query")] == ["北斎"]
