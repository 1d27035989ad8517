"""The worker harvests due sources on their schedules, against a real local provider."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tsunagu.config import Settings
from tsunagu.demo.catalog import demo_feed
from tsunagu.demo.feedfile import load_feed, write_feed
from tsunagu.demo.provider import ProviderServer
from tsunagu.errors import ConfigError
from tsunagu.pipeline import Pipeline
from tsunagu.records import FeedKind, Schedule, Sector, Source, SourceStatus
from tsunagu.worker import due_sources, run_once, run_worker, worker_lock


@pytest.fixture
def pipeline(tmp_path: Path) -> Iterator[Pipeline]:
    feed = load_feed(demo_feed("kansai").path)
    path = write_feed(tmp_path / "k.oai.jsonl", feed.records[:15],
                      repository_name=feed.repository_name)
    settings = Settings(data_dir=tmp_path / "data", allow_private_hosts=True,
                        request_delay=0.0, worker_interval=0.01)
    with ProviderServer({"k": path}, page_size=10) as server:
        opened = Pipeline(settings)
        url = server.base_url("k")
        for source_id, status, schedule in (("daily", SourceStatus.PUBLISHED, Schedule.DAILY),
                                            ("manual", SourceStatus.PUBLISHED, Schedule.MANUAL),
                                            ("draft", SourceStatus.DRAFT, Schedule.DAILY)):
            opened.add_source(Source(id=source_id, name=source_id, base_url=url,
                                     sector=Sector.ARCHIVE, status=status, schedule=schedule))
        opened.store.sources.add(Source(id="upload", name="u", base_url="",
                                        sector=Sector.ARCHIVE, kind=FeedKind.TABULAR,
                                        schedule=Schedule.DAILY))
        yield opened
        opened.close()


def test_only_published_scheduled_oai_sources_are_due(pipeline: Pipeline) -> None:
    assert [s.id for s in due_sources(pipeline.store)] == ["daily"]
    runs = run_once(pipeline)
    assert [(r.source_id, r.status, r.new) for r in runs] == [("daily", "ok", 15)]
    assert pipeline.store.records.counts_by_source() == {"daily": 15}
    # Harvested now: due again only a day later.
    assert due_sources(pipeline.store) == []
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1, minutes=1)
    assert [s.id for s in due_sources(pipeline.store, tomorrow)] == ["daily"]
    assert run_once(pipeline) == []


def test_failed_runs_are_retried_within_an_hour_and_parked_ones_wait(pipeline: Pipeline
                                                                    ) -> None:
    store = pipeline.store
    run_id = store.runs.start("daily", None, None)
    store.runs.finish(run_id, "failed", "boom")
    in_two_hours = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    assert due_sources(store) == []
    assert [s.id for s in due_sources(store, in_two_hours)] == ["daily"]
    parked = store.runs.start("daily", None, None)
    later = (in_two_hours + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    store.runs.finish(parked, "parked", "Retry-After", resume_after=later)
    assert due_sources(store, in_two_hours) == []
    assert [s.id for s in due_sources(store, in_two_hours + dt.timedelta(hours=2))] == ["daily"]
    store.runs.finish(parked, "held", "too many deletions")
    assert due_sources(store, in_two_hours + dt.timedelta(days=9)) == []


def test_the_worker_loop_and_its_lock(pipeline: Pipeline) -> None:
    assert run_worker(pipeline, once=True) == 1
    with worker_lock(pipeline), pytest.raises(ConfigError, match="another worker"):
        run_worker(pipeline, once=True)
    assert pipeline.store.sources.get("draft").status is SourceStatus.DRAFT
    with pytest.raises(ConfigError, match="only OAI-PMH"):
        pipeline.harvest(["upload"])
