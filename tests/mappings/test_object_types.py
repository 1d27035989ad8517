"""dc:type values seen in the real demo feeds map to the controlled type vocabulary."""

from __future__ import annotations

import pytest

from tsunagu.mappings.object_types import classify_object_type
from tsunagu.records import ObjectType


@pytest.mark.parametrize(("value", "expected"), [
    ("on paper, unique", ObjectType.IMAGE),     # Tate classification
    ("on paper, print", ObjectType.IMAGE),
    ("painting", ObjectType.IMAGE),
    ("sculpture", ObjectType.PHYSICAL_OBJECT),
    ("installation", ObjectType.PHYSICAL_OBJECT),
    ("block for printing", ObjectType.PHYSICAL_OBJECT),
    ("刊", ObjectType.TEXT),                     # NIJL: printed book
    ("写", ObjectType.TEXT),                     # NIJL: manuscript
    ("和古書", ObjectType.TEXT),                 # NDL material type
    ("書写資料", ObjectType.TEXT),
    ("StillImage", ObjectType.IMAGE),
    ("http://purl.org/dc/dcmitype/Text", ObjectType.TEXT),
    ("miscellaneous", ObjectType.OTHER),          # not guessed
])
def test_real_type_values(value: str, expected: ObjectType) -> None:
    assert classify_object_type([value]) is expected
