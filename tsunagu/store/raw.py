"""Raw records exactly as harvested, one row per (source, OAI identifier)."""

from __future__ import annotations

import enum
import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence

from tsunagu.records import RawRecord
from tsunagu.store.database import Database, Upsert, utc_now


class ChangeKind(enum.StrEnum):
    """What storing a harvested record did to the store."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"


# Members as plain names: an enum class attribute is a descriptor call (per record).
_NEW, _UPDATED, _UNCHANGED, _DELETED = (ChangeKind.NEW, ChangeKind.UPDATED,
                                        ChangeKind.UNCHANGED, ChangeKind.DELETED)


class RawRecords:
    """Upserts that tell new, updated, unchanged and deleted records apart."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def put(self, raw: RawRecord, run_id: int | None = None) -> ChangeKind:
        """Store ``raw`` (inside the caller's transaction, if any)."""
        kind = self.put_many([raw], run_id, skip_seen=False)[0]
        assert kind is not None
        return kind

    def put_many(
        self, raws: Sequence[RawRecord], run_id: int | None, *, skip_seen: bool = True,
        page_id: int | None = None,
    ) -> list[ChangeKind | None]:
        """Store records of one source (one page); what each did, in order.

        With ``skip_seen`` a record already stored by the same run as it is now
        (it came in another set, or again after a restarted window) is skipped:
        ``None``, though its ``page_id`` moves to this page (where it was last
        seen); one the run stored with other content is written: the server
        changed it while it was listed, and what it says last wins.
        ``page_id``: the kept page (:mod:`.raw_pages`) the records came in, the
        provenance of every record written or seen unchanged (``None``: a stored
        record keeps the page it points to).
        """
        if not raws:
            return []
        source_id = raws[0].source_id
        now = utc_now()
        skip = skip_seen and run_id is not None
        kinds: list[ChangeKind | None] = []
        writes: list[object] = []  # the rows' values but the shared ones, flat
        touches: list[tuple[object, ...]] = []
        set_lists: dict[tuple[str, ...], str] = {}  # a page repeats a few set lists
        with self._db.transaction() as conn:
            existing = _existing(conn, source_id, [raw.oai_identifier for raw in raws])
            for raw in raws:
                identifier = raw.oai_identifier
                row = existing.get(identifier)
                deleted = raw.deleted
                digest = _digest(raw)
                sets = set_lists.get(raw.set_specs)
                if sets is None:
                    sets = set_lists[raw.set_specs] = json.dumps(list(raw.set_specs))
                if row is not None and skip and row[2] == run_id and row[0] == digest:
                    touches.append((raw.datestamp, sets, run_id, page_id, source_id,
                                    identifier))
                    kinds.append(None)
                    continue
                existing[identifier] = (digest, deleted, run_id)
                if row is None:
                    kinds.append(_DELETED if deleted else _NEW)
                elif row[0] == digest:
                    touches.append((raw.datestamp, sets, run_id, page_id, source_id,
                                    identifier))
                    kinds.append(_UNCHANGED)
                    continue
                else:
                    kinds.append(_DELETED if deleted else _UPDATED)
                writes += (identifier, raw.datestamp, raw.metadata_prefix, int(deleted), sets,
                           raw.xml, digest)
            if touches:
                conn.executemany(
                    "UPDATE raw_records SET datestamp = ?, set_specs = ?, seen_run = ?,"
                    " page_id = COALESCE(?, page_id)"
                    " WHERE source_id = ? AND oai_identifier = ?", touches)
            _upsert(conn, writes, (source_id, now, now, run_id, run_id, page_id))
        return kinds

    # -- deletions: staged during a run, applied (or held) when it completes --------
    def stage_deletion(self, raw: RawRecord, run_id: int, reason: str, *,
                       page_id: int | None = None) -> None:
        """Remember that ``raw`` is to become a tombstone when run ``run_id`` completes;
        ``page_id``: the kept page that said so, the tombstone's provenance (the last such
        page of the run: a live record on a page between two deletions loses to the later)."""
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO pending_deletions(run_id, source_id, oai_identifier,"
                " datestamp, set_specs, reason, page_id) VALUES (?,?,?,?,?,?,?)"
                " ON CONFLICT(run_id, oai_identifier) DO UPDATE SET datestamp ="
                " excluded.datestamp, set_specs = excluded.set_specs, reason = excluded.reason,"
                " page_id = COALESCE(excluded.page_id, page_id)",
                (run_id, raw.source_id, raw.oai_identifier, raw.datestamp,
                 json.dumps(list(raw.set_specs)), reason, page_id))

    def stage_missing(self, source_id: str, run_id: int, datestamp: str) -> int:
        """Stage every live record a complete full run did not see; how many."""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO pending_deletions(run_id, source_id, oai_identifier,"
                " datestamp, set_specs, reason) SELECT ?, source_id, oai_identifier, ?,"
                " set_specs, 'missing from a complete full harvest' FROM raw_records"
                " WHERE source_id = ? AND deleted = 0 AND (seen_run IS NULL OR seen_run != ?)",
                (run_id, datestamp, source_id, run_id))
            return cursor.rowcount

    def pending_deletions(self, run_id: int, *, limit: int = 500
                          ) -> list[tuple[RawRecord, int | None]]:
        """Staged deletions of a run still to apply, as tombstones, each with the kept
        page that reported it (``None``: missing from a full harvest, or no page)."""
        rows = self._db.connection().execute(
            "SELECT p.source_id, p.oai_identifier, p.datestamp, p.set_specs,"
            " COALESCE(r.metadata_prefix, '') AS metadata_prefix, p.page_id"
            " FROM pending_deletions p"
            " LEFT JOIN raw_records r ON r.source_id = p.source_id"
            " AND r.oai_identifier = p.oai_identifier"
            " WHERE p.run_id = ? ORDER BY p.oai_identifier LIMIT ?", (run_id, limit))
        return [(RawRecord(source_id=row[0], oai_identifier=row[1], datestamp=row[2],
                           metadata_prefix=row[4], deleted=True,
                           set_specs=tuple(json.loads(row[3])), xml=b""), row[5])
                for row in rows]

    def live_pending_count(self, run_id: int) -> int:
        """Staged deletions of a run that would remove a live record."""
        row = self._db.connection().execute(
            "SELECT COUNT(*) FROM pending_deletions p JOIN raw_records r"
            " ON r.source_id = p.source_id AND r.oai_identifier = p.oai_identifier"
            " WHERE p.run_id = ? AND r.deleted = 0", (run_id,)).fetchone()
        return int(row[0])

    def seen_live_in_run(self, source_id: str, run_id: int, identifiers: Sequence[str]
                         ) -> dict[str, int | None]:
        """Those of ``identifiers`` the run stored live, each with the kept page it was
        last seen in (a later page wins over a deletion, an earlier one loses to it)."""
        found: dict[str, int | None] = {}
        conn = self._db.connection()
        for start in range(0, len(identifiers), 500):
            chunk = identifiers[start:start + 500]
            found.update(conn.execute(
                "SELECT oai_identifier, page_id FROM raw_records WHERE source_id = ?"
                " AND seen_run = ? AND deleted = 0"
                f" AND oai_identifier IN ({','.join('?' * len(chunk))})",
                (source_id, run_id, *chunk)).fetchall())
        return found

    def unstage(self, run_id: int, identifiers: Sequence[str]) -> None:
        with self._db.transaction() as conn:
            conn.executemany(
                "DELETE FROM pending_deletions WHERE run_id = ? AND oai_identifier = ?",
                [(run_id, oid) for oid in identifiers])

    def discard_pending(self, run_id: int) -> int:
        with self._db.transaction() as conn:
            return conn.execute(
                "DELETE FROM pending_deletions WHERE run_id = ?", (run_id,)).rowcount

    def live_among(self, source_id: str, oai_identifiers: Sequence[str]) -> set[str]:
        """Those of ``oai_identifiers`` stored live (not as tombstones) for ``source_id``."""
        found = _existing(self._db.connection(), source_id, list(oai_identifiers))
        return {identifier for identifier, (_digest, deleted, _run) in found.items()
                if not deleted}

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


