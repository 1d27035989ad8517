"""The store process: a run's pages stored, and mapped, by a process of its own.

In one process the harvest's thread (parsing) and a writer thread (storing and
mapping) take turns for the interpreter's lock; in two, each has a core. The
harvest hands each job over a pipe (:class:`ProcessWriter`); the store process
(:func:`serve`, started from a ``forkserver``: a clean, single-threaded parent
whatever threads the harvest's process runs) opens the store itself, re-creates
the page hook over it (:class:`~tsunagu.harvester.page_writer.PortableHook`),
stores the pages in order — several to a transaction when it falls behind
(:func:`~tsunagu.store.writer.run_together`) — and answers each job with what it
stored, the failure that stopped it, and the log records it wrote (logged again
in the harvest's process, where logging is configured).

**Reused.** A store process serves one run at a time (:class:`StoreSpec` opens
it, :class:`EndOfRun` ends it: the store is closed, the lock let go) and then
waits, idle, for the next run of its harvest's process: the schemas it compiled
and the mapping tables it loaded stay warm. At most :data:`IDLE` wait; they end
with the harvest's process.

**A harvest killed** (``kill -9``) leaves its store process with the pages
already handed over: it stores them, finds the pipe closed and ends. It holds
``<data dir>/locks/store-<source>.lock`` while it lives, and a harvest of the
source waits for that lock before it reads the checkpoint
(:func:`wait_for_store_process`), so the next run starts from the last page the
process stored. A store process that dies is a failed run (the harvest raises
:class:`~tsunagu.errors.StoreError` at its next page); the checkpoint it left
is where the next run resumes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import logging
import multiprocessing
import pickle
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from tsunagu.config import Settings
from tsunagu.errors import HarvestError, StoreError
from tsunagu.harvester.page_writer import Job, PageJobs, PortableHook, Tally
from tsunagu.harvester.pages import Stored
from tsunagu.records import Source
from tsunagu.store import Store
from tsunagu.store.writer import run_together

logger = logging.getLogger(__name__)

#: Jobs handed over and not yet answered, at most (back-pressure: the pages a
#: crash of the harvest leaves to its store process).
AHEAD = 3
#: Jobs stored in one transaction, at most, when several are waiting.
BATCH = 3
#: Idle store processes kept for the next runs of this process, at most.
IDLE = 4
#: How long a harvest waits for the store process of an earlier, killed harvest of
#: its source to store the pages it was handed and end.
ORPHAN_WAIT = 120.0


@dataclasses.dataclass(frozen=True)
class StoreSpec:
    """What the store process needs: the store, the run's source and settings, the hook."""

    db_path: Path
    source: Source
    settings: Settings
    hook: PortableHook


@dataclasses.dataclass(frozen=True)
class Reply:
    """The store process's answer to one job."""

    stored: Stored | None = None
    failure: BaseException | None = None
    trace: str = ""  # the failure's traceback, as text
    dropped: bool = False  # not run: an earlier job failed
    logs: tuple[tuple[str, int, str], ...] = ()  # (logger, level, message)
    cpu: float | None = None  # the last answer, to ``None``: the process's CPU seconds


@dataclasses.dataclass(frozen=True)
class EndOfRun:
    """The run is over: close the store and wait for the next (answered with the CPU)."""


@dataclasses.dataclass
class _Handle:
    """A store process and the harvest's end of its pipe."""

    conn: Connection
    process: BaseProcess


_idle: list[_Handle] = []
_idle_lock = threading.Lock()


def _handle(spec: StoreSpec) -> _Handle:
    """An idle store process of this process, or a new one."""
    with _idle_lock:
        while _idle:
            handle = _idle.pop()
            if handle.process.is_alive():
                return handle
            handle.conn.close()
    context = multiprocessing.get_context("forkserver")
    # Imported once, in the server the store processes are forked from (the main
    # module too: a process then does not import it again as it starts).
    context.set_forkserver_preload(["__main__", __name__, type(spec.hook).__module__])
    conn, child = context.Pipe()
    process = context.Process(target=serve, args=(child,), daemon=True, name="tsunagu-store")
    process.start()
    child.close()
    return _Handle(conn, process)


