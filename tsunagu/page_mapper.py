"""The page mapper: the pipeline's page hook, mapping each stored page's records.

A harvest (or an upload) stores a page of raw records and, in the same
transaction, hands what changed to a :class:`PageMapper`: each live record is
mapped (:func:`~tsunagu.mappings.map_records`) and written as normalized
records; a deleted one, and the components (EAD) a record no longer has, become
tombstones; a record that cannot be mapped goes to the quarantine with its
bytes and the reason, and the rest goes on.

A mapper is portable (:class:`~tsunagu.harvester.page_writer.PortableHook`):
it pickles without its store, and :meth:`PageMapper.for_store` gives the same
mapper over another store: the one a harvest's store process opens.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from tsunagu.errors import MappingError
from tsunagu.mappings import map_records
from tsunagu.records import RawRecord, Record, Source, record_id
from tsunagu.store import ChangeKind, Store

logger = logging.getLogger(__name__)


class PageMapper:
    """Maps the records of ``source`` into ``store``, a page at a time."""

    def __init__(self, source: Source, store: Store) -> None:
        self.source = source
        self.store = store

    def for_store(self, store: Store) -> PageMapper:
        return PageMapper(self.source, store)

    def __reduce__(self) -> tuple[object, ...]:
        return (_unbound, (self.source,))  # the store stays behind: see for_store

    def __call__(self, changes: Iterable[tuple[RawRecord, ChangeKind]],
                 run_id: int | None) -> int:
        """Map one page inside its transaction; returns how many were quarantined."""
        source, store = self.source, self.store
        quarantined = 0
        mapped: list[Record] = []
        for raw, kind in changes:
            rid = record_id(source.id, raw.oai_identifier)
            if raw.deleted:
                self._delete_tree(rid, raw.oai_identifier, keep=())
                continue
            if kind is ChangeKind.UNCHANGED and store.records.exists(rid):
                continue
            try:
                records = map_records(raw, source)
            except MappingError as exc:
                quarantined += 1
                logger.warning("%s: record %s quarantined: %s", source.id,
                               raw.oai_identifier, exc)
                store.quarantine.add(source.id, raw.oai_identifier, stage="mapping",
                                     reason=str(exc), raw=raw.xml, run_id=run_id)
                continue
            if len(records) > 1 or store.records.has_components(rid):
                self._delete_tree(rid, raw.oai_identifier, keep=[r.id for r in records])
            mapped.extend(records)
        store.records.put_many(mapped)
        return quarantined

    def _delete_tree(self, rid: str, oai_identifier: str, keep: Sequence[str]) -> None:
        """Tombstone a record and those of its components (EAD) not in ``keep``."""
        for stale in [rid, *self.store.records.component_ids(rid)]:
            if stale not in keep:
                self.store.records.delete(stale, self.source.id, oai_identifier)


class _Unbound(PageMapper):
    """A mapper unpickled without a store: only :meth:`for_store` may be called."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def __call__(self, changes: Iterable[tuple[RawRecord, ChangeKind]],
                 run_id: int | None) -> int:
        raise RuntimeError("an unpickled PageMapper has no store: call for_store() first")


def _unbound(source: Source) -> PageMapper:
    return _Unbound(source)
