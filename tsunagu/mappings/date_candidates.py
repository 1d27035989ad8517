"""Date candidates: the (text, kind) pairs a mapper gathers, read into :class:`DateValue`.

Most mappers collect the date texts of several elements, each with its kind
(``created``, ``issued``, ``other``, ``coverage`` …), then read them the same way:
a text given twice is read once, a statement that the date is unknown
(「不明」, "n.d.") is no date but the warning ``date_unknown``, and a text that
cannot be read is kept (its ``original``) with the warning ``date_unparsed``.
"""

from __future__ import annotations

from collections.abc import Iterable

from tsunagu.mappings.dates import is_unknown_date, parse_date
from tsunagu.records import DateValue

__all__ = ["DATE_UNKNOWN", "DATE_UNPARSED", "parse_date_candidates"]

DATE_UNPARSED = "date_unparsed"
DATE_UNKNOWN = "date_unknown"


def parse_date_candidates(candidates: Iterable[tuple[str, str]]) -> tuple[
    tuple[DateValue, ...], list[str]
]:
    """The dates of ``(text, kind)`` pairs, first occurrence of a text kept, and the warnings.

    >>> dates, warnings = parse_date_candidates([("1890", "issued"), ("不明", "other")])
    >>> [(d.year_start, d.kind) for d in dates], warnings
    ([(1890, 'issued')], ['date_unknown'])
    """
    dates: list[DateValue] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for text, kind in candidates:
        if text in seen:
            continue
        seen.add(text)
        if is_unknown_date(text):
            warnings.append(DATE_UNKNOWN)
            continue
        value = parse_date(text, kind)
        if not value.parsed:
            warnings.append(DATE_UNPARSED)
        dates.append(value)
    return tuple(dates), warnings
