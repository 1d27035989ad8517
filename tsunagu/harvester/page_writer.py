"""The page writer: where a run's pages are stored while the next ones are fetched.

The harvest's thread fetches and parses; each page is handed over as a
:class:`PageJob` (with the run's request log since the last page) and stored,
in order, one transaction a page (:meth:`~tsunagu.harvester.pages.PageStore.store_page`),
by one of three writers:

* :class:`~tsunagu.harvester.process_writer.ProcessWriter` — a store process
  (:mod:`~tsunagu.harvester.store_process`; the default): storing, and the mapping
  hook that runs in each page's transaction, then use a second core instead of
  taking turns with parsing for the interpreter's lock. It needs a
  :class:`PortableHook` (the pipeline's is) whose class a fresh interpreter can
  import;
* :class:`ThreadWriter` with a thread — for a hook that cannot leave this process
  (``Settings.store_process`` off, or a plain function);
* :class:`ThreadWriter` without one — ``Settings.prefetch_pages`` off: each page
  is stored at once, in the harvest's thread.

Whichever it is, the guarantees are those of storing in the harvest's thread:
pages are stored in the order they were handed over; once one fails, the later
ones are not stored and the failure is raised to the harvest at its next
:meth:`~PageWriter.submit` or :meth:`~PageWriter.flush`; a checkpoint is
written in its page's transaction, so a crash loses only pages not yet stored,
which the next run asks again.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import pickle
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

from tsunagu.config import Settings
from tsunagu.errors import StoreError
from tsunagu.harvester.conformance import ConformanceCheck
from tsunagu.harvester.deletions import PageHook
from tsunagu.harvester.pages import PageStore, Stored
from tsunagu.harvester.protocol import RecordPage
from tsunagu.harvester.transport import Response
from tsunagu.harvester.windows import Window
from tsunagu.records import RawRecord, Source
from tsunagu.store import ChangeKind, Checkpoint, Store
from tsunagu.store.run_log import RequestEntry
from tsunagu.store.writer import WriteBehind

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Progress:
    """Progress of a running harvest, for the CLI."""

    source_id: str
    pages: int
    records: int
    complete_list_size: int | None


ProgressHook = Callable[[Progress], None]


@runtime_checkable
class PortableHook(Protocol):
    """A page hook that can be re-created over another store (a store process's):
    picklable, and :meth:`for_store` gives the same hook writing to ``store``."""

    def __call__(self, changes: Sequence[tuple[RawRecord, ChangeKind]], run_id: int) -> int:
        ...  # pragma: no cover

    def for_store(self, store: Store) -> PageHook:
        ...  # pragma: no cover


@dataclasses.dataclass(frozen=True)
class PageJob:
    """One page to store, with its checkpoint and what the run asked since the last."""

    page: RecordPage
    checkpoint: Checkpoint
    mark: str | None  # the high-water mark the page moves, when it completes a window
    answer: Response
    window: Window
    set_spec: str | None
    sent_token: str | None
    requests: tuple[RequestEntry, ...]
    made: int  # requests made since the last page


@dataclasses.dataclass(frozen=True)
class IssueJob:
    """A note for the run's report, stored in order with the pages."""

    run_id: int
    kind: str
    message: str


@dataclasses.dataclass(frozen=True)
class ConformanceJob:
    """A page to check against the OAI-PMH and format schemas (warnings only)."""

    run_id: int
    body: bytes
    page: RecordPage


Job = PageJob | IssueJob | ConformanceJob


class PageJobs:
    """Runs the jobs of one run against a store (in the writer's thread or process)."""

    def __init__(self, store: Store, source: Source, settings: Settings,
                 on_page: PageHook) -> None:
        self.store = store
        self.pages = PageStore(store, source, settings, on_page=on_page)
        self._conformance = ConformanceCheck(store, settings)

    def run(self, job: Job) -> Stored | None:
        if isinstance(job, PageJob):
            return self.pages.store_page(
                job.page, job.checkpoint, job.mark, job.answer, window=job.window,
                set_spec=job.set_spec, sent_token=job.sent_token, requests=job.requests,
                made=job.made)
        if isinstance(job, IssueJob):
            self.store.runs.log.add_issue(job.run_id, None, job.kind, job.message)
        else:
            self._conformance.record(job.run_id, job.body, job.page)
        return None


class Tally:
    """The run's progress as its pages are stored (read by the harvest's thread)."""

    def __init__(self, source_id: str, progress: ProgressHook | None) -> None:
        self.source_id = source_id
        self.progress = progress
        self.records = 0  # records stored by the run in this process
        self.excluded = 0  # of them, left out for their sets

    def add(self, stored: Stored) -> None:
        self.records += stored.records
        self.excluded += stored.excluded
        # No progress line for the empty answer of a window without changes.
        if self.progress is not None and stored.listed:
            self.progress(Progress(self.source_id, stored.pages, self.records,
                                   stored.complete_list_size))


class PageWriter(Protocol):
    """Stores the jobs handed over, in order (see the module's docstring)."""

    def submit(self, job: Job) -> None:
        """Hand ``job`` over (waits while enough are waiting); raise an earlier failure."""

    def flush(self) -> None:
        """Wait until every job handed over is stored; raise a failure, if any."""

    def close(self) -> None:
        """Store what is waiting, stop, and raise a failure, if any."""


class ThreadWriter:
    """Jobs run on a writer thread of this process (or at once, without one)."""

    def __init__(self, store: Store, source: Source, settings: Settings, on_page: PageHook,
                 tally: Tally, *, background: bool) -> None:
        self._jobs = PageJobs(store, source, settings, on_page)
        self._tally = tally
        self._behind = WriteBehind(store.db, background=background)

    def submit(self, job: Job) -> None:
        self._behind.submit(functools.partial(self._run, job))

    def _run(self, job: Job) -> Stored | None:
        stored = self._jobs.run(job)
        if stored is not None:
            self._tally.add(stored)
        return stored

    def flush(self) -> None:
        self._behind.flush()

    def close(self) -> None:
        self._behind.close()


def open_writer(store: Store, source: Source, settings: Settings, on_page: PageHook,
                tally: Tally) -> PageWriter:
    """The writer for one run, as ``settings`` and ``on_page`` allow."""
    if (settings.prefetch_pages and settings.store_process
            and isinstance(on_page, PortableHook) and _travels(on_page)):
        from tsunagu.harvester.process_writer import ProcessWriter
        from tsunagu.harvester.store_process import StoreSpec

        # Absolute paths: a store process keeps the working directory it started in.
        spec = StoreSpec(store.db.path.resolve(), source, dataclasses.replace(
            settings, data_dir=settings.data_dir.resolve()), on_page)
        try:
            return ProcessWriter(spec, tally)
        except (OSError, StoreError) as exc:  # the run goes on with a thread
            logger.warning("%s: no store process (%s); storing in a thread", source.id, exc)
    return ThreadWriter(store, source, settings, on_page, tally,
                        background=settings.prefetch_pages)


def _travels(on_page: PortableHook) -> bool:
    """Can a store process rebuild ``on_page``? It pickles, and its class is importable
    by name (not one of a ``__main__`` script, which the store process does not run)."""
    if type(on_page).__module__ == "__main__":
        logger.debug("the page hook is defined in __main__: storing in a thread")
        return False
    try:
        pickle.dumps(on_page)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        logger.debug("the page hook cannot be pickled (%s): storing in a thread", exc)
        return False
    return True


@contextmanager
def flushed(writer: PageWriter) -> Iterator[None]:
    """Leave the block once every job handed over in it is stored, also when the block
    itself raised (the pages before a failed fetch are stored). A job's failure came
    first (the block went on only because it did not know yet), so it wins; but not
    over a ``KeyboardInterrupt`` or ``SystemExit``, which must reach the caller."""
    try:
        yield
    except BaseException as error:
        try:
            writer.flush()
        except BaseException as failure:
            if not isinstance(error, Exception):  # Ctrl-C, exit: not hidden by the failure
                raise error from failure
            if failure.__cause__ is None:  # keep a cause it has (the SQLite error, say)
                failure.__cause__ = error
            raise
        raise
    writer.flush()
