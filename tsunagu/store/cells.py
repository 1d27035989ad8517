"""Cells of the CSV files people open in a spreadsheet (run reports, collection exports).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and a leading tab or carriage return can hide one), so text that came from a feed
or a person could compute, or call out, when opened. Such a cell gets a leading
apostrophe: the spreadsheet shows the text as written.

It lives in the store, the lowest layer that both the harvester (run reports) and
collections (exports) may import.
"""

from __future__ import annotations

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value: str) -> str:
    """``value`` as a cell no spreadsheet runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
