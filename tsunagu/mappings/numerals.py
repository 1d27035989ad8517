"""Kanji numerals (漢数字) to Arabic digits, for dates and volume numbers.

Catalogues write numbers positionally (「一八五〇」 = 1850, 「一四」 = 14) or with
units (「二十三」 = 23, 「百二」 = 102), and 「廿」 (20) and 「卅」/「丗」 (30) in old
texts (「廿三」 = 23). 「千」 or 「百」 alone is a word (千葉, 百姓), not a number.
"""

from __future__ import annotations

import re

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_TENS = str.maketrans({"廿": "二十", "卅": "三十", "丗": "三十"})
_NUMBER = re.compile(r"[〇零一二三四五六七八九十百千]+")


def convert_kanji_numeral(numeral: str) -> int:
    """A kanji numeral as an integer: 「三」 3, 「二十」 20, 「廿三」 23, 「一八五〇」 1850."""
    numeral = numeral.translate(_TENS)
    if any(ch in _UNITS for ch in numeral):
        total = 0
        current = 0
        for ch in numeral:
            if ch in _UNITS:
                total += (current or 1) * _UNITS[ch]
                current = 0
            else:
                current = current * 10 + _DIGITS[ch]
        return total + current
    return int("".join(str(_DIGITS[ch]) for ch in numeral))


def replace_kanji_numerals(text: str) -> str:
    """``text`` with every kanji numeral written in digits (「明治廿三年」 → 「明治23年」)."""
    return _NUMBER.sub(_to_digits, text.translate(_TENS))


def _to_digits(match: re.Match[str]) -> str:
    numeral = match.group()
    if not any(ch in _DIGITS or ch == "十" for ch in numeral):
        return numeral
    return str(convert_kanji_numeral(numeral))
