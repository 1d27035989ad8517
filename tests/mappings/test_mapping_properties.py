"""Property-based: arbitrary or damaged XML, in every format, gives a record or a clear
MappingError — never another exception escaping the mappings stage."""

from __future__ import annotations

from pathlib import Path

from golden import GOLDEN_SOURCE, golden_cases, read_raw_record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tsunagu.errors import MappingError
from tsunagu.mappings import map_records
from tsunagu.records import RawRecord, Record

#: folder → metadataPrefix; one real record per format is the seed for the damage.
FORMATS = {"oai_dc": "oai_dc", "qdc": "qdc", "mods": "mods", "lido": "lido", "ead": "ead",
           "marcxml": "marcxml", "dcndl": "dcndl", "jpcoar": "jpcoar_2.0",
           "junii2": "junii2", "edm": "edm"}
SEEDS: list[tuple[str, bytes]] = []
for folder, prefix in FORMATS.items():
    cases = golden_cases(folder) or sorted((Path(__file__).parent.parent / "fixtures" / "records"
                                            / folder).rglob("*.xml"))
    SEEDS.append((prefix, read_raw_record(cases[0], prefix).xml))


def map_or_refuse(prefix: str, xml: bytes) -> tuple[Record, ...] | MappingError:
    raw = RawRecord(GOLDEN_SOURCE.id, "oai:fixture:damaged", "2026-01-01", prefix, xml=xml)
    try:
        records = map_records(raw, GOLDEN_SOURCE)
    except MappingError as exc:
        assert exc.source_id == GOLDEN_SOURCE.id and str(exc)
        return exc
    assert records and all(isinstance(record, Record) for record in records)
    assert all(record.title.value for record in records)
    return records


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    prefix, xml = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(xml)))
        action = draw(st.sampled_from(["cut", "drop", "insert", "flip"]))
        if action == "cut":
            xml = xml[:at]
        elif action == "drop":
            xml = xml[:at] + xml[at + draw(st.integers(1, 64)):]
        elif action == "insert":
            junk = draw(st.sampled_from([b"<", b"&", b"\x00", b"\xff\xfe", b"<!DOCTYPE x>",
                                         b"]]>", "東京".encode(), b"<a>", b"</dc:title>"]))
            xml = xml[:at] + junk + xml[at:]
        elif xml:
            index = min(at, len(xml) - 1)
            xml = xml[:index] + bytes([xml[index] ^ draw(st.integers(1, 255))]) + xml[index + 1:]
    return prefix, xml


@given(damaged())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_damaged_records_map_or_fail_clearly(case: tuple[str, bytes]) -> None:
    map_or_refuse(*case)


@given(st.sampled_from(sorted(set(FORMATS.values()))), st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_arbitrary_bytes_map_or_fail_clearly(prefix: str, xml: bytes) -> None:
    map_or_refuse(prefix, xml)


@given(st.sampled_from(sorted(set(FORMATS.values()))),
       st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80))
@settings(max_examples=300, deadline=None)
def test_well_formed_but_unexpected_xml(prefix: str, text: str) -> None:
    from xml.sax.saxutils import escape

    map_or_refuse(prefix, f"<root><title>{escape(text)}</title></root>".encode())


def test_the_seeds_themselves_map() -> None:
    for prefix, xml in SEEDS:
        assert isinstance(map_or_refuse(prefix, xml), tuple), prefix
