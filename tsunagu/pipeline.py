"""The pipeline: the one place where the stages are wired together.

``harvester -> mappings -> index``: a harvest stores each page of raw records and
maps them in the same transaction (bad records go to the quarantine, the rest
goes on); ``update_index`` brings the Whoosh index up to date with the store's
change sequence. The CLI and the demo call these services; the site only reads.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tsunagu.config import Settings
from tsunagu.errors import ConfigError, MappingError, NotFoundError
from tsunagu.feeds import RejectedRow, ingest_records
from tsunagu.harvester import (
    HostGates,
    OAIClient,
    Progress,
    approve,
    check_url,
    harvest_source,
    reject,
)
from tsunagu.harvester.report import run_report
from tsunagu.index import Indexer
from tsunagu.mappings.profile import check_profile
from tsunagu.mappings.quality import QualityReport, assess_quality
from tsunagu.mappings.rights_report import RightsReport, rights_report
from tsunagu.page_mapper import PageMapper
from tsunagu.records import (
    FeedKind,
    MappingProfile,
    RawRecord,
    Record,
    Source,
    SourceStatus,
    record_id,
)
from tsunagu.store import ChangeKind, HarvestRun, Store

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class IndexUpdate:
    """What an index update did."""

    rebuilt: bool
    changes: int
    documents: int
    seq: int


@dataclasses.dataclass(frozen=True)
class MappingReport:
    """How well a source maps: quality tier, completeness, warnings, rights, failures."""

    source_id: str
    records: int
    failed: tuple[tuple[str, str], ...]
    quality: QualityReport
    rights: RightsReport


@dataclasses.dataclass(frozen=True)
class MapOutcome:
    """What re-mapping a source from its stored raw records did."""

    mapped: int
    deleted: int
    quarantined: int


class Pipeline:
    """Services over one data directory: register, harvest, map, index."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings.db_path)

    def close(self) -> None:
        self.store.close()

    def add_source(self, source: Source, *, replace: bool = False) -> None:
        """Register a source after checking its URL is allowed (SSRF guard)."""
        check_url(source.base_url, allow_private=self.settings.allow_private_hosts)
        self.store.sources.add(source, replace=replace)

    def harvest(
        self,
        source_ids: Sequence[str] = (),
        *,
        full: bool = False,
        progress: Callable[[Progress], None] | None = None,
    ) -> list[HarvestRun]:
        """Harvest the given sources (all when none are given).

        Up to ``Settings.harvest_workers`` sources at a time, in threads; the
        shared host gates keep one request at a time per host.
        """
        sources = (
            [self.store.sources.get(sid) for sid in source_ids]
            if source_ids else self.store.sources.list()
        )
        if any(source.kind is not FeedKind.OAI_PMH for source in sources) and source_ids:
            raise ConfigError("only OAI-PMH sources are harvested; the others are fed by "
                              "uploads", source_id=next(s.id for s in sources
                                                        if s.kind is not FeedKind.OAI_PMH))
        sources = [source for source in sources if source.kind is FeedKind.OAI_PMH]
        gates = HostGates.from_settings(self.settings)

        def one(source: Source) -> HarvestRun:
            return harvest_source(
                source, self.store, self.settings,
                on_page=PageMapper(source, self.store), full=full, progress=progress, gates=gates,
            )

        def in_worker(source: Source) -> HarvestRun:
            try:
                return one(source)
            finally:
                self.store.db.close()  # this worker thread's connection

        workers = min(self.settings.harvest_workers, len(sources))
        if workers <= 1:
            return [one(source) for source in sources]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="harvest") as pool:
            return list(pool.map(in_worker, sources))

    def ingest(self, source: Source, records: Sequence[RawRecord],
               rejected: Sequence[RejectedRow] = (), *, note: str = "upload") -> HarvestRun:
        """Store an uploaded feed (table rows or a static repository) as one run."""
        return ingest_records(source, self.store, self.settings, records, rejected,
                              on_page=lambda changes, rid: self._map_page(source, changes, rid),
                              note=note)

    def harvest_sample(self, source: Source, limit: int) -> list[Record]:
        """Harvest and map the first ``limit`` records of an OAI-PMH source (the sandbox).

        Records go into the store under the source (stored and mapped like any
        harvested record, but no run is recorded and the high-water mark does not
        move, so the first real harvest is a full one).
        """
        stored: list[RawRecord] = []
        with OAIClient(source, self.settings) as client:
            client.identify()
            # closing(): a request sent ahead for the next page is let go at the break.
            with contextlib.closing(client.list_records()) as pages:
                for page, _params in pages:
                    stored.extend(raw for raw in page.records if not raw.deleted)
                    if len(stored) >= limit:
                        break
        sample = stored[:limit]
        with self.store.db.transaction():
            kinds = self.store.raw.put_many(sample, None, skip_seen=False)
            # Mapped again even when unchanged: the source's settings may have changed.
            self._map_page(source, [(raw, ChangeKind.UPDATED)
                                    for raw, kind in zip(sample, kinds, strict=True)
                                    if kind is not None], None)
        found = (self.store.records.get(record_id(source.id, raw.oai_identifier))
                 for raw in sample)
        return [record for record in found if record is not None]

    def publish(self, source_id: str) -> IndexUpdate:
        """Make a source's records public and bring them into the index."""
        self.store.sources.set_status(source_id, SourceStatus.PUBLISHED)
        return self.update_index()

    def unpublish(self, source_id: str) -> IndexUpdate:
        """Take a source's records out of the public index (they stay in the store)."""
        self.store.sources.set_status(source_id, SourceStatus.DRAFT)
        return self.update_index()

    def approve(self, source_id: str, run_id: int) -> HarvestRun:
        """Apply the deletions of a run held by the mass-deletion guard."""
        source = self.store.sources.get(source_id)
        return approve(self.store, source_id, run_id,
                       lambda changes, rid: self._map_page(source, changes, rid))

    def reject(self, source_id: str, run_id: int) -> HarvestRun:
        """Drop the deletions of a held run."""
        return reject(self.store, source_id, run_id)

    def report(self, source_id: str, run_id: int | None = None) -> dict[str, Any]:
        """The report of a source's latest (or a given) harvest run."""
        return run_report(self.store, source_id, run_id)

    def remap(self, source_id: str) -> MapOutcome:
        """Map a source again from its stored raw records, without re-harvesting."""
        source = self.store.sources.get(source_id)
        mapped = deleted = quarantined = 0
        batch: list[tuple[RawRecord, ChangeKind]] = []
        for raw in self.store.raw.iter(source_id):
            deleted += raw.deleted
            mapped += not raw.deleted
            batch.append((raw, ChangeKind.UPDATED))
            if len(batch) == 500:
                quarantined += self._map_batch(source, batch)
                batch.clear()
        if batch:
            quarantined += self._map_batch(source, batch)
        return MapOutcome(mapped=mapped - quarantined, deleted=deleted, quarantined=quarantined)

    def set_profile(self, source_id: str, profile: MappingProfile) -> Source:
        """Check and save a source's mapping profile (``remap`` applies it)."""
        try:
            check_profile(profile)
        except MappingError as exc:
            raise ConfigError(exc.message, source_id=source_id, field=exc.field) from exc
        return self.store.sources.set_profile(source_id, profile)

    def mapping_report(self, source_id: str) -> MappingReport:
        """The mapping report of a source over its stored records (after a map/harvest).

        ``failed`` lists the records that could not be mapped (OAI identifier, reason)
        and are still unmapped: quarantined by mapping and without a live record.
        """
        self.store.sources.get(source_id)  # NotFoundError for an unknown source
        records = list(self.store.records.iter(source_id))
        failed: dict[str, str] = {}
        for item in self.store.quarantine.list(source_id):
            if item.stage == "mapping" and item.oai_identifier and not self.store.records.exists(
                    record_id(source_id, item.oai_identifier)):
                failed[item.oai_identifier] = item.reason
        return MappingReport(source_id=source_id, records=len(records),
                             failed=tuple(sorted(failed.items())),
                             quality=assess_quality(records), rights=rights_report(records))

    def _map_batch(self, source: Source, batch: Sequence[tuple[RawRecord, ChangeKind]]) -> int:
        with self.store.db.transaction():
            return self._map_page(source, batch, None)

    def _map_page(
        self,
        source: Source,
        changes: Iterable[tuple[RawRecord, ChangeKind]],
        run_id: int | None,
    ) -> int:
        """Map one page inside its transaction; returns how many were quarantined."""
        return PageMapper(source, self.store)(changes, run_id)

    def update_index(self, *, rebuild: bool = False) -> IndexUpdate:
        """Bring the index up to date with the store (rebuild it if asked or needed)."""
        indexer = Indexer(self.settings.index_dir, procs=self.settings.index_procs)
        applied = indexer.applied_seq()
        last = self.store.records.last_seq()
        # Only published sources reach the index; a record of a draft source counts
        # as a deletion (publishing renumbers a source's records, see Sources.set_status).
        public = self.store.sources.published_ids()
        if rebuild or indexer.needs_rebuild() or applied == 0 or applied > last:
            indexer.rebuild((r for r in self.store.records.iter() if r.source_id in public), last)
            return IndexUpdate(True, self.store.records.count(), indexer.doc_count(), last)
        changes = [(rid, record if record is None or record.source_id in public else None)
                   for _seq, rid, record in self.store.records.changes_since(applied)]
        if changes:
            indexer.update(changes, last)
        return IndexUpdate(False, len(changes), indexer.doc_count(), last)

    def source(self, source_id: str) -> Source:
        """A registered source (``NotFoundError`` when there is none)."""
        return self.store.sources.get(source_id)


__all__ = ["IndexUpdate", "MapOutcome", "NotFoundError", "Pipeline"]
