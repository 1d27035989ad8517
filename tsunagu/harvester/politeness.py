"""Politeness: one request at a time per host, with a pause between requests.

Small institutional servers are the norm. Every transport of a process shares
one :class:`HostGates`, so sources harvested in parallel threads still send a
given host one request at a time. After a response the host gets a pause of
at least ``request_delay`` seconds and at least ``request_delay_factor`` times
as long as it took to answer: a slow (busy) server is asked less often.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class HostGates:
    """Per-host locks and the earliest time each host may be asked again."""

    def __init__(self, delay: float, factor: float = 1.0, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay = delay
        self.factor = factor
        self._clock = clock
        self._sleep = sleep
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._next: dict[str, float] = {}

    def _lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    def acquire(self, host: str) -> float:
        """Take ``host`` for a request once its pause has ended; when that was."""
        lock = self._lock(host)
        lock.acquire()
        try:
            wait = self._next.get(host, 0.0) - self._clock()
            if wait > 0:
                self._sleep(wait)
        except BaseException:
            lock.release()
            raise
        return self._clock()

    def try_acquire(self, host: str) -> float | None:
        """Take ``host`` now if nobody holds it and its pause has ended; else ``None``."""
        lock = self._lock(host)
        if not lock.acquire(blocking=False):
            return None
        if self._next.get(host, 0.0) > self._clock():
            lock.release()
            return None
        return self._clock()

    def release(self, host: str, started: float) -> None:
        """Give ``host`` back after a request begun at ``started``; its pause starts now."""
        ended = self._clock()
        self._next[host] = ended + max(self.delay, self.factor * (ended - started))
        self._lock(host).release()
