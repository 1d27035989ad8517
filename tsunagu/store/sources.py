"""Registered sources (feeds): who they belong to, their status and high-water marks.

What a source harvests (its sets, the sets it leaves out, its window size) is set
with :meth:`Sources.set_harvesting`; an update through :meth:`Sources.add` keeps
the excluded sets and the window size. A change of the sets harvested or left
out clears the high-water mark, so the next harvest is a full one: records of a
newly allowed set are harvested from the beginning, and those of a set no longer
wanted are tombstoned by its reconciliation (behind the mass-deletion guard).
"""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3

from tsunagu.errors import ConfigError, NotFoundError
from tsunagu.records import FeedKind, MappingProfile, Schedule, Sector, Source, SourceStatus
from tsunagu.store.database import Database, utc_now

SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

_COLUMNS = ("id", "name", "name_en", "base_url", "metadata_prefix", "sector", "set_specs",
            "default_rights", "metadata_rights", "institution_id", "status", "kind",
            "schedule", "prefecture", "languages", "exclude_sets", "window_days")
_SELECT = ("SELECT sources.*, source_profiles.profile AS profile FROM sources"
           " LEFT JOIN source_profiles ON source_profiles.source_id = sources.id")
#: Columns an update may change (``status`` changes only through :meth:`Sources.set_status`,
#: ``exclude_sets`` and ``window_days`` through :meth:`Sources.set_harvesting`).
_UPDATABLE = tuple(c for c in _COLUMNS
                   if c not in ("id", "status", "exclude_sets", "window_days"))


