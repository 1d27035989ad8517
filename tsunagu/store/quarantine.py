"""Records that could not be parsed or mapped, kept with their raw bytes."""

from __future__ import annotations

import dataclasses

from tsunagu.store.database import Database, utc_now


@dataclasses.dataclass(frozen=True)
class QuarantinedRecord:
    """A record set aside with the reason, so nothing is lost and it can be fixed."""

    id: int
    source_id: str
    oai_identifier: str | None
    run_id: int | None
    stage: str
    reason: str
    raw: bytes
    created_at: str
    page_id: int | None = None  # the kept page it came in (:mod:`.raw_pages`), if any


class Quarantine:
    """Append-only list of bad records per source."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        source_id: str,
        oai_identifier: str | None,
        *,
        stage: str,
        reason: str,
        raw: bytes,
        run_id: int | None = None,
        page_id: int | None = None,
    ) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO quarantine(source_id, oai_identifier, run_id, stage, reason, raw,"
                " created_at, page_id) VALUES (?,?,?,?,?,?,?,?)",
                (source_id, oai_identifier, run_id, stage, reason, raw, utc_now(), page_id),
            )

    def list(self, source_id: str, *, run_id: int | None = None) -> list[QuarantinedRecord]:
        sql = "SELECT * FROM quarantine WHERE source_id = ?"
        params: tuple[object, ...] = (source_id,)
        if run_id is not None:
            sql += " AND run_id = ?"
            params += (run_id,)
        rows = self._db.connection().execute(sql + " ORDER BY id", params).fetchall()
        return [
            QuarantinedRecord(
                id=row["id"], source_id=row["source_id"], oai_identifier=row["oai_identifier"],
                run_id=row["run_id"], stage=row["stage"], reason=row["reason"],
                raw=bytes(row["raw"] or b""), created_at=row["created_at"],
                page_id=row["page_id"],
            )
            for row in rows
        ]
