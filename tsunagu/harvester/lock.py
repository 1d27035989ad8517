"""One harvest of a source at a time, across processes (the worker, the CLI, the site).

An advisory ``flock`` on ``<data dir>/locks/harvest-<source>.lock``: the kernel
releases it when the holder exits, even after ``kill -9``, so a crash never
leaves a source locked.

A second lock, ``store-<source>.lock``, is held by the store process that stores
a run's pages (:mod:`~tsunagu.harvester.store_process`). It outlives a harvest
killed with ``kill -9`` for as long as its store process stores the pages it
was handed; the next harvest of the source waits for it
(:func:`wait_for_store_process`) before it reads the checkpoint.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections.abc import Iterator
from pathlib import Path

from tsunagu.config import Settings
from tsunagu.errors import HarvestError

logger = logging.getLogger(__name__)

#: How long a harvest waits for the store process of an earlier, killed harvest of
#: its source to store the pages it was handed and end.
ORPHAN_WAIT = 120.0


@contextlib.contextmanager
def source_lock(settings: Settings, source_id: str) -> Iterator[bool]:
    """Hold the source's harvest lock; yields ``False`` (holding nothing) when another
    harvest of the source holds it."""
    folder = settings.data_dir / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"harvest-{source_id}.lock").open("a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _store_lock_path(settings: Settings, source_id: str) -> Path:
    folder = settings.data_dir / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"store-{source_id}.lock"


@contextlib.contextmanager
def hold_store_lock(settings: Settings, source_id: str) -> Iterator[None]:
    """Hold the source's store lock while the store process lives (the kernel lets
    go of it when the process ends, however it ends)."""
    with _store_lock_path(settings, source_id).open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def wait_for_store_process(settings: Settings, source_id: str,
                           timeout: float = ORPHAN_WAIT) -> None:
    """Wait until no store process of ``source_id`` lives (one of a killed harvest
    stores the pages it was handed, then ends); raises after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    waited = False
    with _store_lock_path(settings, source_id).open("a+b") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise HarvestError(
                        f"the store process of an earlier harvest of {source_id} has not "
                        f"ended after {timeout:.0f}s", source_id=source_id) from None
                if not waited:
                    logger.info("%s: waiting for the store process of an earlier harvest",
                                source_id)
                    waited = True
                time.sleep(0.05)
                continue
            fcntl.flock(handle, fcntl.LOCK_UN)
            return
