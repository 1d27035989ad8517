"""Creating, reading, editing and copying collections, with who may do what.

Every function takes the *actor* (the logged-in :class:`User`, or ``None``) and
checks the rule itself. Reading: the owner always; anyone for a public
collection; an unlisted one only with its share token. A collection a person may
not read is *not found* (its existence is not revealed); one they may read but
not edit is *permission denied*. Only the owner edits. Active educators and
administrators create collections and copy public ones into their own.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from tsunagu.errors import ConfigError, NotFoundError, PermissionDeniedError
from tsunagu.store import Store
from tsunagu.store.accounts import Role, User
from tsunagu.store.activity import ActivityKind
from tsunagu.store.collections import (
    Collection,
    CollectionFields,
    Entry,
    EntryKind,
    TextStyle,
    Visibility,
)

LANGUAGES = ("ja", "en")
MAX_TITLE = 200
MAX_DESCRIPTION = 4000
MAX_NOTE = 2000
MAX_TEXT = 2000


def new_share_token() -> str:
    """An unguessable token for the unlisted link (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


# -- rules ---------------------------------------------------------------------------
def can_create(actor: User | None) -> bool:
    """Active educators and administrators keep collections."""
    return actor is not None and actor.active and actor.role in {Role.EDUCATOR, Role.ADMIN}


def can_edit(actor: User | None, collection: Collection) -> bool:
    """The owner only (while the account is active)."""
    return actor is not None and actor.active and actor.id == collection.owner_id


def can_read(actor: User | None, collection: Collection, token: str | None = None) -> bool:
    if collection.visibility is Visibility.PUBLIC or can_edit(actor, collection):
        return True
    return (collection.visibility is Visibility.UNLISTED and token is not None
            and secrets.compare_digest(token, collection.share_token))


def can_copy(actor: User | None, collection: Collection) -> bool:
    """Copy a public collection (or one's own) into one's own collections."""
    return can_create(actor) and (collection.visibility is Visibility.PUBLIC
                                  or can_edit(actor, collection))


# -- reading -------------------------------------------------------------------------
def open_collection(store: Store, actor: User | None, collection_id: int) -> Collection:
    """The collection if ``actor`` may read it without a token; else not found."""
    collection = store.collections.get(collection_id)
    if not can_read(actor, collection):
        raise NotFoundError(f"no collection {collection_id}", field="collection")
    return collection


def open_shared(store: Store, token: str) -> Collection:
    """The unlisted or public collection behind a share link; else not found."""
    collection = store.collections.find_by_token(token) if token else None
    if collection is None or collection.visibility is Visibility.PRIVATE:
        raise NotFoundError("no collection behind this link", field="collection")
    return collection


def my_collections(store: Store, actor: User | None) -> list[Collection]:
    _require(can_create(actor), "keep collections")
    assert actor is not None
    return store.collections.list_by_owner(actor.id)


def public_collections(store: Store, *, limit: int = 50, offset: int = 0) -> list[Collection]:
    """The gallery: public collections, most recently changed first."""
    return store.collections.list_public(limit=limit, offset=offset)


# -- writing -------------------------------------------------------------------------
def create_collection(store: Store, actor: User | None, fields: CollectionFields
                      ) -> Collection:
    _require(can_create(actor), "create a collection")
    assert actor is not None
    return store.collections.add(actor.id, checked_fields(fields), new_share_token())


def update_collection(store: Store, actor: User | None, collection_id: int,
                      fields: CollectionFields) -> Collection:
    editable(store, actor, collection_id)
    return store.collections.update(collection_id, checked_fields(fields))


def delete_collection(store: Store, actor: User | None, collection_id: int) -> None:
    editable(store, actor, collection_id)
    store.collections.delete(collection_id)


def renew_share_link(store: Store, actor: User | None, collection_id: int) -> Collection:
    """A new unlisted link; the old one stops working."""
    editable(store, actor, collection_id)
    return store.collections.set_share_token(collection_id, new_share_token())


def copy_collection(store: Store, actor: User | None, collection_id: int) -> Collection:
    """A private copy, owned by ``actor``, of a public collection (or of one's own)."""
    source = open_collection(store, actor, collection_id)
    _require(can_copy(actor, source), "copy this collection")
    assert actor is not None
    fields = CollectionFields(
        title=source.title, intended_use=source.intended_use, language=source.language,
        visibility=Visibility.PRIVATE, description=source.description)
    copied = store.collections.copy(source.id, actor.id, fields, new_share_token())
    store.activity.record_event(ActivityKind.COLLECTION, [
        e.record_id for e in store.collections.entries(copied.id) if e.record_id])
    return copied


def add_item(store: Store, actor: User | None, collection_id: int, record_id: str,
             note: str = "", *, position: int | None = None) -> Entry:
    """Add a live record (counted for its institution as a collection inclusion)."""
    editable(store, actor, collection_id)
    record = store.records.get(record_id)
    if record is None:
        raise NotFoundError("no such record", record_id=record_id)
    entry = store.collections.add_entry(
        collection_id, EntryKind.ITEM, record_id=record.id, note=_checked_note(note),
        title=record.title.value[:MAX_TITLE], position=position)
    store.activity.record_event(ActivityKind.COLLECTION, [record.id])
    return entry


def add_text(store: Store, actor: User | None, collection_id: int, text: str,
             style: TextStyle = TextStyle.PARAGRAPH, *, position: int | None = None) -> Entry:
    editable(store, actor, collection_id)
    return store.collections.add_entry(collection_id, EntryKind.TEXT, text=_checked_text(text),
                                       style=style, position=position)


def edit_entry(store: Store, actor: User | None, collection_id: int, entry_id: int, *,
               note: str | None = None, text: str | None = None,
               style: TextStyle | None = None) -> Entry:
    """Change an item's note, or a text block's text and style."""
    editable(store, actor, collection_id)
    entry = store.collections.entry(collection_id, entry_id)
    if entry.kind is EntryKind.ITEM:
        return store.collections.update_entry(
            collection_id, entry_id, note=None if note is None else _checked_note(note))
    return store.collections.update_entry(
        collection_id, entry_id, text=None if text is None else _checked_text(text),
        style=style)


def replace_item(store: Store, actor: User | None, collection_id: int, entry_id: int,
                 record_id: str) -> Entry:
    """Swap the record of an item entry for another (its note and place are kept)."""
    editable(store, actor, collection_id)
    entry = store.collections.entry(collection_id, entry_id)
    if entry.kind is not EntryKind.ITEM:
        raise ConfigError("only an item can be swapped", field="entry")
    record = store.records.get(record_id)
    if record is None:
        raise NotFoundError("no such record", record_id=record_id)
    changed = store.collections.update_entry(collection_id, entry_id, record_id=record.id,
                                             title=record.title.value[:MAX_TITLE])
    store.activity.record_event(ActivityKind.COLLECTION, [record.id])
    return changed


def remove_entry(store: Store, actor: User | None, collection_id: int, entry_id: int) -> None:
    editable(store, actor, collection_id)
    store.collections.remove_entry(collection_id, entry_id)


def move_entry(store: Store, actor: User | None, collection_id: int, entry_id: int,
               position: int) -> list[Entry]:
    """Move an entry to ``position`` (0-based, clamped to the list)."""
    editable(store, actor, collection_id)
    return store.collections.move_entry(collection_id, entry_id, position)


def move_entry_by(store: Store, actor: User | None, collection_id: int, entry_id: int,
                  steps: int) -> list[Entry]:
    """Move an entry up (``-1``) or down (``+1``) — the keyboard and no-script alternative."""
    editable(store, actor, collection_id)
    entry = store.collections.entry(collection_id, entry_id)
    return store.collections.move_entry(collection_id, entry_id, entry.position + steps)


def reorder(store: Store, actor: User | None, collection_id: int,
            entry_ids: Sequence[int]) -> list[Entry]:
    """Put every entry in the order given (drag and drop)."""
    editable(store, actor, collection_id)
    return store.collections.reorder(collection_id, entry_ids)


def editable(store: Store, actor: User | None, collection_id: int) -> Collection:
    """The collection if ``actor`` owns it: not found if unreadable, else denied."""
    collection = open_collection(store, actor, collection_id)
    _require(can_edit(actor, collection), "edit this collection")
    return collection


# -- checks --------------------------------------------------------------------------
def checked_fields(fields: CollectionFields) -> CollectionFields:
    title = fields.title.strip()
    if not title or len(title) > MAX_TITLE:
        raise ConfigError(f"a title is 1 to {MAX_TITLE} characters", field="title")
    description = fields.description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise ConfigError(f"a description is at most {MAX_DESCRIPTION} characters",
                          field="description")
    if fields.language not in LANGUAGES:
        raise ConfigError(f"the language is one of {', '.join(LANGUAGES)}", field="language")
    return CollectionFields(title=title, intended_use=fields.intended_use,
                            language=fields.language, visibility=fields.visibility,
                            description=description)


def _checked_note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ConfigError(f"a note is at most {MAX_NOTE} characters", field="note")
    return note


def _checked_text(text: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise ConfigError(f"a text block is 1 to {MAX_TEXT} characters", field="text")
    return text


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDeniedError(f"not allowed: {what}", field="collection")
