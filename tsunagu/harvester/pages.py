"""Storing one harvested ListRecords page: records, run log and checkpoint in one transaction.

A page's live records are upserted (a record the run already stored, from
another set or a restarted window, is skipped), its deleted headers staged as
deletions, its unparsable records quarantined with their bytes, and the caller's
``on_page`` hook (the pipeline maps the records there) runs in the same
transaction as the run's counters, its request log and the checkpoint; so a
crash at any moment loses and duplicates nothing.

Records whose header names a set of the source's ``exclude_sets`` (any one of
them: a record also in an allowed set is still left out) are not stored; one
stored by an earlier run is staged for deletion, so it becomes a tombstone when
the run completes, behind the mass-deletion guard.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlsplit

from tsunagu.config import Settings
from tsunagu.errors import ErrorBudgetExceededError, HarvestError, StoreError
from tsunagu.harvester.deletions import PageHook
from tsunagu.harvester.protocol import RecordPage
from tsunagu.harvester.transport import Response
from tsunagu.harvester.windows import Window, parse_datestamp
from tsunagu.records import RawRecord, Source
from tsunagu.store import ChangeKind, Checkpoint, PageRequest, Store
from tsunagu.store.raw_pages import FAILED
from tsunagu.store.run_log import RequestEntry

logger = logging.getLogger(__name__)

_CHANGE_NAMES = {kind: kind.value for kind in ChangeKind}  # run counters by change


@dataclasses.dataclass(frozen=True)
class Stored:
    """What storing one page did: how the run's progress moves."""

    pages: int  # the run's pages so far (the page's checkpoint number)
    records: int  # records the page held
    excluded: int  # of them, left out for their sets
    complete_list_size: int | None
    listed: bool  # a page of a list, not the empty answer of a window without changes


