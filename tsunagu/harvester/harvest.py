"""One harvest run of one source: windows, pages, checkpoints and the run record.

Each page is stored in one SQLite transaction together with whatever the
caller's ``on_page`` hook writes (the pipeline maps the records there) and the
checkpoint, so that a crash at any moment loses nothing and duplicates nothing:
a re-run resumes from the checkpoint's token. The high-water mark that the next
incremental harvest starts ``from`` moves only when the whole window completes.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence

from tsunagu.config import Settings
from tsunagu.errors import OAIError, TsunaguError
from tsunagu.harvester.client import OAIClient
from tsunagu.harvester.protocol import Identity
from tsunagu.records import RawRecord, Source
from tsunagu.store import ChangeKind, Checkpoint, HarvestRun, Store

logger = logging.getLogger(__name__)

#: Called inside the page's transaction with the page's records and what storing
#: them changed; returns how many records it quarantined.
PageHook = Callable[[Sequence[tuple[RawRecord, ChangeKind]], int], int]


@dataclasses.dataclass(frozen=True)
class Progress:
    """Progress of a running harvest, for the CLI."""

    source_id: str
    pages: int
    records: int
    complete_list_size: int | None


ProgressHook = Callable[[Progress], None]


def harvest_source(
    source: Source,
    store: Store,
    settings: Settings,
    *,
    on_page: PageHook,
    full: bool = False,
    progress: ProgressHook | None = None,
    client: OAIClient | None = None,
) -> HarvestRun:
    """Harvest ``source`` incrementally (or in full) and return the stored run.

    Errors end the run with status ``failed`` and a message; the checkpoint is
    kept so that the next run resumes where this one stopped.
    """
    oai = client or OAIClient(source, settings)
    run = _Run(source, store, oai, on_page, progress)
    try:
        run.execute(full=full)
    finally:
        if client is None:
            oai.close()
    return store.runs.get(run.run_id)


class _Run:
    """The state of one harvest run while it goes."""

    def __init__(self, source: Source, store: Store, oai: OAIClient, on_page: PageHook,
                 progress: ProgressHook | None) -> None:
        self.source = source
        self.store = store
        self.oai = oai
        self.on_page = on_page
        self.progress = progress
        self.run_id = 0
        self.pages = 0
        self.records = 0
        self.counted_requests = 0

    def execute(self, *, full: bool) -> None:
        source, store = self.source, self.store
        checkpoint = store.runs.checkpoint(source.id)
        try:
            identity = self.oai.identify()
            if checkpoint is not None:
                self.run_id, self.pages = checkpoint.run_id, checkpoint.pages
                from_, until = checkpoint.from_param, checkpoint.until_param
                logger.info("%s: resuming run %d from its checkpoint", source.id, self.run_id)
            else:
                high_water = None if full else store.sources.high_water(source.id)
                from_ = _format(high_water, identity)
                until = _format(identity.response_date, identity)
                self.run_id = store.runs.start(source.id, from_, until)
            self._window(from_, until, checkpoint)
            with store.db.transaction():
                if until:
                    store.sources.set_high_water(source.id, until)
                store.runs.clear_checkpoint(source.id)
                self._count_requests()
                store.runs.finish(self.run_id, "ok")
        except TsunaguError as exc:
            logger.error("%s: harvest failed: %s", source.id, exc)
            with store.db.transaction():
                if not self.run_id:
                    self.run_id = store.runs.start(source.id, None, None)
                self._count_requests()
                store.runs.finish(self.run_id, "failed", str(exc))

    def _window(self, from_: str | None, until: str | None,
                checkpoint: Checkpoint | None) -> None:
        set_specs: Sequence[str | None] = self.source.set_specs or (None,)
        resume_set = checkpoint.set_spec if checkpoint else None
        skipping = checkpoint is not None and resume_set in set_specs
        for set_spec in set_specs:
            if skipping and set_spec != resume_set:
                continue  # finished before the interruption
            token = checkpoint.token if (skipping and checkpoint) else None
            skipping = False
            try:
                self._list(from_, until, set_spec, token)
            except OAIError as exc:
                if token is None or exc.code != "badResumptionToken":
                    raise
                logger.warning("%s: stored token rejected; restarting the window",
                               self.source.id)
                self._list(from_, until, set_spec, None)

    def _list(self, from_: str | None, until: str | None, set_spec: str | None,
              token: str | None) -> None:
        store = self.store
        for page, _params in self.oai.list_records(from_=from_, until=until,
                                                   set_spec=set_spec, token=token):
            with store.db.transaction():
                changes = [(raw, store.raw.put(raw, self.run_id)) for raw in page.records]
                quarantined = self.on_page(changes, self.run_id)
                counts = {kind.value: 0 for kind in ChangeKind}
                for _raw, kind in changes:
                    counts[kind.value] += 1
                store.runs.add_counts(self.run_id, quarantined=quarantined, **counts)
                self._count_requests()
                self.pages += 1
                store.runs.save_checkpoint(Checkpoint(
                    source_id=self.source.id, run_id=self.run_id, from_param=from_,
                    until_param=until, set_spec=set_spec, token=page.token, pages=self.pages,
                ))
            self.records += len(page.records)
            if self.progress is not None:
                self.progress(Progress(self.source.id, self.pages, self.records,
                                       page.complete_list_size))

    def _count_requests(self) -> None:
        delta = self.oai.requests - self.counted_requests
        if delta:
            self.store.runs.add_counts(self.run_id, requests=delta)
            self.counted_requests = self.oai.requests


def _format(datestamp: str | None, identity: Identity) -> str | None:
    """A datestamp in the granularity the repository accepts."""
    if not datestamp:
        return None
    return datestamp[:10] if identity.day_granularity else datestamp
