"""The worker harvests a source exactly when ``tsunagu health`` says it is next due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tsunagu.records import FeedKind, Schedule, Sector, Source, SourceStatus
from tsunagu.store import Store
from tsunagu.store.health import source_health
from tsunagu.worker import due_sources

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "store.sqlite3")
    for sid, schedule, kind, url, status in (
            ("never", Schedule.DAILY, FeedKind.OAI_PMH, "https://a.example/oai",
             SourceStatus.PUBLISHED),
            ("hourly", Schedule.HOURLY, FeedKind.OAI_PMH, "https://b.example/oai",
             SourceStatus.PUBLISHED),
            ("failing", Schedule.WEEKLY, FeedKind.OAI_PMH, "https://c.example/oai",
             SourceStatus.PUBLISHED),
            ("parked", Schedule.DAILY, FeedKind.OAI_PMH, "https://d.example/oai",
             SourceStatus.PUBLISHED),
            ("held", Schedule.DAILY, FeedKind.OAI_PMH, "https://e.example/oai",
             SourceStatus.PUBLISHED),
            ("linked", Schedule.DAILY, FeedKind.TABULAR, "https://f.example/t.csv",
             SourceStatus.PUBLISHED),
            ("upload", Schedule.DAILY, FeedKind.TABULAR, "", SourceStatus.PUBLISHED),
            ("manual", Schedule.MANUAL, FeedKind.OAI_PMH, "https://g.example/oai",
             SourceStatus.PUBLISHED),
            ("draft", Schedule.DAILY, FeedKind.OAI_PMH, "https://h.example/oai",
             SourceStatus.DRAFT)):
        s.sources.add(Source(id=sid, name=sid, base_url=url, sector=Sector.ARCHIVE,
                             schedule=schedule, kind=kind, status=status))
    resume = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=5)).strftime(FORMAT)
    for sid, outcome in (("hourly", "ok"), ("failing", "failed"), ("parked", "parked"),
                         ("held", "held"), ("linked", "ok")):
        run = s.runs.start(sid, None, None)
        s.runs.finish(run, outcome, None, resume_after=resume if outcome == "parked" else None)
    yield s
    s.close()


@pytest.mark.parametrize("hours", [0, 0.5, 1.5, 6, 30, 24 * 8])
def test_due_sources_are_those_whose_next_due_has_come(store: Store, hours: float) -> None:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)
    expected = sorted(item.source_id for item in source_health(store.db, now=moment)
                      if item.next_due is not None and item.next_due <= moment.strftime(FORMAT))
    assert sorted(s.id for s in due_sources(store, moment)) == expected
    # and what that rule means, spelled out
    spelled = {0: ["never"], 0.5: ["never"], 1.5: ["failing", "hourly", "never"],
               6: ["failing", "hourly", "never", "parked"],
               30: ["failing", "hourly", "linked", "never", "parked"],
               24 * 8: ["failing", "hourly", "linked", "never", "parked"]}
    assert expected == spelled[hours]