class PageStore:
    """Stores the pages of one run, in order."""

    def __init__(self, store: Store, source: Source, settings: Settings, *,
                 on_page: PageHook) -> None:
        self.store = store
        self.source = source
        self.settings = settings
        self.on_page = on_page
        self._blocked = frozenset(source.exclude_sets)

    def store_page(self, page: RecordPage, checkpoint: Checkpoint, mark: str | None,
                   answer: Response, *, window: Window, set_spec: str | None,
                   sent_token: str | None, requests: Sequence[RequestEntry] = (),
                   made: int = 0) -> Stored:
        """Store ``page`` with ``checkpoint`` (and move the high-water mark to ``mark``,
        the ``until`` of a window the page completes) in one transaction; the
        ``answer`` it was read from is kept as received, with what was asked (in
        ``window`` and ``set_spec``, with ``sent_token``): its records' provenance.
        ``requests`` (the run's request log since the last page) and ``made`` (the
        requests made since then) go into the same transaction."""
        store, run_id = self.store, checkpoint.run_id
        wanted, left_out = self._sort(_last_of_each(page.records))
        origin = PageRequest(self.source.id, run_id, checkpoint.pages, answer.url, set_spec,
                             self.source.metadata_prefix, window.from_, window.until,
                             sent_token, page.token, page.response_date)
        with store.db.transaction():
            page_id = store.pages.add(origin, answer.body)
            live = [raw for raw in wanted if not raw.deleted]
            kinds = store.raw.put_many(live, run_id, page_id=page_id)
            changes = [(raw, kind) for raw, kind in zip(live, kinds, strict=True)
                       if kind is not None]
            for raw in wanted:
                if raw.deleted:
                    store.raw.stage_deletion(raw, run_id, "deleted by the server",
                                             page_id=page_id)
            self._drop_stored(left_out, run_id, page_id)
            if page.rejected:
                context = _context(page, checkpoint.pages, page_id, origin.url)
            for rejected in page.rejected:
                store.quarantine.add(
                    self.source.id, rejected.oai_identifier, stage="parsing", run_id=run_id,
                    reason=f"{rejected.reason} ({context})", raw=rejected.raw, page_id=page_id)
            for identifier, what in page.repaired:
                store.runs.log.add_issue(run_id, identifier, "repaired", what)
            for note in page.notes:
                store.runs.log.add_issue(run_id, None, "page", f"{note} (page "
                                         f"{checkpoint.pages}, kept as {page_id}: {origin.url})")
            quarantined = len(page.rejected) + self.on_page(changes, run_id)
            counts = dict.fromkeys(_CHANGE_NAMES.values(), 0)
            named = [(raw.oai_identifier, _CHANGE_NAMES[kind]) for raw, kind in changes]
            for _identifier, name in named:
                counts[name] += 1
            store.runs.add_counts(run_id, quarantined=quarantined,
                                  repaired=len(page.repaired), **counts)
            store.runs.log.add_changes(run_id, named)
            store.runs.log.add_requests(run_id, requests)
            if made:
                store.runs.add_counts(run_id, requests=made)
            store.runs.save_checkpoint(checkpoint)
            if mark is not None:
                self._advance(mark)
            failures = store.runs.quarantined(run_id)
        if failures > self.settings.error_budget:
            raise ErrorBudgetExceededError(
                f"{failures} records quarantined in this run, more than the error budget of "
                f"{self.settings.error_budget}; see `tsunagu harvest report "
                f"{self.source.id} --run {run_id}`", source_id=self.source.id)
        return Stored(checkpoint.pages, len(page.records), len(left_out),
                      page.complete_list_size, bool(page.records) or page.token is not None)

    def keep_unread(self, answer: Response, error: HarvestError, run_id: int, number: int, *,
                    window: Window, set_spec: str | None) -> None:
        """Keep an answer that could not be read as page ``number``, with the error (as
        well as the store allows: called while ``error`` is raised, which it must not hide)."""
        if not run_id:
            return
        token = dict(parse_qsl(urlsplit(answer.url).query)).get("resumptionToken")
        origin = PageRequest(self.source.id, run_id, number, answer.url, set_spec,
                             self.source.metadata_prefix, window.from_, window.until, token)
        try:
            self.store.pages.add(origin, answer.body, status=FAILED, error=str(error)[:1000])
        except StoreError as exc:
            logger.warning("%s: the unread answer to %s was not kept: %s", self.source.id,
                           answer.url, exc)

    def _sort(self, records: tuple[RawRecord, ...]) -> tuple[list[RawRecord], list[RawRecord]]:
        """The records to store, and those left out for being in an excluded set."""
        if not self._blocked:
            return list(records), []
        wanted: list[RawRecord] = []
        left_out: list[RawRecord] = []
        for raw in records:
            (left_out if self._blocked.intersection(raw.set_specs) else wanted).append(raw)
        return wanted, left_out

    def _drop_stored(self, left_out: list[RawRecord], run_id: int, page_id: int) -> None:
        """Stage the deletion of left-out records stored live by an earlier run (their
        tombstones will point to ``page_id``, where they came in an excluded set)."""
        if not left_out:
            return
        live = self.store.raw.live_among(self.source.id, [r.oai_identifier for r in left_out])
        for raw in left_out:
            if raw.oai_identifier in live:
                sets = ", ".join(sorted(self._blocked.intersection(raw.set_specs)))
                self.store.raw.stage_deletion(raw, run_id, f"in an excluded set ({sets})",
                                              page_id=page_id)

    def _advance(self, mark: str) -> None:
        """Move the high-water mark forward to ``mark``, never back (a full run's windows)."""
        current = parse_datestamp(self.store.sources.high_water(self.source.id))
        moved = parse_datestamp(mark)
        if moved is not None and (current is None or moved > current):
            self.store.sources.set_high_water(self.source.id, mark)


def _last_of_each(records: tuple[RawRecord, ...]) -> tuple[RawRecord, ...]:
    """The page's records, each identifier once: a record the page holds twice (changed,
    or deleted, while the server wrote the page) as it comes last."""
    if len({raw.oai_identifier for raw in records}) == len(records):
        return records
    seen: set[str] = set()
    kept: list[RawRecord] = []
    for raw in reversed(records):
        if raw.oai_identifier not in seen:
            seen.add(raw.oai_identifier)
            kept.append(raw)
    return tuple(reversed(kept))


def _context(page: RecordPage, number: int, page_id: int, url: str) -> str:
    """Where a quarantined record was: the page, its first and last records, the URL."""
    identifiers = [raw.oai_identifier for raw in page.records]
    around = f", records {identifiers[0]} … {identifiers[-1]}" if identifiers else ""
    return f"page {number} (kept as {page_id}{around}): {url}"
