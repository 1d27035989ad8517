"""Store an uploaded feed like a harvest: one run, pages of upserts, the same reports.

An upload is a complete picture of the source: records it no longer contains
are deleted ("deleted since the last upload"), behind the same mass-deletion
guard as a full harvest (a run that would delete too much is ``held`` until a
person approves it). Each page of records is stored in one transaction with
the mapping hook's writes, the run's counters and its changes, so the run
report lists what was new, updated, unchanged and deleted.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence

from tsunagu.config import Settings
from tsunagu.errors import TsunaguError
from tsunagu.harvester.deletions import PageHook, apply_deletions, guard_message
from tsunagu.records import RawRecord, Source
from tsunagu.store import ChangeKind, HarvestRun, Store, utc_now

logger = logging.getLogger(__name__)

PAGE = 500


@dataclasses.dataclass(frozen=True)
class RejectedRow:
    """A row or record of an upload that cannot be stored, kept for the quarantine."""

    oai_identifier: str | None
    reason: str
    raw: bytes


def ingest_records(source: Source, store: Store, settings: Settings,
                   records: Sequence[RawRecord], rejected: Sequence[RejectedRow], *,
                   on_page: PageHook, note: str = "upload") -> HarvestRun:
    """Store an upload's records as one run of ``source`` and return the run."""
    started = time.monotonic()
    now = utc_now()
    run_id = store.runs.start(source.id, None, now, full=True)
    try:
        with store.db.transaction():
            store.runs.log.add_issue(run_id, None, "upload", note)
            for item in rejected:
                store.quarantine.add(source.id, item.oai_identifier, stage="parsing",
                                     reason=item.reason, raw=item.raw, run_id=run_id)
                store.runs.log.add_issue(run_id, item.oai_identifier, "quarantined",
                                         item.reason)
            store.runs.add_counts(run_id, quarantined=len(rejected))
        for start in range(0, len(records), PAGE):
            _store_page(store, run_id, records[start:start + PAGE], on_page)
        store.raw.stage_missing(source.id, run_id, now)
        held = guard_message(store, source.id, run_id, settings)
        if held is not None:
            with store.db.transaction():
                store.runs.log.add_issue(run_id, None, "held", held)
                store.runs.finish(run_id, "held", held)
        else:
            apply_deletions(store, run_id, on_page)
            store.runs.finish(run_id, "ok")
    except TsunaguError as exc:
        logger.error("%s: upload failed: %s", source.id, exc)
        with store.db.transaction():
            store.runs.log.add_issue(run_id, None, "error", str(exc))
            store.runs.finish(run_id, "failed", str(exc))
    finally:
        store.runs.add_counts(run_id, seconds=time.monotonic() - started)
    return store.runs.get(run_id)


def _store_page(store: Store, run_id: int, page: Sequence[RawRecord],
                on_page: PageHook) -> None:
    with store.db.transaction():
        kinds = store.raw.put_many(page, run_id)
        changes = [(raw, kind) for raw, kind in zip(page, kinds, strict=True)
                   if kind is not None]
        quarantined = on_page(changes, run_id)
        counts = {kind.value: 0 for kind in ChangeKind}
        for _raw, kind in changes:
            counts[kind.value] += 1
        store.runs.add_counts(run_id, quarantined=quarantined, **counts)
        store.runs.log.add_changes(run_id, [(raw.oai_identifier, kind.value)
                                            for raw, kind in changes])
