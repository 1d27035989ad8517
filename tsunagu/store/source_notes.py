"""Notes kept about a source between requests: derived values and the last sandbox report.

A note is a named JSON text per source with the *version* of what it was
derived from (e.g. :meth:`NormalizedRecords.source_version`), so a reader can
tell whether it is still current. Notes are a cache: losing them loses nothing
that cannot be computed again.
"""

from __future__ import annotations

import dataclasses

from tsunagu.store.database import Database, utc_now


@dataclasses.dataclass(frozen=True)
class SourceNote:
    """One stored note."""

    source_id: str
    name: str
    version: str
    data: str
    stored_at: str


class SourceNotes:
    """``(source id, name) -> note``; deleted with the source."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, source_id: str, name: str) -> SourceNote | None:
        row = self._db.connection().execute(
            "SELECT version, data, stored_at FROM source_notes WHERE source_id = ? AND name = ?",
            (source_id, name)).fetchone()
        if row is None:
            return None
        return SourceNote(source_id, name, str(row["version"]), str(row["data"]),
                          str(row["stored_at"]))

    def put(self, source_id: str, name: str, version: str, data: str) -> SourceNote:
        stored_at = utc_now()
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO source_notes(source_id, name, version, data, stored_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(source_id, name) DO UPDATE SET"
                " version = excluded.version, data = excluded.data,"
                " stored_at = excluded.stored_at",
                (source_id, name, version, data, stored_at))
        return SourceNote(source_id, name, version, data, stored_at)

    def drop(self, source_id: str, name: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM source_notes WHERE source_id = ? AND name = ?",
                         (source_id, name))
