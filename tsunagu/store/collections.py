"""Educators' collections: a title, an intended use, a visibility, and ordered entries.

An entry is an item (a record id with a note) or a free text block (a heading, a
question for students, a paragraph) between items. Records are referenced by id
only: the collection's view looks them up at read time, so a record an
institution changes or deletes shows its current state at once. The title an
item had when it was added is kept, to name an item that is no longer available.

Authorization is not checked here: :mod:`tsunagu.collections` does that.
"""

from __future__ import annotations

import dataclasses
import enum
import sqlite3
from collections.abc import Sequence

from tsunagu.errors import ConfigError, NotFoundError
from tsunagu.store.database import Database, utc_now
from tsunagu.uses import IntendedUse

#: The most entries (items and text blocks) one collection holds.
MAX_ENTRIES = 500


class Visibility(enum.StrEnum):
    """Who may read a collection: its owner, anyone with the link, or everyone (gallery)."""

    PRIVATE = "private"
    UNLISTED = "unlisted"
    PUBLIC = "public"


class EntryKind(enum.StrEnum):
    ITEM = "item"
    TEXT = "text"


class TextStyle(enum.StrEnum):
    """How a text block is shown."""

    HEADING = "heading"
    QUESTION = "question"
    PARAGRAPH = "paragraph"


@dataclasses.dataclass(frozen=True)
class Collection:
    """A collection's own fields (its entries are read with :meth:`Collections.entries`)."""

    id: int
    owner_id: int
    title: str
    intended_use: IntendedUse
    language: str
    visibility: Visibility
    share_token: str
    description: str = ""
    copied_from: int | None = None
    created_at: str = ""
    updated_at: str = ""


@dataclasses.dataclass(frozen=True)
class Entry:
    """One entry at ``position`` (0-based): an item with a note, or a text block."""

    id: int
    collection_id: int
    position: int
    kind: EntryKind
    record_id: str | None = None
    note: str = ""
    text: str = ""
    style: TextStyle | None = None
    #: The record's title when it was added (shown when the record is gone).
    title: str = ""


@dataclasses.dataclass(frozen=True)
class CollectionFields:
    """The fields an owner sets."""

    title: str
    intended_use: IntendedUse
    language: str
    visibility: Visibility = Visibility.PRIVATE
    description: str = ""


