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

#: The name of the stored quality tier among a source's notes.
TIER_NOTE = "quality_tier"


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
    version = pipeline.store.records.source_version(source_id)
    report = assess_quality(pipeline.store.records.iter(source_id))
    pipeline.store.source_notes.put(source_id, TIER_NOTE, str(version), report.tier)
    return report


def source_tier(pipeline: Pipeline, actor: Actor | None, source_id: str) -> str:
    """The quality tier of all the source's records, computed again only after a change.

    The tier is kept per source with the store's change sequence of the source's
    records (:meth:`NormalizedRecords.source_version`); any harvest, upload or
    deletion moves it on, and the next view computes the tier anew.
    """
    managed_source(pipeline.store, actor, source_id)
    store = pipeline.store
    version = str(store.records.source_version(source_id))  # before reading the records
    note = store.source_notes.get(source_id, TIER_NOTE)
    if note is not None and note.version == version:
        return note.data
    tier = assess_quality(store.records.iter(source_id)).tier
    store.source_notes.put(source_id, TIER_NOTE, version, tier)
    return tier
