"""One harvest run of one source, start to end: its life, not its listing.

:func:`harvest_source` decides whether the source is asked at all (a run held
for approval, a source parked until later, another process harvesting it), then
a run starts, or resumes from its checkpoint (:mod:`tsunagu.harvester.pages`
stores each page with one, so a crash loses and duplicates nothing). The run's
range goes from the high-water mark minus an overlap, or from the beginning for
a full harvest (asked, the first, or a periodic reconciliation for servers
without persistent deletions), until the server's clock. Before listing, the
source's prefix and sets are checked against the server's ListMetadataFormats
and ListSets (:func:`~tsunagu.harvester.probe.check_source`); the listing of
its windows, sets and pages, with the recovery from errors, is
:class:`~tsunagu.harvester.listing.Listing`'s.

When the listing is done the run completes: deletions staged during the run are
applied behind the mass-deletion guard, or the run is held for a person
(:mod:`tsunagu.harvester.deletions`); the high-water mark moves to the run's
``until``. A server asking for a longer wait than a run may block, or the run's
deadline, *parks* the source: the run stops with its checkpoint and
``resume_after``, and harvests before that time skip the source instead of
asking again. Whatever the end, the run's counters (requests, seconds, records
left out for excluded sets) are stored with it.
"""

from __future__ import annotations

import collections
import logging
import time
from datetime import UTC, datetime, timedelta

from tsunagu.config import Settings
from tsunagu.errors import DeadlineExceededError, SourceParkedError, StoreError, TsunaguError
from tsunagu.harvester.client import OAIClient
from tsunagu.harvester.deletions import (
    PageHook,
    apply_deletions,
    guard_message,
    short_list_message,
)
from tsunagu.harvester.listing import Listing
from tsunagu.harvester.lock import source_lock, wait_for_store_process
from tsunagu.harvester.page_writer import (
    Progress,
    ProgressHook,
    Tally,
    open_writer,
)
from tsunagu.harvester.pages import PageStore
from tsunagu.harvester.politeness import HostGates
from tsunagu.harvester.probe import check_source
from tsunagu.harvester.protocol import Identity
from tsunagu.harvester.windows import Window, clock_ahead, parse_datestamp, plan_window
from tsunagu.records import Source
from tsunagu.store import HarvestRun, Store, utc_now
from tsunagu.store.run_log import RequestEntry

__all__ = ["Progress", "ProgressHook", "harvest_source"]

logger = logging.getLogger(__name__)

#: Pages a run remembers the requests of until they are known stored: more than a
#: writer ever has waiting (a store process 8, a writer thread 3).
_HANDED = 32


def harvest_source(
    source: Source,
    store: Store,
    settings: Settings,
    *,
    on_page: PageHook,
    full: bool = False,
    progress: ProgressHook | None = None,
    client: OAIClient | None = None,
    gates: HostGates | None = None,
) -> HarvestRun:
    """Harvest ``source`` incrementally (or in full) and return the stored run.

    A source with a held run, or parked until later, is not asked anything: its
    latest run is returned as it is. Errors end the run with status ``failed``
    and a message; the checkpoint is kept so the next run resumes there.
    """
    held = store.runs.held(source.id)
    if held is not None:
        logger.warning("%s: run %d is held for approval; not harvesting", source.id, held.id)
        return held
    latest = store.runs.latest(source.id)
    if latest is not None and latest.status == "parked" and (latest.resume_after or "") > (
            utc_now()):
        logger.info("%s: parked until %s", source.id, latest.resume_after)
        return latest
    with source_lock(settings, source.id) as acquired:
        if not acquired:
            return _busy(source, store, latest)
        try:  # a killed harvest's store process stores what it was handed, then ends
            wait_for_store_process(settings, source.id)
        except TsunaguError as exc:
            return _busy(source, store, latest, str(exc))
        oai = client or OAIClient(source, settings, gates=gates)
        run = _Run(source, store, settings, oai, on_page, progress)
        try:
            run.execute(full=full, latest=latest)
        finally:
            if client is None:
                oai.close()
        return store.runs.get(run.run_id)


def _busy(source: Source, store: Store, latest: HarvestRun | None,
          message: str = "another harvest of this source is running") -> HarvestRun:
    """Another process harvests the source right now: leave it alone."""
    logger.warning("%s: %s; not harvesting", source.id, message)
    if latest is not None and latest.status == "running":
        return latest
    run_id = store.runs.start(source.id, None, None)
    store.runs.finish(run_id, "failed", message)
    return store.runs.get(run_id)


