"""The pipeline: the one place where the stages are wired together.

``harvester -> mappings -> index``: a harvest stores each page of raw records and
maps them in the same transaction (bad records go to the quarantine, the rest
goes on); ``update_index`` brings the Whoosh index up to date with the store's
change sequence. The CLI and the demo call these services; the site only reads.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Iterable, Sequence

from tsunagu.config import Settings
from tsunagu.errors import MappingError, NotFoundError
from tsunagu.harvester import Progress, check_url, harvest_source
from tsunagu.index import Indexer
from tsunagu.mappings import map_record
from tsunagu.records import RawRecord, Source, record_id
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
        """Harvest the given sources (all when none are given), one after another."""
        sources = (
            [self.store.sources.get(sid) for sid in source_ids]
            if source_ids else self.store.sources.list()
        )
        runs = []
        for source in sources:
            runs.append(harvest_source(
                source, self.store, self.settings,
                on_page=functools.partial(self._map_page, source),
                full=full, progress=progress,
            ))
        return runs

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
        quarantined = 0
        for raw, kind in changes:
            rid = record_id(source.id, raw.oai_identifier)
            if raw.deleted:
                self.store.records.delete(rid, source.id, raw.oai_identifier)
                continue
            if kind is ChangeKind.UNCHANGED and self.store.records.get(rid) is not None:
                continue
            try:
                self.store.records.put(map_record(raw, source))
            except MappingError as exc:
                quarantined += 1
                logger.warning("%s: record %s quarantined: %s", source.id,
                               raw.oai_identifier, exc)
                self.store.quarantine.add(
                    source.id, raw.oai_identifier, stage="mapping", reason=str(exc),
                    raw=raw.xml, run_id=run_id,
                )
        return quarantined

    def update_index(self, *, rebuild: bool = False) -> IndexUpdate:
        """Bring the index up to date with the store (rebuild it if asked or needed)."""
        indexer = Indexer(self.settings.index_dir)
        applied = indexer.applied_seq()
        last = self.store.records.last_seq()
        if rebuild or indexer.needs_rebuild() or applied == 0 or applied > last:
            indexer.rebuild(self.store.records.iter(), last)
            return IndexUpdate(True, self.store.records.count(), indexer.doc_count(), last)
        changes = [(rid, record) for _seq, rid, record in self.store.records.changes_since(applied)]
        if changes:
            indexer.update(changes, last)
        return IndexUpdate(False, len(changes), indexer.doc_count(), last)

    def source(self, source_id: str) -> Source:
        """A registered source (``NotFoundError`` when there is none)."""
        return self.store.sources.get(source_id)


__all__ = ["IndexUpdate", "MapOutcome", "NotFoundError", "Pipeline"]
