"""The health of each source's harvesting, read from its runs (``tsunagu health``, ``/health``).

A source's state is that of its newest run: ``ok``, ``running``, ``parked`` (the
server asked to wait, or the run hit its deadline; it resumes later), ``held``
(deletions wait for a person), ``failing`` (the newest run failed, e.g. the
endpoint is down) or ``never`` (not harvested yet). ``consecutive_failures``
counts the newest runs that failed or were parked, back to the last one that
was not. A source **needs attention** (is unhealthy) when it is failing or held,
or after ``UNHEALTHY_AFTER`` failed or parked runs in a row (a server that keeps
asking to wait is as good as down). Only published sources are *active*: drafts
and withdrawn feeds are reported but never make the whole check fail.

``next_due`` follows the worker's rule (:mod:`tsunagu.worker`): one schedule
interval after the newest run started, at most ``RETRY_FAILED_SECONDS`` after a
failed one, ``resume_after`` for a parked one, now for a source never harvested;
``None`` for manual schedules, held sources and feeds that are not harvested.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from tsunagu.records import FeedKind, Source, SourceStatus
from tsunagu.store.database import Database
from tsunagu.store.runs import HarvestRun, HarvestRuns
from tsunagu.store.sources import Sources

UNHEALTHY_AFTER = 3
RETRY_FAILED_SECONDS = 3600  # as the worker
_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_LOOK_BACK = 100  # runs read to count consecutive failures


@dataclasses.dataclass(frozen=True)
class SourceHealth:
    """How the harvesting of one source goes."""

    source_id: str
    name: str
    institution_id: str | None
    active: bool
    state: str
    last_run_id: int | None
    last_status: str | None
    last_run_at: str | None
    last_success: str | None
    consecutive_failures: int
    parked_until: str | None
    next_due: str | None
    error: str | None

    @property
    def healthy(self) -> bool:
        return self.state not in ("failing", "held") and (
            self.consecutive_failures < UNHEALTHY_AFTER)


@dataclasses.dataclass(frozen=True)
class HealthSummary:
    """Counts over the active sources (what anyone may see)."""

    sources: int
    active: int
    healthy: int
    unhealthy: int
    by_state: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.unhealthy == 0


def source_health(db: Database, sources: Sequence[Source] | None = None,
                  now: dt.datetime | None = None) -> list[SourceHealth]:
    """The health of ``sources`` (default: every registered source)."""
    chosen = Sources(db).list() if sources is None else sources
    runs = HarvestRuns(db)
    moment = now or dt.datetime.now(dt.UTC)
    return [_health(db, runs, source, moment) for source in chosen]


def summarize(health: Sequence[SourceHealth]) -> HealthSummary:
    active = [item for item in health if item.active]
    states: dict[str, int] = {}
    for item in active:
        states[item.state] = states.get(item.state, 0) + 1
    unhealthy = sum(1 for item in active if not item.healthy)
    return HealthSummary(len(health), len(active), len(active) - unhealthy, unhealthy,
                         dict(sorted(states.items())))


def _health(db: Database, runs: HarvestRuns, source: Source,
            moment: dt.datetime) -> SourceHealth:
    recent = runs.list(source.id, limit=_LOOK_BACK)
    latest = recent[0] if recent else None
    failures = 0
    for run in recent:
        if run.status == "running":
            continue
        if run.status not in ("failed", "parked"):
            break
        failures += 1
    success = db.connection().execute(
        "SELECT MAX(finished_at) FROM harvest_runs WHERE source_id = ? AND status = 'ok'",
        (source.id,)).fetchone()[0]
    state = "never" if latest is None else {"failed": "failing", "rejected": "ok"}.get(
        latest.status, latest.status)
    return SourceHealth(
        source_id=source.id, name=source.name, institution_id=source.institution_id,
        active=source.status is SourceStatus.PUBLISHED, state=state,
        last_run_id=latest.id if latest else None,
        last_status=latest.status if latest else None,
        last_run_at=latest.started_at if latest else None, last_success=success,
        consecutive_failures=failures,
        parked_until=latest.resume_after if latest and latest.status == "parked" else None,
        next_due=next_due(source, latest, moment),
        error=latest.error if latest and latest.status in ("failed", "parked", "held")
        else None)


def next_due(source: Source, latest: HarvestRun | None, moment: dt.datetime) -> str | None:
    """When ``source`` is next due for a harvest, given its latest run (``None``: never)."""
    interval = source.schedule.interval_seconds
    harvested = source.kind is FeedKind.OAI_PMH or source.base_url.startswith(
        ("http://", "https://"))
    if interval is None or not harvested or source.status is not SourceStatus.PUBLISHED:
        return None
    if latest is None:
        return moment.strftime(_FORMAT)
    if latest.status == "held":
        return None
    if latest.status == "parked":
        return latest.resume_after
    wait = min(interval, RETRY_FAILED_SECONDS) if latest.status == "failed" else interval
    started = dt.datetime.strptime(latest.started_at, _FORMAT).replace(tzinfo=dt.UTC)
    return (started + dt.timedelta(seconds=wait)).strftime(_FORMAT)


def health_payload(summary: HealthSummary,
                   sources: Sequence[SourceHealth] | None) -> dict[str, Any]:
    """The JSON of a health check (``tsunagu health --json``, ``/health.json``): the
    summary, and the sources in detail when given."""
    payload: dict[str, Any] = {"ok": summary.ok, "summary": dataclasses.asdict(summary)}
    if sources is not None:
        payload["sources"] = [dict(dataclasses.asdict(item), healthy=item.healthy)
                              for item in sources]
    return payload
