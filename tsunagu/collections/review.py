"""A collection as it stands now: each item's current record and the answer for the use.

Records are looked up when the collection is read, never copied into it, so an
item whose rights an institution changed shows the new answer at once and a
deleted record shows as *no longer available*. The summary counts the answers
("23 of 25 items usable for a class website; 2 need permission");
:func:`suggest_alternatives` finds usable items to swap in for the others with
a similar search (the caller runs it: this module does not know the index).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable, Sequence

from tsunagu.errors import NotFoundError
from tsunagu.records import Record
from tsunagu.store import Store
from tsunagu.store.collections import Collection, Entry, EntryKind
from tsunagu.uses import IntendedUse, UseAnswer, assess_use

#: Runs a search for ``text`` and returns record ids, best first.
Finder = Callable[[str], Sequence[str]]

_WORD_SPLIT = re.compile(r"[\s\u3000、。・,.;:!?()（）「」『』【】\[\]\"'/]+")
_MAX_QUERY_WORDS = 6


class ItemState(enum.StrEnum):
    """An item's state for the collection's use (``unavailable``: the record is gone)."""

    YES = "yes"
    WITH_CONDITIONS = "with_conditions"
    NO = "no"
    ASK_INSTITUTION = "ask_institution"
    UNAVAILABLE = "unavailable"

    @property
    def usable(self) -> bool:
        return self in {ItemState.YES, ItemState.WITH_CONDITIONS}


@dataclasses.dataclass(frozen=True)
class ReviewedEntry:
    """An entry with, for items, the current record (``None`` if gone) and its answer."""

    entry: Entry
    record: Record | None = None
    answer: UseAnswer | None = None

    @property
    def is_item(self) -> bool:
        return self.entry.kind is EntryKind.ITEM

    @property
    def state(self) -> ItemState | None:
        """``None`` for a text block."""
        if not self.is_item:
            return None
        if self.record is None or self.answer is None:
            return ItemState.UNAVAILABLE
        return ItemState(self.answer.answer.value)

    @property
    def title(self) -> str:
        """The record's current title, or the one it had when added."""
        return self.record.title.value if self.record is not None else self.entry.title


@dataclasses.dataclass(frozen=True)
class Summary:
    """How many items may be used for the collection's use, and why not the others."""

    use: IntendedUse
    items: int
    yes: int
    with_conditions: int
    no: int
    ask_institution: int
    unavailable: int

    @property
    def usable(self) -> int:
        return self.yes + self.with_conditions

    @property
    def need_permission(self) -> int:
        """Items whose terms grant nothing for this use: ask the institution."""
        return self.ask_institution

    @property
    def unusable(self) -> int:
        return self.items - self.usable


@dataclasses.dataclass(frozen=True)
class CollectionReview:
    collection: Collection
    entries: tuple[ReviewedEntry, ...]
    summary: Summary

    @property
    def items(self) -> tuple[ReviewedEntry, ...]:
        return tuple(e for e in self.entries if e.is_item)

    @property
    def record_ids(self) -> frozenset[str]:
        return frozenset(e.entry.record_id for e in self.items if e.entry.record_id)


def review(store: Store, collection: Collection) -> CollectionReview:
    """The collection's entries with their current records and answers, and the summary."""
    use = collection.intended_use
    reviewed = []
    for entry in store.collections.entries(collection.id):
        if entry.kind is EntryKind.ITEM and entry.record_id is not None:
            record = store.records.get(entry.record_id)
            answer = assess_use(record.rights.content, use) if record is not None else None
            reviewed.append(ReviewedEntry(entry, record, answer))
        else:
            reviewed.append(ReviewedEntry(entry))
    return CollectionReview(collection, tuple(reviewed), summarize(use, reviewed))


def summarize(use: IntendedUse, entries: Sequence[ReviewedEntry]) -> Summary:
    states = [e.state for e in entries if e.state is not None]
    return Summary(
        use=use, items=len(states),
        yes=states.count(ItemState.YES),
        with_conditions=states.count(ItemState.WITH_CONDITIONS),
        no=states.count(ItemState.NO),
        ask_institution=states.count(ItemState.ASK_INSTITUTION),
        unavailable=states.count(ItemState.UNAVAILABLE))


def similar_query(title: str, subjects: Sequence[str] = ()) -> str:
    """Search text for items like this one: its subjects and title words, OR-ed."""
    words: list[str] = []
    for part in (*subjects, *_WORD_SPLIT.split(title)):
        word = part.strip()
        if len(word) > 1 and word not in words and word.upper() not in {"OR", "AND", "NOT"}:
            words.append(word)
    return " OR ".join(f'"{w}"' for w in words[:_MAX_QUERY_WORDS])


def suggest_alternatives(store: Store, reviewed: CollectionReview, entry_id: int,
                         find: Finder, *, limit: int = 5) -> list[tuple[Record, UseAnswer]]:
    """Usable records (``yes``/``with_conditions`` for the collection's use) like the item.

    The candidates come from ``find`` (a similar search on the item's subjects and
    title words); each is checked against its current record here, and records
    already in the collection are left out.
    """
    target = next((e for e in reviewed.items if e.entry.id == entry_id), None)
    if target is None:
        raise NotFoundError(f"no item {entry_id} in this collection", field="entry")
    subjects = target.record.subjects if target.record is not None else ()
    text = similar_query(target.title, subjects)
    if not text:
        return []
    taken = reviewed.record_ids
    use = reviewed.collection.intended_use
    found: list[tuple[Record, UseAnswer]] = []
    for record_id in find(text):
        if record_id in taken:
            continue
        record = store.records.get(record_id)
        if record is None:
            continue
        answer = assess_use(record.rights.content, use)
        if answer.permitted:
            found.append((record, answer))
            if len(found) >= limit:
                break
    return found

