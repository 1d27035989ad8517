"""Harvest runs with their counts and status, and the per-source resumption checkpoint.

A run's status is one of ``running``, ``ok``, ``failed``, ``parked`` (stopped by a
long ``Retry-After`` or the run deadline; resumed from the checkpoint after
``resume_after``), ``held`` (its deletions wait for a person's approval) and
``rejected`` (a person refused its deletions). The run's request log, issues and
changes are in :mod:`tsunagu.store.run_log` (``HarvestRuns.log``).
"""

from __future__ import annotations

import dataclasses
import sqlite3

from tsunagu.errors import NotFoundError
from tsunagu.store.database import Database, utc_now
from tsunagu.store.run_log import RunLog

COUNTERS = ("new", "updated", "unchanged", "deleted", "quarantined", "requests", "repaired",
            "seconds")
STATUSES = ("running", "ok", "failed", "parked", "held", "rejected")


@dataclasses.dataclass(frozen=True)
class HarvestRun:
    """One harvest of one source."""

    id: int
    source_id: str
    started_at: str
    finished_at: str | None
    status: str
    from_param: str | None
    until_param: str | None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    quarantined: int = 0
    requests: int = 0
    error: str | None = None
    repaired: int = 0
    full: bool = False
    resume_after: str | None = None
    seconds: float = 0.0

    @property
    def harvested(self) -> int:
        """Records received in this run (quarantined ones included)."""
        return self.new + self.updated + self.unchanged + self.deleted + self.quarantined


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """Where an unfinished harvest of a source stood after its last stored page."""

    source_id: str
    run_id: int
    from_param: str | None
    until_param: str | None
    set_spec: str | None
    token: str | None
    pages: int
    #: ``listing`` (pages still to fetch) or ``finishing`` (every page stored).
    stage: str = "listing"


class HarvestRuns:
    """Runs and checkpoints."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.log = RunLog(db)

    def start(self, source_id: str, from_param: str | None, until_param: str | None,
              *, full: bool = False) -> int:
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO harvest_runs(source_id, started_at, status, from_param, until_param,"
                " full) VALUES (?,?,?,?,?,?)",
                (source_id, utc_now(), "running", from_param, until_param, int(full)),
            )
            return int(cursor.lastrowid or 0)

    def set_window(self, run_id: int, from_param: str | None, until_param: str | None) -> None:
        """Record the window actually asked for (e.g. after falling back to days)."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE harvest_runs SET from_param = ?, until_param = ? WHERE id = ?",
                         (from_param, until_param, run_id))

    def resume(self, run_id: int) -> None:
        """Mark a parked or failed run as running again (resumed from its checkpoint)."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE harvest_runs SET status = 'running', resume_after = NULL,"
                         " finished_at = NULL WHERE id = ?", (run_id,))

    def add_counts(self, run_id: int, **counts: float) -> None:
        """Add to a run's counters (inside the caller's transaction, if any)."""
        unknown = set(counts) - set(COUNTERS)
        if unknown:
            raise ValueError(f"unknown run counters: {sorted(unknown)}")
        if not counts:
            return
        assignments = ", ".join(f"{name} = {name} + ?" for name in counts)
        with self._db.transaction() as conn:
            conn.execute(
                f"UPDATE harvest_runs SET {assignments} WHERE id = ?",
                (*counts.values(), run_id),
            )

    def finish(self, run_id: int, status: str, error: str | None = None, *,
               resume_after: str | None = None) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE harvest_runs SET status = ?, error = ?, finished_at = ?,"
                " resume_after = ? WHERE id = ?",
                (status, error, utc_now(), resume_after, run_id),
            )

    def latest(self, source_id: str) -> HarvestRun | None:
        """The newest run of a source."""
        runs = self.list(source_id, limit=1)
        return runs[0] if runs else None

    def held(self, source_id: str) -> HarvestRun | None:
        """The oldest run of a source whose deletions wait for approval."""
        row = self._db.connection().execute(
            "SELECT * FROM harvest_runs WHERE source_id = ? AND status = 'held'"
            " ORDER BY id LIMIT 1", (source_id,)).fetchone()
        return None if row is None else _run(row)

    def previous(self, run_id: int) -> HarvestRun | None:
        """The run of the same source before ``run_id``."""
        row = self._db.connection().execute(
            "SELECT * FROM harvest_runs WHERE source_id = (SELECT source_id FROM harvest_runs"
            " WHERE id = ?) AND id < ? ORDER BY id DESC LIMIT 1", (run_id, run_id)).fetchone()
        return None if row is None else _run(row)

    def last_full(self, source_id: str) -> HarvestRun | None:
        """The newest completed full run of a source."""
        row = self._db.connection().execute(
            "SELECT * FROM harvest_runs WHERE source_id = ? AND full = 1 AND status = 'ok'"
            " ORDER BY id DESC LIMIT 1", (source_id,)).fetchone()
        return None if row is None else _run(row)

    def get(self, run_id: int) -> HarvestRun:
        row = (
            self._db.connection()
            .execute("SELECT * FROM harvest_runs WHERE id = ?", (run_id,))
            .fetchone()
        )
        if row is None:
            raise NotFoundError(f"no harvest run {run_id}")
        return _run(row)

    def quarantined(self, run_id: int) -> int:
        """The run's count of quarantined records (read per page: one column, not the row)."""
        row = self._db.connection().execute(
            "SELECT quarantined FROM harvest_runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no harvest run {run_id}")
        return int(row[0])

    def list(self, source_id: str | None = None, *, limit: int = 50) -> list[HarvestRun]:
        sql = "SELECT * FROM harvest_runs"
        params: tuple[object, ...] = ()
        if source_id is not None:
            sql += " WHERE source_id = ?"
            params = (source_id,)
        rows = self._db.connection().execute(
            sql + " ORDER BY id DESC LIMIT ?", (*params, limit)
        ).fetchall()
        return [_run(row) for row in rows]

    def save_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Persist the checkpoint (inside the page's transaction)."""
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO checkpoints(source_id, run_id, from_param, until_param, set_spec,"
                " token, pages, updated_at, stage) VALUES (?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(source_id)"
                " DO UPDATE SET run_id=excluded.run_id, from_param=excluded.from_param,"
                " until_param=excluded.until_param, set_spec=excluded.set_spec,"
                " token=excluded.token, pages=excluded.pages, updated_at=excluded.updated_at,"
                " stage=excluded.stage",
                (checkpoint.source_id, checkpoint.run_id, checkpoint.from_param,
                 checkpoint.until_param, checkpoint.set_spec, checkpoint.token,
                 checkpoint.pages, utc_now(), checkpoint.stage),
            )

    def checkpoint(self, source_id: str) -> Checkpoint | None:
        row = (
            self._db.connection()
            .execute("SELECT * FROM checkpoints WHERE source_id = ?", (source_id,))
            .fetchone()
        )
        if row is None:
            return None
        return Checkpoint(
            source_id=row["source_id"], run_id=row["run_id"], from_param=row["from_param"],
            until_param=row["until_param"], set_spec=row["set_spec"], token=row["token"],
            pages=row["pages"], stage=row["stage"],
        )

    def clear_checkpoint(self, source_id: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM checkpoints WHERE source_id = ?", (source_id,))


def _run(row: sqlite3.Row) -> HarvestRun:
    values = {field.name: row[field.name] for field in dataclasses.fields(HarvestRun)}
    values["full"] = bool(values["full"])
    return HarvestRun(**values)
