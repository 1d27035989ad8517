"""Language values to BCP 47: ISO 639-1/2 (B and T), names, script subtags, lists."""

from __future__ import annotations

import pytest

from tsunagu.mappings.languages import normalize_language, normalize_languages


@pytest.mark.parametrize(
    ("value", "tag"),
    [("jpn", "ja"), ("ja", "ja"), ("ger", "de"), ("deu", "de"), ("fre", "fr"), ("fra", "fr"),
     ("chi", "zh"), ("zho", "zh"), ("dut", "nl"), ("gre", "el"), ("ell", "el"), ("ain", "ain"),
     ("日本語", "ja"), ("英語", "en"), ("中国語", "zh"), ("漢文", "lzh"), ("Japanese", "ja"),
     ("ja-kana", "ja-Kana"), ("ja_hira", "ja-Hira"), ("JA-LATN", "ja-Latn"),
     ("jpn-Kana", "ja-Kana"), ("zh-hant-tw", "zh-Hant-TW"), ("en-us", "en-US"),
     ("カタカナ", "ja-Kana"), ("ひらがな", "ja-Hira"), ("ローマ字", "ja-Latn"),
     ("iw", "he"), ("ｊｐｎ", "ja"), ("und", None), ("zxx", None), ("日本語?", None), ("", None)],
)
def test_normalize_language(value: str, tag: str | None) -> None:
    assert normalize_language(value) == tag


@pytest.mark.parametrize(
    ("value", "tags"),
    [("jpn", ("ja",)), ("jpn; eng", ("ja", "en")), ("日本語・英語", ("ja", "en")),
     ("日本語と漢文", ("ja", "lzh")), ("ja, en, ja", ("ja", "en")), ("eng|fre", ("en", "fr")),
     ("English and Japanese", ("en", "ja")), ("xx??", (None,)), ("jpn; ???", ("ja", None))],
)
def test_normalize_languages(value: str, tags: tuple[str | None, ...]) -> None:
    assert normalize_languages(value) == tags
