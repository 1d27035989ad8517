"""The collections tables in a real SQLite file: entries, order, copies, the migration."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tsunagu.errors import ConfigError, NotFoundError
from tsunagu.store import Store
from tsunagu.store.accounts import Role, UserStatus
from tsunagu.store.collections import (
    MAX_ENTRIES,
    CollectionFields,
    EntryKind,
    TextStyle,
    Visibility,
)
from tsunagu.uses import IntendedUse

FIELDS = CollectionFields(title="Edo prints", intended_use=IntendedUse.CLASS_WEBSITE,
                          language="en", description="For year 8")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "store.sqlite3")
    yield opened
    opened.close()


def _owner(store: Store, email: str = "t@school.example") -> int:
    return store.users.add(email, "hash", Role.EDUCATOR, status=UserStatus.ACTIVE).id


def _orders(store: Store, collection_id: int) -> list[tuple[int, str]]:
    return [(e.position, e.record_id or e.text) for e in store.collections.entries(collection_id)]


def test_add_get_update_and_list(store: Store) -> None:
    owner = _owner(store)
    made = store.collections.add(owner, FIELDS, "tok-1")
    assert made.title == "Edo prints" and made.visibility is Visibility.PRIVATE
    assert made.intended_use is IntendedUse.CLASS_WEBSITE and made.created_at
    assert store.collections.get(made.id) == made
    assert store.collections.find_by_token("tok-1") == made
    assert store.collections.find_by_token("tok-2") is None
    changed = store.collections.update(made.id, CollectionFields(
        title="Meiji", intended_use=IntendedUse.PRINTED_MATERIAL, language="ja",
        visibility=Visibility.PUBLIC))
    assert (changed.title, changed.language, changed.visibility) == ("Meiji", "ja",
                                                                    Visibility.PUBLIC)
    assert store.collections.list_by_owner(owner) == [changed]
    assert store.collections.list_public() == [changed] and store.collections.count_public() == 1
    with pytest.raises(NotFoundError):
        store.collections.get(made.id + 1)


def test_share_tokens_are_unique(store: Store) -> None:
    owner = _owner(store)
    store.collections.add(owner, FIELDS, "same")
    with pytest.raises(sqlite3.IntegrityError):
        store.collections.add(owner, FIELDS, "same")


def test_entries_keep_their_positions_through_inserts_moves_and_removals(store: Store) -> None:
    collection = store.collections.add(_owner(store), FIELDS, "t")
    cid = collection.id
    a = store.collections.add_entry(cid, EntryKind.ITEM, record_id="s:a", title="A", note="n")
    b = store.collections.add_entry(cid, EntryKind.ITEM, record_id="s:b", title="B")
    heading = store.collections.add_entry(cid, EntryKind.TEXT, text="Questions",
                                          style=TextStyle.HEADING, position=0)
    assert _orders(store, cid) == [(0, "Questions"), (1, "s:a"), (2, "s:b")]
    assert heading.style is TextStyle.HEADING and a.note == "n" and a.title == "A"
    store.collections.move_entry(cid, heading.id, 99)  # clamped to the end
    assert _orders(store, cid) == [(0, "s:a"), (1, "s:b"), (2, "Questions")]
    store.collections.move_entry(cid, b.id, -5)  # clamped to the start
    assert _orders(store, cid) == [(0, "s:b"), (1, "s:a"), (2, "Questions")]
    store.collections.remove_entry(cid, b.id)
    assert _orders(store, cid) == [(0, "s:a"), (1, "Questions")]
    store.collections.reorder(cid, [heading.id, a.id])
    assert _orders(store, cid) == [(0, "Questions"), (1, "s:a")]
    assert store.collections.counts_of([cid]) == {cid: 1}


def test_reorder_must_name_every_entry_once(store: Store) -> None:
    cid = store.collections.add(_owner(store), FIELDS, "t").id
    a = store.collections.add_entry(cid, EntryKind.ITEM, record_id="s:a")
    b = store.collections.add_entry(cid, EntryKind.ITEM, record_id="s:b")
    for bad in ([a.id], [a.id, a.id], [a.id, b.id, b.id + 1]):
        with pytest.raises(ConfigError):
            store.collections.reorder(cid, bad)
    assert _orders(store, cid) == [(0, "s:a"), (1, "s:b")]


def test_an_entry_of_another_collection_is_not_found(store: Store) -> None:
    owner = _owner(store)
    mine = store.collections.add(owner, FIELDS, "t1").id
    other = store.collections.add(owner, FIELDS, "t2").id
    entry = store.collections.add_entry(other, EntryKind.ITEM, record_id="s:a")
    with pytest.raises(NotFoundError):
        store.collections.entry(mine, entry.id)
    with pytest.raises(NotFoundError):
        store.collections.remove_entry(mine, entry.id)
    with pytest.raises(NotFoundError):
        store.collections.move_entry(mine, entry.id, 0)
    assert store.collections.entry(other, entry.id) == entry


def test_item_and_text_entries_are_distinct(store: Store) -> None:
    cid = store.collections.add(_owner(store), FIELDS, "t").id
    with pytest.raises(ConfigError):
        store.collections.add_entry(cid, EntryKind.ITEM)
    with pytest.raises(ConfigError):
        store.collections.add_entry(cid, EntryKind.TEXT, record_id="s:a")


def test_a_collection_holds_at_most_max_entries(store: Store) -> None:
    cid = store.collections.add(_owner(store), FIELDS, "t").id
    with store.db.transaction() as conn:
        conn.executemany(
            "INSERT INTO collection_entries(collection_id, position, kind, text)"
            " VALUES (?, ?, 'text', 'x')", [(cid, n) for n in range(MAX_ENTRIES)])
    with pytest.raises(ConfigError, match="at most"):
        store.collections.add_entry(cid, EntryKind.TEXT, text="one too many")


def test_copy_takes_the_entries_and_remembers_the_origin(store: Store) -> None:
    cid = store.collections.add(_owner(store), FIELDS, "t").id
    store.collections.add_entry(cid, EntryKind.ITEM, record_id="s:a", note="look")
    store.collections.add_entry(cid, EntryKind.TEXT, text="Why?", style=TextStyle.QUESTION)
    other = _owner(store, "o@school.example")
    copied = store.collections.copy(cid, other, FIELDS, "t-copy")
    assert copied.owner_id == other and copied.copied_from == cid
    entries = store.collections.entries(copied.id)
    assert [(e.kind, e.record_id, e.note, e.text, e.style) for e in entries] == [
        (EntryKind.ITEM, "s:a", "look", "", None),
        (EntryKind.TEXT, None, "", "Why?", TextStyle.QUESTION)]
    store.collections.delete(cid)  # the copy stays, its origin is forgotten
    assert store.collections.get(copied.id).copied_from is None
    assert store.collections.entries(cid) == []


def test_a_version_3_store_is_migrated_to_version_4(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE collection_entries")
        conn.execute("DROP TABLE collections")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    conn.close()
    store = Store(path)
    try:
        assert store.db.get_meta("schema_version") == "6"
        cid = store.collections.add(_owner(store), FIELDS, "t").id
        assert store.collections.get(cid).title == "Edo prints"
    finally:
        store.close()
