"""The mapper registry: prefix dispatch, record ids, errors with context, house rules."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

import tsunagu.mappings
from tsunagu.errors import MappingError
from tsunagu.mappings import list_supported_prefixes, make_record_id, map_record, registry
from tsunagu.records import RawRecord, Record, Source

PACKAGE = Path(tsunagu.mappings.__file__).parent
ALLOWED_IMPORTS = {"tsunagu.records", "tsunagu.config", "tsunagu.errors"}


def test_every_format_of_issue_4_is_supported() -> None:
    prefixes = set(list_supported_prefixes())
    assert {"oai_dc", "qdc", "mods", "lido", "ead", "marcxml", "dcndl", "jpcoar_1.0",
            "jpcoar_2.0", "jpcoar_2.1", "junii2", "edm"} <= prefixes
    assert list(list_supported_prefixes()) == sorted(prefixes)
    with pytest.raises(TypeError):
        registry.MAPPERS["mods"] = registry.MAPPERS["oai_dc"]  # type: ignore[index]


def test_record_id_is_the_source_and_full_oai_identifier(
    load_record: Callable[[str], RawRecord], source: Source
) -> None:
    raw = load_record("zenodo-10357859.xml")
    record = map_record(raw, source)
    assert record.id == "test:oai:zenodo.org:10357859"
    assert make_record_id(source, " oai:zenodo.org:10357859 ") == record.id
    assert record.oai_identifier == raw.oai_identifier
    assert record.datestamp == raw.datestamp
    assert record.source_id == source.id


def test_mapping_is_pure_and_stable(load_record: Callable[[str], RawRecord],
                                    source: Source) -> None:
    raw = load_record("ja-keio-hokusai.xml")
    first = map_record(raw, source)
    again = map_record(dataclasses.replace(raw, datestamp="2027-01-01"), source)
    assert first.id == again.id
    assert dataclasses.replace(again, datestamp=first.datestamp) == first


def test_unknown_prefix(load_record: Callable[[str], RawRecord], source: Source) -> None:
    raw = dataclasses.replace(load_record("zenodo-10357859.xml"), metadata_prefix="premis")
    with pytest.raises(MappingError) as caught:
        map_record(raw, source)
    assert caught.value.field == "metadata_prefix"
    assert caught.value.source_id == "test"
    assert caught.value.record_id == "test:oai:zenodo.org:10357859"
    assert "premis" in str(caught.value)


def test_deleted_record_is_not_mapped(source: Source) -> None:
    raw = RawRecord(source_id=source.id, oai_identifier="oai:zenodo.org:8433364",
                    datestamp="2023-10-12T03:01:25Z", metadata_prefix="oai_dc", deleted=True)
    with pytest.raises(MappingError) as caught:
        map_record(raw, source)
    assert caught.value.field == "deleted"


def test_record_of_another_source(load_record: Callable[[str], RawRecord],
                                  source: Source) -> None:
    raw = dataclasses.replace(load_record("zenodo-10357859.xml"), source_id="other")
    with pytest.raises(MappingError) as caught:
        map_record(raw, source)
    assert caught.value.field == "source_id"


def test_record_without_identifier(load_record: Callable[[str], RawRecord],
                                   source: Source) -> None:
    raw = dataclasses.replace(load_record("zenodo-10357859.xml"), oai_identifier=" ")
    with pytest.raises(MappingError):
        map_record(raw, source)


def broken_mapper(raw: RawRecord, source: Source, identifier: str) -> Record:
    raise ValueError("boom")


def test_unexpected_mapper_failure_becomes_a_mapping_error(
    monkeypatch: pytest.MonkeyPatch, load_record: Callable[[str], RawRecord], source: Source
) -> None:
    monkeypatch.setattr(registry, "MAPPERS", {"oai_dc": f"{__name__}:broken_mapper"})
    registry.load_mapper.cache_clear()
    try:
        with pytest.raises(MappingError) as caught:
            map_record(load_record("zenodo-10357859.xml"), source)
    finally:
        registry.load_mapper.cache_clear()
    assert "boom" in str(caught.value)


def test_every_registered_mapper_can_be_loaded() -> None:
    for prefix in registry.list_supported_prefixes():
        assert callable(registry.load_mapper(prefix)), prefix
    assert registry.load_mapper("no-such-format") is None


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_imports_stay_inside_the_stage(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            if name == "tsunagu" or name.startswith("tsunagu."):
                assert name in ALLOWED_IMPORTS or name.startswith("tsunagu.mappings"), name


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_modules_stay_small(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) < 400