def _release(handle: _Handle) -> None:
    """Keep ``handle`` for a next run, or end its process."""
    with _idle_lock:
        if len(_idle) < IDLE:
            _idle.append(handle)
            return
    _end(handle)


def _end(handle: _Handle) -> None:
    with contextlib.suppress(OSError):
        _put(handle.conn, None)
    handle.process.join(timeout=60)
    if handle.process.is_alive():  # pragma: no cover - a store process that hangs
        handle.process.terminate()
        handle.process.join()
    handle.conn.close()


class ProcessWriter:
    """Hands a run's jobs to a store process (a :class:`~.page_writer.PageWriter`)."""

    def __init__(self, spec: StoreSpec, tally: Tally) -> None:
        self._handle = _handle(spec)
        self._conn = self._handle.conn
        self._process = self._handle.process
        self._source_id = spec.source.id
        self._tally = tally
        self._waiting = 0  # jobs handed over, not yet answered
        self._failure: BaseException | None = None
        self._reported = False
        self._broken = False  # the process ended, or stopped answering
        self._send(spec)

    def submit(self, job: Job) -> None:
        while self._waiting and self._conn.poll():  # the answers already in, first
            self._take()
        self._raise_failure()
        while self._waiting >= AHEAD:
            self._take()
        self._raise_failure()
        self._send(job)
        self._waiting += 1

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
            _put(self._conn, message)
        except OSError as exc:  # the process is gone: its exit is the failure
            self._ended(exc)
            self._raise_failure()

    def _finish(self) -> None:
        """End the run in the store process, and keep the process for the next."""
        if not self._broken:
            try:
                _put(self._conn, EndOfRun())
                if self._conn.poll(60):
                    last: Reply = _receive(self._conn)
                    logger.debug("%s: the store process used %.3f s of CPU for the run",
                                 self._source_id, last.cpu, extra={"store_cpu": last.cpu})
                    _release(self._handle)
                    return
            except (OSError, EOFError):
                pass
        _end(self._handle)

    def _take(self) -> None:
        """Read the next answer (waiting for it, while the process lives)."""
        while not self._conn.poll(0.5):
            if not self._process.is_alive() and not self._conn.poll(0):
                self._ended(None)
                return
        try:
            reply: Reply = _receive(self._conn)
        except (EOFError, OSError) as exc:
            self._ended(exc)
            return
        self._waiting -= 1
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
        self._process.join(timeout=5)
        self._waiting = 0
        if self._failure is None:
            failure = StoreError(
                f"the store process ended unexpectedly (exit code {self._process.exitcode});"
                " the run resumes from the last page it stored", source_id=self._source_id)
            failure.__cause__ = cause
            self._failure = failure

    def _raise_failure(self) -> None:
        if self._failure is not None and not self._reported:
            self._reported = True
            raise self._failure


def serve(conn: Connection) -> None:
    """A store process: serve the runs ``conn`` opens, one after the other, until it
    says ``None`` or closes (the harvest's process is gone)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the harvest's process
    logs = _Collector()
    root = logging.getLogger()
    root.addHandler(logs)
    root.setLevel(logging.INFO)
    try:
        while True:
            try:
                spec: StoreSpec | None = _receive(conn)
            except (EOFError, OSError):
                return
            if spec is None:
                return
            started = time.process_time()
            if not _serve_run(conn, spec, logs):
                return
            with contextlib.suppress(OSError):
                _put(conn, Reply(cpu=time.process_time() - started))
    finally:
        conn.close()


def _serve_run(conn: Connection, spec: StoreSpec, logs: _Collector) -> bool:
    """Answer the jobs of one run; ``False`` when the harvest's process is gone."""
    with hold_store_lock(spec.settings, spec.source.id):
        store: Store | None = None
        try:
            store = Store(spec.db_path)
            jobs: PageJobs | BaseException = PageJobs(store, spec.source, spec.settings,
                                                      spec.hook.for_store(store))
        except Exception as exc:
            jobs = exc
        try:
            return _answer(conn, store, jobs, logs)
        finally:
            if store is not None:
                store.close()


