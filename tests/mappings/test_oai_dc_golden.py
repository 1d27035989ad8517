"""Golden oai_dc records: the real Zenodo/Rumsey records and the hand-written Japanese ones
beside them, and a sample of the bundled Japanese demo feeds (real data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from golden import GOLDEN_SOURCE, assert_golden, golden_cases, read_raw_record

from tsunagu.mappings import map_record

CASES = golden_cases("oai_dc") + golden_cases("oai_dc/ja-demo")


def test_every_demo_feed_is_sampled() -> None:
    feeds = {p.name.split("-")[2] for p in golden_cases("oai_dc/ja-demo")}
    assert {"nijl", "ndl", "keio", "chiba", "ueda", "nakano", "ninjal", "kansai",
            "akita"} <= feeds


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    record = map_record(read_raw_record(path, "oai_dc"), GOLDEN_SOURCE)
    assert_golden(record, path.with_suffix(".expected.json"))
