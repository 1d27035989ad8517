"""CSV cells a spreadsheet would run as formulas are defused (run reports, exports)."""

from __future__ import annotations

import pytest

from tsunagu.store.cells import defuse_formula


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_gets_an_apostrophe(start: str) -> None:
    value = f'{start}HYPERLINK("http://evil.example/","x")'
    assert defuse_formula(value) == "'" + value


@pytest.mark.parametrize("value", ["", "oai:x:1", "1+1", "a=b", " =1", "'=1", "北斎"])
def test_other_cells_are_kept_as_written(value: str) -> None:
    assert defuse_formula(value) == value

