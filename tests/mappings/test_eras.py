"""The era table: order per court, well-known eras, conversions."""

from __future__ import annotations

import itertools

import pytest

from tsunagu.mappings.eras import ERAS, ERAS_BY_NAME, find_era, list_court


@pytest.mark.parametrize("court", ["", "south", "north"])
def test_years_strictly_increase_per_court(court: str) -> None:
    pairs = list(itertools.pairwise(list_court(court)))
    assert pairs
    # the one exception: 天平感宝 was replaced by 天平勝宝 in the same year, 749
    same_year = [(a.name, b.name) for a, b in pairs if a.start == b.start]
    assert same_year == ([("天平感宝", "天平勝宝")] if court == "" else [])
    assert all(a.start < b.start for a, b in pairs if (a.name, b.name) not in same_year)


def test_each_era_ends_where_the_next_begins() -> None:
    for court in ("", "south", "north"):
        eras = list_court(court)
        for era, following in itertools.pairwise(eras):
            assert era.end is not None
            assert era.start <= era.end <= following.start, era


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [("大化", 645, 650), ("白雉", 650, 654), ("朱鳥", 686, 686), ("大宝", 701, 704),
     ("天平", 729, 749), ("延暦", 782, 806), ("承久", 1219, 1222), ("元弘", 1331, 1334),
     ("延元", 1336, 1340), ("正平", 1346, 1370), ("元中", 1384, 1392), ("暦応", 1338, 1342),
     ("建武", 1334, 1338), ("明徳", 1390, 1394), ("応仁", 1467, 1469), ("慶長", 1596, 1615),
     ("元禄", 1688, 1704), ("享保", 1716, 1736), ("天保", 1830, 1844), ("慶応", 1865, 1868),
     ("明治", 1868, 1912), ("大正", 1912, 1926), ("昭和", 1926, 1989), ("平成", 1989, 2019),
     ("令和", 2019, None)],
)
def test_well_known_eras(name: str, start: int, end: int | None) -> None:
    era = ERAS_BY_NAME[name]
    assert (era.start, era.end) == (start, end)


def test_the_whole_table() -> None:
    assert ERAS[0].name == "大化"
    assert ERAS[-1].name == "令和"
    assert len({era.name for era in ERAS}) == 248  # 建武 is listed for both courts
    assert {era.court for era in ERAS if era.name == "建武"} == {"south", "north"}


def test_conversion_and_overlap_years() -> None:
    assert ERAS_BY_NAME["昭和"].to_gregorian(64) == ERAS_BY_NAME["平成"].to_gregorian(1) == 1989
    assert ERAS_BY_NAME["昭和"].to_gregorian(65) is None
    assert ERAS_BY_NAME["明治"].to_gregorian(0) is None
    assert ERAS_BY_NAME["令和"].to_gregorian(6) == 2024
    assert ERAS_BY_NAME["明治"].lunisolar and not ERAS_BY_NAME["大正"].lunisolar


@pytest.mark.parametrize(("variant", "name"), [("慶應", "慶応"), ("萬延", "万延"), ("寶暦", "宝暦"),
                                              ("延寳", "延宝"), ("天祿", "天禄"), ("明治", "明治")])
def test_traditional_forms(variant: str, name: str) -> None:
    era = find_era(variant)
    assert era is not None and era.name == name


def test_unknown_name() -> None:
    assert find_era("咸豊") is None  # a Chinese era, not Japanese
