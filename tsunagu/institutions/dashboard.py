"""An institution's dashboard: its sources, their runs and reports, quality, held runs."""

from __future__ import annotations

import dataclasses
from typing import Any

from tsunagu.accounts.rules import Actor, can_manage_institution, require
from tsunagu.institutions.access import managed_source
from tsunagu.mappings.quality import QualityReport, assess_quality
from tsunagu.pipeline import Pipeline
from tsunagu.records import Source
from tsunagu.store import HarvestRun
from tsunagu.store.quarantine import QuarantinedRecord


@dataclasses.dataclass(frozen=True)
class SourceSummary:
    """One row of the dashboard."""

    source: Source
    records: int
    latest_run: HarvestRun | None
    held_run: HarvestRun | None


def institution_sources(pipeline: Pipeline, actor: Actor | None,
                        institution_id: str) -> list[SourceSummary]:
    require(can_manage_institution(actor, institution_id), "see this institution's feeds",
            field="institution_id")
    store = pipeline.store
    counts = store.records.counts_by_source()
    return [SourceSummary(source, counts.get(source.id, 0), store.runs.latest(source.id),
                          store.runs.held(source.id))
            for source in store.sources.list(institution_id=institution_id)]


def source_runs(pipeline: Pipeline, actor: Actor | None, source_id: str, *,
                limit: int = 50) -> list[HarvestRun]:
    managed_source(pipeline.store, actor, source_id)
    return pipeline.store.runs.list(source_id, limit=limit)


def run_report(pipeline: Pipeline, actor: Actor | None, source_id: str,
               run_id: int | None = None) -> dict[str, Any]:
    """The harvest (or upload) run report: counts, requests, issues, quarantine, diff."""
    managed_source(pipeline.store, actor, source_id)
    return pipeline.report(source_id, run_id)


def quarantined_records(pipeline: Pipeline, actor: Actor | None, source_id: str, *,
                        run_id: int | None = None) -> list[QuarantinedRecord]:
    """Records set aside, with their raw XML and the reason."""
    managed_source(pipeline.store, actor, source_id)
    return pipeline.store.quarantine.list(source_id, run_id=run_id)


def approve_run(pipeline: Pipeline, actor: Actor | None, source_id: str,
                run_id: int) -> HarvestRun:
    """Apply the deletions of a run held by the mass-deletion guard."""
    managed_source(pipeline.store, actor, source_id)
    return pipeline.approve(source_id, run_id)


def reject_run(pipeline: Pipeline, actor: Actor | None, source_id: str,
               run_id: int) -> HarvestRun:
    managed_source(pipeline.store, actor, source_id)
    return pipeline.reject(source_id, run_id)


def harvest_now(pipeline: Pipeline, actor: Actor | None, source_id: str) -> HarvestRun:
    """Harvest an OAI-PMH source now (the worker does it on schedule)."""
    managed_source(pipeline.store, actor, source_id)
    run = pipeline.harvest([source_id])[0]
    pipeline.update_index()
    return run


def source_quality(pipeline: Pipeline, actor: Actor | None, source_id: str) -> QualityReport:
    """Tier, completeness, top warnings and hints over all the source's records."""
    managed_source(pipeline.store, actor, source_id)
    return assess_quality(pipeline.store.records.iter(source_id))