def _digest(raw: RawRecord) -> str:
    """The record's content digest (a tombstone's differs from any live record's)."""
    digest = hashlib.sha256(raw.xml)
    if raw.deleted:
        digest.update(b"\x00deleted")
    return digest.hexdigest()


#: Rows of ``raw_records`` written many to a statement; a conflict keeps ``first_seen``.
#: A batch's source, time, run and page are bound once per statement.
_upsert = Upsert(
    "raw_records",
    ("source_id", "oai_identifier", "datestamp", "metadata_prefix", "deleted", "set_specs",
     "xml", "digest", "first_seen", "last_changed", "run_id", "seen_run", "page_id"),
    ("source_id", "oai_identifier"), keep=("first_seen",),
    # A tombstone written without a page (missing from a full harvest) keeps the page
    # the record was last seen in; new content without a page has none.
    updates={"page_id": "CASE WHEN excluded.deleted THEN COALESCE(excluded.page_id, page_id)"
                        " ELSE excluded.page_id END"},
    shared=("source_id", "first_seen", "last_changed", "run_id", "seen_run", "page_id")).write


def _existing(
    conn: sqlite3.Connection, source_id: str, identifiers: Sequence[str]
) -> dict[str, tuple[str, bool, int | None]]:
    """``identifier -> (digest, deleted, seen_run)`` of those already stored."""
    found: dict[str, tuple[str, bool, int | None]] = {}
    for start in range(0, len(identifiers), 500):
        chunk = identifiers[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            "SELECT oai_identifier, digest, deleted, seen_run FROM raw_records"
            f" WHERE source_id = ? AND oai_identifier IN ({marks})", (source_id, *chunk)
        ):
            found[row[0]] = (row[1], bool(row[2]), row[3])
    return found
