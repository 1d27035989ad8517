"""Writing the index: incremental updates from the store's changes, full rebuilds.

The index follows the store's change sequence: :meth:`Indexer.update` applies
the changes after :meth:`Indexer.applied_seq` and records the new sequence
number; :meth:`Indexer.rebuild` builds a fresh generation from every record and
swaps it in atomically (see :mod:`tsunagu.index.directory`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tsunagu.errors import IndexingError, TsunaguError
from tsunagu.index.directory import IndexDirectory
from tsunagu.index.postings import SegmentWriter
from tsunagu.index.schema import SCHEMA_VERSION, build_schema, document_for
from tsunagu.index.workers import write_segments
from tsunagu.records import Record

log = logging.getLogger(__name__)

#: Memory of an incremental update's writer before Whoosh spills a run to disk.
LIMIT_MB = 256
#: Seconds to wait for another writer's lock before giving up.
LOCK_TIMEOUT = 30.0


class Indexer:
    """Opens (or creates) the index in ``index_dir`` and keeps it up to date.

    :meth:`rebuild` writes the segments itself (:mod:`tsunagu.index.workers`),
    in ``procs`` processes when ``procs`` > 1; incremental updates go through
    Whoosh's writer (our :class:`~tsunagu.index.postings.SegmentWriter`) in this
    process.
    """

    def __init__(self, index_dir: Path, *, procs: int = 1) -> None:
        self._directory = IndexDirectory(index_dir)
        self._procs = max(1, procs)
        if self._directory.current() is None:
            generation, ix = self._directory.create(build_schema())
            ix.close()
            self._directory.write_state(generation, 0, SCHEMA_VERSION)
            self._directory.publish(generation)
            log.info("created an empty search index in %s", generation)

    def applied_seq(self) -> int:
        """The store change sequence the index reflects (0 for a new index)."""
        generation = self._directory.current()
        if generation is None:
            return 0
        return self._directory.read_state(generation)["applied_seq"]

    def needs_rebuild(self) -> bool:
        """Whether the index was built with another schema or analysis version."""
        generation = self._directory.current()
        if generation is None:
            return True
        return self._directory.read_state(generation)["schema_version"] != SCHEMA_VERSION

    def doc_count(self) -> int:
        """Live (not deleted) documents in the index."""
        ix = self._open_current()[1]
        try:
            return int(ix.doc_count())
        finally:
            ix.close()

    def update(self, changes: Iterable[tuple[str, Record | None]], seq: int) -> int:
        """Apply ``(record id, record or None to delete)`` changes; remember ``seq``.

        Records are upserted by id; the last change of an id in the batch wins.
        Returns how many changes were applied. Raises :class:`IndexingError` when
        the index cannot be written or needs a rebuild first.
        """
        if self.needs_rebuild():
            raise IndexingError(
                "the search index was built with another schema version; rebuild it"
            )
        latest: dict[str, Record | None] = {}
        for record_id, record in changes:
            latest.pop(record_id, None)  # keep the order of the last change
            latest[record_id] = record
        generation, ix = self._open_current()
        try:
            if latest:
                writer = self._writer(ix)
                try:
                    for record_id, record in latest.items():
                        if record is None:
                            writer.delete_by_term("id", record_id)
                        else:
                            writer.update_document(**document_for(record))
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
        except TsunaguError:
            raise
        except Exception as exc:
            raise IndexingError(f"cannot update the search index in {generation}: {exc}") from exc
        finally:
            ix.close()
        previous = self._directory.read_state(generation)["applied_seq"]
        if seq < previous:
            log.warning("index sequence goes back from %d to %d", previous, seq)
        self._directory.write_state(generation, seq, SCHEMA_VERSION)
        log.info("applied %d index changes up to seq %d", len(latest), seq)
        return len(latest)

    def rebuild(self, records: Iterable[Record], seq: int) -> int:
        """Index every record into a fresh generation, then swap it in atomically.

        Until the swap, searches keep using the previous index. Returns the
        number of documents indexed; a record id seen twice keeps its first
        record (the store never yields duplicates).
        """
        started = time.perf_counter()
        generation, ix = self._directory.create(build_schema())
        try:
            # A new generation: no other writer can reach it before it is published.
            count = write_segments(ix, records, procs=self._procs)
            ix.close()
            self._directory.write_state(generation, seq, SCHEMA_VERSION)
        except BaseException as exc:
            ix.close()
            self._directory.discard(generation)
            if isinstance(exc, TsunaguError) or not isinstance(exc, Exception):
                raise
            raise IndexingError(f"cannot rebuild the search index: {exc}") from exc
        self._directory.publish(generation)
        elapsed = time.perf_counter() - started
        log.info(
            "rebuilt the search index: %d records in %.1f s (%.0f/s) into %s",
            count,
            elapsed,
            count / elapsed if elapsed else 0.0,
            generation,
        )
        return count

    def _open_current(self) -> tuple[Path, Any]:
        generation = self._directory.current()
        if generation is None:
            raise IndexingError(f"no search index in {self._directory.path}")
        return generation, self._directory.open(generation)

    def _writer(self, ix: Any) -> Any:
        try:
            return SegmentWriter(ix, limitmb=LIMIT_MB, timeout=LOCK_TIMEOUT)
        except Exception as exc:
            raise IndexingError(f"cannot lock the search index for writing: {exc}") from exc