class Sources:
    """CRUD over the ``sources`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, source: Source, *, replace: bool = False) -> None:
        """Register ``source``; with ``replace`` an existing one is updated (not its status)."""
        if not SOURCE_ID.match(source.id):
            raise ConfigError(
                "a source id is 1-64 characters of a-z, 0-9, '-' and '_', starting "
                "with a letter or digit",
                source_id=source.id,
                field="id",
            )
        row = (*_values(source), utc_now())
        insert = (f"INSERT INTO sources({', '.join(_COLUMNS)}, created_at)"
                  f" VALUES ({','.join('?' * (len(_COLUMNS) + 1))})")
        with self._db.transaction() as conn:
            if replace:
                before = conn.execute("SELECT set_specs FROM sources WHERE id = ?",
                                      (source.id,)).fetchone()
                if before is not None and tuple(json.loads(before[0])) != source.set_specs:
                    conn.execute("UPDATE sources SET high_water = NULL WHERE id = ?",
                                 (source.id,))
                updates = ", ".join(f"{column}=excluded.{column}" for column in _UPDATABLE)
                conn.execute(f"{insert} ON CONFLICT(id) DO UPDATE SET {updates}", row)
            else:
                try:
                    conn.execute(insert, row)
                except sqlite3.IntegrityError as exc:
                    raise ConfigError(
                        "a source with this id is already registered", source_id=source.id
                    ) from exc
            self._save_profile(conn, source)

    def set_harvesting(self, source_id: str, *, set_specs: tuple[str, ...] | None = None,
                       exclude_sets: tuple[str, ...] | None = None,
                       window_days: int | None = None,
                       default_window: bool = False) -> Source:
        """Change what a source harvests (``None``: unchanged); returns the source.

        ``default_window`` goes back to ``Settings.window_days``. Changing the sets
        harvested or left out clears the high-water mark: the next harvest is full.
        """
        current = self.get(source_id)
        sets = current.set_specs if set_specs is None else _unique(set_specs, "set_specs")
        excluded = current.exclude_sets if exclude_sets is None else _unique(
            exclude_sets, "exclude_sets")
        days = None if default_window else current.window_days if window_days is None \
            else window_days
        both = sorted(set(sets) & set(excluded))
        if both:
            raise ConfigError(f"set {both[0]!r} cannot be both harvested and left out",
                              source_id=source_id, field="exclude_sets")
        if days is not None and days < 0:
            raise ConfigError("window_days is 0 (one window) or more", source_id=source_id,
                              field="window_days")
        with self._db.transaction() as conn:
            conn.execute("UPDATE sources SET set_specs = ?, exclude_sets = ?, window_days = ?"
                         " WHERE id = ?", (json.dumps(list(sets)), json.dumps(list(excluded)),
                                           days, source_id))
            if (sets, excluded) != (current.set_specs, current.exclude_sets):
                conn.execute("UPDATE sources SET high_water = NULL WHERE id = ?", (source_id,))
        return dataclasses.replace(current, set_specs=sets, exclude_sets=excluded,
                                   window_days=days)

    def set_profile(self, source_id: str, profile: MappingProfile) -> Source:
        """Change a source's mapping profile (re-map it to apply the change)."""
        source = dataclasses.replace(self.get(source_id), profile=profile)
        with self._db.transaction() as conn:
            self._save_profile(conn, source)
        return source

    @staticmethod
    def _save_profile(conn: sqlite3.Connection, source: Source) -> None:
        if source.profile == MappingProfile():
            conn.execute("DELETE FROM source_profiles WHERE source_id = ?", (source.id,))
            return
        conn.execute(
            "INSERT INTO source_profiles(source_id, profile) VALUES (?, ?) "
            "ON CONFLICT(source_id) DO UPDATE SET profile = excluded.profile",
            (source.id, json.dumps(dataclasses.asdict(source.profile), ensure_ascii=False)),
        )

    def get(self, source_id: str) -> Source:
        row = (
            self._db.connection()
            .execute(f"{_SELECT} WHERE id = ?", (source_id,))
            .fetchone()
        )
        if row is None:
            raise NotFoundError("no such source", source_id=source_id)
        return _source(row)

    def list(self, *, institution_id: str | None = None,
             status: SourceStatus | None = None) -> list[Source]:
        """Sources in id order, optionally of one institution and/or with one status."""
        sql = f"{_SELECT} WHERE 1 = 1"
        params: list[str] = []
        if institution_id is not None:
            sql += " AND institution_id = ?"
            params.append(institution_id)
        if status is not None:
            sql += " AND status = ?"
            params.append(status.value)
        rows = self._db.connection().execute(sql + " ORDER BY id", params).fetchall()
        return [_source(row) for row in rows]

    def published_ids(self) -> frozenset[str]:
        """The ids of the sources whose records may be public."""
        rows = self._db.connection().execute(
            "SELECT id FROM sources WHERE status = ?", (SourceStatus.PUBLISHED.value,))
        return frozenset(str(row[0]) for row in rows)

    def set_status(self, source_id: str, status: SourceStatus) -> bool:
        """Publish or unpublish a source; whether the status changed.

        Every record of the source takes a new value of the change sequence, so
        the next index update brings them into the index (publish) or removes
        them (unpublish) without a rebuild.
        """
        with self._db.transaction() as conn:
            current = self.get(source_id).status
            if current is status:
                return False
            conn.execute("UPDATE sources SET status = ? WHERE id = ?",
                         (status.value, source_id))
            ids = [row[0] for row in conn.execute(
                "SELECT id FROM records WHERE source_id = ? ORDER BY id", (source_id,))]
            conn.executemany("UPDATE records SET seq = ? WHERE id = ?",
                             [(self._db.next_seq(conn), rid) for rid in ids])
        return True

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


def _unique(specs: tuple[str, ...], field: str) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(spec.strip() for spec in specs))
    if any(not spec for spec in cleaned):
        raise ConfigError("a setSpec cannot be empty", field=field)
    return cleaned


def _values(source: Source) -> tuple[object, ...]:
    return (
        source.id, source.name, source.name_en, source.base_url, source.metadata_prefix,
        source.sector.value, json.dumps(list(source.set_specs)), source.default_rights,
        source.metadata_rights, source.institution_id, source.status.value, source.kind.value,
        source.schedule.value, source.prefecture, json.dumps(list(source.languages)),
        json.dumps(list(source.exclude_sets)), source.window_days,
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
        institution_id=row["institution_id"],
        status=SourceStatus(row["status"]),
        kind=FeedKind(row["kind"]),
        schedule=Schedule(row["schedule"]),
        prefecture=row["prefecture"],
        languages=tuple(json.loads(row["languages"])),
        profile=MappingProfile(**json.loads(row["profile"])) if row["profile"]
        else MappingProfile(),
        exclude_sets=tuple(json.loads(row["exclude_sets"])),
        window_days=row["window_days"],
    )
