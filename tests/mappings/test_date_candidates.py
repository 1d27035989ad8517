"""The date loop every mapper shares: repeats skipped, unknown and unparsed dates warned."""

from __future__ import annotations

from tsunagu.mappings.date_candidates import (
    DATE_UNKNOWN,
    DATE_UNPARSED,
    parse_date_candidates,
)


def test_dates_in_order_with_kinds_and_warnings() -> None:
    dates, warnings = parse_date_candidates([
        ("文政1(1818)", "issued"), ("1890", "created"), ("文政1(1818)", "other"),
        ("不明", "other"), ("sometime", "other"),
    ])
    assert [(d.original, d.year_start, d.kind) for d in dates] == [
        ("文政1(1818)", 1818, "issued"), ("1890", 1890, "created"), ("sometime", None, "other")]
    assert warnings == [DATE_UNKNOWN, DATE_UNPARSED]


def test_no_dates() -> None:
    assert parse_date_candidates([]) == ((), [])
