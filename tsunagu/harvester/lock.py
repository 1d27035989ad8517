"""One harvest of a source at a time, across processes (the worker, the CLI, the site).

An advisory ``flock`` on ``<data dir>/locks/harvest-<source>.lock``: the kernel
releases it when the holder exits, even after ``kill -9``, so a crash never
leaves a source locked.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator

from tsunagu.config import Settings


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
