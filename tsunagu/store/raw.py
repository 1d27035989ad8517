"""Raw records exactly as harvested, one row per (source, OAI identifier)."""

from __future__ import annotations

import enum
import hashlib
import json
import sqlite3
from collections.abc import Iterator

from tsunagu.records import RawRecord
from tsunagu.store.database import Database, utc_now


class ChangeKind(enum.StrEnum):
    """What storing a harvested record did to the store."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"


class RawRecords:
    """Upserts that tell new, updated, unchanged and deleted records apart."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def put(self, raw: RawRecord, run_id: int | None = None) -> ChangeKind:
        """Store ``raw`` (inside the caller's transaction, if any)."""
        digest = hashlib.sha256(
            raw.xml + (b"\x00deleted" if raw.deleted else b"")
        ).hexdigest()
        now = utc_now()
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT digest, deleted FROM raw_records"
                " WHERE source_id = ? AND oai_identifier = ?",
                (raw.source_id, raw.oai_identifier),
            ).fetchone()
            if row is not None and row["digest"] == digest:
                conn.execute(
                    "UPDATE raw_records SET datestamp = ?, set_specs = ? "
                    "WHERE source_id = ? AND oai_identifier = ?",
                    (raw.datestamp, json.dumps(list(raw.set_specs)), raw.source_id,
                     raw.oai_identifier),
                )
                return ChangeKind.UNCHANGED
            conn.execute(
                "INSERT INTO raw_records(source_id, oai_identifier, datestamp, metadata_prefix,"
                " deleted, set_specs, xml, digest, first_seen, last_changed, run_id)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(source_id, oai_identifier) DO UPDATE"
                " SET datestamp=excluded.datestamp, metadata_prefix=excluded.metadata_prefix,"
                " deleted=excluded.deleted, set_specs=excluded.set_specs, xml=excluded.xml,"
                " digest=excluded.digest, last_changed=excluded.last_changed,"
                " run_id=excluded.run_id",
                (raw.source_id, raw.oai_identifier, raw.datestamp, raw.metadata_prefix,
                 int(raw.deleted), json.dumps(list(raw.set_specs)), raw.xml, digest, now, now,
                 run_id),
            )
        if raw.deleted:
            return ChangeKind.DELETED
        return ChangeKind.NEW if row is None else ChangeKind.UPDATED

    def get(self, source_id: str, oai_identifier: str) -> RawRecord | None:
        row = (
            self._db.connection()
            .execute(
                "SELECT * FROM raw_records WHERE source_id = ? AND oai_identifier = ?",
                (source_id, oai_identifier),
            )
            .fetchone()
        )
        return None if row is None else _raw(row)

    def iter(self, source_id: str, *, include_deleted: bool = True) -> Iterator[RawRecord]:
        """Every raw record of a source, in identifier order."""
        sql = "SELECT * FROM raw_records WHERE source_id = ?"
        if not include_deleted:
            sql += " AND deleted = 0"
        yield from (_raw(row) for row in
                    self._db.connection().execute(sql + " ORDER BY oai_identifier",
                                                  (source_id,)))

    def count(self, source_id: str, *, include_deleted: bool = False) -> int:
        sql = "SELECT COUNT(*) FROM raw_records WHERE source_id = ?"
        if not include_deleted:
            sql += " AND deleted = 0"
        return int(self._db.connection().execute(sql, (source_id,)).fetchone()[0])

    def identifiers(self, source_id: str) -> set[str]:
        """The OAI identifiers of a source's live (not deleted) records."""
        rows = self._db.connection().execute(
            "SELECT oai_identifier FROM raw_records WHERE source_id = ? AND deleted = 0",
            (source_id,),
        )
        return {str(row[0]) for row in rows}


def _raw(row: sqlite3.Row) -> RawRecord:
    return RawRecord(
        source_id=row["source_id"],
        oai_identifier=row["oai_identifier"],
        datestamp=row["datestamp"],
        metadata_prefix=row["metadata_prefix"],
        deleted=bool(row["deleted"]),
        set_specs=tuple(json.loads(row["set_specs"])),
        xml=bytes(row["xml"]),
    )