class _Run:
    """One harvest run while it goes: its start or resumption, its end, its counters."""

    def __init__(self, source: Source, store: Store, settings: Settings, oai: OAIClient,
                 on_page: PageHook, progress: ProgressHook | None) -> None:
        self.source = source
        self.store = store
        self.settings = settings
        self.oai = oai
        self.on_page = on_page
        self.pages_store = PageStore(store, source, settings, on_page=on_page)
        self.tally = Tally(source.id, progress)
        self.run_id = 0
        self.counted_requests = 0
        self._returned: list[RequestEntry] = []  # of pages not stored, counted at the end
        #: The latest pages handed over: (number, requests, made), until known stored.
        self._handed: collections.deque[tuple[int, tuple[RequestEntry, ...], int]] = (
            collections.deque(maxlen=_HANDED))

    def execute(self, *, full: bool, latest: HarvestRun | None) -> None:
        source, store = self.source, self.store
        started = time.monotonic()
        deadline = started + self.settings.run_deadline
        self.oai.transport.deadline = deadline
        checkpoint = store.runs.checkpoint(source.id)
        if checkpoint is None and latest is not None and latest.status == "running":
            store.runs.finish(latest.id, "failed", "interrupted before its first page")
        try:
            identity = self.oai.identify()
            if checkpoint is not None:
                self.run_id = checkpoint.run_id
                store.runs.resume(self.run_id)
                resumed = store.runs.get(self.run_id)
                full = resumed.full
                # The run's whole window; the checkpoint may name a part of it.
                window = Window(resumed.from_param, resumed.until_param) if (
                    resumed.until_param) else Window(
                    checkpoint.from_param, checkpoint.until_param or plan_window(
                        None, identity.response_date, day=identity.day_granularity,
                        overlap_seconds=0).until)
                logger.info("%s: resuming run %d from its checkpoint", source.id, self.run_id)
            else:
                high_water = None if full else store.sources.high_water(source.id)
                full = full or high_water is None or self._reconciliation_due(identity)
                window = plan_window(
                    None if full else high_water, identity.response_date,
                    day=identity.day_granularity, overlap_seconds=self.settings.overlap_seconds)
                self.run_id = store.runs.start(source.id, window.from_, window.until, full=full)
                ahead = clock_ahead(identity.response_date)
                if ahead is not None:
                    self._note("clock", f"the server's clock (responseDate "
                               f"{identity.response_date}) is {_hours(ahead)} ahead of this "
                               f"machine's: a local time written with a Z? until is this "
                               f"machine's clock, {window.until}")
            if checkpoint is None or checkpoint.stage == "listing":
                self._check_source()
                writer = open_writer(store, source, self.settings, self.on_page, self.tally)
                try:
                    listing = Listing(source, store, self.settings, self.oai, writer=writer,
                                      pages_store=self.pages_store,
                                      take_requests=self._take_requests, run_id=self.run_id,
                                      pages=checkpoint.pages if checkpoint else 0,
                                      deadline=deadline, earliest=identity.earliest_datestamp,
                                      issue=self._issue)
                    window = listing.windows(window, checkpoint)
                finally:
                    try:
                        writer.close()
                    finally:
                        self._give_back()
            self._complete(window, full=full)
        except SourceParkedError as exc:
            wait = min(exc.wait_seconds, self.settings.max_park_seconds)
            self._stop("parked", str(exc), resume_after=_later(wait))
        except DeadlineExceededError as exc:
            self._stop("parked", f"{exc}; resumes from the checkpoint", resume_after=_later(0))
        except TsunaguError as exc:
            self._stop("failed", str(exc))
        finally:
            if self.run_id:
                with store.db.transaction():
                    if self.tally.excluded:
                        store.runs.log.add_issue(
                            self.run_id, None, "excluded",
                            f"{self.tally.excluded} records in excluded sets "
                            f"({', '.join(source.exclude_sets)}) were not stored")
                    for base, moved in self.oai.transport.moved:
                        store.runs.log.add_issue(
                            self.run_id, None, "moved", f"{base} moved permanently to "
                            f"{moved}: asked there for the rest of the run; the source's base "
                            "URL should be changed to it")
                    self._count_requests()
                    store.runs.add_counts(self.run_id, seconds=time.monotonic() - started)
                self._prune_pages()

    def _prune_pages(self) -> None:
        """Drop the kept pages no record needs any more; a failure loses nothing (the
        next run prunes them) and must not hide how this run ended."""
        try:
            self.store.pages.prune(self.source.id, self.settings.keep_page_runs)
        except StoreError as exc:
            logger.warning("%s: old harvested pages not pruned: %s", self.source.id, exc)

    def _reconciliation_due(self, identity: Identity) -> bool:
        """A periodic full harvest for servers that do not keep deletions."""
        if identity.deleted_record.lower() == "persistent":
            return False
        last = self.store.runs.last_full(self.source.id)
        when = parse_datestamp(last.started_at) if last else None
        return when is None or datetime.now(UTC) - when > timedelta(
            days=self.settings.full_harvest_days)

    def _stop(self, status: str, message: str, *, resume_after: str | None = None) -> None:
        log = logger.error if status == "failed" else logger.warning
        log("%s: harvest %s: %s", self.source.id, status, message)
        with self.store.db.transaction():
            if not self.run_id:
                self.run_id = self.store.runs.start(self.source.id, None, None)
            self.store.runs.log.add_issue(self.run_id, None,
                                          "held" if status == "held" else "error", message)
            self.store.runs.finish(self.run_id, status, message, resume_after=resume_after)

    def _check_source(self) -> None:
        """Prefix and sets still offered? A ConfigError ends the run before any listing."""
        for warning in check_source(self.oai.transport, self.source):
            logger.warning("%s: %s", self.source.id, warning)
            self.store.runs.log.add_issue(self.run_id, None, "check", warning)

    # -- completion -------------------------------------------------------------
    def _complete(self, window: Window, *, full: bool) -> None:
        store, source, run_id = self.store, self.source, self.run_id
        missing = store.raw.stage_missing(source.id, run_id, window.until) if full else 0
        if missing:
            logger.info("%s: %d records missing from the full harvest", source.id, missing)
        held = (guard_message(store, source.id, run_id, self.settings)
                or short_list_message(store, source.id, run_id, missing))
        if held is not None:
            self._stop("held", held)
            with store.db.transaction():
                store.runs.clear_checkpoint(source.id)
            return
        apply_deletions(store, run_id, self.on_page)
        with store.db.transaction():
            store.sources.set_high_water(source.id, window.until)
            store.runs.clear_checkpoint(source.id)
            self._count_requests()
            store.runs.finish(run_id, "ok")

    def _issue(self, message: str) -> None:
        self._note("retry", message)

    def _note(self, kind: str, message: str) -> None:
        """Log ``message`` and keep it with the run (its report shows it)."""
        logger.warning("%s: %s", self.source.id, message)
        self.store.runs.log.add_issue(self.run_id, None, kind, message)

    def _take_requests(self, page: int | None = None) -> tuple[tuple[RequestEntry, ...], int]:
        """The run's request log since the last call, and the requests made since (for
        the transaction of page number ``page``, or of the run's end)."""
        made = self.oai.requests
        counted, self.counted_requests = self.counted_requests, made
        entries, self._returned = (*self._returned, *self.oai.drain_log()), []
        if page is not None:
            self._handed.append((page, entries, made - counted))
        return entries, made - counted

    def _give_back(self) -> None:
        """The requests of pages handed over but not stored (a page that failed, those
        dropped after it, those lost with a store process) are counted with the run's
        end instead. Stored or not, the committed checkpoint says: a page is stored with
        its checkpoint, in one transaction."""
        checkpoint = self.store.runs.checkpoint(self.source.id)
        stored = checkpoint.pages if checkpoint and checkpoint.run_id == self.run_id else 0
        for page, entries, made in self._handed:
            if page > stored:
                self._returned.extend(entries)
                self.counted_requests -= made
        self._handed.clear()

    def _count_requests(self) -> None:
        """Add the requests made since the last count to the run."""
        entries, made = self._take_requests()
        self.store.runs.log.add_requests(self.run_id, entries)
        if made:
            self.store.runs.add_counts(self.run_id, requests=made)


def _later(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hours(span: timedelta) -> str:
    """``span`` for a person: hours with one decimal, or minutes under an hour."""
    seconds = span.total_seconds()
    return f"{seconds / 3600:.1f} hours" if seconds >= 3600 else f"{seconds / 60:.0f} minutes"
