"""The validation sandbox: see a draft feed as the portal would show it, then publish.

For an OAI-PMH source the repository is checked (Identify, the metadata prefix
in ListMetadataFormats, the sets in ListSets) and a sample of records is
harvested into the store under the draft source and mapped. For uploaded feeds
the sample is the first stored records. Nothing reaches the public index until
:func:`publish_source`.
"""

from __future__ import annotations

import dataclasses
import itertools

from tsunagu.accounts.rules import Actor
from tsunagu.errors import TsunaguError
from tsunagu.harvester.probe import probe_repository
from tsunagu.institutions.access import managed_source
from tsunagu.mappings.quality import (
    QualityReport,
    Requirement,
    assess_quality,
    record_tier,
    unmet_requirements,
)
from tsunagu.pipeline import IndexUpdate, Pipeline
from tsunagu.records import FeedKind, Record, ReuseLevel, Source


@dataclasses.dataclass(frozen=True)
class Check:
    """One repository check: ``identify``, ``metadata_prefix``, ``sets``, ``sample``."""

    name: str
    ok: bool
    message: str


@dataclasses.dataclass(frozen=True)
class RightsPreview:
    """How a record's rights statement was read."""

    raw: str
    code: str
    reuse: ReuseLevel
    method: str
    origin: str
    #: A statement was given but could not be read: it became ``unknown``.
    became_unknown: bool


@dataclasses.dataclass(frozen=True)
class DatePreview:
    """How one date was parsed."""

    original: str
    parsed: bool
    year_start: int | None
    year_end: int | None
    edtf: str | None
    era: str | None


@dataclasses.dataclass(frozen=True)
class RecordPreview:
    """One sample record as mapped, with what it says about the mapping."""

    record: Record
    tier: str
    rights: RightsPreview
    dates: tuple[DatePreview, ...]
    warnings: tuple[str, ...]
    unmet: tuple[Requirement, ...]


@dataclasses.dataclass(frozen=True)
class SandboxReport:
    """The sandbox of a draft source."""

    source: Source
    checks: tuple[Check, ...]
    records: tuple[RecordPreview, ...]
    quality: QualityReport

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def run_sandbox(pipeline: Pipeline, actor: Actor | None, source_id: str) -> SandboxReport:
    """Check the source and preview a sample of its records (``Settings.sandbox_sample_size``)."""
    source = managed_source(pipeline.store, actor, source_id)
    limit = pipeline.settings.sandbox_sample_size
    checks: list[Check] = []
    if source.kind is FeedKind.OAI_PMH:
        records = _oai_sample(pipeline, source, limit, checks)
    else:
        records = list(itertools.islice(pipeline.store.records.iter(source.id), limit))
        checks.append(Check("sample", bool(records),
                            f"{len(records)} records stored from the last upload"
                            if records else "nothing uploaded yet"))
    return SandboxReport(source, tuple(checks), tuple(preview_record(r) for r in records),
                         assess_quality(records))


def preview_record(record: Record) -> RecordPreview:
    """The sandbox view of one mapped record."""
    content = record.rights.content
    return RecordPreview(
        record=record, tier=record_tier(record),
        rights=RightsPreview(
            raw=content.raw, code=content.code, reuse=content.reuse,
            method=content.method.value, origin=content.origin.value,
            became_unknown=bool(content.raw) and content.reuse is ReuseLevel.UNKNOWN),
        dates=tuple(DatePreview(d.original, d.parsed, d.year_start, d.year_end, d.edtf, d.era)
                    for d in record.dates),
        warnings=record.warnings, unmet=unmet_requirements(record))


def publish_source(pipeline: Pipeline, actor: Actor | None, source_id: str) -> IndexUpdate:
    """Make a source public: its records go into the index now and after every harvest."""
    managed_source(pipeline.store, actor, source_id)
    return pipeline.publish(source_id)


def unpublish_source(pipeline: Pipeline, actor: Actor | None, source_id: str) -> IndexUpdate:
    """Take a source out of the public index (its records stay in the store)."""
    managed_source(pipeline.store, actor, source_id)
    return pipeline.unpublish(source_id)


def _oai_sample(pipeline: Pipeline, source: Source, limit: int,
                checks: list[Check]) -> list[Record]:
    try:
        probe = probe_repository(source.base_url, pipeline.settings)
    except TsunaguError as exc:
        checks.append(Check("identify", False, str(exc)))
        return []
    checks.append(Check("identify", True, f"{probe.identity.repository_name} "
                        f"(granularity {probe.identity.granularity}, deleted records "
                        f"{probe.identity.deleted_record or 'not stated'})"))
    prefixes = [fmt.prefix for fmt in probe.formats]
    offered = source.metadata_prefix in prefixes
    checks.append(Check("metadata_prefix", offered,
                        f"{source.metadata_prefix} is offered" if offered else
                        f"{source.metadata_prefix} is not offered (offered: "
                        f"{', '.join(prefixes) or 'nothing'})"))
    known = {info.spec for info in probe.sets}
    missing = [spec for spec in source.set_specs if spec not in known]
    checks.append(Check("sets", not missing,
                        "no sets chosen" if not source.set_specs and not missing else
                        f"sets not found: {', '.join(missing)}" if missing else
                        f"{len(source.set_specs)} sets found"))
    if not offered:
        return []
    try:
        records = pipeline.harvest_sample(source, limit)
    except TsunaguError as exc:
        checks.append(Check("sample", False, str(exc)))
        return []
    checks.append(Check("sample", bool(records), f"{len(records)} records harvested and mapped"))
    return records
