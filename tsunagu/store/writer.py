"""Write-behind: the store's writes of a harvest, in order, on a thread of their own.

A harvest stores each page in one transaction (records, run log, checkpoint).
Most of that time is SQLite writing the WAL and checkpointing it, during which
the GIL is released; done on a second thread it overlaps with fetching and
parsing the next pages. The guarantees stay those of storing in the caller's
thread:

* jobs run one at a time, in the order they were submitted, each on the
  writer's own connection (jobs open their transaction themselves);
* once a job fails, the jobs after it are not run (as if the caller had stopped
  at the failure) and the error is raised to the caller at its next
  :meth:`~WriteBehind.submit`, or when the block ends;
* at most ``depth`` jobs wait (back-pressure), and leaving the ``with`` block
  waits for every job submitted, also when the block itself raised: the pages
  before a failed fetch are stored, as they would have been.

A crash loses the jobs that were waiting, nothing that was committed: each
page's checkpoint is written in the page's own transaction.

**Group commit.** When the writer finds more jobs waiting than the one it took
(the harvest runs ahead of the store), it runs up to ``batch`` of them in one
transaction: one COMMIT (and one write of the B-tree pages they share) instead
of several. Each job's own transaction is then a savepoint, so a job that fails
leaves what it would have left alone; the jobs before it in the batch are
committed and the ones after it are not run — what storing them one by one
would have left.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from types import TracebackType

from tsunagu.store.database import Database

Job = Callable[[], object]


class WriteBehind:
    """An ordered, bounded queue of write jobs run by one thread (a context manager)."""

    def __init__(self, db: Database, *, depth: int = 2, batch: int = 3,
                 background: bool = True, name: str = "store-writer") -> None:
        self._db = db
        self._batch = max(1, batch)
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=max(1, depth))
        self._failure: BaseException | None = None  # the first job's error, kept
        self._reported = False
        self._thread: threading.Thread | None = None
        if background:  # otherwise every job runs in the caller's thread, at once
            self._thread = threading.Thread(target=self._work, name=name, daemon=True)
            self._thread.start()

    def submit(self, job: Job) -> None:
        """Queue ``job`` (waits while the queue is full); raise an earlier job's error."""
        if self._thread is None:
            job()
            return
        self._raise_failure()
        self._jobs.put(job)

    def flush(self) -> None:
        """Wait until every job submitted has run; raise a job's error, if any."""
        if self._thread is not None and self._thread.is_alive():
            self._jobs.join()
        self._raise_failure()

    def close(self) -> None:
        """Run the jobs still queued, stop the thread and raise a job's error, if any."""
        if self._thread is not None and self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        self._raise_failure()

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if error is None:
            self.close()
            return
        # The block failed: still store what it handed over; a job's failure came
        # first (the block went on only because it did not know yet), so it wins.
        try:
            self.close()
        except BaseException as failure:
            if failure.__cause__ is None:  # keep a cause it has (the SQLite error, say)
                failure.__cause__ = error
            raise

    def _raise_failure(self) -> None:
        if self._failure is not None and not self._reported:
            self._reported = True
            raise self._failure

    def _work(self) -> None:
        try:
            stopping = False
            while not stopping:
                job = self._jobs.get()
                if job is None:
                    return
                jobs = [job]
                while len(jobs) < self._batch:  # what else is waiting, without waiting
                    try:
                        more = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        stopping = True
                        break
                    jobs.append(more)
                try:
                    if self._failure is None:  # after a failure the remaining jobs are dropped
                        self._failure = run_together(self._db, jobs)[1]
                finally:
                    for _job in jobs:
                        self._jobs.task_done()
                    if stopping:
                        self._jobs.task_done()  # the ``None`` that ended the batch
        finally:
            self._db.close()  # this thread's connection


def run_together(db: Database, jobs: Sequence[Job]) -> tuple[list[object], BaseException | None]:
    """Run ``jobs`` in order, several in one transaction; what each returned, up to
    the first that failed, and that failure (the jobs after it are not run).

    Each job's own transaction is then a savepoint of it (:meth:`Database.transaction`):
    a job failing inside it leaves nothing, one failing after it keeps what it
    wrote, and the jobs before it stay committed: as when each is run alone.
    """
    results: list[object] = []
    if len(jobs) == 1:
        try:
            results.append(jobs[0]())
        except BaseException as exc:  # handed to whoever submitted the job
            return results, exc
        return results, None
    try:
        with db.transaction() as conn:
            for job in jobs:
                try:
                    results.append(job())
                except BaseException as exc:
                    if not conn.in_transaction:
                        raise  # SQLite rolled the whole batch back: nothing of it stands
                    return results, exc  # the earlier jobs are committed
    except BaseException as exc:
        return [], exc
    return results, None

