"""The pipeline's wiring: harvest → map (incl. EAD components) → store → index, and
re-mapping with a changed source profile, against the real local OAI-PMH provider."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

from tsunagu.config import Settings
from tsunagu.demo.catalog import demo_feed
from tsunagu.demo.feedfile import FeedRecord, write_feed
from tsunagu.demo.provider import ProviderServer
from tsunagu.index import SearchIndex, SearchQuery
from tsunagu.pipeline import Pipeline
from tsunagu.records import MappingProfile, Sector, Source

FIXTURES = Path(__file__).parent / "fixtures" / "records"
EAD = (FIXTURES / "ead" / "kaga-archives.xml").read_bytes()
WHEN = dt.datetime(2026, 2, 1)


def ead_feed(path: Path, xml: bytes, *, deleted: bool = False) -> Path:
    record = FeedRecord("oai:archives.example.jp:kaga-ke", WHEN, None if deleted else xml)
    return write_feed(path, [record], metadata_prefix="ead",
                      schema="http://www.loc.gov/ead/ead.xsd", namespace="urn:isbn:1-931666-22-9")


def harvest(tmp_path: Path, feed: Path, settings: Settings) -> Pipeline:
    with ProviderServer({"kaga": feed}) as provider:
        pipeline = Pipeline(settings)
        pipeline.add_source(Source(id="kaga", name="加賀家文書", base_url=provider.base_url("kaga"),
                                   metadata_prefix="ead", sector=Sector.ARCHIVE), replace=True)
        [run] = pipeline.harvest(["kaga"], full=True)
        assert run.status == "ok", run.error
        pipeline.update_index()
        return pipeline


def test_an_ead_finding_aid_becomes_one_record_per_component(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", allow_private_hosts=True, request_delay=0.0)
    pipeline = harvest(tmp_path, ead_feed(tmp_path / "v1.jsonl", EAD), settings)
    top = "kaga:oai:archives.example.jp:kaga-ke"
    components = pipeline.store.records.component_ids(top)
    assert len(components) == 5  # 2 series, 1 file, 2 items
    item = pipeline.store.records.get(f"{top}#s1-f1")
    assert item is not None and item.hierarchy is not None
    assert item.hierarchy.path[0] == pipeline.store.records.get(top).title.value  # type: ignore[union-attr]
    index = SearchIndex(settings.index_dir)
    assert index.search(SearchQuery("")).total == 6

    # The institution removes series 2 (and its item) from the finding aid.
    start, end = EAD.index(b'<c01 level="series" id="s2">'), EAD.index(b"</dsc>")
    smaller = EAD[:start] + EAD[end:]
    pipeline.close()
    pipeline = harvest(tmp_path, ead_feed(tmp_path / "v2.jsonl", smaller), settings)
    assert len(pipeline.store.records.component_ids(top)) == 3
    assert index.search(SearchQuery("")).total == 4

    # The whole finding aid is withdrawn: every component goes with it.
    pipeline.close()
    pipeline = harvest(tmp_path, ead_feed(tmp_path / "v3.jsonl", b"", deleted=True), settings)
    assert pipeline.store.records.get(top) is None
    assert pipeline.store.records.component_ids(top) == []
    assert index.search(SearchQuery("")).total == 0
    pipeline.close()


def test_remap_applies_a_changed_profile_without_reharvesting(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", allow_private_hosts=True, request_delay=0.0)
    dc = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>町絵図</dc:title>'
          "<dc:identifier>https://example.jp/viewer/12</dc:identifier>"
          "<dc:identifier>https://example.jp/detail?id=12</dc:identifier></oai_dc:dc>")
    feed = write_feed(tmp_path / "f.jsonl", [FeedRecord("oai:example.jp:12", WHEN,
                                                          dc.encode())])
    with ProviderServer({"machi": feed}) as provider:
        pipeline = Pipeline(settings)
        pipeline.add_source(Source(id="machi", name="町の資料館",
                                   base_url=provider.base_url("machi"), sector=Sector.MUSEUM))
        pipeline.harvest(["machi"])
    rid = "machi:oai:example.jp:12"
    assert pipeline.store.records.get(rid).landing_url == "https://example.jp/viewer/12"  # type: ignore[union-attr]
    requests_before = sum(run.requests for run in pipeline.store.runs.list("machi"))
    pipeline.store.sources.set_profile("machi", MappingProfile(landing_url_pattern=r"detail"))
    outcome = pipeline.remap("machi")
    assert outcome.mapped == 1 and outcome.quarantined == 0
    assert pipeline.store.records.get(rid).landing_url == "https://example.jp/detail?id=12"  # type: ignore[union-attr]
    assert sum(run.requests for run in pipeline.store.runs.list("machi")) == requests_before
    assert dataclasses.asdict(pipeline.store.sources.get("machi").profile)["landing_url_pattern"]
    pipeline.close()


def test_the_index_and_the_records_are_rebuilt_from_the_raw_records_alone(
        tmp_path: Path) -> None:
    # Checklist 11: delete the index (and the normalized records), rebuild from raw,
    # compare — every record and every search answer, not just the counts.
    settings = Settings(data_dir=tmp_path / "data", allow_private_hosts=True, request_delay=0.0)
    with ProviderServer({"kansai": demo_feed("kansai").path}) as provider:
        pipeline = Pipeline(settings)
        pipeline.add_source(Source(id="kansai", name="関西大学", sector=Sector.LIBRARY,
                                   base_url=provider.base_url("kansai")))
        [run] = pipeline.harvest(["kansai"])
    assert run.status == "ok", run.error
    pipeline.update_index()
    queries = [SearchQuery(""), SearchQuery("関西大学"), SearchQuery("映画", sort="date"),
               SearchQuery("", page=2, page_size=50), SearchQuery("天津 OR 上海")]
    index = SearchIndex(settings.index_dir)
    before = [index.search(query) for query in queries]
    records = {record.id: record for record in pipeline.store.records.iter("kansai")}
    assert len(records) > 100 and before[0].total == len(records) and before[1].total > 0
    requests = pipeline.store.runs.latest("kansai").requests  # type: ignore[union-attr]

    shutil.rmtree(settings.index_dir)
    with pipeline.store.db.transaction() as conn:  # the normalized records are lost too
        conn.execute("DELETE FROM records")
    assert pipeline.store.records.get(next(iter(records))) is None
    outcome = pipeline.remap("kansai")
    pipeline.update_index(rebuild=True)
    assert outcome.mapped == len(records) and outcome.quarantined == 0
    assert {record.id: record for record in pipeline.store.records.iter("kansai")} == records
    after = [SearchIndex(settings.index_dir).search(query) for query in queries]
    assert after == before
    assert pipeline.store.runs.latest("kansai").requests == requests  # no re-harvest  # type: ignore[union-attr]
    pipeline.close()
