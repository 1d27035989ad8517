"""Language values to BCP 47 tags (``formats.md`` §6).

Sources write ISO 639-1 (``ja``), ISO 639-2 bibliographic or terminology codes
(``jpn``, ``chi``/``zho``), names in English or Japanese ("Japanese", 「日本語」)
and sometimes full tags (``en-US``, ``ja-Kana``). The tables below cover the
languages seen in the fixtures and in Japanese cultural-heritage feeds; a
well-formed tag that is not in them is kept as given (lower-case language).

Readings and romanizations are Japanese in another script: ``ja-Kana``
(katakana yomi), ``ja-Hira`` (hiragana yomi, NIJL), ``ja-Latn`` (romaji); the
names 「カタカナ」, 「ひらがな」, 「ローマ字」 give those tags. 「漢文」 (classical
Chinese as read in Japan) is ``lzh`` (Literary Chinese), not modern ``zh``.
Deprecated ISO 639-1 codes (``iw``, ``in``, ``ji``) become their current ones.
Values holding several languages (``jpn; eng``, 「日本語・英語」) are split by
:func:`normalize_languages`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from tsunagu.mappings.text import clean_text, has_han, has_kana, is_latin_only

#: ISO 639-2 (B and T) codes that have an ISO 639-1 equivalent, which BCP 47 prefers.
_ISO639_2 = {
    "jpn": "ja", "eng": "en", "chi": "zh", "zho": "zh", "kor": "ko", "fre": "fr",
    "fra": "fr", "ger": "de", "deu": "de", "spa": "es", "por": "pt", "rus": "ru",
    "ita": "it", "dut": "nl", "nld": "nl", "lat": "la", "ara": "ar", "san": "sa",
    "tib": "bo", "bod": "bo", "mon": "mn", "vie": "vi", "tha": "th", "slo": "sk",
    "slk": "sk", "ukr": "uk", "tam": "ta", "uzb": "uz", "pol": "pl", "swe": "sv",
    "dan": "da", "nor": "no", "fin": "fi", "gre": "el", "ell": "el", "heb": "he",
    "hin": "hi", "ind": "id", "may": "ms", "msa": "ms", "tur": "tr", "per": "fa",
    "fas": "fa", "cze": "cs", "ces": "cs", "hun": "hu", "rum": "ro", "ron": "ro",
    "bur": "my", "mya": "my", "mao": "mi", "mri": "mi", "wel": "cy", "cym": "cy",
    "ice": "is", "isl": "is", "arm": "hy", "hye": "hy", "geo": "ka", "kat": "ka",
    "baq": "eu", "eus": "eu", "mac": "mk", "mkd": "mk", "alb": "sq", "sqi": "sq",
    "tgl": "tl", "ben": "bn", "urd": "ur", "epo": "eo", "gle": "ga", "gla": "gd",
    "afr": "af", "cat": "ca", "est": "et", "lav": "lv", "lit": "lt", "bul": "bg",
    "hrv": "hr", "srp": "sr", "slv": "sl", "bel": "be", "kaz": "kk", "khm": "km",
    "lao": "lo", "nep": "ne", "pan": "pa", "swa": "sw", "yid": "yi", "jav": "jv",
    "iw": "he", "in": "id", "ji": "yi", "jw": "jv",
}

#: Language names (English and Japanese, compared case-insensitively) to tags.
_NAMES = {
    "japanese": "ja", "日本語": "ja", "和文": "ja", "国語": "ja",
    "english": "en", "英語": "en", "英文": "en",
    "chinese": "zh", "中国語": "zh", "中文": "zh", "中国文": "zh",
    "漢文": "lzh", "漢籍": "lzh", "classical chinese": "lzh", "literary chinese": "lzh",
    "カタカナ": "ja-Kana", "片仮名": "ja-Kana", "katakana": "ja-Kana", "ヨミ": "ja-Kana",
    "ひらがな": "ja-Hira", "平仮名": "ja-Hira", "hiragana": "ja-Hira",
    "ローマ字": "ja-Latn", "romaji": "ja-Latn", "rōmaji": "ja-Latn",
    "japanese (romanized)": "ja-Latn", "古文": "ja",
    "korean": "ko", "韓国語": "ko", "朝鮮語": "ko", "ハングル": "ko",
    "french": "fr", "フランス語": "fr", "german": "de", "ドイツ語": "de",
    "spanish": "es", "スペイン語": "es", "portuguese": "pt", "ポルトガル語": "pt",
    "russian": "ru", "ロシア語": "ru", "italian": "it", "イタリア語": "it",
    "dutch": "nl", "オランダ語": "nl", "latin": "la", "ラテン語": "la",
    "ainu": "ain", "アイヌ語": "ain", "sanskrit": "sa", "サンスクリット語": "sa",
}

_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*[;,、・/／|]\s*|\s+and\s+|\s*と\s*")
_UNDETERMINED = frozenset({"und", "zxx", "mul", "mis"})


@functools.lru_cache(maxsize=4096)  # pure; a feed repeats a handful of language values
def normalize_language(value: str) -> str | None:
    """A BCP 47 tag for a language value, or ``None`` when it cannot be read.

    >>> normalize_language("jpn"), normalize_language("日本語"), normalize_language("en-us")
    ('ja', 'ja', 'en-US')
    """
    text = clean_text(value).replace("_", "-")
    if not text:
        return None
    lowered = text.casefold()
    if lowered in _NAMES:
        return _NAMES[lowered]
    if not _TAG.match(text):
        return None
    head, *rest = lowered.split("-")
    if head in _UNDETERMINED:
        return None
    head = _ISO639_2.get(head, head)
    return "-".join([head, *(_subtag_case(part) for part in rest)])


def normalize_languages(value: str) -> tuple[str | None, ...]:
    """Every language of a value that may list several (``jpn; eng``, 「日本語・英語」).

    A value that is one language (「日本語（カタカナ）」 is not split) gives one
    item; unreadable parts are ``None`` so that callers can warn.

    >>> normalize_languages("jpn; eng"), normalize_languages("日本語・漢文")
    (('ja', 'en'), ('ja', 'lzh'))
    """
    whole = normalize_language(value)
    if whole is not None:
        return (whole,)
    parts = [part for part in _SEPARATORS.split(clean_text(value)) if part]
    if len(parts) < 2:
        return (None,)
    return tuple(dict.fromkeys(normalize_language(part) for part in parts))


def collect_languages(values: Iterable[str]) -> tuple[tuple[str, ...], bool]:
    """The distinct tags of ``values`` (one language each), and whether one was unreadable.

    >>> collect_languages(["jpn", "ja", "eng", "??"])
    (('ja', 'en'), True)
    """
    tags: list[str] = []
    unparsed = False
    for value in values:
        tag = normalize_language(value)
        if tag is None:
            unparsed = True
        elif tag not in tags:
            tags.append(tag)
    return tuple(tags), unparsed


def _subtag_case(part: str) -> str:
    """Canonical BCP 47 case: script ``Kana``, region ``JP``, others lower."""
    if len(part) == 4 and part.isalpha():
        return part.title()
    if len(part) == 2 and part.isalpha():
        return part.upper()
    return part


def extract_primary_language(tag: str | None) -> str | None:
    """The language subtag of a BCP 47 tag (``ja`` for ``ja-Kana``)."""
    return tag.split("-", 1)[0] if tag else None


def guess_text_language(value: str, declared: str | None, main_language: str | None) -> str | None:
    """The language of a running text (a description): ``xml:lang``, else a careful guess.

    Kana means Japanese; Latin text in a Japanese record and kanji-only text in
    a record that is not Chinese, Japanese or Korean stay untagged; otherwise
    the record's main language.
    """
    if declared:
        tag = normalize_language(declared)
        if tag:
            return tag
    if has_kana(value):
        return "ja"
    main = extract_primary_language(main_language)
    if main == "ja" and is_latin_only(value):
        return None
    if has_han(value) and main not in {"ja", "zh", "ko"}:
        return None
    return main_language
