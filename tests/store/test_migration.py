"""A store written by schema version 1 is migrated in place when opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tsunagu.records import RawRecord, Sector, Source
from tsunagu.store import ChangeKind, PageRequest, Store

V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1'), ('seq', '0');
CREATE TABLE sources (id TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT,
    base_url TEXT NOT NULL, metadata_prefix TEXT NOT NULL, sector TEXT NOT NULL,
    set_specs TEXT NOT NULL DEFAULT '[]', default_rights TEXT, metadata_rights TEXT,
    created_at TEXT NOT NULL, high_water TEXT);
CREATE TABLE raw_records (source_id TEXT NOT NULL, oai_identifier TEXT NOT NULL,
    datestamp TEXT NOT NULL, metadata_prefix TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
    set_specs TEXT NOT NULL DEFAULT '[]', xml BLOB NOT NULL, digest TEXT NOT NULL,
    first_seen TEXT NOT NULL, last_changed TEXT NOT NULL, run_id INTEGER,
    PRIMARY KEY (source_id, oai_identifier));
CREATE TABLE harvest_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, source_id TEXT NOT NULL,
    started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL, from_param TEXT,
    until_param TEXT, new INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    quarantined INTEGER NOT NULL DEFAULT 0, requests INTEGER NOT NULL DEFAULT 0, error TEXT);
INSERT INTO harvest_runs(source_id, started_at, status, new) VALUES ('old', 'x', 'ok', 7);
CREATE TABLE checkpoints (source_id TEXT PRIMARY KEY, run_id INTEGER NOT NULL,
    from_param TEXT, until_param TEXT, set_spec TEXT, token TEXT,
    pages INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL);
"""


def test_version_1_store_gains_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(V1)
    conn.close()
    store = Store(path)
    try:
        assert store.db.get_meta("schema_version") == "6"  # migrated through 2 to 5
        old = store.runs.get(1)
        assert old.new == 7 and old.repaired == 0 and not old.full and old.seconds == 0
        store.sources.add(Source(id="old", name="Old", base_url="http://x", sector=Sector.OTHER))
        run_id = store.runs.start("old", None, "2026-01-01", full=True)
        raw = RawRecord("old", "oai:1", "2026-01-01", "oai_dc", xml=b"<dc/>")
        # The second copy in the same run (another set) is recognised and skipped.
        assert store.raw.put_many([raw, raw], run_id) == [ChangeKind.NEW, None]
        assert store.raw.put_many([raw], run_id + 1) == [ChangeKind.UNCHANGED]
    finally:
        store.close()
    again = Store(path)  # opening again changes nothing
    assert again.db.get_meta("schema_version") == "6" and again.raw.count("old") == 1
    again.close()


def test_a_version_4_store_gains_the_page_archive(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as conn:  # back to what version 4 wrote
        conn.execute("DROP TABLE raw_pages")
        conn.execute("DROP INDEX raw_records_page")
        conn.execute("ALTER TABLE raw_records DROP COLUMN page_id")
        conn.execute("ALTER TABLE quarantine DROP COLUMN page_id")
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    conn.close()
    store = Store(path)
    try:
        assert store.db.get_meta("schema_version") == "6"
        store.sources.add(Source(id="old", name="Old", base_url="http://x", sector=Sector.OTHER))
        run_id = store.runs.start("old", None, "2026-01-01")
        page_id = store.pages.add(PageRequest("old", run_id, 1, "http://x?verb=ListRecords"),
                                  b"<OAI-PMH/>")
        raw = RawRecord("old", "oai:1", "2026-01-01", "oai_dc", xml=b"<dc/>")
        assert store.raw.put_many([raw], run_id, page_id=page_id) == [ChangeKind.NEW]
        kept = store.pages.of_record("old", "oai:1")
        assert kept is not None and kept.id == page_id
        assert store.pages.body(page_id) == b"<OAI-PMH/>"
        store.quarantine.add("old", "oai:2", stage="parsing", reason="bad", raw=b"<x",
                             run_id=run_id, page_id=page_id)
        assert [q.page_id for q in store.quarantine.list("old")] == [page_id]
    finally:
        store.close()


def test_a_version_5_store_keeps_the_page_of_a_staged_deletion(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite3"
    made = Store(path)  # a run of version 5 with a deletion staged
    made.sources.add(Source(id="old", name="Old", base_url="http://x", sector=Sector.OTHER))
    run_id = made.runs.start("old", None, "2026-01-01")
    made.close()
    with sqlite3.connect(path) as conn:  # back to what version 5 wrote
        conn.execute("DROP INDEX pending_deletions_page")
        conn.execute("ALTER TABLE pending_deletions DROP COLUMN page_id")
        conn.execute("INSERT INTO pending_deletions(run_id, source_id, oai_identifier,"
                     " datestamp, reason) VALUES (?, 'old', 'oai:0', '2026-01-01', 'x')",
                     (run_id,))
        conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    conn.close()
    store = Store(path)
    try:
        assert store.db.get_meta("schema_version") == "6"
        page_id = store.pages.add(PageRequest("old", run_id, 1, "http://x?verb=ListRecords"),
                                  b"<OAI-PMH/>")
        raw = RawRecord("old", "oai:1", "2026-01-01", "oai_dc", deleted=True)
        store.raw.stage_deletion(raw, run_id, "deleted by the server", page_id=page_id)
        assert [(staged.oai_identifier, staged.deleted, page)
                for staged, page in store.raw.pending_deletions(run_id)] == [
                    ("oai:0", True, None), ("oai:1", True, page_id)]  # staged before: no page
    finally:
        store.close()
