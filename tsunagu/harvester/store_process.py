"""The store process: a run's pages stored, and mapped, by a process of its own.

In one process the harvest's thread (parsing) and a writer thread (storing and
mapping) take turns for the interpreter's lock; in two, each has a core. The
harvest hands each job over a socket (:mod:`~tsunagu.harvester.process_writer`);
the store process (:func:`main`: a fresh interpreter, started by the harvest's
process) opens the store itself, re-creates the page hook over it
(:class:`~tsunagu.harvester.page_writer.PortableHook`), stores the pages in order
— several to a transaction when it falls behind
(:func:`~tsunagu.store.writer.run_together`) — and answers each job with what it
stored, the failure that stopped it, and the log records it wrote (logged again
in the harvest's process, where logging is configured).

A store process serves one run at a time (:class:`StoreSpec` opens it,
:class:`EndOfRun` ends it: the store is closed, the source's store lock let go)
and then waits for the next run its harvest's process sends it; it ends when
that process closes the socket, or dies. While it serves a run it holds the
source's store lock (:func:`~tsunagu.harvester.lock.hold_store_lock`): a harvest
killed with ``kill -9`` leaves its store process the pages it had handed over;
it stores them, finds the socket closed and ends, and the next harvest of the
source waits for the lock before it reads the checkpoint.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import pickle
import queue
import signal
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from tsunagu.config import Settings
from tsunagu.errors import StoreError
from tsunagu.harvester.lock import hold_store_lock
from tsunagu.harvester.page_writer import Job, PageJobs, PortableHook
from tsunagu.harvester.pages import Stored
from tsunagu.records import Source
from tsunagu.store import Store
from tsunagu.store.writer import run_together

#: Jobs stored in one transaction, at most, when several are waiting.
BATCH = 8
#: Log records sent back with one answer, at most (the rest are counted in one line).
LOGS = 100


@dataclasses.dataclass(frozen=True)
class StoreSpec:
    """What the store process needs: the store, the run's source and settings, the hook."""

    db_path: Path
    source: Source
    settings: Settings
    hook: PortableHook


@dataclasses.dataclass(frozen=True)
class Reply:
    """The store process's answer to one job (an empty one: not run, after a failure)."""

    stored: Stored | None = None
    failure: BaseException | None = None
    trace: str = ""  # the failure's traceback, as text
    logs: tuple[tuple[str, int, str], ...] = ()  # (logger, level, message)
    cpu: float | None = None  # the answer to EndOfRun: the run's CPU seconds
    opened: bool = False  # the answer to a StoreSpec: the lock is held, the store open


@dataclasses.dataclass(frozen=True)
class Unreadable:
    """A message that could not be unpickled here (its job fails, with this reason)."""

    reason: str


@dataclasses.dataclass(frozen=True)
class EndOfRun:
    """The run is over: close the store and wait for the next (answered with the CPU)."""


def main() -> None:
    """The store process's entry point: ``argv[1]`` is its end of the socket; the
    first message is the harvest's ``sys.path`` (so that it imports the hook's module)."""
    conn = Connection(int(sys.argv[1]))
    sys.path[:] = receive(conn)
    serve(conn)


class _Inbox:
    """The messages of the harvest's process, read as they come by a thread of their own:
    the store process never leaves the socket full while it writes an answer (the
    harvest may be writing a page at that moment: each would wait for the other)."""

    _GONE = object()

    def __init__(self, conn: Connection) -> None:
        self._messages: queue.SimpleQueue[bytes | object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._read, args=(conn,), daemon=True,
                                        name="store-inbox")
        self._thread.start()

    def _read(self, conn: Connection) -> None:
        try:
            while True:
                self._messages.put(conn.recv_bytes())
        except (EOFError, OSError):
            self._messages.put(self._GONE)

    def get(self, *, block: bool = True) -> Any:
        """The next message (``EOFError``: the harvest's process is gone; ``queue.Empty``:
        none waiting, when not blocking); a message that cannot be unpickled comes as an
        :class:`Unreadable`."""
        message = self._messages.get(block=block)
        if message is self._GONE:
            self._messages.put(message)  # for whoever asks next
            raise EOFError("the harvest's process is gone")
        assert isinstance(message, bytes)
        try:
            return pickle.loads(message)  # noqa: S301 - pickled by our own process
        except Exception as exc:  # answered as a failure of the job it was
            return Unreadable(f"{type(exc).__name__}: {exc}")


