"""Dates as written to year ranges (``formats.md`` §5), the original always kept.

:func:`parse_date` reads one date string into a :class:`DateValue` whose
``year_start``/``year_end`` are the integer bounds used by facets and sorting.
It never invents a day or a month: only years are read.

Rules, in order:

1. NFKC (full-width digits), lower case, dashes and wave dashes unified,
   kanji numerals to digits (positional 「一八」 = 18 and traditional 「十八」).
2. An era date next to a Western year in brackets (「文政1(1818)」,
   「1854(嘉永7)」, 「1889[明治22]」) → the Western year.
3. Modern eras (明治 1868, 大正 1912, 昭和 1926, 平成 1989, 令和 2019, also
   M/T/S/H/R): base + n − 1, 「元年」 = 1; 「昭和20年代」 = 1945–1954; the era
   name alone (「明治」, 「明治期」, 「明治年間」) = the whole era, approximate.
4. Year atoms anywhere in the string: ISO dates, ``1850``, ``1850–60`` (an
   abbreviated end year), ``1850s`` / 「1850年代」, ``19th century`` /
   「19世紀」 (= 1800–1899, like EDTF ``18XX``), MARC ``18--`` / ``18uu`` /
   ``185-``, 「794年」. ``YYYY-MM`` with a month 01–12 is a month, not a range.
   The range is the span of every atom ("1850, printed 1870" → 1850–1870).
5. Flags: ``c.``, ``ca.``, ``circa``, 「頃」, 「ごろ」, 「前後」, 「以前」, "after",
   "early" … → approximate; ``?``, 「か」, "or" → uncertain.

Not read this time (left unparsed, for a later issue): pre-Meiji eras without a
Western year (「天保8年」), named periods (「江戸後期」, 「明治末期」), BCE dates.
Unknown markers (「不明」, 「年不詳」, "date not known", "n.d.") are reported by
:func:`is_unknown_date` so that callers can mark them instead of warning.
"""

from __future__ import annotations

import re
import unicodedata

from tsunagu.records import DateValue

#: Modern eras: (first Gregorian year, last Gregorian year or None, last era year).
MODERN_ERAS: dict[str, tuple[int, int | None, int]] = {
    "明治": (1868, 1912, 45),
    "大正": (1912, 1926, 15),
    "昭和": (1926, 1989, 64),
    "平成": (1989, 2019, 31),
    "令和": (2019, None, 99),
}
_ERA_LETTERS = {"m": "明治", "t": "大正", "s": "昭和", "h": "平成", "r": "令和"}
_LAST_YEAR = 2100

_RANGE_DASHES = str.maketrans({c: "–" for c in "‒–—―−~〜～"} | {"‐": "-", "‑": "-"})
_BRACKETS = str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "［": "[", "］": "]"})
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                 "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = re.compile(r"[〇零一二三四五六七八九十百千]+")

_HAN = r"[\u4e00-\u9fff]"
_ERA_THEN_WESTERN = re.compile(
    rf"{_HAN}{{2,4}}\s*(?:元|\d{{1,2}})\s*年?\s*[(\[]\s*(\d{{3,4}})\s*年?\s*[)\]]"
)
_WESTERN_THEN_ERA = re.compile(
    rf"(\d{{3,4}})\s*年?\s*[(\[]\s*{_HAN}{{2,4}}\s*(?:元|\d{{1,2}})[^)\]]*[)\]]"
)
_MODERN_ERA = re.compile(r"(明治|大正|昭和|平成|令和)\s*(元|\d{1,2})(?!\d)\s*(年代|年)?")
_ERA_LETTER = re.compile(r"(?<![a-z0-9])([mtshr])\s*\.?\s*(\d{1,2})(?!\d)")
_ERA_ALONE = re.compile(r"^(明治|大正|昭和|平成|令和)(?:時代|期|年間)?$")
_BCE = re.compile(r"紀元前|前\s*\d|(?<![a-z])b\.?\s?c\.?(?:e\.?)?(?![a-z])")

_ATOM = re.compile(
    r"""
    (?P<iso>(?<!\d)(?P<iso_y>\d{4})[-./]\d{1,2}[-./]\d{1,2}(?!\d))
    |(?P<pair>(?<!\d)(?P<pair_y>\d{4})\s*(?P<pair_sep>[-–./])\s*(?:c\.?\s*|ca\.?\s*)?
        (?P<pair_e>\d{1,2})(?!\d)(?!\s*(?:st|nd|rd|th|世紀)))
    |(?P<century>(?<!\d)(?P<century_n>\d{1,2})
        (?:\s*(?:st|nd|rd|th)\s*(?:century|cent\.?|c\.?)(?![a-z])|\s*century|\s*世紀))
    |(?P<decade>(?<!\d)(?P<decade_y>\d{3})0\s*(?:'?s(?![a-z])|年代))
    |(?P<unk_century>(?<!\d)(?P<unk_century_y>\d{2})(?:--|uu|xx|\?\?)(?!\d))
    |(?P<unk_decade>(?<!\d)(?P<unk_decade_y>\d{3})[-ux](?![0-9a-z]))
    |(?P<year>(?<!\d)(?P<year_y>\d{4})(?!\d))
    |(?P<year3>(?<!\d)(?P<year3_y>\d{3})(?=\s*年))
    """,
    re.VERBOSE,
)

