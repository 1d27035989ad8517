"""Deletions: staged during a run, guarded, then applied — or held for a person.

A run never deletes as it goes. Records the server marks ``status="deleted"``,
and, after a complete full harvest, live records the server no longer lists
(reconciliation for servers without persistent deletions), are *staged* in the
page's transaction. When the run completes, the mass-deletion guard compares
them with the source's live records: above ``Settings.mass_deletion_share`` (and
at least ``mass_deletion_min`` records), or above ``mass_deletion_max`` records
whatever the share (a large source losing a small share of its records can still
lose very many), the run is ``held`` and nothing is deleted until
``tsunagu harvest approve SOURCE RUN``; otherwise the tombstones
are written in batches (each with the mapping hook, which removes the records
from the index). A truncated or failed run never gets here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from tsunagu.config import Settings
from tsunagu.errors import HarvestError
from tsunagu.records import RawRecord
from tsunagu.store import ChangeKind, HarvestRun, Store

logger = logging.getLogger(__name__)

#: The pipeline's mapping hook: ``(changes, run id) -> records quarantined``.
PageHook = Callable[[Sequence[tuple[RawRecord, ChangeKind]], int], int]

BATCH = 500


#: The run log's kind for a list that ended short of the size its server announced.
SHORT_LIST = "short_list"


def short_list_message(store: Store, source_id: str, run_id: int, missing: int) -> str | None:
    """Why a full harvest's ``missing`` records (not listed, so to be deleted) must be held:
    a list of the run ended before the size its server announced, so they may be missing
    from that list, not from the repository. None when every list was whole."""
    short = store.runs.log.issues(run_id, [SHORT_LIST])
    if not missing or not short:
        return None
    return (f"held: {missing:,} records were missing from this full harvest, but "
            f"{short[0].message}{f' (and {len(short) - 1} more lists)' if len(short) > 1 else ''}"
            "; a list cut short would delete records the repository still has, so nothing "
            f"was deleted. Approve with `tsunagu harvest approve {source_id} {run_id}` or "
            f"reject with `tsunagu harvest reject {source_id} {run_id}`")


def guard_message(store: Store, source_id: str, run_id: int, settings: Settings) -> str | None:
    """Why the run's staged deletions must be held, or None when they may go ahead."""
    doomed = store.raw.live_pending_count(run_id)
    over_max = 0 < settings.mass_deletion_max < doomed
    if doomed < settings.mass_deletion_min and not over_max:
        return None  # too few to weigh against the share: no count of live records
    live = store.raw.count(source_id)
    share = doomed / live if live else 1.0
    passed: list[str] = []
    if over_max:
        passed.append(f"more than the {settings.mass_deletion_max:,} records allowed at once")
    if doomed >= settings.mass_deletion_min and doomed > settings.mass_deletion_share * live:
        passed.append(f"more than the {settings.mass_deletion_share:.0%} allowed")
    if not passed:
        return None
    return (f"held: this run would delete {doomed:,} of {live:,} live records ({share:.0%}, "
            f"{' and '.join(passed)}); nothing was deleted. "
            f"Approve with `tsunagu harvest approve {source_id} {run_id}` or reject with "
            f"`tsunagu harvest reject {source_id} {run_id}`")


def apply_deletions(store: Store, run_id: int, on_page: PageHook) -> int:
    """Write the run's staged deletions as tombstones; how many live records went."""
    deleted = 0
    while True:
        batch = store.raw.pending_deletions(run_id, limit=BATCH)
        if not batch:
            return deleted
        source_id = batch[0][0].source_id
        identifiers = [raw.oai_identifier for raw, _page in batch]
        with store.db.transaction():
            # A record the run stored live on a page after the one that said it was
            # deleted wins; one seen live before it is deleted (what the server says
            # last wins).
            alive = store.raw.seen_live_in_run(source_id, run_id, identifiers)
            by_page: dict[int | None, list[RawRecord]] = {}  # the page that said so
            for raw, page_id in batch:
                if not _live_after(alive, raw.oai_identifier, page_id):
                    by_page.setdefault(page_id, []).append(raw)
            changes: list[tuple[RawRecord, ChangeKind]] = []
            for page_id, doomed in by_page.items():
                kinds = store.raw.put_many(doomed, run_id, skip_seen=False, page_id=page_id)
                changes += [(raw, kind) for raw, kind in zip(doomed, kinds, strict=True)
                            if kind is ChangeKind.DELETED]
            on_page(changes, run_id)
            store.runs.add_counts(run_id, deleted=len(changes))
            store.runs.log.add_changes(run_id, [(raw.oai_identifier, "deleted")
                                                for raw, _kind in changes])
            store.raw.unstage(run_id, identifiers)
        deleted += len(changes)


def _live_after(alive: dict[str, int | None], identifier: str, page_id: int | None) -> bool:
    """Was ``identifier`` stored live by the run after the page ``page_id`` said it was
    deleted? (``alive``: the run's live records by the page each was last seen in;
    without both pages to compare, the live record wins.)"""
    if identifier not in alive:
        return False
    live_page = alive[identifier]
    return live_page is None or page_id is None or live_page > page_id


def approve(store: Store, source_id: str, run_id: int, on_page: PageHook) -> HarvestRun:
    """Apply a held run's deletions and complete it (a person said yes)."""
    run = _held(store, source_id, run_id)
    deleted = apply_deletions(store, run_id, on_page)
    with store.db.transaction():
        if run.until_param:
            store.sources.set_high_water(source_id, run.until_param)
        store.runs.log.add_issue(run_id, None, "approved",
                                 f"deletions approved: {deleted} records deleted")
        store.runs.finish(run_id, "ok")
    logger.info("%s: run %d approved, %d records deleted", source_id, run_id, deleted)
    return store.runs.get(run_id)


def reject(store: Store, source_id: str, run_id: int) -> HarvestRun:
    """Drop a held run's deletions (a person said no); the high-water mark stays where the
    run's completed windows moved it (the last window is listed again next time)."""
    _held(store, source_id, run_id)
    with store.db.transaction():
        dropped = store.raw.discard_pending(run_id)
        store.runs.log.add_issue(run_id, None, "rejected",
                                 f"deletions rejected: {dropped} staged deletions dropped")
        store.runs.finish(run_id, "rejected", f"{dropped} staged deletions rejected")
    return store.runs.get(run_id)


def _held(store: Store, source_id: str, run_id: int) -> HarvestRun:
    run = store.runs.get(run_id)
    if run.source_id != source_id or run.status != "held":
        raise HarvestError(f"run {run_id} is not a held run of this source (it is "
                           f"{run.status!r} of {run.source_id!r})", source_id=source_id)
    return run