def serve(conn: Connection) -> None:
    """A store process: serve the runs ``conn`` opens, one after the other, until it
    says ``None`` or closes (the harvest's process is gone)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the harvest's process
    logs = _Collector()
    root = logging.getLogger()
    root.addHandler(logs)
    root.setLevel(logging.INFO)
    inbox = _Inbox(conn)
    try:
        while True:
            started = time.process_time()
            try:
                spec: StoreSpec | Unreadable | None = inbox.get()
            except EOFError:
                return
            if spec is None:
                return
            if isinstance(spec, Unreadable):  # the run's hook cannot be rebuilt here
                served = _refuse(conn, inbox, logs, StoreError(
                    f"the store process cannot serve the run: {spec.reason}"))
            else:
                served = _serve_run(conn, inbox, spec, logs)
            if not served:
                return
            with contextlib.suppress(OSError):
                put(conn, Reply(cpu=time.process_time() - started))
    finally:
        conn.close()


def _serve_run(conn: Connection, inbox: _Inbox, spec: StoreSpec, logs: _Collector) -> bool:
    """Serve one run: hold its source's store lock, open the store, say so, and answer
    the run's jobs; ``False`` when the harvest's process is gone."""
    logs.take()  # what was logged between runs belongs to neither
    try:
        with hold_store_lock(spec.settings, spec.source.id):
            return _serve_locked(conn, inbox, spec, logs)
    except OSError as exc:  # the lock file cannot be opened (before any answer)
        return _refuse(conn, inbox, logs, exc)


def _serve_locked(conn: Connection, inbox: _Inbox, spec: StoreSpec, logs: _Collector) -> bool:
    try:
        store = Store(spec.db_path)
    except Exception as exc:  # the store cannot be opened
        return _refuse(conn, inbox, logs, exc)
    try:
        try:
            jobs = PageJobs(store, spec.source, spec.settings, spec.hook.for_store(store))
        except Exception as exc:  # the hook cannot be rebuilt here
            return _refuse(conn, inbox, logs, exc)
        put(conn, Reply(opened=True))  # the harvest goes on once the lock is held
        return _answer(conn, inbox, store, jobs, logs)
    except OSError:  # the harvest's process is gone before the first answer
        return False
    finally:
        store.close()


def _refuse(conn: Connection, inbox: _Inbox, logs: _Collector, failure: BaseException) -> bool:
    """The run cannot be served: say why (the answer to its StoreSpec), then drop its
    jobs until it ends."""
    try:
        put(conn, dataclasses.replace(_failed(failure), logs=logs.take()))
        while True:
            message = inbox.get()
            if message is None:
                return False
            if isinstance(message, EndOfRun):
                return True
            put(conn, Reply())
    except (EOFError, OSError):
        return False


def _answer(conn: Connection, inbox: _Inbox, store: Store, jobs: PageJobs,
            logs: _Collector) -> bool:
    """Answer the run's jobs, one per job, until it ends (``True``) or the harvest's
    process is gone (``False``)."""
    failed = False  # after a failure the run's later jobs are dropped
    gone = False  # the harvest's process is gone: no one to answer
    while True:
        try:
            job: Job | Unreadable | EndOfRun | None = inbox.get()
        except EOFError:
            return False  # the harvest's process is gone: what it handed over is stored
        if job is None:
            return False
        if isinstance(job, EndOfRun):
            return True
        batch: list[Job | Unreadable] = [job]
        stop: bool | None = None  # after the batch: True, the run ends; False, all ends
        while len(batch) < BATCH:
            try:
                more: Job | Unreadable | EndOfRun | None = inbox.get(block=False)
            except queue.Empty:
                break
            except EOFError:
                more = None
            if more is None or isinstance(more, EndOfRun):
                stop = more is not None
                break
            batch.append(more)
        replies: list[Reply] = []
        if not failed:
            results, failure = run_together(
                store.db, [functools.partial(_run, jobs, one) for one in batch])
            replies = [Reply(stored=result if isinstance(result, Stored) else None)
                       for result in results]
            if failure is not None:
                failed = True
                replies.append(_failed(failure))
        replies += [Reply()] * (len(batch) - len(replies))  # not run
        replies[-1] = dataclasses.replace(replies[-1], logs=logs.take())
        if not gone:
            try:
                for reply in replies:
                    put(conn, reply)
            except OSError:  # the harvest's process is gone: store what it handed over
                gone = True
        if stop is not None:
            return stop and not gone


def _run(jobs: PageJobs, job: Job | Unreadable) -> Stored | None:
    if isinstance(job, Unreadable):
        raise StoreError(f"the store process could not read a job: {job.reason}")
    return jobs.run(job)


def _failed(failure: BaseException) -> Reply:
    return Reply(failure=_portable(failure),
                 trace="".join(traceback.format_exception(failure)))


def _portable(failure: BaseException) -> BaseException:
    """``failure`` if it survives the pipe, else a :class:`StoreError` that says it."""
    try:
        pickle.loads(pickle.dumps(failure))  # noqa: S301 - our own bytes
    except Exception:
        return StoreError(f"{type(failure).__name__}: {failure}")
    return failure


class _Collector(logging.Handler):
    """Keeps the store process's log records for the harvest's process to log."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self._records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self._records.append((record.name, record.levelno, record.getMessage()))

    def take(self) -> tuple[tuple[str, int, str], ...]:
        """The records kept since the last call: at most :data:`LOGS`, then one line that
        counts the others (an answer stays small, whatever a page logs)."""
        records, self._records = self._records, []
        if len(records) <= LOGS:
            return tuple(records)
        name, level, _message = records[LOGS]
        return (*records[:LOGS], (name, level, f"... and {len(records) - LOGS} more log "
                                              "records of the store process like these"))


def put(conn: Connection, message: object) -> None:
    """Send ``message`` (plain pickle: multiprocessing's builds a pickler per message)."""
    conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def receive(conn: Connection) -> Any:
    """The next message from the other end of ``conn``: one of our processes."""
    return pickle.loads(conn.recv_bytes())  # noqa: S301 - pickled by our own process
