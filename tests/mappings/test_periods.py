"""Japanese periods: spans, sub-spans and the periods a record's dates fall in."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from tsunagu.mappings.dates import parse_date
from tsunagu.mappings.periods import PERIODS, derive_periods, find_period, span_period
from tsunagu.mappings.registry import map_record
from tsunagu.records import DateValue, RawRecord, Source


def test_codes_in_order_and_touching() -> None:
    assert [p.code for p in PERIODS] == [
        "asuka", "nara", "heian", "kamakura", "muromachi", "azuchi_momoyama", "edo", "meiji",
        "taisho", "showa", "heisei", "reiwa"]
    for period, following in itertools.pairwise(PERIODS):
        assert period.end == following.start


@pytest.mark.parametrize(
    ("code", "qualifier", "span"),
    [("edo", None, (1603, 1868)), ("edo", "late", (1781, 1868)), ("edo", "end", (1853, 1868)),
     ("meiji", "beginning", (1868, 1877)), ("meiji", "end", (1904, 1912)),
     ("muromachi", "middle", (1413, 1493)), ("showa", "first_half", (1926, 1957)),
     ("taisho", "early", (1912, 1916))],
)
def test_spans(code: str, qualifier: str | None, span: tuple[int, int]) -> None:
    assert span_period(code, qualifier) == span


def test_names() -> None:
    assert find_period("江戸") is not None and find_period("Edo") == find_period("江戸")
    assert find_period("桃山").code == "azuchi_momoyama"  # type: ignore[union-attr]
    assert find_period("天保") is None


@pytest.mark.parametrize(
    ("texts", "codes"),
    [(["天保8年", "明治3年"], ("edo", "meiji")), (["江戸時代"], ("edo",)),
     (["明治元年"], ("meiji",)), (["1868"], ("meiji",)), (["19世紀"], ("edo", "meiji")),
     (["昭和20年代"], ("showa",)), (["昭和64年"], ("showa",)), (["平成元年"], ("heisei",)),
     (["794年"], ("heian",)), (["慶応4年"], ("edo",)),
     (["慶応4年", "明治元年"], ("edo", "meiji")), (["室町中期"], ("muromachi",)),
     (["1603"], ("edo",)),
     (["不明", "n.d."], ()), (["令和6年"], ("reiwa",)), (["大正12／昭和27増築"], ("taisho",))],
)
def test_derive_periods(texts: list[str], codes: tuple[str, ...]) -> None:
    assert derive_periods([parse_date(text) for text in texts]) == codes


def test_derive_ignores_unparsed_and_orders_chronologically() -> None:
    dates = [DateValue("2001"), DateValue("x", 2001, 2001), DateValue("y", 1700, None)]
    assert derive_periods(dates) == ("edo", "heisei")


def test_every_mapped_record_gets_periods_and_prefectures(
    make_dc: Callable[..., bytes], source: Source
) -> None:
    # registry.map_record derives both after the format mapper (belongs with test_registry)
    xml = make_dc(("title", "八丁味噌本社事務所"), ("date", "大正12／昭和27増築"),
                  ("date", "[江戸後期]"), ("coverage", "愛知県岡崎市八帖町往還通69"))
    raw = RawRecord(source_id=source.id, oai_identifier="oai:example.jp:1",
                    datestamp="2026-01-01", metadata_prefix="oai_dc", xml=xml)
    record = map_record(raw, source)
    assert record.periods == ("edo", "taisho")
    assert record.prefectures == ("愛知県",)
