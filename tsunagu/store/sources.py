"""Registered sources (feeds) and their harvest high-water marks."""

from __future__ import annotations

import json
import re
import sqlite3

from tsunagu.errors import ConfigError, NotFoundError
from tsunagu.records import Sector, Source
from tsunagu.store.database import Database, utc_now

SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class Sources:
    """CRUD over the ``sources`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, source: Source, *, replace: bool = False) -> None:
        """Register ``source``; with ``replace`` an existing one is updated."""
        if not SOURCE_ID.match(source.id):
            raise ConfigError(
                "a source id is 1-64 characters of a-z, 0-9, '-' and '_', starting "
                "with a letter or digit",
                source_id=source.id,
                field="id",
            )
        row = (
            source.id,
            source.name,
            source.name_en,
            source.base_url,
            source.metadata_prefix,
            source.sector.value,
            json.dumps(list(source.set_specs)),
            source.default_rights,
            source.metadata_rights,
            utc_now(),
        )
        with self._db.transaction() as conn:
            if replace:
                conn.execute(
                    "INSERT INTO sources(id, name, name_en, base_url, metadata_prefix, sector,"
                    " set_specs, default_rights, metadata_rights, created_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
                    " name=excluded.name, name_en=excluded.name_en, base_url=excluded.base_url,"
                    " metadata_prefix=excluded.metadata_prefix, sector=excluded.sector,"
                    " set_specs=excluded.set_specs, default_rights=excluded.default_rights,"
                    " metadata_rights=excluded.metadata_rights",
                    row,
                )
                return
            try:
                conn.execute(
                    "INSERT INTO sources(id, name, name_en, base_url, metadata_prefix, sector,"
                    " set_specs, default_rights, metadata_rights, created_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?)",
                    row,
                )
            except sqlite3.IntegrityError as exc:
                raise ConfigError(
                    "a source with this id is already registered", source_id=source.id
                ) from exc

    def get(self, source_id: str) -> Source:
        row = (
            self._db.connection()
            .execute("SELECT * FROM sources WHERE id = ?", (source_id,))
            .fetchone()
        )
        if row is None:
            raise NotFoundError("no such source", source_id=source_id)
        return _source(row)

    def list(self) -> list[Source]:
        rows = self._db.connection().execute("SELECT * FROM sources ORDER BY id").fetchall()
        return [_source(row) for row in rows]

    def remove(self, source_id: str) -> None:
        with self._db.transaction() as conn:
            if conn.execute("DELETE FROM sources WHERE id = ?", (source_id,)).rowcount == 0:
                raise NotFoundError("no such source", source_id=source_id)

    def high_water(self, source_id: str) -> str | None:
        """The datestamp the next incremental harvest starts from."""
        row = (
            self._db.connection()
            .execute("SELECT high_water FROM sources WHERE id = ?", (source_id,))
            .fetchone()
        )
        if row is None:
            raise NotFoundError("no such source", source_id=source_id)
        return None if row[0] is None else str(row[0])

    def set_high_water(self, source_id: str, datestamp: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE sources SET high_water = ? WHERE id = ?", (datestamp, source_id)
            )


def _source(row: sqlite3.Row) -> Source:
    return Source(
        id=row["id"],
        name=row["name"],
        name_en=row["name_en"],
        base_url=row["base_url"],
        metadata_prefix=row["metadata_prefix"],
        sector=Sector(row["sector"]),
        set_specs=tuple(json.loads(row["set_specs"])),
        default_rights=row["default_rights"],
        metadata_rights=row["metadata_rights"],
    )
