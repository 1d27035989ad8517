"""What validating a harvested page costs: the OAI-PMH envelope, then its records.

Prints milliseconds per page for the recorded Zenodo oai_dc page (50 records),
the Alma MARCXML page (100 records; no metadata schema), and per record for the
official JPCOAR 2.0 samples; compare with lxml parsing the same page. Run:
``.venv/bin/python benchmarks/conformance.py``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from tsunagu.harvester.conformance import check_metadata, check_page, check_response
from tsunagu.harvester.protocol import parse_list_records

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def per_call_ms(work: Callable[[], object], repeat: int = 200) -> float:
    work()  # schemas compiled outside the timing
    start = time.perf_counter()
    for _ in range(repeat):
        work()
    return (time.perf_counter() - start) * 1000 / repeat


def main() -> None:
    for name, path, prefix in (
        ("zenodo oai_dc, 50 records", FIXTURES / "oai/zenodo/list_records__00_200.body",
         "oai_dc"),
        ("alma marcxml, 100 records", FIXTURES / "oai/vufind/marc.xml", "marc21"),
    ):
        body = path.read_bytes()
        page = parse_list_records(body, source_id="bench", metadata_prefix=prefix)
        parse = per_call_ms(functools.partial(etree.fromstring, body))
        envelope = per_call_ms(functools.partial(check_response, body))
        everything = per_call_ms(functools.partial(check_page, body, page))
        print(f"{name}: parse {parse:.2f} ms, envelope {envelope:.2f} ms, "
              f"envelope + records {everything:.2f} ms")
    samples = [p.read_bytes() for p in sorted((FIXTURES / "records/jpcoar/2.0").glob("*.xml"))]
    total = per_call_ms(lambda: [check_metadata(s) for s in samples], repeat=50)
    print(f"jpcoar 2.0 record: {total / len(samples):.2f} ms each ({len(samples)} samples)")


if __name__ == "__main__":
    main()
