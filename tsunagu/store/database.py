"""The SQLite database: connections, schema, transactions and multi-row upserts."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from tsunagu.errors import StoreError

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 4

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT,
    base_url TEXT NOT NULL,
    metadata_prefix TEXT NOT NULL,
    sector TEXT NOT NULL,
    set_specs TEXT NOT NULL DEFAULT '[]',
    default_rights TEXT,
    metadata_rights TEXT,
    created_at TEXT NOT NULL,
    high_water TEXT,
    institution_id TEXT REFERENCES institutions(id),
    status TEXT NOT NULL DEFAULT 'published',
    kind TEXT NOT NULL DEFAULT 'oai_pmh',
    schedule TEXT NOT NULL DEFAULT 'daily',
    prefecture TEXT,
    languages TEXT NOT NULL DEFAULT '[]',
    exclude_sets TEXT NOT NULL DEFAULT '[]',
    window_days INTEGER
);
CREATE TABLE IF NOT EXISTS source_profiles (
    source_id TEXT PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
    profile TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_records (
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    oai_identifier TEXT NOT NULL,
    datestamp TEXT NOT NULL,
    metadata_prefix TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    set_specs TEXT NOT NULL DEFAULT '[]',
    xml BLOB NOT NULL,
    digest TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_changed TEXT NOT NULL,
    run_id INTEGER,
    seen_run INTEGER,
    PRIMARY KEY (source_id, oai_identifier)
);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    oai_identifier TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    data TEXT,
    seq INTEGER NOT NULL,
    mapped_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_seq ON records(seq);
CREATE INDEX IF NOT EXISTS records_source ON records(source_id, deleted);
CREATE TABLE IF NOT EXISTS harvest_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    from_param TEXT,
    until_param TEXT,
    new INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    quarantined INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    repaired INTEGER NOT NULL DEFAULT 0,
    full INTEGER NOT NULL DEFAULT 0,
    resume_after TEXT,
    seconds REAL NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS harvest_runs_source ON harvest_runs(source_id, id);
CREATE TABLE IF NOT EXISTS checkpoints (
    source_id TEXT PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
    run_id INTEGER NOT NULL,
    from_param TEXT,
    until_param TEXT,
    set_spec TEXT,
    token TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    stage TEXT NOT NULL DEFAULT 'listing'
);
CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    oai_identifier TEXT,
    run_id INTEGER,
    stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw BLOB,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_requests (
    run_id INTEGER NOT NULL REFERENCES harvest_runs(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    query TEXT NOT NULL,
    status INTEGER,
    bytes INTEGER NOT NULL DEFAULT 0,
    ms INTEGER NOT NULL DEFAULT 0,
    error TEXT
);
CREATE INDEX IF NOT EXISTS run_requests_run ON run_requests(run_id);
CREATE INDEX IF NOT EXISTS sources_institution ON sources(institution_id);
CREATE TABLE IF NOT EXISTS institutions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    institution_id TEXT REFERENCES institutions(id),
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_login TEXT
);
CREATE TABLE IF NOT EXISTS invitations (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
    invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_at TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    institution_id TEXT NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS activity (
    record_id TEXT NOT NULL,
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (record_id, day, kind)
);
CREATE INDEX IF NOT EXISTS activity_source ON activity(source_id, day);
CREATE TABLE IF NOT EXISTS run_changes (
    run_id INTEGER NOT NULL REFERENCES harvest_runs(id) ON DELETE CASCADE,
    oai_identifier TEXT NOT NULL,
    change TEXT NOT NULL,
    PRIMARY KEY (run_id, oai_identifier)
);
CREATE TABLE IF NOT EXISTS run_issues (
    run_id INTEGER NOT NULL REFERENCES harvest_runs(id) ON DELETE CASCADE,
    oai_identifier TEXT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_issues_run ON run_issues(run_id);
CREATE TABLE IF NOT EXISTS pending_deletions (
    run_id INTEGER NOT NULL REFERENCES harvest_runs(id) ON DELETE CASCADE,
    source_id TEXT NOT NULL,
    oai_identifier TEXT NOT NULL,
    datestamp TEXT NOT NULL,
    set_specs TEXT NOT NULL DEFAULT '[]',
    reason TEXT NOT NULL,
    PRIMARY KEY (run_id, oai_identifier)
);
CREATE TABLE IF NOT EXISTS collections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    intended_use TEXT NOT NULL,
    language TEXT NOT NULL,
    visibility TEXT NOT NULL,
    share_token TEXT NOT NULL UNIQUE,
    copied_from INTEGER REFERENCES collections(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS collections_owner ON collections(owner_id);
CREATE INDEX IF NOT EXISTS collections_public ON collections(visibility, updated_at);
CREATE TABLE IF NOT EXISTS collection_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    record_id TEXT,
    note TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    style TEXT,
    title TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS collection_entries_order ON collection_entries(collection_id, position);
CREATE TABLE IF NOT EXISTS source_notes (
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    data TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    PRIMARY KEY (source_id, name)
);
"""

