"""The validation sandbox: see a draft feed as the portal would show it, then publish.

For an OAI-PMH source the repository is checked (Identify, the metadata prefix
in ListMetadataFormats, the sets in ListSets) and a sample of records is
harvested into the store under the draft source and mapped. For uploaded feeds
the sample is the first stored records. Nothing reaches the public index until
:func:`publish_source`.

Checking an OAI-PMH source asks the institution's server, so it happens only on
an explicit :func:`run_sandbox`; the report is kept (the checks and the ids of
the sample records, among the source's notes) and :func:`last_sandbox` shows it
again from the store. An uploaded feed's sandbox asks nobody and is always current.
"""

from __future__ import annotations

import dataclasses
import itertools
import json

from tsunagu.accounts.rules import Actor
from tsunagu.errors import StoreError, TsunaguError
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

#: The name of the stored sandbox report among a source's notes.
SANDBOX_NOTE = "sandbox"


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
    #: When the checks ran (UTC, ISO 8601); ``None`` for an uploaded feed (always current).
    checked_at: str | None = None

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def run_sandbox(pipeline: Pipeline, actor: Actor | None, source_id: str) -> SandboxReport:
    """Check the source and preview a sample of its records (``Settings.sandbox_sample_size``).

    For an OAI-PMH source this asks the repository; the report is stored.
    """
    source = managed_source(pipeline.store, actor, source_id)
    if source.kind is not FeedKind.OAI_PMH:
        return _upload_sandbox(pipeline, source)
    checks: list[Check] = []
    records = _oai_sample(pipeline, source, pipeline.settings.sandbox_sample_size, checks)
    note = pipeline.store.source_notes.put(source.id, SANDBOX_NOTE, "1", json.dumps({
        "checks": [dataclasses.asdict(check) for check in checks],
        "record_ids": [record.id for record in records]}, ensure_ascii=False))
    return _report(source, checks, records, note.stored_at)


def last_sandbox(pipeline: Pipeline, actor: Actor | None,
                 source_id: str) -> SandboxReport | None:
    """The last stored sandbox report (``None``: never checked), asking no server.

    The sample records are read from the store as they are now.
    """
    source = managed_source(pipeline.store, actor, source_id)
    if source.kind is not FeedKind.OAI_PMH:
        return _upload_sandbox(pipeline, source)
    note = pipeline.store.source_notes.get(source.id, SANDBOX_NOTE)
    if note is None:
        return None
    try:
        stored = json.loads(note.data)
        checks = [Check(str(c["name"]), bool(c["ok"]), str(c["message"]))
                  for c in stored["checks"]]
        ids = [str(record_id) for record_id in stored["record_ids"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"the stored sandbox report is damaged: {exc}",
                         source_id=source.id) from exc
    records = [record for record in map(pipeline.store.records.get, ids)
               if record is not None and record.source_id == source.id]
    return _report(source, checks, records, note.stored_at)


def forget_sandbox(pipeline: Pipeline, source_id: str) -> None:
    """Drop the stored report (the source's repository settings changed)."""
    pipeline.store.source_notes.drop(source_id, SANDBOX_NOTE)


def _upload_sandbox(pipeline: Pipeline, source: Source) -> SandboxReport:
    limit = pipeline.settings.sandbox_sample_size
    records = list(itertools.islice(pipeline.store.records.iter(source.id), limit))
    check = Check("sample", bool(records), f"{len(records)} records stored from the last "
                  "upload" if records else "nothing uploaded yet")
    return _report(source, [check], records, None)


def _report(source: Source, checks: list[Check], records: list[Record],
            checked_at: str | None) -> SandboxReport:
    return SandboxReport(source, tuple(checks), tuple(preview_record(r) for r in records),
                         assess_quality(records), checked_at)


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
