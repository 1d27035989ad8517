"""Politeness: one request at a time per host, with a pause between requests.

Small institutional servers are the norm. Every transport of a process shares
one :class:`HostGates`, so sources harvested in parallel threads still send a
given host one request at a time. After a response the host gets a pause of
at least ``request_delay`` seconds and at least ``request_delay_factor`` times
as long as it took to answer: a slow (busy) server is asked less often.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator


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

    @contextlib.contextmanager
    def turn(self, host: str) -> Iterator[None]:
        """Hold ``host`` for one request, after waiting for its pause to end."""
        lock = self._lock(host)
        with lock:
            wait = self._next.get(host, 0.0) - self._clock()
            if wait > 0:
                self._sleep(wait)
            started = self._clock()
            try:
                yield
            finally:
                ended = self._clock()
                self._next[host] = ended + max(self.delay, self.factor * (ended - started))
