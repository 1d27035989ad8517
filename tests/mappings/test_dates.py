"""Dates as written → year ranges; real strings from Tate, NDL, NIJL and 文化庁 data."""

from __future__ import annotations

import pytest

from tsunagu.mappings.dates import convert_kanji_numeral, is_unknown_date, parse_date

# (string as found, year_start, year_end, approximate, uncertain)
TATE = [  # dateText values of the Tate collection (tategallery/collection @ a51d8af)
    ("1870", 1870, 1870, False, False),
    ("c.1800", 1800, 1800, True, False),
    ("c. 1936", 1936, 1936, True, False),
    ("?c.1785", 1785, 1785, True, True),
    ("?1863", 1863, 1863, False, True),
    ("1843–4", 1843, 1844, False, False),
    ("1858–64", 1858, 1864, False, False),
    ("c.1786–9", 1786, 1789, True, False),
    ("c.1797–1801", 1797, 1801, True, False),
    ("1990–2005", 1990, 2005, False, False),
    ("1976 –7", 1976, 1977, False, False),
    ("circa 1809–11", 1809, 1811, True, False),
    ("1826–7, reprinted 1892", 1826, 1892, False, False),
    ("c.1803, c.1805–10", 1803, 1810, True, False),
    ("1794–c.1830–5", 1794, 1835, True, False),
    ("1924–5–c.1937", 1924, 1937, True, False),
    ("published 1881", 1881, 1881, False, False),
    ("Published 1991", 1991, 1991, False, False),
    ("exhibited 1804", 1804, 1804, False, False),
    ("after c.1830", 1830, 1830, True, False),
    ("before 1877", 1877, 1877, True, False),
    ("1830s", 1830, 1839, False, False),
    ("?1820s", 1820, 1829, False, True),
    ("early 1840s", 1840, 1849, True, False),
    ("c.1840s", 1840, 1849, True, False),
    ("?late 1810s to mid–1820s", 1810, 1829, True, True),
    ("late 18th C", 1700, 1799, True, False),
    ("1786 or 1800", 1786, 1800, False, True),
    ("1828 (or 1836", 1828, 1836, False, True),
    ("c.1825–30?", 1825, 1830, True, True),
    ("1831 and 1834", 1831, 1834, False, False),
    ("1982,1993", 1982, 1993, False, False),
    ("1978; printed 2009", 1978, 2009, False, False),
    ("1951, printed 1970s", 1951, 1979, False, False),
]
NDL = [  # `date` / `issued` of NDL Search records (nakamura196/ddc-tutorial2025)
    ("文政1(1818)", 1818, 1818, False, False),
    ("1854(嘉永7)", 1854, 1854, False, False),
    ("文化15(1818)序", 1818, 1818, False, False),
    ("嘉永4(1851)序", 1851, 1851, False, False),
    ("1807(文化4)年", 1807, 1807, False, False),
    ("[安政2(1855)]; 安政2(1855)", 1855, 1855, False, False),
    ("嘉永5～安政6(1852～1859)序", 1852, 1859, False, False),
    ("1821-01-01", 1821, 1821, False, False),
    ("1855", 1855, 1855, False, False),
]
NIJL = [  # d.chosyear / d.shosyear of NIJL 国書データベース records
    ("1716-1736", 1716, 1736, False, False),
    ("1868-1912", 1868, 1912, False, False),
    ("1646", 1646, 1646, False, False),
]
BUNKAZAI = [  # 年代 / 西暦 of 登録有形文化財 (文化庁 open data via shinyaoguri/touroku-bunkazai)
    ("昭和2", 1927, 1927, False, False),
    ("大正元", 1912, 1912, False, False),
    ("大正13頃", 1924, 1924, True, False),
    ("昭和5年", 1930, 1930, False, False),
    ("明治41", 1908, 1908, False, False),
    ("1868-1911", 1868, 1911, False, False),
    ("1937頃", 1937, 1937, True, False),
    ("1731以前", 1731, 1731, True, False),
    ("1912～1925", 1912, 1925, False, False),
    ("大正12／昭和27増築", 1923, 1952, False, False),
    ("昭和33年／昭和43年増築、同53年改修", 1958, 1968, False, False),
    ("1996.12.20(平成8.12.20)", 1996, 1996, False, False),
    ("2021.10.14(令和3.10.14)", 2021, 2021, False, False),
]
LABELS = [  # dates inside IIIF labels (nakamura196/iiif) and JPS (kochizu) values
    ("国民之友 第47号 1889[明治22]年4月", 1889, 1889, False, False),
    ("発行：昭和43年1月1日", 1968, 1968, False, False),
    ("文化14年", None, None, False, False),
    ("1817年", 1817, 1817, False, False),
]
RULES = [  # the constructions listed in formats.md §5 and the issue
    ("[1870]", 1870, 1870, False, False),
    ("ca. 1850", 1850, 1850, True, False),
    ("c1850", 1850, 1850, True, False),
    ("circa 1850", 1850, 1850, True, False),
    ("1850?", 1850, 1850, False, True),
    ("[1850?]", 1850, 1850, False, True),
    ("1850-1860", 1850, 1860, False, False),
    ("1850-60", 1850, 1860, False, False),
    ("c.1830–5", 1830, 1835, True, False),
    ("1850 to 1860", 1850, 1860, False, False),
    ("19th century", 1800, 1899, False, False),
    ("19世紀", 1800, 1899, False, False),
    ("2001-05-03", 2001, 2001, False, False),
    ("2001-05", 2001, 2001, False, False),
    ("2025-07-13/2025-07-16", 2025, 2025, False, False),
    ("１８５０", 1850, 1850, False, False),
    ("18--", 1800, 1899, False, False),
    ("18uu", 1800, 1899, False, False),
    ("185-?", 1850, 1859, False, True),
    ("1850年", 1850, 1850, False, False),
    ("1850年頃", 1850, 1850, True, False),
    ("1850年ごろ", 1850, 1850, True, False),
    ("1850年か", 1850, 1850, False, True),
    ("1850年代", 1850, 1859, False, False),
    ("1850年-1860年", 1850, 1860, False, False),
    ("794年", 794, 794, False, False),
    ("明治3年", 1870, 1870, False, False),
    ("明治三年", 1870, 1870, False, False),
    ("明治元年", 1868, 1868, False, False),
    ("昭和元年", 1926, 1926, False, False),
    ("昭和二十年", 1945, 1945, False, False),
    ("昭和64年", 1989, 1989, False, False),
    ("平成元年", 1989, 1989, False, False),
    ("平成13年3月", 2001, 2001, False, False),
    ("H13.3", 2001, 2001, False, False),
    ("M3", 1870, 1870, False, False),
    ("令和元年5月1日", 2019, 2019, False, False),
    ("昭和20年代", 1945, 1954, False, False),
    ("明治", 1868, 1912, True, False),
    ("明治期", 1868, 1912, True, False),
    ("文化14年（1817）", 1817, 1817, False, False),
]
TABLE = TATE + NDL + NIJL + BUNKAZAI + LABELS + RULES


