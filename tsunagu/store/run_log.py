"""What happened in a harvest run, beyond its counters: requests, changes, issues.

* requests: a compact log of every HTTP request (query, status, bytes, time);
* changes: the identifiers the run added, changed or deleted (the diff against
  the previous run; unchanged records are not listed);
* issues: per-record problems (repaired, quarantined) and run errors, with the
  record identifier when there is one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from tsunagu.store.database import Database, Upsert, utc_now

CHANGES = ("new", "updated", "deleted")
#: The change list, many rows to a statement: a later change of a record wins.
_CHANGES_UPSERT = Upsert("run_changes", ("run_id", "oai_identifier", "change"),
                         ("run_id", "oai_identifier"), shared=("run_id",))


@dataclasses.dataclass(frozen=True)
class RequestEntry:
    """One HTTP request of a run."""

    at: str
    query: str
    status: int | None
    bytes: int
    ms: int
    error: str | None = None


@dataclasses.dataclass(frozen=True)
class RunIssue:
    """A problem met in a run: ``repaired``, ``quarantined`` or ``error``."""

    oai_identifier: str | None
    kind: str
    message: str
    at: str


class RunLog:
    """Append-only logs of runs (written inside the page's transaction)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add_requests(self, run_id: int, entries: Iterable[RequestEntry]) -> None:
        rows = [(run_id, e.at, e.query, e.status, e.bytes, e.ms, e.error) for e in entries]
        if rows:
            with self._db.transaction() as conn:
                conn.executemany(
                    "INSERT INTO run_requests(run_id, at, query, status, bytes, ms, error)"
                    " VALUES (?,?,?,?,?,?,?)", rows)

    def add_changes(self, run_id: int, changes: Iterable[tuple[str, str]]) -> None:
        """Record ``(identifier, change)`` pairs; a later change of a record wins."""
        values: list[object] = []
        for oid, change in changes:
            if change in CHANGES:
                values += (oid, change)
        if values:
            with self._db.transaction() as conn:
                _CHANGES_UPSERT.write(conn, values, (run_id,))

    def add_issue(self, run_id: int, oai_identifier: str | None, kind: str,
                  message: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO run_issues(run_id, oai_identifier, kind, message, at)"
                " VALUES (?,?,?,?,?)", (run_id, oai_identifier, kind, message, utc_now()))

    def requests(self, run_id: int) -> list[RequestEntry]:
        rows = self._db.connection().execute(
            "SELECT at, query, status, bytes, ms, error FROM run_requests WHERE run_id = ?"
            " ORDER BY rowid", (run_id,))
        return [RequestEntry(*row) for row in rows]

    def changes(self, run_id: int) -> dict[str, list[str]]:
        """``{"new": [...], "updated": [...], "deleted": [...]}``, identifiers sorted."""
        found: dict[str, list[str]] = {change: [] for change in CHANGES}
        for oid, change in self._db.connection().execute(
            "SELECT oai_identifier, change FROM run_changes WHERE run_id = ?"
            " ORDER BY oai_identifier", (run_id,)
        ):
            found[change].append(oid)
        return found

    def issues(self, run_id: int, kinds: Sequence[str] = ()) -> list[RunIssue]:
        sql = "SELECT oai_identifier, kind, message, at FROM run_issues WHERE run_id = ?"
        params: tuple[object, ...] = (run_id,)
        if kinds:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params += tuple(kinds)
        return [RunIssue(*row) for row in
                self._db.connection().execute(sql + " ORDER BY rowid", params)]
