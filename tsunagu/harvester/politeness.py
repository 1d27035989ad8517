"""Politeness: one request at a time per host, with a pause between requests.

Small institutional servers are the norm. Every transport of a process shares
one :class:`HostGates`, so sources harvested in parallel threads still send a
given host one request at a time. After a response the host gets a pause of
at least ``request_delay`` seconds and at least ``request_delay_factor`` times
as long as it took to answer: a slow (busy) server is asked less often.

Across processes (the worker, the site's "harvest now", a CLI run) the same
holds through the data directory: with a ``folder``, a host is also held by an
advisory ``flock`` on ``<folder>/host-<host>.lock`` from the request to the end
of its answer, and the file keeps the wall-clock moment the host may be asked
again. The kernel drops the lock with its holder, even after ``kill -9``.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tsunagu.config import Settings

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9.-]")
_STAMP = 24  # bytes of the wall-clock time kept in a host's lock file
_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)  # not O_APPEND: pwrite at 0


class HostGates:
    """Per-host locks and the earliest time each host may be asked again."""

    def __init__(self, delay: float, factor: float = 1.0, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 folder: Path | None = None, longest: float = 600.0,
                 wall: Callable[[], float] = time.time) -> None:
        self.delay = delay
        self.factor = factor
        self._clock = clock
        self._sleep = sleep
        self._wall = wall
        self._folder = folder
        #: The longest pause another process's file is believed for (a wall clock
        #: set back by an hour must not hold the host for an hour).
        self._longest = longest
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._next: dict[str, float] = {}
        self._held: dict[str, int] = {}  # hosts' lock files (descriptors), acquire to release

    @classmethod
    def from_settings(cls, settings: Settings) -> HostGates:
        """The gates of a process, shared with the other processes of the data directory."""
        delay, factor = settings.request_delay, settings.request_delay_factor
        return cls(delay, factor, folder=settings.data_dir / "locks",
                   longest=max(delay, factor * settings.response_deadline))

    def _lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    def acquire(self, host: str) -> float:
        """Take ``host`` for a request once its pause has ended; when that was."""
        lock = self._lock(host)
        lock.acquire()
        try:
            shared = self._open(host)
            try:
                if shared is not None:
                    fcntl.flock(shared, fcntl.LOCK_EX)  # waits for another process's request
                wait = max(self._next.get(host, 0.0) - self._clock(),
                           min(_shared_next(shared) - self._wall(), self._longest))
                if wait > 0:
                    self._sleep(wait)
            except BaseException:
                if shared is not None:
                    os.close(shared)  # (and with it the flock)
                raise
        except BaseException:
            lock.release()
            raise
        if shared is not None:
            self._held[host] = shared
        return self._clock()

    def try_acquire(self, host: str) -> float | None:
        """Take ``host`` now if nobody holds it and its pause has ended; else ``None``."""
        lock = self._lock(host)
        if not lock.acquire(blocking=False):
            return None
        shared = None
        try:
            shared = self._open(host)
            if shared is not None:
                fcntl.flock(shared, fcntl.LOCK_EX | fcntl.LOCK_NB)
            rested = (self._next.get(host, 0.0) <= self._clock()
                      and min(_shared_next(shared) - self._wall(), self._longest) <= 0)
        except BlockingIOError:  # another process is asking it
            rested = False
        except BaseException:
            if shared is not None:
                os.close(shared)
            lock.release()
            raise
        if not rested:
            if shared is not None:
                os.close(shared)
            lock.release()
            return None
        if shared is not None:
            self._held[host] = shared
        return self._clock()

    def release(self, host: str, started: float) -> None:
        """Give ``host`` back after a request begun at ``started``; its pause starts now."""
        ended = self._clock()
        pause = max(self.delay, self.factor * (ended - started))
        self._next[host] = ended + pause
        shared = self._held.pop(host, None)
        try:
            if shared is not None:
                try:
                    os.pwrite(shared, f"{self._wall() + pause:<{_STAMP}.6f}".encode(), 0)
                finally:
                    os.close(shared)  # and with it the flock
        finally:
            self._lock(host).release()

    def _open(self, host: str) -> int | None:
        """The host's lock file, opened for one request (``None``: within this process
        only, without a folder or when the folder cannot be written)."""
        if self._folder is None:
            return None
        path = self._folder / f"host-{_file_name(host)}.lock"
        try:
            try:
                return os.open(path, _FLAGS, 0o644)
            except FileNotFoundError:
                self._folder.mkdir(parents=True, exist_ok=True)
                return os.open(path, _FLAGS, 0o644)
        except OSError as exc:  # a read-only data directory, say
            logger.warning("one request at a time to %s is kept within this process only: "
                           "%s", host, exc)
            self._folder = None
            return None


def _shared_next(shared: int | None) -> float:
    """The wall-clock moment another process said the host may be asked again."""
    if shared is None:
        return 0.0
    try:
        return float(os.pread(shared, _STAMP, 0) or b"0")
    except ValueError:  # an empty or foreign file: no pause known
        return 0.0


def _file_name(host: str) -> str:
    """A file name for ``host`` (``name:port``, ``[v6]:port``): safe characters only;
    a long one shortened with its digest."""
    name = _UNSAFE.sub("_", host.lower())
    if len(name) > 80:
        name = f"{name[:40]}-{hashlib.sha256(host.encode()).hexdigest()[:16]}"
    return name