#: Columns added to version-1 tables (a store created before they existed).
_MIGRATION_2 = (
    "ALTER TABLE raw_records ADD COLUMN seen_run INTEGER",
    "ALTER TABLE harvest_runs ADD COLUMN repaired INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE harvest_runs ADD COLUMN full INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE harvest_runs ADD COLUMN resume_after TEXT",
    "ALTER TABLE harvest_runs ADD COLUMN seconds REAL NOT NULL DEFAULT 0",
    "ALTER TABLE checkpoints ADD COLUMN stage TEXT NOT NULL DEFAULT 'listing'",
)

#: Version 3: sources belong to institutions and have a status (issue #7); the
#: new tables (institutions, users, sessions, …) come from ``_SCHEMA``.
_MIGRATION_3 = (
    "ALTER TABLE sources ADD COLUMN institution_id TEXT REFERENCES institutions(id)",
    "ALTER TABLE sources ADD COLUMN status TEXT NOT NULL DEFAULT 'published'",
    "ALTER TABLE sources ADD COLUMN kind TEXT NOT NULL DEFAULT 'oai_pmh'",
    "ALTER TABLE sources ADD COLUMN schedule TEXT NOT NULL DEFAULT 'daily'",
    "ALTER TABLE sources ADD COLUMN prefecture TEXT",
    "ALTER TABLE sources ADD COLUMN languages TEXT NOT NULL DEFAULT '[]'",
)


#: Columns added to ``sources`` within version 4 (issue #3: the sets a source leaves
#: out, the size of its harvest windows); added to a store that lacks them when opened.
_SOURCE_COLUMNS_4 = (
    ("exclude_sets", "TEXT NOT NULL DEFAULT '[]'"),
    ("window_days", "INTEGER"),
)


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
                row = conn.execute(
                    "SELECT name FROM sqlite_master WHERE name = 'meta'").fetchone()
                version = conn.execute(
                    "SELECT value FROM meta WHERE key = 'schema_version'"
                ).fetchone() if row else None
                if version is not None and int(version[0]) < 2:
                    for statement in _MIGRATION_2:
                        conn.execute(statement)
                    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
                if version is not None and int(version[0]) < 3:
                    for statement in _MIGRATION_3:
                        conn.execute(statement)
                    conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
                if version is not None and int(version[0]) < 4:
                    # Version 4: educators' collections (issue #8); only new tables,
                    # which ``_SCHEMA`` creates below.
                    conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
                if version is not None:
                    present = {str(column[1]) for column in conn.execute(
                        "PRAGMA table_info(sources)")}
                    for name, declaration in _SOURCE_COLUMNS_4:
                        if name not in present:
                            conn.execute(f"ALTER TABLE sources ADD COLUMN {name} {declaration}")
            self.connection().executescript(_SCHEMA)
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
        """A write transaction; nested use joins the outer one."""
        conn = self.connection()
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

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
    but the key and ``keep``. ``shared`` columns have one value for every row of a
    :meth:`write` (the source, the run, the time): bound once per statement by
    number (``?1``), not once per row.
    """

    #: Rows per statement at most, whatever the build's limit on parameters allows.
    MAX_ROWS = 500

    def __init__(self, table: str, columns: Sequence[str], key: Sequence[str], *,
                 keep: Sequence[str] = (), shared: Sequence[str] = ()) -> None:
        if not set(shared) < set(columns):
            raise ValueError(f"shared columns {list(shared)} are not some of {list(columns)}")
        updated = [c for c in columns if c not in key and c not in keep]
        self.table = table
        self.shared = tuple(shared)
        #: Values per row in :meth:`write`'s ``values`` (the columns not shared).
        self.width = len(columns) - len(self.shared)
        self._columns = tuple(columns)
        self._head = f"INSERT INTO {table}({', '.join(columns)}) VALUES "
        self._tail = f" ON CONFLICT({', '.join(key)}) " + (
            "DO UPDATE SET " + ", ".join(f"{c}=excluded.{c}" for c in updated)
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
