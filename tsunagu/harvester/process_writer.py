"""The harvest's side of a store process: a writer that hands a run's jobs over, and
the store processes of this process, started as needed and reused.

:class:`ProcessWriter` is the :class:`~tsunagu.harvester.page_writer.PageWriter`
of a run whose page hook is portable. It sends the run's :class:`StoreSpec`,
then each job, at most :data:`AHEAD` unanswered (back-pressure: the pages a
crash of the harvest leaves to its store process); it reads the answers as they
come (progress, the store process's log records) and raises the first failure
at the next :meth:`~ProcessWriter.submit` or :meth:`~ProcessWriter.flush`, as a
writer thread would. A store process that dies fails the run with
:class:`~tsunagu.errors.StoreError`; the next run resumes from the checkpoint.

Store processes (:mod:`~tsunagu.harvester.store_process`) are fresh interpreters
(``sys.executable``), so a harvest may run in any process: a thread of the site,
a daemonic worker, a script without a ``__main__`` guard. They are reused: one
that ended its run waits, idle, for the next run of this process, with the
schemas it compiled and the mapping tables it loaded still warm; at most
:data:`IDLE` wait, and they end when this process does (its end of their socket
closes). A process forked from this one does not share them.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import dataclasses
import logging
import os
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection

from tsunagu.errors import StoreError
from tsunagu.harvester.page_writer import Job, Tally
from tsunagu.harvester.store_process import EndOfRun, Reply, StoreSpec, put, receive

logger = logging.getLogger(__name__)

#: Jobs handed over and not yet answered, at most: enough for the harvest to go on
#: through a WAL checkpoint of the store process (~8 ms, every ~28 pages); with 3 the
#: benchmark ran 8-15% slower. A crash of the harvest leaves these to its store process.
AHEAD = 8
#: Idle store processes kept for the next runs of this process, at most.
IDLE = 4
#: How a store process starts: its module's ``main`` (not ``-m``: its classes must
#: have one name, the one the harvest pickles them under).
_COMMAND = "from tsunagu.harvester.store_process import main; main()"


@dataclasses.dataclass(eq=False)
class _Handle:
    """A store process and this process's end of its socket."""

    conn: Connection
    process: subprocess.Popen[bytes]

    def alive(self) -> bool:
        return self.process.poll() is None


_idle: list[_Handle] = []
_started: set[_Handle] = set()  # every store process of this process still running
_pool_lock = threading.RLock()


def store_process_ids() -> list[int]:
    """The process ids of this process's store processes (serving a run, or idle)."""
    with _pool_lock:
        return sorted(handle.process.pid for handle in _started if handle.alive())