class Collections:
    """CRUD over ``collections`` and ``collection_entries``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- collections -------------------------------------------------------------------
    def add(self, owner_id: int, fields: CollectionFields, share_token: str,
            *, copied_from: int | None = None) -> Collection:
        now = utc_now()
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO collections(owner_id, title, description, intended_use, language,"
                " visibility, share_token, copied_from, created_at, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                (owner_id, fields.title, fields.description, fields.intended_use.value,
                 fields.language, fields.visibility.value, share_token, copied_from, now, now))
            return self.get(int(cursor.lastrowid or 0))

    def get(self, collection_id: int) -> Collection:
        row = self._db.connection().execute(
            "SELECT * FROM collections WHERE id = ?", (collection_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no collection {collection_id}", field="collection")
        return _collection(row)

    def find_by_token(self, share_token: str) -> Collection | None:
        row = self._db.connection().execute(
            "SELECT * FROM collections WHERE share_token = ?", (share_token,)).fetchone()
        return None if row is None else _collection(row)

    def list_by_owner(self, owner_id: int) -> list[Collection]:
        rows = self._db.connection().execute(
            "SELECT * FROM collections WHERE owner_id = ? ORDER BY updated_at DESC, id DESC",
            (owner_id,))
        return [_collection(row) for row in rows]

    def list_public(self, *, limit: int = 50, offset: int = 0) -> list[Collection]:
        rows = self._db.connection().execute(
            "SELECT * FROM collections WHERE visibility = 'public'"
            " ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?", (limit, offset))
        return [_collection(row) for row in rows]

    def count_public(self) -> int:
        row = self._db.connection().execute(
            "SELECT COUNT(*) FROM collections WHERE visibility = 'public'").fetchone()
        return int(row[0])

    def update(self, collection_id: int, fields: CollectionFields) -> Collection:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE collections SET title = ?, description = ?, intended_use = ?,"
                " language = ?, visibility = ?, updated_at = ? WHERE id = ?",
                (fields.title, fields.description, fields.intended_use.value, fields.language,
                 fields.visibility.value, utc_now(), collection_id))
            return self.get(collection_id)

    def set_share_token(self, collection_id: int, share_token: str) -> Collection:
        with self._db.transaction() as conn:
            conn.execute("UPDATE collections SET share_token = ?, updated_at = ? WHERE id = ?",
                         (share_token, utc_now(), collection_id))
            return self.get(collection_id)

    def delete(self, collection_id: int) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM collections WHERE id = ?", (collection_id,))

    def counts_of(self, collection_ids: Sequence[int]) -> dict[int, int]:
        """Items (not text blocks) per collection."""
        if not collection_ids:
            return {}
        rows = self._db.connection().execute(
            "SELECT collection_id, COUNT(*) FROM collection_entries WHERE kind = 'item'"
            f" AND collection_id IN ({','.join('?' * len(collection_ids))})"
            " GROUP BY collection_id", list(collection_ids))
        return {int(row[0]): int(row[1]) for row in rows}

    # -- entries -----------------------------------------------------------------------
    def entries(self, collection_id: int) -> list[Entry]:
        rows = self._db.connection().execute(
            "SELECT * FROM collection_entries WHERE collection_id = ? ORDER BY position, id",
            (collection_id,))
        return [_entry(row) for row in rows]

    def entry(self, collection_id: int, entry_id: int) -> Entry:
        """The entry ``entry_id`` of this collection (an entry of another is not found)."""
        row = self._db.connection().execute(
            "SELECT * FROM collection_entries WHERE id = ? AND collection_id = ?",
            (entry_id, collection_id)).fetchone()
        if row is None:
            raise NotFoundError(f"no entry {entry_id} in collection {collection_id}",
                                field="entry")
        return _entry(row)

    def add_entry(self, collection_id: int, kind: EntryKind, *, record_id: str | None = None,
                  note: str = "", text: str = "", style: TextStyle | None = None,
                  title: str = "", position: int | None = None) -> Entry:
        """Append an entry (or insert it at ``position``, shifting the ones after it)."""
        if (kind is EntryKind.ITEM) != (record_id is not None):
            raise ConfigError("an item entry has a record id, a text block none", field="kind")
        with self._db.transaction() as conn:
            count = self._count(conn, collection_id)
            if count >= MAX_ENTRIES:
                raise ConfigError(f"a collection holds at most {MAX_ENTRIES} entries",
                                  field="entries")
            at = count if position is None else max(0, min(position, count))
            conn.execute("UPDATE collection_entries SET position = position + 1"
                         " WHERE collection_id = ? AND position >= ?", (collection_id, at))
            cursor = conn.execute(
                "INSERT INTO collection_entries(collection_id, position, kind, record_id, note,"
                " text, style, title) VALUES (?,?,?,?,?,?,?,?)",
                (collection_id, at, kind.value, record_id, note, text,
                 style.value if style else None, title))
            self._touch(conn, collection_id)
            return self.entry(collection_id, int(cursor.lastrowid or 0))

    def update_entry(self, collection_id: int, entry_id: int, *, note: str | None = None,
                     text: str | None = None, style: TextStyle | None = None,
                     record_id: str | None = None, title: str | None = None) -> Entry:
        """Change the fields given (``None`` keeps a field)."""
        entry = self.entry(collection_id, entry_id)
        changed = dataclasses.replace(
            entry,
            note=entry.note if note is None else note,
            text=entry.text if text is None else text,
            style=entry.style if style is None else style,
            record_id=entry.record_id if record_id is None else record_id,
            title=entry.title if title is None else title,
        )
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE collection_entries SET note = ?, text = ?, style = ?, record_id = ?,"
                " title = ? WHERE id = ?",
                (changed.note, changed.text, changed.style.value if changed.style else None,
                 changed.record_id, changed.title, entry_id))
            self._touch(conn, collection_id)
        return changed

    def remove_entry(self, collection_id: int, entry_id: int) -> None:
        entry = self.entry(collection_id, entry_id)
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM collection_entries WHERE id = ?", (entry_id,))
            conn.execute("UPDATE collection_entries SET position = position - 1"
                         " WHERE collection_id = ? AND position > ?",
                         (collection_id, entry.position))
            self._touch(conn, collection_id)

    def move_entry(self, collection_id: int, entry_id: int, position: int) -> list[Entry]:
        """Move one entry to ``position`` (clamped); the new order."""
        with self._db.transaction():
            ids = [e.id for e in self.entries(collection_id)]
            if entry_id not in ids:
                raise NotFoundError(f"no entry {entry_id} in collection {collection_id}",
                                    field="entry")
            ids.remove(entry_id)
            ids.insert(max(0, min(position, len(ids))), entry_id)
            return self.reorder(collection_id, ids)

    def reorder(self, collection_id: int, entry_ids: Sequence[int]) -> list[Entry]:
        """Put the entries in this order; ``entry_ids`` must name every entry once."""
        with self._db.transaction() as conn:
            current = {e.id for e in self.entries(collection_id)}
            if len(entry_ids) != len(current) or set(entry_ids) != current:
                raise ConfigError("the new order must list every entry of the collection once",
                                  field="order")
            conn.executemany("UPDATE collection_entries SET position = ? WHERE id = ?",
                             [(position, entry_id) for position, entry_id in
                              enumerate(entry_ids)])
            self._touch(conn, collection_id)
            return self.entries(collection_id)

    def copy(self, source_id: int, owner_id: int, fields: CollectionFields,
             share_token: str) -> Collection:
        """A new collection of ``owner_id`` with ``fields`` and the source's entries."""
        with self._db.transaction() as conn:
            copied = self.add(owner_id, fields, share_token, copied_from=source_id)
            conn.execute(
                "INSERT INTO collection_entries(collection_id, position, kind, record_id, note,"
                " text, style, title) SELECT ?, position, kind, record_id, note, text, style,"
                " title FROM collection_entries WHERE collection_id = ? ORDER BY position",
                (copied.id, source_id))
            return copied

    @staticmethod
    def _count(conn: sqlite3.Connection, collection_id: int) -> int:
        row = conn.execute("SELECT COUNT(*) FROM collection_entries WHERE collection_id = ?",
                           (collection_id,)).fetchone()
        return int(row[0])

    @staticmethod
    def _touch(conn: sqlite3.Connection, collection_id: int) -> None:
        conn.execute("UPDATE collections SET updated_at = ? WHERE id = ?",
                     (utc_now(), collection_id))


def _collection(row: sqlite3.Row) -> Collection:
    return Collection(
        id=int(row["id"]), owner_id=int(row["owner_id"]), title=row["title"],
        intended_use=IntendedUse(row["intended_use"]), language=row["language"],
        visibility=Visibility(row["visibility"]), share_token=row["share_token"],
        description=row["description"], copied_from=row["copied_from"],
        created_at=row["created_at"], updated_at=row["updated_at"])


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        id=int(row["id"]), collection_id=int(row["collection_id"]),
        position=int(row["position"]), kind=EntryKind(row["kind"]),
        record_id=row["record_id"], note=row["note"], text=row["text"],
        style=TextStyle(row["style"]) if row["style"] else None, title=row["title"])
