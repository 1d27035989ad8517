"""Golden-file tests of the format mappers: a real record in, the reviewed JSON out.

A fixture folder ``tests/fixtures/records/<format>/`` holds metadata payloads
(``<name>.xml``, what the harvester stores in ``RawRecord.xml``), an
``INDEX.tsv`` (``file``, ``oai_identifier``, ``datestamp``: the OAI header of
each payload) and beside each payload its reviewed normalized record
``<name>.expected.json``. Payloads in ``damaged/`` are for error tests.

    from golden import GOLDEN_SOURCE, assert_golden, golden_cases, read_raw_record

    @pytest.mark.parametrize("path", golden_cases("mods"), ids=lambda p: p.stem)
    def test_golden(path):
        record = map_record(read_raw_record(path, "mods"), GOLDEN_SOURCE)
        assert_golden(record, path.with_suffix(".expected.json"))

``TSUNAGU_UPDATE_GOLDEN=1`` (re)writes the expected files instead of comparing;
review the diff before committing it.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tsunagu.errors import MappingError
from tsunagu.mappings import map_record
from tsunagu.records import RawRecord, Record, Sector, Source, record_to_dict

RECORDS = Path(__file__).resolve().parent.parent / "fixtures" / "records"
UPDATE_ENV = "TSUNAGU_UPDATE_GOLDEN"

#: The source every golden record is mapped with: no default rights, so that
#: the expected files show only what the records themselves say.
GOLDEN_SOURCE = Source(id="golden", name="Golden test source", base_url="https://example.org/oai",
                       sector=Sector.OTHER)


def golden_cases(folder: str) -> list[Path]:
    """The payload files of ``tests/fixtures/records/<folder>/`` (not ``damaged/``), sorted."""
    return sorted(p for p in (RECORDS / folder).glob("*.xml"))


def read_raw_record(path: Path, metadata_prefix: str, source_id: str = GOLDEN_SOURCE.id
                    ) -> RawRecord:
    """The payload at ``path`` as a :class:`RawRecord` with its header from ``INDEX.tsv``."""
    identifier, datestamp = _index(path.parent).get(
        path.name, (f"oai:fixture:{path.stem}", "2026-01-01")
    )
    return RawRecord(source_id=source_id, oai_identifier=identifier, datestamp=datestamp,
                     metadata_prefix=metadata_prefix, xml=path.read_bytes())


def assert_golden(record: Record, expected_path: Path) -> None:
    """``record`` equals the JSON at ``expected_path`` (written there when updating)."""
    actual = _canonical(record_to_dict(record))
    if os.environ.get(UPDATE_ENV) == "1":
        expected_path.write_text(
            json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        return
    if not expected_path.exists():
        raise AssertionError(f"{expected_path.name} is missing; run with {UPDATE_ENV}=1 and "
                             "review the written file")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    if actual != expected:
        differences = "\n".join(_differences(expected, actual))
        raise AssertionError(f"{expected_path.name} differs (expected → actual):\n{differences}")


def damaged_variants(xml: bytes, count: int = 60, seed: int = 4) -> Iterator[bytes]:
    """Damaged copies of ``xml``: truncations, dropped, swapped and inserted bytes.

    Deterministic (seeded), so a failure names a reproducible input.
    """
    rng = random.Random(seed)
    junk = [b"<", b">", b"&", b"\x00", b"\xff", b"]]>", b"<x>", b"</", b'"', b"\xe3\x81"]
    for _ in range(count):
        cut = rng.randrange(1, max(2, len(xml)))
        choice = rng.randrange(4)
        if choice == 0:
            yield xml[:cut]
        elif choice == 1:
            yield xml[:cut] + xml[cut + rng.randrange(1, 40):]
        elif choice == 2:
            yield xml[:cut] + rng.choice(junk) + xml[cut:]
        else:
            other = rng.randrange(1, max(2, len(xml)))
            low, high = sorted((cut, other))
            yield xml[:low] + xml[high:high + 20] + xml[low + 20:high] + xml[low:low + 20] + (
                xml[high + 20:])


def map_payload(xml: bytes | str, metadata_prefix: str,
                oai_identifier: str = "oai:example.org:1") -> Record:
    """Map a bare metadata payload (a test's own XML) as if it was harvested."""
    data = xml.encode() if isinstance(xml, str) else xml
    return map_record(RawRecord(source_id=GOLDEN_SOURCE.id, oai_identifier=oai_identifier,
                                datestamp="2026-01-01", metadata_prefix=metadata_prefix,
                                xml=data), GOLDEN_SOURCE)


def assert_damage_handled(raw: RawRecord, count: int = 60) -> None:
    """Damaged copies of ``raw`` each map to a titled record or raise :class:`MappingError`
    (never another exception), and at least one of them is refused."""
    outcomes = set()
    for xml in damaged_variants(raw.xml, count=count):
        try:
            record = map_record(dataclasses.replace(raw, xml=xml), GOLDEN_SOURCE)
        except MappingError:
            outcomes.add("error")
        else:
            assert record.title.value
            outcomes.add("record")
    assert "error" in outcomes


def _canonical(data: Any) -> Any:
    """JSON round trip: tuples become lists, as in the stored file."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def _differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        lines: list[str] = []
        for key in sorted(set(expected) | set(actual)):
            lines += _differences(expected.get(key), actual.get(key), f"{path}.{key}")
        return lines
    if expected != actual:
        return [f"  {path or '.'}: {json.dumps(expected, ensure_ascii=False)} → "
                f"{json.dumps(actual, ensure_ascii=False)}"]
    return []


def _index(folder: Path) -> dict[str, tuple[str, str]]:
    index = folder / "INDEX.tsv"
    if not index.exists():
        return {}
    with index.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["file"]: (row["oai_identifier"], row["datestamp"]) for row in rows}
