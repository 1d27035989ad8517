"""Mapping throughput: records per second per format, one process (one core).

Maps, through the public ``map_record`` (the registry, the period/prefecture
enrichment and all), the real records of every format:

* ``oai_dc``  — every record of the ten bundled demo feeds (``tsunagu/demo/feeds``);
* the other formats — the golden fixtures in ``tests/fixtures/records/<format>/``,
  repeated until each format has mapped at least ``--min-records`` records.

The mapping runs in this one process, so records/s is records/s per core. Two
figures per format: ``first pass`` maps every distinct record once, right after
the mapper is imported (the value caches of ``tsunagu.mappings`` start empty, as
at the start of a harvest); ``records/s/core`` is the best of ``--rounds`` repeated
runs (caches warm, as in the middle of a long harvest).

Target (issue #4): >= 5,000 oai_dc records/s per core.

    .venv/bin/python benchmarks/mapping.py [--min-records 20000] [--rounds 3] [--formats mods]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import time
from pathlib import Path

from tsunagu.mappings import map_record
from tsunagu.records import RawRecord, Sector, Source

ROOT = Path(__file__).resolve().parent.parent
FEEDS = ROOT / "tsunagu" / "demo" / "feeds"
FIXTURES = ROOT / "tests" / "fixtures" / "records"
#: fixture folder → the metadataPrefix its records are mapped with.
FORMATS = {"mods": "mods", "lido": "lido", "marcxml": "marc21", "qdc": "oai_qdc", "edm": "edm"}
SOURCE = Source(id="bench", name="Benchmark", base_url="https://example.org/oai",
                sector=Sector.OTHER)


def load_demo_records() -> list[RawRecord]:
    """The non-deleted records of the bundled demo feeds, as raw oai_dc records."""
    records: list[RawRecord] = []
    for path in sorted(FEEDS.glob("*.oai.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            next(handle)  # the feed header
            for line in handle:
                item = json.loads(line)
                if item.get("deleted") or not item.get("metadata"):
                    continue
                records.append(RawRecord(
                    source_id=SOURCE.id, oai_identifier=item["identifier"],
                    datestamp=item["datestamp"], metadata_prefix="oai_dc",
                    xml=item["metadata"].encode("utf-8")))
    return records


def load_fixture_records(folder: str, prefix: str) -> list[RawRecord]:
    """The golden fixture payloads of ``folder`` with their OAI headers from INDEX.tsv."""
    index: dict[str, tuple[str, str]] = {}
    index_path = FIXTURES / folder / "INDEX.tsv"
    if index_path.exists():
        with index_path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                index[row["file"]] = (row["oai_identifier"], row["datestamp"])
    return [
        RawRecord(source_id=SOURCE.id,
                  oai_identifier=index.get(path.name, (f"oai:fixture:{path.stem}", ""))[0],
                  datestamp=index.get(path.name, ("", ""))[1], metadata_prefix=prefix,
                  xml=path.read_bytes())
        for path in sorted((FIXTURES / folder).glob("*.xml"))
    ]


def measure(records: list[RawRecord], min_records: int, rounds: int) -> tuple[float, int]:
    """Best records/s over ``rounds`` runs of at least ``min_records`` mappings each."""
    repeat = max(1, -(-min_records // len(records)))
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            for raw in records:
                map_record(raw, SOURCE)
        elapsed = time.perf_counter() - start
        best = max(best, repeat * len(records) / elapsed)
    return best, repeat * len(records)


def first_pass(records: list[RawRecord]) -> float:
    """Records/s of one pass over the distinct records, right after the first one."""
    map_record(records[0], SOURCE)  # imports the mapper module
    start = time.perf_counter()
    for raw in records:
        map_record(raw, SOURCE)
    return len(records) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-records", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--formats", nargs="*", default=["oai_dc", *FORMATS],
                        help="the formats to measure (default: all)")
    args = parser.parse_args()

    sets = {"oai_dc": load_demo_records()} if "oai_dc" in args.formats else {}
    sets |= {folder: load_fixture_records(folder, prefix) for folder, prefix in FORMATS.items()
             if folder in args.formats}
    print(f"one process (one core) of {os.cpu_count()}; "
          f"load average {os.getloadavg()[0]:.2f} at start")
    print(f"{'format':8} {'distinct':>8} {'mapped':>8} {'first pass':>10} "
          f"{'records/s/core':>14} {'ms/record':>10}")
    for name, records in sets.items():
        cold = first_pass(records)
        rate, mapped = measure(records, args.min_records, args.rounds)
        size = sum(len(r.xml) for r in records) / len(records)
        print(f"{name:8} {len(records):8d} {mapped:8d} {cold:10,.0f} {rate:14,.0f} "
              f"{1000 / rate:10.3f}   (mean payload {size / 1024:.1f} KiB)")


if __name__ == "__main__":
    main()