def _handle() -> _Handle:
    """An idle store process of this process, or a new one."""
    with _pool_lock:
        while _idle:
            handle = _idle.pop()
            if handle.alive():
                return handle
            _forget(handle)
        # Under the pool's lock, which a fork waits for: a process forked meanwhile by
        # another thread would keep the socket open, and the store process alive.
        ours, theirs = socket.socketpair()
        try:
            process = subprocess.Popen(  # noqa: S603 - this interpreter, our own command
                [sys.executable, "-c", _COMMAND, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        handle = _Handle(Connection(ours.detach()), process)
        _started.add(handle)
    try:
        put(handle.conn, list(sys.path))
    except OSError:  # it died as it started
        _end(handle)
        raise
    return handle


def _release(handle: _Handle) -> None:
    """Keep ``handle`` for a next run, or end its process."""
    with _pool_lock:
        if len(_idle) < IDLE and handle in _started:
            _idle.append(handle)
            return
    _end(handle)


def _end(handle: _Handle) -> None:
    """End a store process: its socket closes, it ends (killed if it hangs)."""
    with contextlib.suppress(OSError):
        put(handle.conn, None)
    handle.conn.close()  # end of file, even after half a message: it stores what it has
    try:
        handle.process.wait(timeout=60)
    except subprocess.TimeoutExpired:  # pragma: no cover - a store process that hangs
        handle.process.kill()
        handle.process.wait()
    with _pool_lock:
        _forget(handle)


def _forget(handle: _Handle) -> None:
    """(With the pool's lock held.) ``handle``'s process is over: let go of its socket."""
    _started.discard(handle)
    handle.conn.close()


def _after_fork() -> None:
    """In a process forked from this one: the store processes are the parent's."""
    global _pool_lock
    _pool_lock = threading.RLock()
    for handle in [*_started]:
        with contextlib.suppress(OSError):
            handle.conn.close()
    _idle.clear()
    _started.clear()


def end_idle() -> None:
    """End the idle store processes now (at exit, too: they would end when this
    process's end of their socket closes; this waits for them, so none outlives it)."""
    with _pool_lock:
        idle, _idle[:] = [*_idle], []
    for handle in idle:
        _end(handle)


def _before_fork() -> None:
    _pool_lock.acquire()  # no fork while a store process is being started


def _after_fork_in_parent() -> None:
    _pool_lock.release()


os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent,
                    after_in_child=_after_fork)
atexit.register(end_idle)


class ProcessWriter:
    """Hands a run's jobs to a store process (a :class:`~.page_writer.PageWriter`).

    The constructor returns once the store process holds the source's store lock
    and has opened the store (so a harvest killed from then on leaves a lock the
    next one waits for); it raises :class:`~tsunagu.errors.StoreError` if the
    process cannot serve the run, and :class:`OSError` if none can be started.
    """

    def __init__(self, spec: StoreSpec, tally: Tally) -> None:
        self._handle = _handle()
        self._conn = self._handle.conn
        self._source_id = spec.source.id
        self._tally = tally
        self._waiting: collections.deque[Job | None] = collections.deque()  # unanswered
        self._failure: BaseException | None = None
        self._reported = False
        self._broken = False  # the process ended, or stopped answering
        try:
            self._send(spec)
            self._waiting.append(None)  # the StoreSpec's answer: opened, or why not
            self._take()
        except BaseException:
            self._finish()
            raise
        if self._failure is not None:
            failure, self._reported = self._failure, True
            self._finish()
            if isinstance(failure, StoreError):
                raise failure
            raise StoreError(f"the store process cannot serve the run: {failure}",
                             source_id=self._source_id) from failure

    @property
    def pid(self) -> int:
        """The process id of the store process serving this run."""
        return self._handle.process.pid

    def submit(self, job: Job) -> None:
        while self._waiting and self._conn.poll():  # the answers already in, first
            self._take()
        self._raise_failure()
        while len(self._waiting) >= AHEAD:
            self._take()
        self._raise_failure()
        self._send(job)
        self._waiting.append(job)

    def flush(self) -> None:
        while self._waiting:
            self._take()
        self._raise_failure()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._finish()

    def _send(self, message: StoreSpec | Job) -> None:
        try:
            put(self._conn, message)
        except OSError as exc:  # the process is gone: its exit is the failure
            self._ended(exc)
            self._raise_failure()
        except BaseException:  # Ctrl-C: maybe half a message sent; no more on this socket
            self._broken = True
            raise

    def _finish(self) -> None:
        """End the run in the store process; keep the process for the next run only if
        every answer of this one was read and the last says the run ended."""
        handle = self._handle
        try:
            if not self._broken and not self._waiting:
                put(self._conn, EndOfRun())
                if self._conn.poll(60):
                    last: Reply = receive(self._conn)
                    if last.cpu is not None:
                        logger.debug("%s: the store process used %.3f s of CPU for the run",
                                     self._source_id, last.cpu, extra={"store_cpu": last.cpu})
                        _release(handle)
                        return
        except (OSError, EOFError):
            pass
        _end(handle)

    def _take(self) -> None:
        """Read the next answer (waiting for it, while the process lives)."""
        if self._broken:  # the socket is out of step: what was stored, the checkpoint says
            self._waiting.clear()
            return
        try:
            while not self._conn.poll(0.5):
                if not self._handle.alive() and not self._conn.poll(0):
                    self._ended(None)
                    return
            reply: Reply = receive(self._conn)
            self._waiting.popleft()
        except (EOFError, OSError) as exc:
            self._ended(exc)
            return
        except BaseException:  # Ctrl-C while waiting or reading: answers may be lost
            self._broken = True
            raise
        for name, level, message in reply.logs:
            logging.getLogger(name).log(level, "%s", message)
        if reply.stored is not None:
            self._tally.add(reply.stored)
        if reply.failure is not None and self._failure is None:
            if reply.trace:
                logger.debug("%s: the store process failed:\n%s", self._source_id, reply.trace)
            self._failure = reply.failure

    def _ended(self, cause: BaseException | None) -> None:
        """The process ended without answering: every job still waiting is lost."""
        self._broken = True
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._handle.process.wait(timeout=5)
        self._waiting.clear()
        if self._failure is None:
            failure = StoreError(
                f"the store process ended unexpectedly (exit code "
                f"{self._handle.process.returncode}); the run resumes from the last page it "
                "stored", source_id=self._source_id)
            failure.__cause__ = cause
            self._failure = failure

    def _raise_failure(self) -> None:
        if self._failure is not None and not self._reported:
            self._reported = True
            raise self._failure
