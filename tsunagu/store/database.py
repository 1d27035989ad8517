"""The SQLite database: connections, transactions and multi-row upserts (the tables are
in :mod:`tsunagu.store.schema`)."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from tsunagu.errors import StoreError
from tsunagu.store.schema import SCHEMA, SCHEMA_VERSION, migrate

logger = logging.getLogger(__name__)

def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with second precision."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Database:
    """One SQLite file; a connection per thread, WAL journal, foreign keys on."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # executescript commits on its own, so the schema is created outside
            # of an explicit transaction (every statement is idempotent).
            with self.transaction() as conn:
                migrate(conn)
            self.connection().executescript(SCHEMA)
            with self.transaction() as conn:
                conn.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('seq', '0')")
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (created on first use)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested in another, a savepoint of it: what a nested block
        wrote is undone if it fails (the outer transaction goes on, or not, as its
        caller decides), kept with the outer one if it succeeds.

        SQLite's operational failures (the database locked past its timeout, a full
        disk, an I/O error) come out as :class:`StoreError`, so that callers catching
        the project's errors see them; constraint errors stay SQLite's.
        """
        conn = self.connection()
        if conn.in_transaction:
            try:
                conn.execute("SAVEPOINT nested")  # the innermost of that name is meant below
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:  # else SQLite rolled the whole transaction back
                        conn.execute("ROLLBACK TO nested")
                        conn.execute("RELEASE nested")
                    raise
                conn.execute("RELEASE nested")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"the store at {self.path} failed: {exc}") from exc
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"the store at {self.path} failed: {exc}") from exc

    def next_seq(self, conn: sqlite3.Connection, count: int = 1) -> int:
        """Reserve ``count`` values of the change sequence; returns the first of them.

        Call inside a transaction.
        """
        row = conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'seq' RETURNING value",
            (count,),
        ).fetchone()
        return int(row[0]) - count + 1

    def get_meta(self, key: str) -> str | None:
        row = self.connection().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class Upsert:
    """``INSERT … VALUES (…),(…) … ON CONFLICT(key) DO UPDATE``: many rows per statement.

    SQLite steps through a statement's rows in one call (one release of the GIL per
    batch, not per row); a row repeating the key of an earlier one updates it, so a
    key repeated in a batch ends with its last row. A conflict updates every column
    but the key and ``keep``, to its new value or to the SQL expression ``updates``
    gives it (``excluded.x`` is the new value, ``x`` the stored one). ``shared``
    columns have one value for every row of a :meth:`write` (the source, the run, the
    time): bound once per statement by number (``?1``), not once per row.
    """

    #: Rows per statement at most, whatever the build's limit on parameters allows.
    MAX_ROWS = 500

    def __init__(self, table: str, columns: Sequence[str], key: Sequence[str], *,
                 keep: Sequence[str] = (), updates: Mapping[str, str] | None = None,
                 shared: Sequence[str] = ()) -> None:
        if not set(shared) < set(columns):
            raise ValueError(f"shared columns {list(shared)} are not some of {list(columns)}")
        updated = [c for c in columns if c not in key and c not in keep]
        expressions = dict(updates or {})
        if not set(expressions) <= set(updated):
            raise ValueError(f"updates {sorted(expressions)} are not some of {updated}")
        self.table = table
        self.shared = tuple(shared)
        #: Values per row in :meth:`write`'s ``values`` (the columns not shared).
        self.width = len(columns) - len(self.shared)
        self._columns = tuple(columns)
        self._head = f"INSERT INTO {table}({', '.join(columns)}) VALUES "
        self._tail = f" ON CONFLICT({', '.join(key)}) " + (
            "DO UPDATE SET " + ", ".join(
                f"{c}={expressions.get(c, f'excluded.{c}')}" for c in updated)
            if updated else "DO NOTHING")
        self._row = "(" + ",".join("?" * self.width) + ")"
        self._texts: dict[int, str] = {}  # row count -> statement text, built once

    def write(self, conn: sqlite3.Connection, values: Sequence[object],
              shared: Sequence[object] = ()) -> None:
        """Write the rows whose values (the columns not ``shared``, in order) lie one
        after the other in ``values``, in order; ``shared``: the shared columns' values."""
        if len(values) % self.width:
            raise StoreError(f"{len(values)} values are not whole rows of {self.width}"
                             f" columns of {self.table}")
        if len(shared) != len(self.shared):
            raise StoreError(f"{len(shared)} values for the {len(self.shared)} shared columns"
                             f" of {self.table}")
        room = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - len(shared)
        step = max(1, min(self.MAX_ROWS, room // self.width)) * self.width
        for start in range(0, len(values), step):
            chunk = values[start:start + step]
            text = self.statement(len(chunk) // self.width)
            conn.execute(text, [*shared, *chunk] if shared else chunk)

    def statement(self, rows: int) -> str:
        """The statement text for ``rows`` rows (kept: a harvest repeats a few sizes)."""
        text = self._texts.get(rows)
        if text is None:
            text = self._texts[rows] = f"{self._head}{self._rows(rows)}{self._tail}"
        return text

    def _rows(self, rows: int) -> str:
        if not self.shared:
            return ",".join([self._row] * rows)
        numbers = {name: f"?{n}" for n, name in enumerate(self.shared, start=1)}
        texts = []
        number = len(self.shared)
        for _row in range(rows):
            marks = []
            for column in self._columns:
                if column in numbers:
                    marks.append(numbers[column])
                else:
                    number += 1
                    marks.append(f"?{number}")
            texts.append(f"({','.join(marks)})")
        return ",".join(texts)
