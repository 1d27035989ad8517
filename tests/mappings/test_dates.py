"""Dates as written → EDTF and year ranges; real strings from Tate, NDL, NIJL and 文化庁 data.

Every row of the tables is a string as found in the source named in the comment
above its table (repository @ commit as in ``/work/shared/data/*/SOURCES.md``);
``RULES`` and ``ISSUE_FORMS`` are the constructions listed in ``formats.md`` §5
and issue #4.
"""

from __future__ import annotations

import pytest

from tsunagu.mappings.dates import (
    DATE_ERA_MISMATCH,
    convert_kanji_numeral,
    is_unknown_date,
    parse_date,
    parse_date_with_warnings,
)
from tsunagu.mappings.eras import ERAS, ERAS_BY_NAME

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
    # the later parts after 「／」 are alterations: the building dates from the first
    ("大正12／昭和27増築", 1923, 1923, False, False),
    ("昭和33年／昭和43年増築、同53年改修", 1958, 1958, False, False),
    ("1996.12.20(平成8.12.20)", 1996, 1996, False, False),
    ("2021.10.14(令和3.10.14)", 2021, 2021, False, False),
]
LABELS = [  # dates inside IIIF labels (nakamura196/iiif) and JPS (kochizu) values
    ("国民之友 第47号 1889[明治22]年4月", 1889, 1889, False, False),
    ("発行：昭和43年1月1日", 1968, 1968, False, False),
    ("文化14年", 1817, 1817, False, False),
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

# (string as found, year_start, year_end, EDTF, precision, lunisolar calendar, era)
# NIJL 国書データベース `s.seiritsu` (nakamura196/iiif @ f7bc811, nijl/data/result/*.json)
NIJL_SEIRITSU = [
    ('寛永二〇', 1643, 1643, '1643', 'year', True, '寛永'),
    ('弘仁一四', 823, 823, '0823', 'year', True, '弘仁'),
    ('明和元序', 1764, 1764, '1764', 'year', True, '明和'),
    ('安永九初演', 1780, 1780, '1780', 'year', True, '安永'),
    ('明和頃刊', 1764, 1772, '1764~/1772~', 'era', True, '明和'),
    ('正中年間', 1324, 1326, '1324/1326', 'era', True, '正中'),
    ('元弘三', 1333, 1333, '1333', 'year', True, '元弘'),
    ('明治三七', 1904, 1904, '1904', 'year', False, '明治'),
    ('初編享保一二・二編元文二・三編延享二・四編宝暦八刊',
     1727, 1758, '1727/1758', 'year', True, '享保'),
    ('天明七初演、同刊', 1787, 1787, '1787', 'year', True, '天明'),
    ('元禄三自序、同四刊', 1690, 1691, '1690/1691', 'year', True, '元禄'),
    ('室町中期', 1413, 1493, '1413~/1493~', 'era', False, None),
    ('寛文一〇頃', 1670, 1670, '1670~', 'year', True, '寛文'),
    ('素問―文安二、緇問―文安三', 1445, 1446, '1445/1446', 'year', True, '文安'),
    ('上巻明和九、下巻寛政元', 1772, 1789, '1772/1789', 'year', True, '明和'),
    ('享和四刊', 1804, 1804, '1804', 'year', True, '享和'),
    ('文化二', 1805, 1805, '1805', 'year', True, '文化'),
    ('嘉永五刊', 1852, 1852, '1852', 'year', True, '嘉永'),
    ('明和元奥書', 1764, 1764, '1764', 'year', True, '明和'),
    ('寛永二跋', 1625, 1625, '1625', 'year', True, '寛永'),
    ('宝永三刊', 1706, 1706, '1706', 'year', True, '宝永'),
    ('安政二跋', 1855, 1855, '1855', 'year', True, '安政'),
    ('寛保三', 1743, 1743, '1743', 'year', True, '寛保'),
    ('承応二', 1653, 1653, '1653', 'year', True, '承応'),
    ('寛延二序', 1749, 1749, '1749', 'year', True, '寛延'),
    ('元禄五自序', 1692, 1692, '1692', 'year', True, '元禄'),
    ('文化一一', 1814, 1814, '1814', 'year', True, '文化'),
    ('明暦三刊', 1657, 1657, '1657', 'year', True, '明暦'),
    ('慶応元自序', 1865, 1865, '1865', 'year', True, '慶応'),
    ('貞享五刊', 1688, 1688, '1688', 'year', True, '貞享'),
    ('天正五', 1577, 1577, '1577', 'year', True, '天正'),
    ('嘉永元刊', 1848, 1848, '1848', 'year', True, '嘉永'),
    ('応永九', 1402, 1402, '1402', 'year', True, '応永'),
]
NIJL_KANSHAHOKA = [  # NIJL `d.kanshahoka` (imprint: publisher〈place〉 era date)
    ('林/甚右衛門〈京〉 正保3年', 1646, 1646, '1646', 'year', True, '正保'),
    ('村上/勘兵衛〈京師〉 寛延1', 1748, 1748, '1748', 'year', True, '寛延'),
    ('廣瀬/辰五郎〈東京〉 大正9', 1920, 1920, '1920', 'year', False, '大正'),
    ('書舎/理兵衛(しょや/りへえ) 寛永辛巳', 1641, 1641, '1641', 'year', True, '寛永'),
    ('前川/六左衛門(まえかわ/ろくざえもん)〈東都〉 文政2年',
     1819, 1819, '1819', 'year', True, '文政'),
    ('永樂屋/東四郎〈名古屋〉,秋田屋/太右衛門〈大坂〉 [幕末明治期]',
     1853, 1912, '1853~/1912~', 'era', False, None),
    ('審雨堂 明治4', 1871, 1871, '1871', 'year', True, '明治'),
    ('開成所〈江戸〉 慶応3', 1867, 1867, '1867', 'year', True, '慶応'),
    ('菊屋/幸三郎〈東都〉 天保14', 1843, 1843, '1843', 'year', True, '天保'),
    ('慶長13', 1608, 1608, '1608', 'year', True, '慶長'),
]
NIJL_KANNEN = [  # NIJL `t.shuppan[].s.kannen` (pipes removed)
    ('天保6～弘化4', 1835, 1847, '1835/1847', 'year', True, '天保'),
    ('慶応2〜明治16', 1866, 1883, '1866/1883', 'year', True, '慶応'),
    ('文久4〜明治8', 1864, 1875, '1864/1875', 'year', True, '文久'),
    ('[江戸後期]', 1781, 1868, '1781~/1868~', 'era', False, None),
    ('天保5～享和2', 1802, 1834, '1802/1834', 'year', True, '天保'),
    ('宝永8', 1711, 1711, '1711', 'year', True, '宝永'),
    ('元禄17年', 1704, 1704, '1704', 'year', True, '元禄'),
    ('承応元', 1652, 1652, '1652', 'year', True, '承応'),
    ('文化12年', 1815, 1815, '1815', 'year', True, '文化'),
]
NIJL_YEARS = [  # NIJL `d.shosyear` / `d.chosyear`
    ('1831-1845', 1831, 1845, '1831/1845', 'year', False, None),
    ('1958', 1958, 1958, '1958', 'year', False, None),
    ('0988', 988, 988, '0988', 'year', False, None),
    ('1764-1772', 1764, 1772, '1764/1772', 'year', False, None),
]
# NDL Search `date` (nakamura196/ddc-tutorial2025 @ 3cdce58, ndl_sru_grouped_result.csv)
NDL_EDO = [
    ('1836(天保7)', 1836, 1836, '1836', 'year', True, '天保'),
    ('江戸時代末期', 1853, 1868, '1853~/1868~', 'era', False, None),
    ('安政6写', 1859, 1859, '1859', 'year', True, '安政'),
    ('[1853.5]', 1853, 1853, '1853-05', 'month', False, None),
    ('[江戸後期]; 天保10(1839)序', 1781, 1868, '1781~/1868~', 'era', True, '天保'),
    ('嘉永6年; 1853', 1853, 1853, '1853', 'year', True, '嘉永'),
    ('1805 文化2年序', 1805, 1805, '1805', 'year', True, '文化'),
    ('弘化2年再刻; 1845', 1845, 1845, '1845', 'year', True, '弘化'),
    ('天保9; 天保9(1838)', 1838, 1838, '1838', 'year', True, '天保'),
    ('天保8～嘉永4(1837～1851)', 1837, 1851, '1837/1851', 'year', True, '天保'),
    ('安政4(1857)奥', 1857, 1857, '1857', 'year', True, '安政'),
    ('1864; 1865', 1864, 1865, '1864/1865', 'year', False, None),
    ('1811(文化8)年', 1811, 1811, '1811', 'year', True, '文化'),
    ('文化14年; 1817', 1817, 1817, '1817', 'year', True, '文化'),
    ('[江戸末期]', 1853, 1868, '1853~/1868~', 'era', False, None),
    ('[文化7(1810)]', 1810, 1810, '1810', 'year', True, '文化'),
    ('安政4序', 1857, 1857, '1857', 'year', True, '安政'),
    ('[1822]', 1822, 1822, '1822', 'year', False, None),
]
BUNKAZAI_NENDAI = [  # 文化庁 登録有形文化財 `年代` (shinyaoguri/touroku-bunkazai @ c1182c3)
    ('明治42／昭和10頃移築改造', 1909, 1909, '1909', 'year', False, '明治'),
    ('江戸後期／明治19年改修', 1781, 1868, '1781~/1868~', 'era', False, None),
    ('明治中期／昭和前期移築・平成6年改修', 1882, 1898, '1882~/1898~', 'era', False, None),
    ('文久3年（1863）／昭和31年改修', 1863, 1863, '1863', 'year', True, '文久'),
    ('享保5年(1720)／明治後期改修', 1720, 1720, '1720', 'year', True, '享保'),
    ('万延元年(1860)', 1860, 1860, '1860', 'year', True, '万延'),
    ('弘化5', 1848, 1848, '1848', 'year', True, '弘化'),
    ('明治24年頃', 1891, 1891, '1891~', 'year', False, '明治'),
    ('大正13年／平成7年・令和元年改修', 1924, 1924, '1924', 'year', False, '大正'),
    ('江戸期／明治期移築', 1603, 1868, '1603~/1868~', 'era', False, None),
    ('享保16以前', 1731, 1731, '../1731', 'year', True, '享保'),
    ('明治末', 1904, 1912, '1904~/1912~', 'era', False, None),
    ('江戸末期／昭和50年代改修', 1853, 1868, '1853~/1868~', 'era', False, None),
    ('大正12／平成20移築', 1923, 1923, '1923', 'year', False, '大正'),
]
BUNKAZAI_SEIREKI = [  # 文化庁 登録有形文化財 `西暦`
    ('1954／1956・1957増築・2003改修', 1954, 1954, '1954', 'year', False, None),
    ('1902以前', 1902, 1902, '../1902', 'year', False, None),
    ('1723年／1754年・1935年改修', 1723, 1723, '1723', 'year', False, None),
    ('1751-1829／1999改修', 1751, 1829, '1751/1829', 'year', False, None),
    ('1926～1945／2010改修', 1926, 1945, '1926/1945', 'year', False, None),
    ('1839～1868/2010改修', 1839, 1868, '1839/1868', 'year', False, None),
    ('1889/1928改修', 1889, 1889, '1889', 'year', False, None),
    ('1615-1660', 1615, 1660, '1615/1660', 'year', False, None),
    ('1920頃', 1920, 1920, '1920~', 'year', False, None),
]
# 文化庁 登録有形文化財 `時代`: all six values (明治, 昭和前, 大正, 江戸, 昭和中, 昭和後)
BUNKAZAI_JIDAI = [
    ('昭和前', 1926, 1947, '1926~/1947~', 'era', False, None),
    ('昭和中', 1947, 1968, '1947~/1968~', 'era', False, None),
    ('昭和後', 1968, 1989, '1968~/1989~', 'era', False, None),
    ('江戸', 1603, 1868, '1603~/1868~', 'era', False, None),
    ('明治', 1868, 1912, '1868~/1912~', 'era', False, None),
    ('大正', 1912, 1926, '1912~/1926~', 'era', False, None),
]
TATE_EDTF = [  # Tate `dateText` (tategallery/collection @ a51d8af)
    ('c.1913–4, cast 1964', 1913, 1964, '1913~/1964~', 'year', False, None),
    ('?exhibited 1845 or 1847', 1845, 1847, '1845?/1847?', 'year', False, None),
    ('c.1821, printed 1830', 1821, 1830, '1821~/1830~', 'year', False, None),
    ('1795–c. 1805', 1795, 1805, '1795~/1805~', 'year', False, None),
    ('?1824–7, ?c.1800–10', 1800, 1827, '1800%/1827%', 'year', False, None),
    ('1832, c.1844, c.1855', 1832, 1855, '1832~/1855~', 'year', False, None),
    ('c.1841 or c.1852', 1841, 1852, '1841%/1852%', 'year', False, None),
    ('1821, reprinted 1977', 1821, 1977, '1821/1977', 'year', False, None),
    ('exhibited 1765', 1765, 1765, '1765', 'year', False, None),
    ('?c.1674', 1674, 1674, '1674%', 'year', False, None),
    ('1912, cast 1960s', 1912, 1969, '1912/196X', 'decade', False, None),
    ('c.1817–28', 1817, 1828, '1817~/1828~', 'year', False, None),
    ('1828 (or 1836)', 1828, 1836, '1828?/1836?', 'year', False, None),
    ('published 1832', 1832, 1832, '1832', 'year', False, None),
    ('engraved 1790', 1790, 1790, '1790', 'year', False, None),
]
IIIF_LABELS = [  # IIIF manifest labels (nakamura196/iiif @ f7bc811: ueda, nakano)
    ('旧上田市広報うえだ 第593号 (発行：昭和43年1月1日)',
     1968, 1968, '1968-01-01', 'day', False, '昭和'),
    ('中野区の統計\u3000昭和４４年度版', 1969, 1969, '1969', 'year', False, '昭和'),
]

REAL_EDTF = (NIJL_SEIRITSU + NIJL_KANSHAHOKA + NIJL_KANNEN + NIJL_YEARS + NDL_EDO
             + BUNKAZAI_NENDAI + BUNKAZAI_SEIREKI + BUNKAZAI_JIDAI + TATE_EDTF + IIIF_LABELS)

ISSUE_FORMS = [  # the forms issue #4 and formats.md §5 list, not all seen in the data
    ("1870", 1870, 1870, "1870", "year", False, None),
    ("ca. 1850", 1850, 1850, "1850~", "year", False, None),
    ("1850?", 1850, 1850, "1850?", "year", False, None),
    ("1850s", 1850, 1859, "185X", "decade", False, None),
    ("19th century", 1800, 1899, "18XX", "century", False, None),
    ("18uu", 1800, 1899, "18XX", "century", False, None),
    ("19--", 1900, 1999, "19XX", "century", False, None),
    ("1850-1860", 1850, 1860, "1850/1860", "year", False, None),
    ("1817年3月", 1817, 1817, "1817-03", "month", False, None),
    ("2001-05-03", 2001, 2001, "2001-05-03", "day", False, None),
    ("明治3年", 1870, 1870, "1870", "year", True, "明治"),
    ("明治元年", 1868, 1868, "1868", "year", True, "明治"),
    ("明治二十三年", 1890, 1890, "1890", "year", False, "明治"),
    ("明治廿三年", 1890, 1890, "1890", "year", False, "明治"),
    ("明治３年", 1870, 1870, "1870", "year", True, "明治"),
    ("明治3.5.10", 1870, 1870, "1870", "year", True, "明治"),  # lunisolar: no month/day
    ("明治6年1月1日", 1873, 1873, "1873-01-01", "day", False, "明治"),  # the first solar day
    ("M3", 1870, 1870, "1870", "year", True, "明治"),
    ("T12", 1923, 1923, "1923", "year", False, "大正"),
    ("S20", 1945, 1945, "1945", "year", False, "昭和"),
    ("H13.3", 2001, 2001, "2001-03", "month", False, "平成"),
    ("平成13年3月", 2001, 2001, "2001-03", "month", False, "平成"),
    ("R1", 2019, 2019, "2019", "year", False, "令和"),
    ("㍻元年", 1989, 1989, "1989", "year", False, "平成"),
    ("文化14年（1817）", 1817, 1817, "1817", "year", True, "文化"),
    ("天保14年12月", 1843, 1844, "1843/1844", "year", True, "天保"),  # may be January 1844
    ("天保年間", 1830, 1844, "1830/1844", "era", True, "天保"),
    ("昭和20年代", 1945, 1954, "1945/1954", "decade", False, "昭和"),
    ("江戸時代", 1603, 1868, "1603~/1868~", "era", False, None),
    ("江戸後期", 1781, 1868, "1781~/1868~", "era", False, None),
    ("室町時代", 1333, 1573, "1333~/1573~", "era", False, None),
    ("明治初期", 1868, 1877, "1868~/1877~", "era", False, None),
    ("幕末", 1853, 1868, "1853~/1868~", "era", False, None),
    ("late Edo period", 1781, 1868, "1781~/1868~", "era", False, None),
    ("19世紀", 1800, 1899, "18XX", "century", False, None),
    ("19世紀前半", 1800, 1849, "1800/1849", "century", False, None),
    ("19世紀後半", 1850, 1899, "1850/1899", "century", False, None),
    ("1850年頃", 1850, 1850, "1850~", "year", False, None),
    ("after c.1830", 1830, 1830, "1830/..", "year", False, None),
    ("?c.1820", 1820, 1820, "1820%", "year", False, None),
    ("c.1830–5", 1830, 1835, "1830~/1835~", "year", False, None),
    ("exhibited 1834", 1834, 1834, "1834", "year", False, None),
    ("1806, reprinted 1813", 1806, 1813, "1806/1813", "year", False, None),
    ("1868-1911", 1868, 1911, "1868/1911", "year", False, None),
    ("慶應三年", 1867, 1867, "1867", "year", True, "慶応"),  # 旧字
    ("萬延元年", 1860, 1860, "1860", "year", True, "万延"),
    ("延元3", 1338, 1338, "1338", "year", True, "延元"),  # Southern Court
    ("暦応3", 1340, 1340, "1340", "year", True, "暦応"),  # Northern Court
    ("大化元年", 645, 645, "0645", "year", True, "大化"),
    ("令和6年", 2024, 2024, "2024", "year", False, "令和"),
]


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
    real = {row[0] for row in TATE + NDL + NIJL + BUNKAZAI + LABELS + REAL_EDTF}
    assert len(real) >= 150


def test_an_era_name_alone_is_the_era() -> None:
    value = parse_date("文化")
    assert (value.year_start, value.year_end, value.precision) == (1804, 1818, "era")


@pytest.mark.parametrize(
    ("text", "start", "end", "edtf", "precision", "lunisolar", "era"), REAL_EDTF + ISSUE_FORMS
)
def test_edtf(text: str, start: int, end: int, edtf: str, precision: str, lunisolar: bool,
              era: str | None) -> None:
    value = parse_date(text)
    assert value.original == text
    assert (value.year_start, value.year_end, value.edtf) == (start, end, edtf)
    assert value.precision == precision
    assert value.calendar == ("jp_lunisolar" if lunisolar else "gregorian")
    assert value.era == era


@pytest.mark.parametrize(
    ("text", "warned"),
    [("文化14年（1817）", False), ("文化14年(1820)", True), ("天保14年(1844)", False),  # ±1
     ("天保14年(1845)", True), ("1854(嘉永7)", False), ("1855(嘉永7)", False),
     ("1856(嘉永7)", True), ("1996.12.20(平成8.12.20)", False),
     ("1996.12.20(平成9.12.20)", True), ("1989(昭和64)", False), ("1990(昭和64)", True),
     ("文化20(1823)", True)],
)
def test_era_cross_check(text: str, warned: bool) -> None:
    value, warnings = parse_date_with_warnings(text)
    assert (DATE_ERA_MISMATCH in warnings) is warned
    assert value.parsed  # the Western year is kept either way


def test_mismatch_keeps_the_western_year() -> None:
    value, _ = parse_date_with_warnings("文化14年(1820)")
    assert (value.year_start, value.era) == (1820, "文化")


@pytest.mark.parametrize(
    ("text", "edtf"), [("享保16以前", "../1731"), ("1902以前", "../1902"),
                       ("before 1877", "../1877"), ("明治3年以後", "1870/..")],
)
def test_open_ended(text: str, edtf: str) -> None:
    value = parse_date(text)
    assert value.edtf == edtf
    assert value.approximate


def test_same_era_refers_to_the_era_before() -> None:
    value = parse_date("元禄三自序、同四刊")
    assert (value.year_start, value.year_end) == (1690, 1691)
    assert not parse_date("同4").parsed  # no era before


def test_sexagenary_year_within_the_era() -> None:
    assert parse_date("寛永辛巳").year_start == 1641
    assert parse_date("寛永甲子").year_start == 1624  # 寛永元年 was a 甲子 year
    assert not parse_date("寛永甲午").parsed  # no 甲午 year in 寛永 (1624–1644)


def test_every_era_reads_its_first_and_last_year() -> None:
    for era in ERAS:
        first = parse_date(f"{era.name}元年")
        assert (first.year_start, first.era) == (era.start, era.name), era
        if era.end is not None and ERAS_BY_NAME[era.name] is era:  # 建武: the longer court
            last = era.end - era.start + 1
            assert parse_date(f"{era.name}{last}年").year_start == era.end, era
            assert not parse_date(f"{era.name}{last + 1}年").parsed, era


@pytest.mark.parametrize(
    "text",
    ["前5～前3世紀", "", "   ", "No. 3", "第47号", "咸豊9", "文化財", "大正20年", "天保20年",
     "明和版", "2県以上", "?", "〈京〉"],
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
