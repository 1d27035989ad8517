"""Japanese historical periods (時代区分) for the era facet and for named-period dates.

A period has a code (``edo``, ``meiji`` …, used by the facet), its Japanese
and English names and a span of Gregorian years. Period bounds are
conventions: historians draw them differently (鎌倉 from 1185 or 1192, 室町 from
1336 or 1338). The spans here touch — a boundary year such as 1868 belongs to
both neighbours — and the 建武 restoration (1333–1336) is counted in 室町, as
facets commonly do.

Sub-spans (前期, 中期, 後期, 初期, 末期 and the short forms 前/中/後/初/末, 前半,
後半) divide a period: thirds for 前/中/後, halves for 前半/後半, the first and
last fifth for 初期 and 末期. 江戸 has its own conventional table (後期 from 天明,
1781; 末期 = 幕末 from 1853).

:func:`derive_periods` gives the codes of every period a record's dates
overlap, in chronological order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from tsunagu.mappings.eras import find_era
from tsunagu.records import DateValue

#: The latest year a period may be derived for (an open 令和 ends here).
_OPEN_END = 2100


@dataclasses.dataclass(frozen=True)
class Period:
    """A Japanese period: facet code, names and a conventional span of years."""

    code: str
    name: str
    name_en: str
    start: int
    end: int | None


PERIODS: tuple[Period, ...] = (
    Period("asuka", "飛鳥", "Asuka", 592, 710),
    Period("nara", "奈良", "Nara", 710, 794),
    Period("heian", "平安", "Heian", 794, 1185),
    Period("kamakura", "鎌倉", "Kamakura", 1185, 1333),
    Period("muromachi", "室町", "Muromachi", 1333, 1573),
    Period("azuchi_momoyama", "安土桃山", "Azuchi-Momoyama", 1573, 1603),
    Period("edo", "江戸", "Edo", 1603, 1868),
    Period("meiji", "明治", "Meiji", 1868, 1912),
    Period("taisho", "大正", "Taishō", 1912, 1926),
    Period("showa", "昭和", "Shōwa", 1926, 1989),
    Period("heisei", "平成", "Heisei", 1989, 2019),
    Period("reiwa", "令和", "Reiwa", 2019, None),
)
PERIODS_BY_CODE: Mapping[str, Period] = MappingProxyType({p.code: p for p in PERIODS})

#: Names under which periods are written, to their code (Japanese and romanized).
PERIOD_NAMES: Mapping[str, str] = MappingProxyType({
    **{p.name: p.code for p in PERIODS},
    "桃山": "azuchi_momoyama", "織豊": "azuchi_momoyama", "徳川": "edo",
    "asuka": "asuka", "nara": "nara", "heian": "heian", "kamakura": "kamakura",
    "muromachi": "muromachi", "azuchi-momoyama": "azuchi_momoyama", "momoyama": "azuchi_momoyama",
    "edo": "edo", "tokugawa": "edo", "meiji": "meiji", "taisho": "taisho", "taishō": "taisho",
    "showa": "showa", "shōwa": "showa", "heisei": "heisei", "reiwa": "reiwa",
})

#: Sub-span words to a canonical qualifier.
QUALIFIERS: Mapping[str, str] = MappingProxyType({
    "前期": "early", "前": "early", "early": "early",
    "中期": "middle", "中": "middle", "中頃": "middle", "中葉": "middle", "mid": "middle",
    "middle": "middle",
    "後期": "late", "後": "late", "late": "late",
    "初期": "beginning", "初": "beginning", "初頭": "beginning",
    "末期": "end", "末": "end", "末葉": "end",
    "前半": "first_half", "後半": "second_half",
})

#: Conventional sub-spans that differ from the computed fractions.
_EXPLICIT_SUBSPANS = {
    ("edo", "early"): (1603, 1680),
    ("edo", "middle"): (1680, 1781),
    ("edo", "late"): (1781, 1868),
    ("edo", "beginning"): (1603, 1651),
    ("edo", "end"): (1853, 1868),
    ("meiji", "beginning"): (1868, 1877),
}

#: 幕末 (the last years of the shogunate) is written as a period of its own.
BAKUMATSU = ("edo", "end")

def find_period(name: str) -> Period | None:
    """The period called ``name`` (「江戸」, "Edo", "edo"), or ``None``."""
    code = PERIOD_NAMES.get(name.strip().casefold())
    return PERIODS_BY_CODE[code] if code else None


def span_period(code: str, qualifier: str | None = None) -> tuple[int, int]:
    """The years of period ``code``, or of its sub-span ``qualifier`` (see :data:`QUALIFIERS`)."""
    period = PERIODS_BY_CODE[code]
    start = period.start
    end = period.end if period.end is not None else max(start, 2030)
    if qualifier is None:
        return start, end
    explicit = _EXPLICIT_SUBSPANS.get((code, qualifier))
    if explicit is not None:
        return explicit
    length = end - start
    third = length // 3
    fifth = max(length // 5, 4)
    half = length // 2
    spans = {
        "early": (start, start + third),
        "middle": (start + third, end - third),
        "late": (end - third, end),
        "beginning": (start, start + fifth),
        "end": (end - fifth, end),
        "first_half": (start, start + half),
        "second_half": (start + half, end),
    }
    return spans[qualifier]


def derive_periods(dates: Iterable[DateValue]) -> tuple[str, ...]:
    """The codes of the periods that the parsed dates overlap, in chronological order.

    Spans touch at their boundary years, so both sides are read half-open: a
    period owns the years from its start up to (not including) its end, and a
    date range up to (not including) its last year — 「江戸時代」 (1603–1868) is
    ``edo`` only, 1868 is ``meiji``. A single year written in an era belongs to
    the period of that era: 「慶応4年」 (1868) is ``edo``, 「昭和64年」 (1989) ``showa``.

    >>> from tsunagu.mappings.dates import parse_date
    >>> derive_periods([parse_date("天保8年"), parse_date("明治3年")])
    ('edo', 'meiji')
    """
    found: set[str] = set()
    for date in dates:
        if date.year_start is None:
            continue
        first = date.year_start
        last = date.year_end if date.year_end is not None else first
        by_era = _period_of_era(date.era, first) if first == last else None
        if by_era is not None:
            found.add(by_era)
            continue
        stop = last + 1 if last == first else last
        for period in PERIODS:
            end = period.end if period.end is not None else _OPEN_END
            if first < end and stop > period.start:
                found.add(period.code)
    return tuple(p.code for p in PERIODS if p.code in found)


def _period_of_era(era_name: str | None, year: int) -> str | None:
    """The period of a year written in an era, on a boundary year too (昭和64年 = 1989 → showa)."""
    era = find_era(era_name) if era_name else None
    if era is None:
        return None
    for period in PERIODS:
        end = period.end if period.end is not None else _OPEN_END
        if period.start <= era.start < end:
            return period.code if year <= end else None
    return None
