"""Normalized records as JSON, with a change sequence the index follows."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from tsunagu.records import Record, record_from_dict, record_to_dict
from tsunagu.store.database import Database, utc_now


class NormalizedRecords:
    """Mapped records; deletions stay as tombstones so the index can follow them.

    Every write takes the next value of the store's change sequence, so
    :meth:`changes_since` gives the index exactly what changed since its last update.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    def put(self, record: Record) -> None:
        """Insert or replace a record (inside the caller's transaction, if any)."""
        data = json.dumps(record_to_dict(record), ensure_ascii=False, separators=(",", ":"))
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO records(id, source_id, oai_identifier, deleted, data, seq, mapped_at)"
                " VALUES (?,?,?,0,?,?,?) ON CONFLICT(id) DO UPDATE SET deleted=0,"
                " data=excluded.data, seq=excluded.seq, mapped_at=excluded.mapped_at",
                (record.id, record.source_id, record.oai_identifier, data,
                 self._db.next_seq(conn), utc_now()),
            )

    def put_many(self, records: Sequence[Record]) -> None:
        """Insert or replace several records in one statement (one page at a time)."""
        if not records:
            return
        now = utc_now()
        with self._db.transaction() as conn:
            first = self._db.next_seq(conn, len(records))
            conn.executemany(
                "INSERT INTO records(id, source_id, oai_identifier, deleted, data, seq, mapped_at)"
                " VALUES (?,?,?,0,?,?,?) ON CONFLICT(id) DO UPDATE SET deleted=0,"
                " data=excluded.data, seq=excluded.seq, mapped_at=excluded.mapped_at",
                [
                    (record.id, record.source_id, record.oai_identifier,
                     json.dumps(record_to_dict(record), ensure_ascii=False,
                                separators=(",", ":")),
                     first + offset, now)
                    for offset, record in enumerate(records)
                ],
            )

    def exists(self, record_id: str) -> bool:
        """Whether a live record with this id is stored (cheaper than :meth:`get`)."""
        row = self._db.connection().execute(
            "SELECT 1 FROM records WHERE id = ? AND deleted = 0", (record_id,)
        ).fetchone()
        return row is not None

    def component_ids(self, record_id: str) -> list[str]:
        """Ids of the live component records of ``record_id`` (``{record_id}#…``, EAD)."""
        rows = self._db.connection().execute(
            "SELECT id FROM records WHERE id >= ? AND id < ? AND deleted = 0 ORDER BY id",
            (f"{record_id}#", f"{record_id}$"),  # '$' sorts right after '#'
        )
        return [str(row[0]) for row in rows]

    def has_components(self, record_id: str) -> bool:
        return bool(self.component_ids(record_id))

    def delete(self, record_id: str, source_id: str, oai_identifier: str) -> None:
        """Turn a record into a tombstone (kept, but no longer shown or indexed)."""
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO records(id, source_id, oai_identifier, deleted, data, seq, mapped_at)"
                " VALUES (?,?,?,1,NULL,?,?) ON CONFLICT(id) DO UPDATE SET deleted=1, data=NULL,"
                " seq=excluded.seq, mapped_at=excluded.mapped_at",
                (record_id, source_id, oai_identifier, self._db.next_seq(conn), utc_now()),
            )

    def get(self, record_id: str) -> Record | None:
        """The live record with this id, or ``None`` (missing or deleted)."""
        row = (
            self._db.connection()
            .execute("SELECT data FROM records WHERE id = ? AND deleted = 0", (record_id,))
            .fetchone()
        )
        return None if row is None else record_from_dict(json.loads(row[0]))

    def iter(self, source_id: str | None = None) -> Iterator[Record]:
        """Every live record (of one source), in id order."""
        sql = "SELECT data FROM records WHERE deleted = 0"
        params: tuple[str, ...] = ()
        if source_id is not None:
            sql += " AND source_id = ?"
            params = (source_id,)
        for row in self._db.connection().execute(sql + " ORDER BY id", params):
            yield record_from_dict(json.loads(row[0]))

    def counts_by_source(self) -> dict[str, int]:
        """Live records per source id."""
        rows = self._db.connection().execute(
            "SELECT source_id, COUNT(*) FROM records WHERE deleted = 0 GROUP BY source_id"
        )
        return {str(row[0]): int(row[1]) for row in rows}

    def source_version(self, source_id: str) -> int:
        """The newest change sequence number among a source's records (0: none yet).

        Every write and deletion of a record takes a new sequence number and rows
        are never removed, so this changes whenever anything of the source does.
        """
        row = self._db.connection().execute(
            "SELECT MAX(seq) FROM records WHERE source_id = ?", (source_id,)).fetchone()
        return int(row[0] or 0)

    def count(self) -> int:
        return int(
            self._db.connection()
            .execute("SELECT COUNT(*) FROM records WHERE deleted = 0")
            .fetchone()[0]
        )

    def changes_since(self, seq: int) -> Iterator[tuple[int, str, Record | None]]:
        """``(seq, record id, record or None for a deletion)`` after ``seq``, in order."""
        rows = self._db.connection().execute(
            "SELECT seq, id, deleted, data FROM records WHERE seq > ? ORDER BY seq", (seq,)
        )
        for row in rows:
            record = None if row["deleted"] else record_from_dict(json.loads(row["data"]))
            yield int(row["seq"]), str(row["id"]), record

    def last_seq(self) -> int:
        """The newest change sequence number in the store."""
        value = self._db.get_meta("seq")
        return int(value or 0)