def _answer(conn: Connection, store: Store | None, jobs: PageJobs | BaseException,
            logs: _Collector) -> bool:
    failure = jobs if isinstance(jobs, BaseException) else None
    told = False  # the failure was answered; the jobs after it are dropped
    while True:
        try:
            job: Job | EndOfRun | None = _receive(conn)
        except (EOFError, OSError):
            return False  # the harvest's process is gone: what it handed over is stored
        if job is None:
            return False
        if isinstance(job, EndOfRun):
            return True
        batch: list[Job] = [job]
        stop: bool | None = None  # after the batch: True, the run ends; False, all ends
        while len(batch) < BATCH and _ready(conn):
            try:
                more: Job | EndOfRun | None = _receive(conn)
            except (EOFError, OSError):
                more = None
            if more is None or isinstance(more, EndOfRun):
                stop = more is not None
                break
            batch.append(more)
        replies: list[Reply] = []
        if failure is None and isinstance(jobs, PageJobs) and store is not None:
            results, failure = run_together(
                store.db, [functools.partial(jobs.run, one) for one in batch])
            replies = [Reply(stored=result if isinstance(result, Stored) else None)
                       for result in results]
        if failure is not None and not told:
            told = True
            replies.append(Reply(failure=_portable(failure),
                                 trace="".join(traceback.format_exception(failure))))
        replies += [Reply(dropped=True)] * (len(batch) - len(replies))
        replies[-1] = dataclasses.replace(replies[-1], logs=logs.take())
        try:
            for reply in replies:
                _put(conn, reply)
        except OSError:
            return False
        if stop is not None:
            return stop


def _put(conn: Connection, message: object) -> None:
    """Send ``message`` (plain pickle: multiprocessing's builds a pickler per message)."""
    conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _receive(conn: Connection) -> Any:
    """The next message from the other end of ``conn``: one of our processes."""
    return pickle.loads(conn.recv_bytes())  # noqa: S301 - pickled by our own process


def _ready(conn: Connection) -> bool:
    try:
        return conn.poll()
    except (EOFError, OSError):
        return False


def _portable(failure: BaseException) -> BaseException:
    """``failure`` if it survives the pipe, else a :class:`StoreError` that says it."""
    try:
        copy = pickle.loads(pickle.dumps(failure))  # noqa: S301 - our own bytes
    except Exception:
        return StoreError(f"{type(failure).__name__}: {failure}")
    if isinstance(copy, BaseException):
        return failure
    return StoreError(f"{type(failure).__name__}: {failure}")  # pragma: no cover


class _Collector(logging.Handler):
    """Keeps the store process's log records for the harvest's process to log."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self._records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self._records.append((record.name, record.levelno, record.getMessage()))

    def take(self) -> tuple[tuple[str, int, str], ...]:
        records, self._records = tuple(self._records), []
        return records


def _lock_path(settings: Settings, source_id: str) -> Path:
    folder = settings.data_dir / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"store-{source_id}.lock"


@contextlib.contextmanager
def hold_store_lock(settings: Settings, source_id: str) -> Iterator[None]:
    """Hold the source's store lock while the store process lives (the kernel lets
    go of it when the process ends, however it ends)."""
    with _lock_path(settings, source_id).open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def wait_for_store_process(settings: Settings, source_id: str,
                           timeout: float = ORPHAN_WAIT) -> None:
    """Wait until no store process of ``source_id`` lives (one of a killed harvest
    stores the pages it was handed, then ends); raises after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    waited = False
    with _lock_path(settings, source_id).open("a+b") as handle:
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
