"""EAD 2002 → records: a hand-written finding aid flattened with its hierarchy."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest
from golden import GOLDEN_SOURCE, RECORDS, UPDATE_ENV, assert_golden, read_raw_record

from tsunagu.errors import MappingError
from tsunagu.mappings import map_record
from tsunagu.mappings.ead import map_ead_components
from tsunagu.records import Hierarchy, ObjectType, Record, ReuseLevel, record_to_dict

FOLDER = RECORDS / "ead"
FINDING_AID = FOLDER / "kaga-archives.xml"
BASE = "golden:oai:archives.example.jp:kaga-ke"


def _components() -> dict[str, Record]:
    records = map_ead_components(read_raw_record(FINDING_AID, "ead"), GOLDEN_SOURCE)
    return {record.id.removeprefix(BASE): record for record in records}


def test_golden_collection_record() -> None:
    record = map_record(read_raw_record(FINDING_AID, "ead"), GOLDEN_SOURCE)
    assert_golden(record, FINDING_AID.with_suffix(".expected.json"))


def test_golden_components() -> None:
    """Every component against ``kaga-archives.components.expected.json`` (one list)."""
    expected_path = FOLDER / "kaga-archives.components.expected.json"
    actual = [record_to_dict(r) for r in _components().values()]
    actual = json.loads(json.dumps(actual, ensure_ascii=False))
    if os.environ.get(UPDATE_ENV) == "1":
        expected_path.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n",
                                 encoding="utf-8")
    assert json.loads(expected_path.read_text(encoding="utf-8")) == actual


def test_the_registry_maps_the_collection_level() -> None:
    record = map_record(read_raw_record(FINDING_AID, "ead"), GOLDEN_SOURCE)
    assert record.id == BASE
    assert record.hierarchy == Hierarchy("fonds", None, ())
    assert record.object_type is ObjectType.TEXT  # genreform 古文書
    assert record.data_provider == "架空市立歴史資料館"
    assert [(d.year_start, d.year_end) for d in record.dates] == [(1780, 1890), (1830, 1868)]
    assert record.dates[0].original == "天明元年~明治23年"
    assert "access_restricted" in record.warnings
    assert record.rights.content.code == "CC-BY-4.0"


def test_components_in_document_order_with_paths() -> None:
    records = _components()
    assert list(records) == ["", "#s1", "#s1-f1", "#c1.1.1", "#s2", "#c2.1"]
    item = records["#c1.1.1"]
    assert item.hierarchy == Hierarchy("item", f"{BASE}#s1-f1",
                                       ("加賀家文書", "村政 (御用留ほか)", "御用留"))
    assert item.collection == "加賀家文書"
    assert records["#s1"].title.value == "村政 (御用留ほか)"  # <lb/> and <emph> flattened


def test_rights_and_dates_are_inherited_with_a_warning() -> None:
    records = _components()
    series = records["#s1"]
    assert series.rights.content.code == "CC-BY-4.0"
    assert {"rights_inherited", "dates_inherited"} <= set(series.warnings)
    assert series.dates == records[""].dates
    own = records["#c1.1.1"]
    assert own.rights.content.reuse is ReuseLevel.NO_REUSE
    assert "rights_inherited" not in own.warnings
    assert own.dates[0].approximate  # certainty="circa"


def test_digital_objects() -> None:
    records = _components()
    file = records["#s1-f1"]
    assert file.thumbnail_url == "https://images.example.jp/kaga/1-1/thumb.jpg"
    assert file.iiif_manifest == "https://images.example.jp/iiif/kaga-1-1/manifest.json"
    assert file.landing_url == "https://archives.example.jp/findingaids/kaga-ke"
    untitled = records["#c2.1"]
    assert untitled.landing_url == "https://archives.example.jp/viewer/kaga-2-1"
    assert untitled.title.value == "KAGA-2-1" and "no_title" in untitled.warnings


def test_finding_aid_without_archdesc_is_a_mapping_error() -> None:
    raw = dataclasses.replace(read_raw_record(FINDING_AID, "ead"),
                              xml=b'<ead xmlns="urn:isbn:1-931666-22-9"><eadheader/></ead>')
    with pytest.raises(MappingError, match="archdesc"):
        map_record(raw, GOLDEN_SOURCE)


def test_damaged_xml_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="malformed"):
        map_record(read_raw_record(FOLDER / "damaged" / "truncated.xml", "ead"), GOLDEN_SOURCE)
