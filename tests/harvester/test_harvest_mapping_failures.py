"""A record the mapper refuses, met during a harvest through the pipeline, on 127.0.0.1.

The hostile server lists, under ``metadataPrefix=oai_dc``, one record whose
payload is a real MODS record (Harvard's, from ``tests/fixtures/oai/dpla``): a
server that mixes formats. The oai_dc mapper refuses it. The harvest goes on:
the raw record is kept, the refusal goes to the quarantine with ``stage="mapping"``
and the payload's bytes, counted in the run; the other records are mapped and
indexed. Past ``Settings.error_budget`` such refusals stop the run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_server import HostileServer, Item, items
from lxml import etree

from tsunagu.config import Settings
from tsunagu.index import SearchIndex, SearchQuery
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, Source, record_id

DPLA_PAGE = Path(__file__).parent.parent / "fixtures" / "oai" / "dpla" / "oai-page.xml"
MODS = "{http://www.loc.gov/mods/v3}mods"


def mods_records(count: int) -> list[str]:
    """The first ``count`` MODS records of the recorded Harvard page, as XML text."""
    found = etree.parse(str(DPLA_PAGE)).getroot().iter(MODS)
    return [etree.tostring(next(found), encoding="unicode") for _ in range(count)]


def with_mods(records: list[Item], positions: list[int]) -> list[Item]:
    """``records`` with the payloads at ``positions`` replaced by real MODS records."""
    for position, mods in zip(positions, mods_records(len(positions)), strict=True):
        records[position].metadata = mods
    return records


@pytest.fixture
def pipeline(settings: Settings) -> Iterator[Pipeline]:
    pipe = Pipeline(dataclasses.replace(settings, index_procs=1))
    yield pipe
    pipe.close()


def add(pipeline: Pipeline, url: str) -> None:
    pipeline.add_source(Source(id="mixed", name="Mixed", base_url=url, sector=Sector.LIBRARY))


def test_a_record_the_mapper_refuses_is_quarantined_and_the_harvest_goes_on(
    pipeline: Pipeline, settings: Settings
) -> None:
    served = with_mods(items(25), [13])
    refused = served[13].identifier
    with HostileServer(served) as server:
        add(pipeline, server.url)
        [run] = pipeline.harvest(["mixed"])
    store = pipeline.store
    assert run.status == "ok", run.error
    assert run.quarantined == 1 and run.new == 25  # every raw record stored, one unmapped
    [bad] = store.quarantine.list("mixed")
    assert (bad.stage, bad.oai_identifier, bad.run_id) == ("mapping", refused, run.id)
    assert "expected a dc root element, found 'mods'" in bad.reason, bad.reason
    assert b"Plate 1. Clematis cylindrica" in bad.raw  # the payload's own bytes
    assert etree.QName(etree.fromstring(bad.raw)).text == MODS
    raw = store.raw.get("mixed", refused)
    assert raw is not None and not raw.deleted  # kept for a re-map with a fixed profile
    assert store.records.get(record_id("mixed", refused)) is None
    assert store.records.counts_by_source() == {"mixed": 24}
    assert pipeline.mapping_report("mixed").failed == ((refused, bad.reason),)
    pipeline.update_index()
    assert SearchIndex(settings.index_dir).search(SearchQuery("")).total == 24


def test_mapping_refusals_past_the_error_budget_stop_the_run(
    settings: Settings
) -> None:
    budget = dataclasses.replace(settings, error_budget=2, index_procs=1)
    pipeline = Pipeline(budget)
    try:
        served = with_mods(items(45), [12, 14, 16, 18])  # all four on the second page
        with HostileServer(served) as server:
            add(pipeline, server.url)
            [run] = pipeline.harvest(["mixed"])
            asked = server.list_requests
        store = pipeline.store
        assert run.status == "failed"
        assert run.error is not None and run.error.startswith(
            "4 records quarantined in this run, more than the error budget of 2; see "
            "`tsunagu harvest report mixed --run ")
        assert run.quarantined == 4
        assert {q.stage for q in store.quarantine.list("mixed")} == {"mapping"}
        assert store.raw.count("mixed") == 20  # the two pages before the stop are kept
        assert store.records.counts_by_source() == {"mixed": 16}
        assert asked <= 3  # the third page was at most sent ahead; nothing after it
        checkpoint = store.runs.checkpoint("mixed")
        assert checkpoint is not None and checkpoint.pages == 2
    finally:
        pipeline.close()
