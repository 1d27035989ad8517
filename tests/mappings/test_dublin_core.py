"""What the Dublin Core family of mappers (oai_dc, qdc, edm, tabular) shares."""

from __future__ import annotations

import pytest

from tsunagu.mappings.dublin_core import AGENT_ELEMENTS, is_date_coverage, is_mime_type


@pytest.mark.parametrize(("value", "expected"), [
    ("image/jpeg", True), ("application/pdf; charset=utf-8", True),
    ("Watercolour on paper", False), ("1冊 ; 13×22cm", False), ("", False),
])
def test_mime_types_are_told_from_physical_descriptions(value: str, expected: bool) -> None:
    assert is_mime_type(value) is expected


@pytest.mark.parametrize(("value", "plain", "with_span"), [
    ("明治3年", True, True), ("1850s", True, True), ("19世紀", True, True),
    ("c. 1830-1835", True, True), ("Tokyo", False, False), ("東京都千代田区", False, False),
    ("1868 (1868-1912)", False, True),  # qdc's (yyyy-yyyy) suffix only with the span
])
def test_date_coverage(value: str, plain: bool, with_span: bool) -> None:
    assert is_date_coverage(value) is plain
    assert is_date_coverage(value, with_span=True) is with_span


def test_agent_elements_are_their_own_roles() -> None:
    assert tuple(AGENT_ELEMENTS) == ("creator", "contributor", "publisher")
