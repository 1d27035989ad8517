"""One harvest run of one source: windows, sets, pages, checkpoints and the run record.

The run's range (from the high-water mark minus an overlap, or from the beginning
for a full harvest, until the server's clock) is listed as windows of
``window_days`` (the source's, else ``Settings.window_days``) planned up front
(:class:`~tsunagu.harvester.windows.WindowPlan`): each window over every set,
window after window. Each page is stored in one SQLite transaction with its
checkpoint (:mod:`tsunagu.harvester.pages`), so a crash at any moment loses and
duplicates nothing: a re-run resumes from the checkpoint's token, in its window.
The high-water mark that the next incremental harvest starts ``from`` moves
forward as each window completes, with the window's last page. Deletions are
staged and applied when the whole run completes, behind the mass-deletion guard
(:mod:`tsunagu.harvester.deletions`).

A server asking for a longer wait than a run may block, or the run's deadline,
*parks* the source: the run stops with its checkpoint and ``resume_after``, and
harvests before that time skip the source instead of asking again.

Before listing, the source's prefix and sets are checked against the server's
ListMetadataFormats and ListSets (:func:`~tsunagu.harvester.probe.check_source`).
A part of a window that keeps failing (retries exhausted, or its restarts after
rejected tokens used up) is split in two by time (:mod:`tsunagu.harvester.splitting`);
the parts are listed left to right, each page checkpointed with its part.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from tsunagu.config import Settings
from tsunagu.errors import (
    BlockedAddressError,
    DeadlineExceededError,
    HarvestError,
    OAIError,
    ResponseTooLargeError,
    SourceParkedError,
    TransportError,
    TsunaguError,
)
from tsunagu.harvester.client import OAIClient
from tsunagu.harvester.conformance import ConformanceCheck
from tsunagu.harvester.deletions import PageHook, apply_deletions, guard_message
from tsunagu.harvester.lock import source_lock
from tsunagu.harvester.pages import PageStore, Progress, ProgressHook
from tsunagu.harvester.politeness import HostGates
from tsunagu.harvester.probe import check_source
from tsunagu.harvester.protocol import Identity
from tsunagu.harvester.splitting import Splitter, label
from tsunagu.harvester.windows import (
    Window,
    WindowPlan,
    as_days,
    format_datestamp,
    parse_datestamp,
    plan_window,
    rest_of,
)
from tsunagu.records import Source
from tsunagu.store import Checkpoint, HarvestRun, Store, utc_now

__all__ = ["Progress", "ProgressHook", "harvest_source"]

logger = logging.getLogger(__name__)

MAX_RESTARTS = 2  # window restarts per set after rejected resumption tokens
#: The error codes OAI-PMH 2.0 defines (section 3.6), each handled as the protocol
#: says; any other (``unknownError``, a server's own) is the server's trouble and
#: is asked again once, then fails the part like a network error.
OAI_ERROR_CODES = frozenset({
    "badArgument", "badResumptionToken", "badVerb", "cannotDisseminateFormat",
    "idDoesNotExist", "noRecordsMatch", "noMetadataFormats", "noSetHierarchy"})


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
        oai = client or OAIClient(source, settings, gates=gates)
        run = _Run(source, store, settings, oai, on_page, progress)
        try:
            run.execute(full=full, latest=latest)
        finally:
            if client is None:
                oai.close()
        return store.runs.get(run.run_id)


def _busy(source: Source, store: Store, latest: HarvestRun | None) -> HarvestRun:
    """Another process harvests the source right now: leave it alone."""
    logger.warning("%s: another harvest of this source is running; not harvesting",
                   source.id)
    if latest is not None and latest.status == "running":
        return latest
    run_id = store.runs.start(source.id, None, None)
    store.runs.finish(run_id, "failed", "another harvest of this source is running")
    return store.runs.get(run_id)


class _Run:
    """The state of one harvest run while it goes."""

    def __init__(self, source: Source, store: Store, settings: Settings, oai: OAIClient,
                 on_page: PageHook, progress: ProgressHook | None) -> None:
        self.source = source
        self.store = store
        self.settings = settings
        self.oai = oai
        self.on_page = on_page
        self.pages_store = PageStore(store, source, settings, on_page=on_page,
                                     count_requests=self._count_requests, progress=progress)
        self.run_id = 0
        self.pages = 0
        self.counted_requests = 0
        self.sent_token: str | None = None
        self.deadline = 0.0
        self.splitter = Splitter(source, oai.transport, earliest=None, issue=self._issue)
        self.conformance = ConformanceCheck(store, settings)
        self.plan = WindowPlan(Window(None, ""), 0)  # set when the listing starts

    def execute(self, *, full: bool, latest: HarvestRun | None) -> None:
        source, store = self.source, self.store
        started = time.monotonic()
        self.deadline = started + self.settings.run_deadline
        self.oai.transport.deadline = self.deadline
        checkpoint = store.runs.checkpoint(source.id)
        if checkpoint is None and latest is not None and latest.status == "running":
            store.runs.finish(latest.id, "failed", "interrupted before its first page")
        try:
            identity = self.oai.identify()
            self.splitter.earliest = identity.earliest_datestamp
            if checkpoint is not None:
                self.run_id, self.pages = checkpoint.run_id, checkpoint.pages
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
            if checkpoint is None or checkpoint.stage == "listing":
                self._check_source()
                window = self._windows(window, checkpoint)
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
                    if self.pages_store.excluded:
                        store.runs.log.add_issue(
                            self.run_id, None, "excluded",
                            f"{self.pages_store.excluded} records in excluded sets "
                            f"({', '.join(source.exclude_sets)}) were not stored")
                    self._count_requests()
                    store.runs.add_counts(self.run_id, seconds=time.monotonic() - started)
                    store.pages.prune(source.id, self.settings.keep_page_runs)

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

    # -- listing ----------------------------------------------------------------
    def _check_source(self) -> None:
        """Prefix and sets still offered? A ConfigError ends the run before any listing."""
        for warning in check_source(self.oai.transport, self.source):
            logger.warning("%s: %s", self.source.id, warning)
            self.store.runs.log.add_issue(self.run_id, None, "check", warning)

    def _windows(self, run_window: Window, checkpoint: Checkpoint | None) -> Window:
        """List the run's windows in order, each over every set; returns the run's window.

        The high-water mark moves as each window completes (in the transaction of
        its last page), never backwards; a resumed run goes on in the window its
        checkpoint lies in.
        """
        days = self.source.window_days
        self.plan = WindowPlan(run_window, self.settings.window_days if days is None else days,
                               self.splitter.earliest)
        window = self.plan.first() if checkpoint is None else self.plan.containing(
            Window(checkpoint.from_param, checkpoint.until_param or run_window.until))
        while True:
            window = self._sets(window, checkpoint)
            checkpoint = None
            following = self.plan.after(window)
            if following is None:
                return self.plan.run
            window = following

    def _sets(self, window: Window, checkpoint: Checkpoint | None) -> Window:
        set_specs: Sequence[str | None] = self.source.set_specs or (None,)
        resume_set = checkpoint.set_spec if checkpoint else None
        skipping = checkpoint is not None and resume_set in set_specs
        for position, set_spec in enumerate(set_specs):
            if skipping and set_spec != resume_set:
                continue  # finished before the interruption
            part, token = window, None
            if skipping and checkpoint:  # the part of the window and the page it stood at
                part = Window(checkpoint.from_param, checkpoint.until_param or window.until)
                token = checkpoint.token
            skipping = False
            following = set_specs[position + 1] if position + 1 < len(set_specs) else None
            window = self._list_set(window, part, set_spec, token, following,
                                    last=position + 1 == len(set_specs))
        return window

    def _list_set(self, window: Window, part: Window, set_spec: str | None, token: str | None,
                  following: str | None, *, last: bool) -> Window:
        """List one set over ``window``, from ``part`` (and ``token``) to the window's end.

        A rejected token is retried once, then the part restarts (``MAX_RESTARTS``
        times); an OAI error code the protocol does not define is asked again once
        per request (after a backoff), then counts as a failure of the part; a part
        that keeps failing is split in two (:mod:`.splitting`) and the halves listed
        in turn (the right ones wait in ``pending``, nearest last).
        """
        restarts, retried = 0, None
        asked_again: set[str | None] = set()  # tokens (None: no token) asked again
        pending: list[Window] = []
        while True:
            failure: TsunaguError
            try:
                self._list(part, set_spec, token, self._end(window, part, set_spec, following,
                                                            last=last))
            except OAIError as exc:
                rejected = self.sent_token
                if exc.code == "badResumptionToken" and rejected and retried != rejected:
                    retried, token = rejected, rejected  # the same token once more
                    self.oai.transport.pause(self.oai.transport.backoff(1), "rejected token")
                    continue
                if exc.code == "badResumptionToken" and restarts < MAX_RESTARTS:
                    restarts += 1
                    token = None
                    self._issue(f"resumption token rejected ({exc.message}); restarting "
                                f"{label(part, set_spec)}")
                    continue
                start = self._from_earliest(part)
                if (exc.code == "badArgument" and token is None and self.sent_token is None
                        and start is not None):
                    # A server that lists only bounded ranges (NDL Search: at most a year)
                    # refuses the first window, which has no ``from``.
                    self._issue(f"the server refused a list without from ({exc.message}); "
                                f"asking from earliestDatestamp {start}")
                    part = Window(start, part.until)
                    continue
                if (exc.code == "badArgument" and token is None and self.sent_token is None
                        and not part.day_granularity):
                    window, part = as_days(window), as_days(part)
                    pending = [as_days(rest) for rest in pending]
                    self.plan = dataclasses.replace(self.plan, run=as_days(self.plan.run))
                    self.store.runs.set_window(self.run_id, self.plan.run.from_,
                                               self.plan.run.until)
                    self._issue(f"the server refused from/until in seconds ({exc.message}); "
                                "asking again at day granularity")
                    continue
                if exc.code not in OAI_ERROR_CODES and rejected not in asked_again:
                    asked_again.add(rejected)
                    token = rejected  # the same request once more
                    wait = self.oai.transport.backoff(1)
                    self._issue(f"{exc.message}, in {label(part, set_spec)}: not a code "
                                f"OAI-PMH defines; asking again in {wait:.1f}s")
                    self.oai.transport.pause(wait, f"OAI-PMH error {exc.code}")
                    continue
                if exc.code in OAI_ERROR_CODES and exc.code != "badResumptionToken":
                    raise
                failure = exc
            except TransportError as exc:
                if isinstance(exc, (SourceParkedError, BlockedAddressError,
                                    ResponseTooLargeError)):
                    raise
                failure = exc
            else:
                rest = rest_of(window, part)  # after a part resumed from a checkpoint
                if pending:
                    part = pending.pop()
                elif rest is not None:
                    part = rest
                else:
                    return window
                token, restarts, retried = None, 0, None
                asked_again.clear()
                continue
            left, right = self.splitter.halves(part, set_spec, failure)
            pending.append(right)
            part, token, restarts, retried = left, None, 0, None
            asked_again.clear()

    def _from_earliest(self, part: Window) -> str | None:
        """Identify's earliestDatestamp as the ``from`` of ``part``, if it has none (and
        the datestamp is usable and not after its ``until``)."""
        earliest = parse_datestamp(self.splitter.earliest)
        until = parse_datestamp(part.until)
        if part.from_ is not None or earliest is None or until is None or earliest > until:
            return None
        return format_datestamp(earliest, day=part.day_granularity)

    def _end(self, window: Window, part: Window, set_spec: str | None,
             following: str | None, *, last: bool) -> tuple[Checkpoint, str | None]:
        """The checkpoint saved with the last page of ``part`` (where the run goes on),
        and the high-water mark that page moves to when it completes ``window``."""
        sid, run_id = self.source.id, self.run_id
        rest = rest_of(window, part)
        if rest is not None:  # the rest of this set's window
            return Checkpoint(sid, run_id, rest.from_, rest.until, set_spec, None, 0), None
        if not last:
            return Checkpoint(sid, run_id, window.from_, window.until, following, None, 0), None
        after = self.plan.after(window)
        if after is not None:  # the next window, from its first set
            first = self.source.set_specs[0] if self.source.set_specs else None
            return (Checkpoint(sid, run_id, after.from_, after.until, first, None, 0),
                    window.until)
        return Checkpoint(sid, run_id, window.from_, window.until, set_spec, None, 0,
                          stage="finishing"), None

    def _list(self, part: Window, set_spec: str | None, token: str | None,
              end: tuple[Checkpoint, str | None]) -> None:
        self.sent_token = token
        # closing(): if storing a page fails, the request sent ahead for the next one
        # is let go at once (its host is held while it is out).
        pages = self.oai.list_records(from_=part.from_, until=part.until, set_spec=set_spec,
                                      token=token)
        try:
            with contextlib.closing(pages):
                for page, params in pages:
                    mark = None
                    if page.token is not None:
                        checkpoint = Checkpoint(self.source.id, self.run_id, part.from_,
                                                part.until, set_spec, page.token,
                                                self.pages + 1)
                    else:
                        checkpoint, mark = (dataclasses.replace(end[0], pages=self.pages + 1),
                                            end[1])
                    self.pages = checkpoint.pages
                    self.pages_store.store_page(page, checkpoint, mark, self.oai.last,
                                                window=part, set_spec=set_spec,
                                                sent_token=params.get("resumptionToken"))
                    if self.conformance.wanted(page):  # warnings only
                        self.conformance.record(self.run_id, self.oai.last.body, page)
                    self.sent_token = page.token
                    if time.monotonic() > self.deadline:
                        raise DeadlineExceededError(f"the run reached its deadline of "
                                                    f"{self.settings.run_deadline:.0f}s")
        except HarvestError as exc:
            unread = self.oai.take_unread()
            if unread is not None:  # kept with the error: the failure can be reproduced
                self.pages_store.keep_unread(unread, exc, self.run_id, self.pages + 1,
                                            window=part, set_spec=set_spec)
            raise

    # -- completion -------------------------------------------------------------
    def _complete(self, window: Window, *, full: bool) -> None:
        store, source, run_id = self.store, self.source, self.run_id
        if full:
            missing = store.raw.stage_missing(source.id, run_id, window.until)
            if missing:
                logger.info("%s: %d records missing from the full harvest", source.id, missing)
        held = guard_message(store, source.id, run_id, self.settings)
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
        logger.warning("%s: %s", self.source.id, message)
        self.store.runs.log.add_issue(self.run_id, None, "retry", message)

    def _count_requests(self) -> None:
        self.store.runs.log.add_requests(self.run_id, self.oai.drain_log())
        delta = self.oai.requests - self.counted_requests
        if delta:
            self.store.runs.add_counts(self.run_id, requests=delta)
            self.counted_requests = self.oai.requests


def _later(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
