"""Politeness: one request at a time per host, with a pause between requests.

Small institutional servers are the norm. Every transport of a process shares
one :class:`HostGates`, so sources harvested in parallel threads still send a
given host one request at a time. After a response the host gets a pause of
at least ``request_delay`` seconds and at least ``request_delay_factor`` times
as long as it took to answer: a slow (busy) server is asked less often.

Across processes (the worker, the site's "harvest now", a CLI run) the same
holds through the data directory: with a ``folder``, a host is also held by an
advisory ``flock`` on ``<folder>/host-<host>.lock`` while it is taken (the wait
for its pause, the request and its answer), and the file keeps the wall-clock
moment the host may be asked again. The kernel drops the lock with its holder,
even after ``kill -9``. The rule across processes is kept as well as the files
allow, never at the cost of a harvest: a lock file that cannot be opened or
locked, or one held longer than any request may take (its holder stopped with
Ctrl-Z, say), leaves that request to the rule within the process, with a
warning once per host.
"""

from __future__ import annotations

import contextlib
import dataclasses
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

_UNSAFE = re.compile(r"[^a-z0-9.-]")
_STAMP = 24  # bytes of the wall-clock time kept in a host's lock file
_FLAGS = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC  # not O_APPEND: pwrite at offset 0
#: Seconds beyond the longest pause a request may hold a host (connect, answer, the page
#: before a request sent ahead); a lock held longer is taken to be stuck.
_GRACE = 120.0
_POLL = (0.01, 0.25)  # the first and the longest wait between looks at a held lock file


@dataclasses.dataclass(frozen=True)
class _Shared:
    """A host's lock file, open for one request."""

    fd: int
    writable: bool  # False: another user's file, locked but its stamp left alone


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
        #: The longest pause written to, or believed from, a host's lock file (a wall
        #: clock set back by an hour must not hold the host for an hour).
        self._longest = longest
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._next: dict[str, float] = {}
        self._held: dict[str, _Shared] = {}  # hosts' lock files, from acquire to release
        self._stuck: set[str] = set()  # hosts whose lock file another process keeps
        self._warned: set[str] = set()

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
        shared = None
        try:
            shared = self._take_file(host, wait=True)
            wait = max(self._next.get(host, 0.0) - self._clock(), self._stamped_wait(shared))
            if wait > 0:
                self._sleep(wait)
        except BaseException:
            _let_go(shared)
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
            shared = self._take_file(host, wait=False)
            rested = (self._next.get(host, 0.0) <= self._clock()
                      and self._stamped_wait(shared) <= 0)
        except BlockingIOError:  # another process is asking it
            rested = False
        except BaseException:
            _let_go(shared)
            lock.release()
            raise
        if not rested:
            _let_go(shared)
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
            if shared is not None and shared.writable:
                stamp = f"{self._wall() + min(pause, self._longest):<{_STAMP}.6f}"
                try:
                    os.pwrite(shared.fd, stamp.encode(), 0)
                except OSError as exc:  # a full disk, say: the other processes rest less
                    self._warn(host, f"its pause could not be written: {exc}")
        finally:
            _let_go(shared)
            self._lock(host).release()

    def _take_file(self, host: str, *, wait: bool) -> _Shared | None:
        """The host's lock file, locked (``None``: this request keeps to the rule within
        the process). Without ``wait``, BlockingIOError when another process holds it."""
        shared = self._open(host)
        if shared is None:
            return None
        try:
            if not wait or host in self._stuck:
                fcntl.flock(shared.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                self._wait_for_lock(host, shared)
        except BlockingIOError:
            _let_go(shared)
            if wait:  # still kept by the process that stopped: go ahead without it
                return None
            raise
        except OSError as exc:  # no locks on this file system (NFS without lockd, say)
            _let_go(shared)
            self._warn(host, f"its lock file cannot be locked: {exc}")
            return None
        except BaseException:
            _let_go(shared)
            raise
        self._stuck.discard(host)
        return shared

    def _wait_for_lock(self, host: str, shared: _Shared) -> None:
        """Lock ``shared`` once the other process lets it go, within the longest time a
        request may hold a host; after that the host is taken to be stuck."""
        give_up = self._clock() + self._longest + _GRACE
        pause = _POLL[0]
        while True:
            try:
                fcntl.flock(shared.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if self._clock() >= give_up:
                    self._stuck.add(host)
                    self._warn(host, "another process has held it for longer than any "
                               "request may take (stopped?)")
                    raise
            self._sleep(pause)
            pause = min(pause * 2, _POLL[1])

    def _stamped_wait(self, shared: _Shared | None) -> float:
        """How long the pause another process wrote to the host's file still runs."""
        if shared is None:
            return 0.0
        return min(_read_stamp(shared.fd) - self._wall(), self._longest)

    def _open(self, host: str) -> _Shared | None:
        """The host's lock file, opened for one request (``None``: without a folder, or
        when the file cannot be opened)."""
        folder = self._folder
        if folder is None:
            return None
        path = folder / f"host-{_name_lock_file(host)}.lock"
        try:
            try:
                return _Shared(os.open(path, _FLAGS, 0o644), True)
            except FileNotFoundError:
                folder.mkdir(parents=True, exist_ok=True)
                return _Shared(os.open(path, _FLAGS, 0o644), True)
            except PermissionError:  # another user's file: lock it, leave its stamp alone
                return _Shared(os.open(path, os.O_RDONLY | os.O_CLOEXEC), False)
        except OSError as exc:
            self._warn(host, f"its lock file cannot be opened: {exc}")
            return None

    def _warn(self, host: str, why: str) -> None:
        """Say once per host that one request at a time is kept within this process only."""
        if host not in self._warned:
            self._warned.add(host)
            logger.warning("%s: one request at a time is kept within this process only "
                           "for now: %s", host, why)


def _let_go(shared: _Shared | None) -> None:
    """Close a host's lock file, and with it its lock."""
    if shared is not None:
        with contextlib.suppress(OSError):  # the descriptor is closed whatever is said
            os.close(shared.fd)


def _read_stamp(fd: int) -> float:
    """The wall-clock moment a host's lock file says it may be asked again (0: none)."""
    try:
        return float(os.pread(fd, _STAMP, 0) or b"0")
    except (OSError, ValueError):  # an empty, foreign or unreadable file: no pause known
        return 0.0


def _name_lock_file(host: str) -> str:
    """The lock file name of ``host`` (``name[:port]``, ``[v6]:port``): any credentials
    dropped, lower case; a name with other characters, or a long one, is told apart by a
    digest of it."""
    bare = host.rpartition("@")[2].lower()
    name = _UNSAFE.sub("_", bare)
    if name != bare or len(name) > 80:
        name = f"{name[:40]}-{hashlib.sha256(bare.encode()).hexdigest()[:12]}"
    return name