@pytest.mark.parametrize(("text", "start", "end", "approximate", "uncertain"), TABLE)
def test_year_range(
    text: str, start: int | None, end: int | None, approximate: bool, uncertain: bool
) -> None:
    value = parse_date(text)
    assert value.original == text
    assert (value.year_start, value.year_end) == (start, end)
    if start is not None:
        assert (value.approximate, value.uncertain) == (approximate, uncertain)


def test_table_is_large_enough() -> None:
    assert len(TATE + NDL + NIJL + BUNKAZAI + LABELS) >= 40


@pytest.mark.parametrize(
    "text",
    ["[江戸後期]", "[江戸末期]", "明治末期", "江戸時代", "天保8年", "正保3",
     "上巻明和九、下巻寛政元", "享保16以前", "前5～前3世紀", "", "   ", "No. 3", "第47号"],
)
def test_left_unparsed(text: str) -> None:
    value = parse_date(text)
    assert not value.parsed
    assert value.year_end is None
    assert value.original == text


@pytest.mark.parametrize(
    "text", ["date not known", "no date", "不明", "年不詳", "[出版年不明]", "n.d.", "s.d.", "未詳"]
)
def test_unknown_markers(text: str) -> None:
    assert is_unknown_date(text)
    assert not parse_date(text).parsed


@pytest.mark.parametrize("text", ["1850", "明治3年", "[江戸後期]", "unknown 1850"])
def test_not_unknown(text: str) -> None:
    assert not is_unknown_date(text)


def test_kind_is_kept() -> None:
    assert parse_date("1850", "created").kind == "created"
    assert parse_date("不明", "issued").kind == "issued"


def test_era_outside_its_span_is_not_converted() -> None:
    assert not parse_date("大正20年").parsed
    assert not parse_date("明治99年").parsed


def test_never_reads_a_month_as_a_year_range() -> None:
    value = parse_date("1909-10")
    assert (value.year_start, value.year_end) == (1909, 1909)


@pytest.mark.parametrize(
    ("numeral", "number"),
    [("三", 3), ("十", 10), ("二十", 20), ("二十三", 23), ("一一", 11), ("一〇", 10),
     ("一八五〇", 1850), ("百二", 102)],
)
def test_kanji_numerals(numeral: str, number: int) -> None:
    assert convert_kanji_numeral(numeral) == number
