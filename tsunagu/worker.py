"""The scheduler: ``tsunagu worker`` harvests every source that is due, in one process.

A published OAI-PMH source whose schedule is not ``manual`` is due when it was
never harvested, or when its latest run started at least one schedule interval
ago (a failed run is tried again after at most an hour). Held sources (a run
waits for approval) and parked ones (``resume_after`` in the future) are left
alone; the harvester skips them too. The rule is that of ``next_due`` in
:mod:`tsunagu.store.health`, which the worker reads. After harvesting, the index is updated.
Only one worker runs per data directory (an exclusive lock on ``worker.lock``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import threading
from collections.abc import Iterator

from tsunagu.errors import ConfigError, TsunaguError
from tsunagu.institutions import refresh_linked_feed
from tsunagu.pipeline import Pipeline
from tsunagu.records import FeedKind, Source, SourceStatus
from tsunagu.store import HarvestRun, Store
from tsunagu.store.health import next_due

logger = logging.getLogger(__name__)

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def due_sources(store: Store, now: dt.datetime | None = None) -> list[Source]:
    """The sources the worker should harvest at ``now``: those whose ``next_due``
    (:func:`tsunagu.store.health.next_due`, the rule ``tsunagu health`` shows) has come."""
    moment = now or dt.datetime.now(dt.UTC)
    now_text = moment.strftime(_FORMAT)
    return [source for source in store.sources.list(status=SourceStatus.PUBLISHED)
            if (due := next_due(source, store.runs.latest(source.id), moment)) is not None
            and due <= now_text]


def run_once(pipeline: Pipeline, now: dt.datetime | None = None) -> list[HarvestRun]:
    """Harvest the due sources once and update the index; the runs made."""
    sources = due_sources(pipeline.store, now)
    if not sources:
        return []
    logger.info("worker: harvesting %s", ", ".join(s.id for s in sources))
    oai = [s.id for s in sources if s.kind is FeedKind.OAI_PMH]
    runs = pipeline.harvest(oai) if oai else []
    for source in sources:
        if source.kind is not FeedKind.OAI_PMH:
            try:
                runs.append(refresh_linked_feed(pipeline, source))
            except TsunaguError as exc:  # one broken link must not stop the others
                logger.error("worker: %s: fetching %s failed: %s", source.id,
                             source.base_url, exc)
    pipeline.update_index()
    return runs


def run_worker(pipeline: Pipeline, *, once: bool = False,
               stop: threading.Event | None = None) -> int:
    """Loop until ``stop`` is set (or once); returns how many runs were made."""
    stop = stop or threading.Event()
    made = 0
    with worker_lock(pipeline):
        while True:
            try:
                made += len(run_once(pipeline))
            except TsunaguError as exc:  # one bad round must not end the worker
                logger.error("worker: %s", exc)
            if once or stop.wait(pipeline.settings.worker_interval):
                return made


@contextlib.contextmanager
def worker_lock(pipeline: Pipeline) -> Iterator[None]:
    """Hold the data directory's worker lock; a second worker is refused."""
    path = pipeline.settings.data_dir / "worker.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(f"another worker is running on {pipeline.settings.data_dir}"
                              ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