_APPROXIMATE = re.compile(
    r"(?<![a-z])(?:c\.?|ca\.?|circa|approx\.?|approximately|about|around|early|late|mid"
    r"|after|before)(?![a-z])|頃|ごろ|前後|以前|以後|以降"
)
_UNCERTAIN = re.compile(r"\?|(?<=[\d年])\s*か(?![\u3041-\u309f])|(?<![a-z])or(?![a-z])")
_UNKNOWN = re.compile(
    r"不明|不詳|未詳|date not known|not dated|no date|unknown|undated"
    r"|(?<![a-z])n\.\s?d(?:\.|$)|(?<![a-z])s\.\s?d(?:\.|$)|sine dato"
)


def parse_date(text: str, kind: str = "other") -> DateValue:
    """Read ``text`` into a :class:`DateValue`; unreadable text keeps only ``original``.

    >>> parse_date("明治3年").year_start
    1870
    >>> d = parse_date("c.1830–5"); (d.year_start, d.year_end, d.approximate)
    (1830, 1835, True)
    """
    original = text
    normalized = _normalize(text)
    if not normalized or _BCE.search(normalized):
        return DateValue(original=original, kind=kind)
    rewritten, era_span = _rewrite_eras(normalized)
    if era_span is not None:
        return DateValue(original=original, year_start=era_span[0], year_end=era_span[1],
                         kind=kind, approximate=True,
                         uncertain=bool(_UNCERTAIN.search(rewritten)))
    bounds = _scan_years(rewritten)
    if not bounds:
        return DateValue(original=original, kind=kind)
    return DateValue(
        original=original,
        year_start=min(start for start, _ in bounds),
        year_end=max(end for _, end in bounds),
        kind=kind,
        approximate=bool(_APPROXIMATE.search(rewritten)),
        uncertain=bool(_UNCERTAIN.search(rewritten)),
    )


def is_unknown_date(text: str) -> bool:
    """True when ``text`` states that the date is unknown (「不明」, "n.d." …) and holds no year."""
    normalized = _normalize(text)
    return bool(_UNKNOWN.search(normalized)) and not _scan_years(_rewrite_eras(normalized)[0])


def convert_kanji_numeral(numeral: str) -> int:
    """A kanji numeral as an integer: 「三」 3, 「二十」 20, 「一一」 11, 「一八五〇」 1850."""
    if any(ch in _KANJI_UNITS for ch in numeral):
        total = 0
        current = 0
        for ch in numeral:
            if ch in _KANJI_UNITS:
                total += (current or 1) * _KANJI_UNITS[ch]
                current = 0
            else:
                current = current * 10 + _KANJI_DIGITS[ch]
        return total + current
    return int("".join(str(_KANJI_DIGITS[ch]) for ch in numeral))


def _normalize(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).translate(_BRACKETS).translate(_RANGE_DASHES)
    value = _KANJI_NUMBER.sub(lambda m: str(convert_kanji_numeral(m.group())), value)
    return " ".join(value.lower().split())


def _rewrite_eras(value: str) -> tuple[str, tuple[int, int] | None]:
    """Western years replace era dates; returns the text and, for an era name alone, its span."""
    core = value.strip("[]() ?")
    alone = _ERA_ALONE.match(core)
    if alone:
        start, end, _ = MODERN_ERAS[alone.group(1)]
        return value, (start, end if end is not None else start)
    value = _ERA_THEN_WESTERN.sub(r"\1", value)
    value = _WESTERN_THEN_ERA.sub(r"\1", value)
    value = _MODERN_ERA.sub(_era_to_western, value)
    value = _ERA_LETTER.sub(
        lambda m: _era_to_western_parts(m.group(0), _ERA_LETTERS[m.group(1)], m.group(2), None),
        value,
    )
    return value, None


def _era_to_western(match: re.Match[str]) -> str:
    return _era_to_western_parts(match.group(0), match.group(1), match.group(2), match.group(3))


def _era_to_western_parts(text: str, era: str, number: str, suffix: str | None) -> str:
    base, _, last = MODERN_ERAS[era]
    year_in_era = 1 if number == "元" else int(number)
    if not 1 <= year_in_era <= last:
        return text
    year = base + year_in_era - 1
    if suffix == "年代":
        return f"{year}–{year + 9}"
    return f"{year}年"


def _scan_years(value: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    for match in _ATOM.finditer(value):
        span = _atom_span(match)
        if span is not None and 1 <= span[0] <= span[1] <= _LAST_YEAR:
            bounds.append(span)
    return bounds


def _atom_span(match: re.Match[str]) -> tuple[int, int] | None:
    kind = match.lastgroup
    if kind == "iso":
        year = int(match.group("iso_y"))
        return year, year
    if kind == "pair":
        return _pair_span(match)
    if kind == "century":
        century = int(match.group("century_n"))
        return (century - 1) * 100, (century - 1) * 100 + 99
    if kind == "decade":
        decade = int(match.group("decade_y")) * 10
        return decade, decade + 9
    if kind == "unk_century":
        century = int(match.group("unk_century_y")) * 100
        return century, century + 99
    if kind == "unk_decade":
        decade = int(match.group("unk_decade_y")) * 10
        return decade, decade + 9
    year = int(match.group("year_y") or match.group("year3_y"))
    return year, year


def _pair_span(match: re.Match[str]) -> tuple[int, int]:
    """``YYYY-MM`` (a month: the year only) or ``YYYY–YY`` (an abbreviated end year)."""
    start = int(match.group("pair_y"))
    separator = match.group("pair_sep")
    tail = match.group("pair_e")
    if separator in "./" or (separator == "-" and len(tail) == 2 and 1 <= int(tail) <= 12):
        return start, start
    digits = str(start)
    end = int(digits[: len(digits) - len(tail)] + tail)
    return (start, end) if end >= start else (start, start)
