"""The store's tables, and the migrations that bring an older store file up to date.

``SCHEMA`` creates whatever is missing (every statement is idempotent);
:func:`migrate` first adds the columns a store made by an older version lacks.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 6

SCHEMA = """
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
    page_id INTEGER,
    PRIMARY KEY (source_id, oai_identifier)
);
CREATE TABLE IF NOT EXISTS raw_pages (
    id INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    run_id INTEGER,
    page INTEGER NOT NULL,
    url TEXT NOT NULL,
    set_spec TEXT,
    metadata_prefix TEXT NOT NULL DEFAULT '',
    window_from TEXT,
    window_until TEXT,
    token_sent TEXT,
    token_next TEXT,
    response_date TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    error TEXT,
    received_at TEXT NOT NULL,
    size INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS raw_pages_run ON raw_pages(run_id, page);
CREATE INDEX IF NOT EXISTS raw_records_page ON raw_records(page_id);
CREATE INDEX IF NOT EXISTS raw_pages_source ON raw_pages(source_id, run_id);
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
    created_at TEXT NOT NULL,
    page_id INTEGER
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
    page_id INTEGER,
    PRIMARY KEY (run_id, oai_identifier)
);
CREATE INDEX IF NOT EXISTS pending_deletions_page ON pending_deletions(page_id);
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


#: Columns added to a table that an older store has without them: ``sources`` within
#: version 4 (issue #3: the sets a source leaves out, the size of its harvest
#: windows), ``raw_records`` and ``quarantine`` in version 5 (the kept page a record was
#: last seen in, or came in), ``pending_deletions`` in version 6 (the kept page that
#: reported a deletion, the tombstone's provenance).
_ADDED_COLUMNS = (
    ("sources", (("exclude_sets", "TEXT NOT NULL DEFAULT '[]'"), ("window_days", "INTEGER"))),
    ("raw_records", (("page_id", "INTEGER"),)),
    ("quarantine", (("page_id", "INTEGER"),)),
    ("pending_deletions", (("page_id", "INTEGER"),)),
)


def migrate(conn: sqlite3.Connection) -> None:
    """Bring a store made by an older version up to ``SCHEMA_VERSION`` (columns only:
    ``SCHEMA`` then creates the new tables); a new store is left to ``SCHEMA``."""
    row = conn.execute("SELECT name FROM sqlite_master WHERE name = 'meta'").fetchone()
    version = conn.execute(
        "SELECT value FROM meta WHERE key = 'schema_version'").fetchone() if row else None
    if version is None:
        return
    if int(version[0]) < 2:
        for statement in _MIGRATION_2:
            conn.execute(statement)
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    if int(version[0]) < 3:
        for statement in _MIGRATION_3:
            conn.execute(statement)
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    if int(version[0]) < 4:
        # Version 4: educators' collections (issue #8); only new tables.
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    if int(version[0]) < 5:
        # Version 5: the harvested pages kept verbatim (a new table), each raw
        # record's page (a column, added below).
        conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    if int(version[0]) < 6:
        # Version 6: a staged deletion keeps the page that reported it, the tombstone's
        # provenance (a column, added below).
        conn.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    for table, columns in _ADDED_COLUMNS:
        present = {str(column[1]) for column in conn.execute(f"PRAGMA table_info({table})")}
        for name, declaration in columns:
            if present and name not in present:  # a table not there yet comes from SCHEMA
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")
