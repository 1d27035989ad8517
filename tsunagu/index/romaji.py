"""Kana readings to romaji (modified Hepburn), so ``hokusai`` finds ほくさい.

Readings (``ja-Kana``/``ja-Hira`` titles and names) are romanized at index time
and searched as Latin words. A reading is often written as one word
(とうきょうしがいず), so :func:`reading_words` indexes the romaji of every
suffix that starts a syllable (``tokyoshigaizu``, ``kyoshigaizu``,
``shigaizu`` …) and a romaji query is a prefix query: ``tokyo`` and ``shigai``
both find it. People type romaji in many ways (``toukyou``,
``tokyo``, ``Tōkyō``), so both sides go through :func:`fold_romaji`, which
drops vowel lengthening (``ou``/``oo`` → ``o``, ``uu`` → ``u`` …) after the
accents are gone. The table is our own, small and deterministic.
"""

from __future__ import annotations

import re

_BASIC = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he", "ホ": "ho",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o", "ン": "n",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
    "ヴ": "vu",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o",
    "ャ": "ya", "ュ": "yu", "ョ": "yo", "ヮ": "wa", "ヵ": "ka", "ヶ": "ke",
}
_YOON = {"ャ": "a", "ュ": "u", "ョ": "o"}
#: Consonant + i kana whose Hepburn yōon drops the ``i`` and keeps no ``y`` (シャ → sha).
_PALATAL = {"シ": "sh", "チ": "ch", "ジ": "j", "ヂ": "j"}
_SMALL_VOWELS = {"ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}
_LENGTHENING = re.compile(r"([aeiou])\1+|ou|ei(?=[^aeiou]|$)")
_LENGTHENED = {"ou": "o", "ei": "e"}


def kana_to_romaji(katakana: str) -> str:
    """Hepburn romaji of a katakana string; other characters are kept.

    ``カツシカ ホクサイ`` → ``katsushika hokusai``; ``キョウト`` → ``kyouto``
    (lengthening is folded later by :func:`fold_romaji`).
    """
    out: list[str] = []
    i, end = 0, len(katakana)
    while i < end:
        char = katakana[i]
        following = katakana[i + 1] if i + 1 < end else ""
        if char == "ッ" and following in _BASIC:  # geminate: double the next consonant
            romaji = kana_to_romaji(following)
            out.append("t" if romaji.startswith("ch") else romaji[:1])
            i += 1
            continue
        if char == "ー":
            out.append(out[-1][-1:] if out else "")
            i += 1
            continue
        syllable = _BASIC.get(char)
        if syllable is None:
            out.append(char)
            i += 1
            continue
        if following in _YOON and syllable.endswith("i") and len(syllable) > 1:
            stem = _PALATAL.get(char, syllable[:-1] + "y")
            out.append(stem + _YOON[following])
            i += 2
            continue
        if following in _SMALL_VOWELS and syllable[-1] in "aiueo" and len(syllable) > 1:
            out.append(syllable[:-1] + _SMALL_VOWELS[following])  # ティ → ti, ファ → fa
            i += 2
            continue
        if char == "ン" and following and _BASIC.get(following, "x")[0] in "aiueoy":
            out.append("n'")
            i += 1
            continue
        out.append(syllable)
        i += 1
    return "".join(out)


_NOT_SYLLABLE_START = frozenset("ャュョァィゥェォヮー")


def reading_words(katakana: str) -> list[str]:
    """Folded romaji of every syllable-initial suffix of each word of a reading."""
    words: list[str] = []
    for chunk in katakana.split():
        for start, char in enumerate(chunk):
            if char not in _NOT_SYLLABLE_START:
                folded = fold_romaji(kana_to_romaji(chunk[start:]))
                if folded and folded not in words:
                    words.append(folded)
    return words


def fold_romaji(word: str) -> str:
    """A romaji word without vowel lengthening: ``toukyou``/``tookyoo`` → ``tokyo``."""
    word = word.replace("'", "").replace("’", "")
    return _LENGTHENING.sub(lambda m: _LENGTHENED.get(m.group(0), m.group(0)[0]), word)
