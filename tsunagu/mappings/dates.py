"""Dates as written to EDTF and year ranges (``formats.md`` §5), the original always kept.

:func:`parse_date` reads one date string into a :class:`DateValue` (original,
EDTF, ``year_start``/``year_end``, precision, approximate/uncertain, calendar,
era). It never raises and never invents a month or a day. Rules, in order:

1. NFKC (full-width digits, ㍻), lower case, dashes unified, 旧字 in era names
   (慶應), kanji numerals to digits (「一八」 18, 「二十三」 = 「廿三」 23). When the
   parts after 「／」 record alterations (「大正12／昭和27増築」, 文化庁 buildings),
   only the first part — the date of the thing itself — is read.
2. Era dates, every era from 大化 to 令和 (:mod:`~tsunagu.mappings.eras`):
   「明治3年」, 「元年」, 「天保8」, 「寛永辛巳」 (sexagenary year), 「M3」, 「H13.3」,
   「明治3.5.10」, 「同4」 (the era named before), 「昭和20年代」, 「天保年間」. Before
   1873 they are ``jp_lunisolar`` at year precision (month and day are not
   converted; a 12th month may fall in the next Gregorian year, so the range
   covers both); from 1873 a month or day is kept (``2001-03``).
3. An era date with a Western year in brackets (「文化14年（1817）」, 「1854(嘉永7)」):
   the Western year is kept; a mismatch (beyond ±1 for lunisolar years) gives
   the warning ``date_era_mismatch``.
4. Named periods (「江戸時代」, 「江戸後期」, 「明治末」, 「幕末」, "Edo period") →
   :mod:`~tsunagu.mappings.periods`, approximate.
5. Western atoms: ISO dates, ``1850``, ``1850–60``, ``1850s`` (``185X``),
   ``19th century`` / 「19世紀」 (``18XX``, 1800–1899), 「19世紀前半」, MARC
   ``18uu``/``18--``/``185-``, 「794年」, 「1850年3月」; ``YYYY-MM`` is a month.
6. The range spans every atom ("1826–7, reprinted 1892" → 1826–1892: the later
   impression is the object too). ``c.``, 「頃」, 「以前」 … → approximate; ``?``,
   「か」, "or" → uncertain; 「以前」/"before" and 「以後」/"after" on one date give
   ``../1731`` and ``1830/..``. 序, 跋, 刊, 写 name the event, not the date.

Unknown markers (「不明」, 「年不詳」, "n.d.") are reported by :func:`is_unknown_date`;
BCE dates are left unparsed.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable

from tsunagu.mappings.eras import ERA_LETTERS, ERA_VARIANTS, ERAS_BY_NAME, LAST_YEAR, find_era
from tsunagu.mappings.numerals import convert_kanji_numeral, replace_kanji_numerals
from tsunagu.mappings.periods import BAKUMATSU, PERIOD_NAMES, QUALIFIERS, span_period
from tsunagu.records import DateValue

__all__ = ["DATE_ERA_MISMATCH", "convert_kanji_numeral", "is_unknown_date", "parse_date",
           "parse_date_with_warnings"]

DATE_ERA_MISMATCH = "date_era_mismatch"
GREGORIAN = "gregorian"
JP_LUNISOLAR = "jp_lunisolar"

_LAST_YEAR = LAST_YEAR
_PRECISIONS = ("day", "month", "year", "decade", "century", "era")

_RANGE_DASHES = str.maketrans({c: "–" for c in "‒–—―−~〜～"} | {"‐": "-", "‑": "-"})
_BRACKETS = str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "［": "[", "］": "]"})
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"

_ERA = "|".join(sorted((re.escape(name) for name in ERAS_BY_NAME), key=len, reverse=True))
_PERIOD_JA = "|".join(sorted((n for n in PERIOD_NAMES if not n.isascii()), key=len, reverse=True))
_PERIOD_EN = "|".join(sorted((n for n in PERIOD_NAMES if n.isascii()), key=len, reverse=True))
_QUALIFIER = "前期|中期|後期|初期|末期|初頭|中頃|中葉|末葉|前半|後半|前|中|後|初|末"
_NUMBER = r"(?:元|\d{1,2})(?!\d)"


def _era_date(p: str) -> str:
    """An era date with groups prefixed ``p``: era, year or 干支, month, day."""
    return (
        rf"(?P<{p}era>{_ERA})\s*(?:(?P<{p}n>{_NUMBER})\s*(?:年(?![代間]))?\s*"
        rf"(?:(?:閏\s*)?(?P<{p}m>\d{{1,2}})\s*月(?:\s*(?P<{p}d>\d{{1,2}})\s*日)?"
        rf"|\.(?P<{p}m2>\d{{1,2}})(?:\.(?P<{p}d2>\d{{1,2}}))?(?!\d))?"
        rf"|(?P<{p}k>[{_STEMS}][{_BRANCHES}])\s*年?)"
    )


_MATCHER = re.compile(
    rf"""
    (?P<w_era>(?<!\d)(?P<w_y>\d{{3,4}})(?P<w_md>(?:[-./]\d{{1,2}}){{0,2}})\s*年?\s*[(\[]\s*
        {_era_date('x')}[^)\]]{{0,8}}[)\]])
    |(?P<era_w>{_era_date('e')}\s*[(\[]\s*(?P<e_wy>\d{{3,4}})\s*年?\s*[)\]])
    |(?P<era_decade>(?P<ed_era>{_ERA})\s*(?P<ed_n>\d{{1,2}})\s*年代)
    |(?P<era_date>{_era_date('d')})
    |(?P<letter>(?<![a-z0-9])(?P<l_era>[mtshr])\s*\.?\s*(?P<l_n>\d{{1,2}})(?!\d)
        (?:\.(?P<l_m>\d{{1,2}})(?:\.(?P<l_d>\d{{1,2}}))?(?!\d))?)
    |(?P<same>同\s*(?P<s_n>{_NUMBER})\s*年?)
    |(?P<nenkan>(?P<nk_era>{_ERA})\s*年間)
    |(?P<period>(?P<p_name>{_PERIOD_JA})\s*(?:時代|期)?\s*(?P<p_q>{_QUALIFIER})?\s*(?:時代|期)?)
    |(?P<bakumatsu>幕末)
    |(?P<period_en>(?:(?P<pe_q>early|mid|middle|late)[\s-]+)?(?P<pe_name>{_PERIOD_EN})
        \s+(?:period|era|jidai))
    |(?P<era_span>(?P<sp_era>{_ERA})\s*(?:時代|期|頃|ごろ)?)
    |(?P<iso>(?<!\d)(?P<iso_y>\d{{4}})[-./](?P<iso_m>\d{{1,2}})[-./](?P<iso_d>\d{{1,2}})(?!\d))
    |(?P<jymd>(?<!\d)(?P<j_y>\d{{3,4}})\s*年\s*(?P<j_m>\d{{1,2}})\s*月(?:\s*(?P<j_d>\d{{1,2}})\s*日)?)
    |(?P<pair>(?<!\d)(?P<pair_y>\d{{4}})\s*(?P<pair_sep>[-–./])\s*(?:c\.?\s*|ca\.?\s*)?
        (?P<pair_e>\d{{1,2}})(?!\d)(?!\s*(?:st|nd|rd|th|世紀)))
    |(?P<century>(?<!\d)(?P<century_n>\d{{1,2}})
        (?:\s*(?:st|nd|rd|th)\s*(?:century|cent\.?|c\.?)(?![a-z])|\s*century|\s*世紀)
        (?:\s*(?P<century_q>前半|後半|初頭|初め|末葉|末期|末|中頃|中葉|中期|前期|後期))?)
    |(?P<decade>(?<!\d)(?P<decade_y>\d{{3}})0\s*(?:'?s(?![a-z])|年代))
    |(?P<unk_century>(?<!\d)(?P<unk_century_y>\d{{2}})(?:--|uu|xx|\?\?)(?!\d))
    |(?P<unk_decade>(?<!\d)(?P<unk_decade_y>\d{{3}})[-ux](?![0-9a-z]))
    |(?P<year>(?<!\d)(?P<year_y>\d{{4}})(?!\d))
    |(?P<year3>(?<!\d)(?P<year3_y>\d{{3}})(?=\s*年))
    """,
    re.VERBOSE,
)

_APPROXIMATE = re.compile(
    r"(?<![a-z])(?:c\.?|ca\.?|circa|approx\.?|approximately|about|around|early|late|mid"
    r"|after|before)(?![a-z])|頃|ごろ|前後|以前|以後|以降"
)
_BEFORE = re.compile(r"(?<![a-z])before(?![a-z])|以前")
_AFTER = re.compile(r"(?<![a-z])after(?![a-z])|以後|以降")
_UNCERTAIN = re.compile(r"\?|(?<=[\d年])\s*か(?![\u3041-\u309f])|(?<![a-z])or(?![a-z])")
_UNKNOWN = re.compile(
    r"不明|不詳|未詳|date not known|not dated|no date|unknown|undated"
    r"|(?<![a-z])n\.\s?d(?:\.|$)|(?<![a-z])s\.\s?d(?:\.|$)|sine dato"
)
_BCE = re.compile(r"紀元前|(?<![以午])前\s*\d|(?<![a-z])b\.?\s?c\.?(?:e\.?)?(?![a-z])")
_ALTERATION = re.compile(r"増築|改築|増改築|改修|改造|移築|移設|移転|曳家|再建|修理|修復|復元|改装")
_WHOLE_STRIP = " []()?~–頃ごろ"
_CENTURY_PARTS = {"前半": (0, 49), "後半": (50, 99), "初頭": (0, 19), "初め": (0, 19),
                  "末": (80, 99), "末期": (80, 99), "末葉": (80, 99), "中頃": (30, 69),
                  "中葉": (30, 69), "中期": (33, 66), "前期": (0, 33), "後期": (66, 99)}


@dataclasses.dataclass(frozen=True)
class _Atom:
    """One date expression found in the text."""

    start: int
    end: int
    edtf_start: str
    edtf_end: str
    precision: str
    era: str | None = None
    lunisolar: bool = False
    approximate: bool = False
    mismatch: bool = False


def parse_date(text: str, kind: str = "other") -> DateValue:
    """Read ``text`` into a :class:`DateValue`; unreadable text keeps only ``original``.

    >>> d = parse_date("明治3年"); (d.year_start, d.edtf, d.calendar, d.era)
    (1870, '1870', 'jp_lunisolar', '明治')
    >>> d = parse_date("c.1830–5"); (d.year_start, d.year_end, d.edtf)
    (1830, 1835, '1830~/1835~')
    """
    return parse_date_with_warnings(text, kind)[0]


@functools.lru_cache(maxsize=4096)  # pure; values repeat across a feed's records
def parse_date_with_warnings(text: str, kind: str = "other") -> tuple[DateValue, tuple[str, ...]]:
    """:func:`parse_date` and its warnings (``date_era_mismatch``)."""
    normalized = _normalize(text)
    if not normalized or _BCE.search(normalized):
        return DateValue(original=text, kind=kind), ()
    value = _drop_alterations(normalized)
    atoms = _find_atoms(value)
    if not atoms:
        return DateValue(original=text, kind=kind), ()
    approximate = bool(_APPROXIMATE.search(value)) or any(a.approximate for a in atoms)
    uncertain = bool(_UNCERTAIN.search(value))
    first = min(atoms, key=lambda a: a.start)
    last = max(atoms, key=lambda a: a.end)
    date = DateValue(
        original=text,
        year_start=first.start,
        year_end=last.end,
        kind=kind,
        approximate=approximate,
        uncertain=uncertain,
        edtf=_edtf(value, atoms, first, last, approximate, uncertain),
        precision=max((a.precision for a in atoms), key=_PRECISIONS.index),
        calendar=JP_LUNISOLAR if any(a.lunisolar for a in atoms) else GREGORIAN,
        era=next((a.era for a in atoms if a.era), None),
    )
    warnings = (DATE_ERA_MISMATCH,) if any(a.mismatch for a in atoms) else ()
    return date, warnings


@functools.lru_cache(maxsize=4096)  # pure; values repeat across a feed's records
def is_unknown_date(text: str) -> bool:
    """True when ``text`` states that the date is unknown (「不明」, "n.d." …) and holds no year."""
    normalized = _normalize(text)
    return bool(_UNKNOWN.search(normalized)) and not _find_atoms(normalized)


def _normalize(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).translate(_BRACKETS).translate(_RANGE_DASHES)
    value = replace_kanji_numerals(value.translate(ERA_VARIANTS))
    return " ".join(value.lower().split())


def _drop_alterations(value: str) -> str:
    parts = re.split(r"\s*/\s*", value)
    if len(parts) > 1 and any(_ALTERATION.search(part) for part in parts[1:]):
        return parts[0]
    return value


def _find_atoms(value: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    last_era: str | None = None
    whole = value.strip(_WHOLE_STRIP)
    for match in _MATCHER.finditer(value):
        kind = match.lastgroup
        if kind == "same":
            atom = _era_atom(last_era, match.group("s_n")) if last_era else None
        elif kind in ("period", "era_span"):
            atom = _named_span(match, kind, match.group().strip() == whole)
        else:
            atom = _ERA_READERS[kind](match) if kind in _ERA_READERS else _western(match)
        if atom is None or not 1 <= atom.start <= atom.end <= _LAST_YEAR:
            continue
        atoms.append(atom)
        last_era = atom.era or last_era
    return atoms


def _era_atom(name: str, number: str | None, month: str | None = None, day: str | None = None,
              sexagenary: str | None = None) -> _Atom | None:
    era = find_era(name)
    if era is None:
        return None
    if sexagenary:
        year = _sexagenary_year(era.start, era.end or era.start + 98, sexagenary)
    else:
        year = era.to_gregorian(1 if number in (None, "元") else int(number or 0))
    if year is None:
        return None
    if year < 1873:  # lunisolar: month and day are not converted
        end = year + 1 if month is not None and int(month) == 12 else year
        return _Atom(year, end, _pad(year), _pad(end), "year", era.name, lunisolar=True)
    edtf, precision = _gregorian_edtf(year, month, day)
    return _Atom(year, year, edtf, edtf, precision, era.name)


def _sexagenary_year(first: int, last: int, name: str) -> int | None:
    stem, branch = _STEMS.index(name[0]), _BRANCHES.index(name[1])
    for year in range(first, last + 1):
        if (year - 4) % 10 == stem and (year - 4) % 12 == branch:
            return year
    return None


def _read_era_date(match: re.Match[str], p: str = "d") -> _Atom | None:
    return _era_atom(match.group(f"{p}era"), match.group(f"{p}n"),
                     match.group(f"{p}m") or match.group(f"{p}m2"),
                     match.group(f"{p}d") or match.group(f"{p}d2"), match.group(f"{p}k"))


def _read_cross_checked(match: re.Match[str], western: int, p: str,
                        month_day: str = "") -> _Atom | None:
    era_atom = _read_era_date(match, p)
    era = find_era(match.group(f"{p}era"))
    assert era is not None
    tolerance = 1 if era.lunisolar else 0
    mismatch = era_atom is None or abs(era_atom.start - western) > tolerance
    parts: list[str | None] = [part for part in re.split(r"[-./]", month_day) if part]
    month, day = [*parts, None, None][:2]
    edtf, precision = _gregorian_edtf(western, month, day)
    return _Atom(western, western, edtf, edtf, precision, era.name, era.lunisolar,
                 mismatch=mismatch)


def _read_era_decade(match: re.Match[str]) -> _Atom | None:
    era = find_era(match.group("ed_era"))
    year = era.to_gregorian(int(match.group("ed_n"))) if era else None
    if era is None or year is None:
        return None
    return _Atom(year, year + 9, _pad(year), _pad(year + 9), "decade", era.name, era.lunisolar)


def _whole_era(name: str) -> _Atom | None:
    era = find_era(name)
    if era is None:
        return None
    end = era.end if era.end is not None else era.start
    return _Atom(era.start, end, _pad(era.start), _pad(end), "era", era.name, era.lunisolar)


_ERA_READERS: dict[str, Callable[[re.Match[str]], _Atom | None]] = {
    "w_era": lambda m: _read_cross_checked(m, int(m.group("w_y")), "x", m.group("w_md")),
    "era_w": lambda m: _read_cross_checked(m, int(m.group("e_wy")), "e"),
    "era_decade": _read_era_decade,
    "era_date": _read_era_date,
    "letter": lambda m: _era_atom(ERA_LETTERS[m.group("l_era")], m.group("l_n"), m.group("l_m"),
                                  m.group("l_d")),
    "nenkan": lambda m: _whole_era(m.group("nk_era")),
}


def _named_span(match: re.Match[str], kind: str, whole: bool) -> _Atom | None:
    """A named period (江戸後期) or an era name with 時代/期/頃 — or alone as the whole value."""
    if kind == "era_span":
        if match.group() == match.group("sp_era") and not whole:
            return None
        return _whole_era(match.group("sp_era"))
    qualifier = match.group("p_q")
    if match.group().strip() == match.group("p_name") and not whole:
        return None
    code = PERIOD_NAMES[match.group("p_name")]
    return _period_atom(code, QUALIFIERS[qualifier] if qualifier else None)


def _period_atom(code: str, qualifier: str | None) -> _Atom:
    start, end = span_period(code, qualifier)
    return _Atom(start, end, _pad(start), _pad(end), "era", approximate=True)


def _western(match: re.Match[str]) -> _Atom | None:
    kind = match.lastgroup
    if kind == "bakumatsu":
        return _period_atom(*BAKUMATSU)
    if kind == "period_en":
        qualifier = match.group("pe_q")
        return _period_atom(PERIOD_NAMES[match.group("pe_name")],
                            QUALIFIERS[qualifier] if qualifier else None)
    if kind in ("iso", "jymd"):
        p = "iso_" if kind == "iso" else "j_"
        year = int(match.group(f"{p}y"))
        edtf, precision = _gregorian_edtf(year, match.group(f"{p}m"), match.group(f"{p}d"))
        return _Atom(year, year, edtf, edtf, precision)
    if kind == "pair":
        return _pair(match)
    if kind == "century":
        return _century(int(match.group("century_n")), match.group("century_q"))
    if kind in ("decade", "unk_decade"):
        decade = int(match.group(f"{kind}_y")) * 10
        return _Atom(decade, decade + 9, f"{decade // 10:03d}X", f"{decade // 10:03d}X", "decade")
    if kind == "unk_century":
        return _century(int(match.group("unk_century_y")) + 1, None)
    year = int(match.group("year_y") or match.group("year3_y"))
    return _Atom(year, year, _pad(year), _pad(year), "year")


def _pair(match: re.Match[str]) -> _Atom:
    """``YYYY-MM`` (a month) or ``YYYY–YY`` (an abbreviated end year)."""
    start = int(match.group("pair_y"))
    separator = match.group("pair_sep")
    tail = match.group("pair_e")
    if separator in "./" or (separator == "-" and len(tail) == 2 and 1 <= int(tail) <= 12):
        edtf, precision = _gregorian_edtf(start, tail, None)
        return _Atom(start, start, edtf, edtf, precision)
    digits = str(start)
    end = int(digits[: len(digits) - len(tail)] + tail)
    end = end if end >= start else start
    return _Atom(start, end, _pad(start), _pad(end), "year")


def _century(number: int, qualifier: str | None) -> _Atom | None:
    """The Nth century as 1800–1899 (EDTF ``18XX``), or a part of it (「前半」 …)."""
    if number < 1:
        return None
    start = (number - 1) * 100
    if qualifier is None:
        label = f"{number - 1:02d}XX"
        return _Atom(start, start + 99, label, label, "century")
    part = _CENTURY_PARTS[qualifier]
    return _Atom(start + part[0], start + part[1], _pad(start + part[0]),
                 _pad(start + part[1]), "century")


def _gregorian_edtf(year: int, month: str | None, day: str | None) -> tuple[str, str]:
    """EDTF and precision of a Gregorian date; an impossible month or day is dropped."""
    if month is None or not 1 <= int(month) <= 12:
        return _pad(year), "year"
    if day is None or not 1 <= int(day) <= 31:
        return f"{_pad(year)}-{int(month):02d}", "month"
    return f"{_pad(year)}-{int(month):02d}-{int(day):02d}", "day"


def _pad(year: int) -> str:
    return f"{year:04d}"


def _edtf(value: str, atoms: list[_Atom], first: _Atom, last: _Atom,
          approximate: bool, uncertain: bool) -> str:
    mark = "%" if approximate and uncertain else "~" if approximate else "?" if uncertain else ""
    start, end = first.edtf_start, last.edtf_end
    if start == end:
        if len(atoms) == 1 or all(a.edtf_start == start == a.edtf_end for a in atoms):
            if _BEFORE.search(value) and not _AFTER.search(value):
                return f"../{start}"
            if _AFTER.search(value) and not _BEFORE.search(value):
                return f"{start}/.."
        return start + mark
    return f"{start}{mark}/{end}{mark}"
