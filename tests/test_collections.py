"""Collections as a service: who may do what, read-time answers, swaps, credits, exports."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tsunagu import collections as coll
from tsunagu.accounts import approve_educator, create_admin, register_educator
from tsunagu.collections import CollectionFields, ItemState, TextStyle, Visibility
from tsunagu.errors import ConfigError, NotFoundError, PermissionDeniedError
from tsunagu.index import Indexer, SearchIndex, SearchQuery
from tsunagu.records import (
    Agent,
    LangString,
    ObjectType,
    Permission,
    Record,
    ReuseLevel,
    Rights,
    RightsFamily,
    RightsMethod,
    RightsSet,
    Sector,
    Source,
)
from tsunagu.store import Store
from tsunagu.store.accounts import User, UserStatus
from tsunagu.store.activity import ActivityKind
from tsunagu.uses import IntendedUse

PASSWORD = "correct horse battery"

PDM = Rights(code="PDM-1.0", uri="http://creativecommons.org/publicdomain/mark/1.0/",
             reuse=ReuseLevel.OPEN, raw="Public domain", method=RightsMethod.URI,
             commercial=Permission.YES, modify=Permission.YES, education=Permission.YES,
             online=Permission.YES, public_domain=True, family=RightsFamily.CC_TOOL)
CC_BY = Rights(code="CC-BY-4.0", uri="http://creativecommons.org/licenses/by/4.0/",
               reuse=ReuseLevel.OPEN, raw="CC BY 4.0", method=RightsMethod.URI,
               commercial=Permission.YES, modify=Permission.YES, education=Permission.YES,
               online=Permission.YES, attribution=True, family=RightsFamily.CC_LICENSE,
               version="4.0")
IN_COPYRIGHT = Rights(code="RS-InC", uri="http://rightsstatements.org/vocab/InC/1.0/",
                      reuse=ReuseLevel.NO_REUSE, raw="All rights reserved",
                      method=RightsMethod.URI, commercial=Permission.NO, modify=Permission.NO,
                      education=Permission.NO, online=Permission.NO,
                      family=RightsFamily.RIGHTS_STATEMENTS)
SOURCE = Source(id="tnm", name="東京国立博物館", name_en="Tokyo National Museum",
                base_url="https://tnm.example/oai", sector=Sector.MUSEUM)


def _record(n: str, title: str, rights: Rights, subjects: tuple[str, ...] = ("浮世絵",),
            manifest: bool = True) -> Record:
    return Record(
        id=f"tnm:oai:tnm.example:{n}", source_id="tnm", oai_identifier=f"oai:tnm.example:{n}",
        datestamp="2024-05-01T00:00:00Z", title=LangString(title, "ja"), sector=Sector.MUSEUM,
        provider="東京国立博物館", agents=(Agent("葛飾北斎"),), object_type=ObjectType.IMAGE,
        subjects=subjects, landing_url=f"https://tnm.example/collection/{n}",
        thumbnail_url=f"https://img.tnm.example/{n}.jpg",
        rights=RightsSet(content=rights, thumbnail=rights),
        iiif_manifest=f"https://iiif.tnm.example/{n}/manifest.json" if manifest else None)


WAVE = _record("C1", "富嶽三十六景 神奈川沖浪裏", PDM)
BRIDGE = _record("C2", "諸国名橋奇覧", CC_BY, manifest=False)
LOCKED = _record("C3", "北斎漫画 浮世絵", IN_COPYRIGHT)
SPARE = _record("C4", "富嶽百景 浮世絵", CC_BY)
OTHER = _record("C5", "風神雷神図屏風", CC_BY, subjects=("屏風",))
RECORDS = (WAVE, BRIDGE, LOCKED, SPARE, OTHER)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "store.sqlite3")
    opened.sources.add(SOURCE)
    for record in RECORDS:
        opened.records.put(record)
    yield opened
    opened.close()


def _educator(store: Store, email: str) -> User:
    admin = store.users.find("admin@tsunagu.example") or create_admin(
        store, "admin@tsunagu.example", PASSWORD)
    pending = register_educator(store, email, PASSWORD)
    return approve_educator(store, admin, pending.id)


def _fields(title: str = "Hokusai", visibility: Visibility = Visibility.PRIVATE,
            use: IntendedUse = IntendedUse.CLASS_WEBSITE) -> CollectionFields:
    return CollectionFields(title=title, intended_use=use, language="en",
                            visibility=visibility, description="Waves and bridges")


def _item_url(record_id: str) -> str:
    return f"https://tsunagu.example/item/{record_id}"


def test_only_active_educators_and_admins_create(store: Store) -> None:
    teacher = _educator(store, "t@school.example")
    assert coll.create_collection(store, teacher, _fields()).owner_id == teacher.id
    pending = register_educator(store, "p@school.example", PASSWORD)
    assert pending.status is UserStatus.PENDING
    for actor in (None, pending):
        with pytest.raises(PermissionDeniedError):
            coll.create_collection(store, actor, _fields())
        with pytest.raises(PermissionDeniedError):
            coll.my_collections(store, actor)


def test_another_user_cannot_read_a_private_collection_or_edit_any_not_theirs(
        store: Store) -> None:
    owner = _educator(store, "owner@school.example")
    other = _educator(store, "other@school.example")
    private = coll.create_collection(store, owner, _fields())
    unlisted = coll.create_collection(store, owner, _fields(visibility=Visibility.UNLISTED))
    public = coll.create_collection(store, owner, _fields(visibility=Visibility.PUBLIC))
    entry = coll.add_item(store, owner, public.id, WAVE.id)
    for actor in (other, None):
        # private and unlisted are "not found" without the link: existence is not revealed
        for hidden in (private, unlisted):
            with pytest.raises(NotFoundError):
                coll.open_collection(store, actor, hidden.id)
            with pytest.raises(NotFoundError):
                coll.add_item(store, actor, hidden.id, WAVE.id)
        assert coll.open_collection(store, actor, public.id) == public
        # readable but not theirs: every change is refused
        edits = (
            lambda a: coll.update_collection(store, a, public.id, _fields("mine now")),
            lambda a: coll.add_item(store, a, public.id, SPARE.id),
            lambda a: coll.add_text(store, a, public.id, "hello"),
            lambda a: coll.edit_entry(store, a, public.id, entry.id, note="x"),
            lambda a: coll.move_entry(store, a, public.id, entry.id, 0),
            lambda a: coll.move_entry_by(store, a, public.id, entry.id, 1),
            lambda a: coll.reorder(store, a, public.id, [entry.id]),
            lambda a: coll.replace_item(store, a, public.id, entry.id, SPARE.id),
            lambda a: coll.remove_entry(store, a, public.id, entry.id),
            lambda a: coll.renew_share_link(store, a, public.id),
            lambda a: coll.delete_collection(store, a, public.id),
        )
        for edit in edits:
            with pytest.raises(PermissionDeniedError):
                edit(actor)
    assert [e.record_id for e in store.collections.entries(public.id)] == [WAVE.id]
    assert store.collections.get(public.id).title == "Hokusai"
    # the owner reads and edits all three
    for mine in (private, unlisted, public):
        assert coll.open_collection(store, owner, mine.id) == mine
    # a disabled owner edits nothing
    store.users.set_status(owner.id, UserStatus.DISABLED)
    disabled = store.users.get(owner.id)
    with pytest.raises(PermissionDeniedError):
        coll.add_text(store, disabled, public.id, "hello")


def test_unlisted_needs_the_token_and_private_never_opens_by_link(store: Store) -> None:
    owner = _educator(store, "owner@school.example")
    unlisted = coll.create_collection(store, owner, _fields(visibility=Visibility.UNLISTED))
    private = coll.create_collection(store, owner, _fields())
    assert len(unlisted.share_token) >= 20
    assert coll.open_shared(store, unlisted.share_token) == unlisted
    assert coll.can_read(None, unlisted, unlisted.share_token)
    assert not coll.can_read(None, unlisted, unlisted.share_token[:-1] + "x")
    for token in ("", "guess", private.share_token):
        with pytest.raises(NotFoundError):
            coll.open_shared(store, token)
    renewed = coll.renew_share_link(store, owner, unlisted.id)
    assert renewed.share_token != unlisted.share_token
    with pytest.raises(NotFoundError):
        coll.open_shared(store, unlisted.share_token)
    assert coll.open_shared(store, renewed.share_token).id == unlisted.id


def test_copy_a_public_collection_into_your_own(store: Store) -> None:
    owner = _educator(store, "owner@school.example")
    other = _educator(store, "other@school.example")
    public = coll.create_collection(store, owner, _fields(visibility=Visibility.PUBLIC))
    coll.add_item(store, owner, public.id, WAVE.id, "note")
    copied = coll.copy_collection(store, other, public.id)
    # the copy counts as one more inclusion of the record for its institution
    assert store.activity.per_record(["tnm"])[WAVE.id][ActivityKind.COLLECTION] == 2
    assert copied.owner_id == other.id and copied.visibility is Visibility.PRIVATE
    assert copied.copied_from == public.id and copied.share_token != public.share_token
    coll.add_text(store, other, copied.id, "Mine")  # the copy is theirs to edit
    assert len(store.collections.entries(public.id)) == 1
    private = coll.create_collection(store, owner, _fields())
    with pytest.raises(NotFoundError):
        coll.copy_collection(store, other, private.id)
    with pytest.raises(PermissionDeniedError):
        coll.copy_collection(store, None, public.id)


def test_adding_checks_the_record_and_counts_a_collection_inclusion(store: Store) -> None:
    owner = _educator(store, "owner@school.example")
    collection = coll.create_collection(store, owner, _fields())
    with pytest.raises(NotFoundError):
        coll.add_item(store, owner, collection.id, "tnm:oai:tnm.example:nope")
    coll.add_item(store, owner, collection.id, WAVE.id, "  look at the boats  ")
    entry = store.collections.entries(collection.id)[0]
    assert entry.note == "look at the boats" and entry.title == WAVE.title.value
    counts = store.activity.per_record(["tnm"])
    assert counts[WAVE.id][ActivityKind.COLLECTION] == 1
    with pytest.raises(ConfigError):
        coll.add_text(store, owner, collection.id, "   ")
    with pytest.raises(ConfigError):
        coll.create_collection(store, owner, dataclasses.replace(_fields(), title=" "))
    with pytest.raises(ConfigError):
        coll.create_collection(store, owner, dataclasses.replace(_fields(), language="fr"))


def _filled(store: Store, owner: User, use: IntendedUse = IntendedUse.CLASS_WEBSITE
            ) -> coll.Collection:
    collection = coll.create_collection(store, owner, _fields(use=use))
    coll.add_text(store, owner, collection.id, "Waves", TextStyle.HEADING)
    for record in (WAVE, BRIDGE, LOCKED):
        coll.add_item(store, owner, collection.id, record.id)
    coll.add_text(store, owner, collection.id, "What do you see?", TextStyle.QUESTION)
    return collection


def test_review_answers_for_the_use_and_summarizes(store: Store) -> None:
    owner = _educator(store, "owner@school.example")
    reviewed = coll.review(store, _filled(store, owner))
    states = [e.state for e in reviewed.entries]
    assert states == [None, ItemState.YES, ItemState.YES, ItemState.ASK_INSTITUTION, None]
    summary = reviewed.summary
    assert (summary.items, summary.usable, summary.need_permission, summary.unusable) == (
        3, 2, 1, 1)
    locked = reviewed.entries[3]
    assert locked.answer is not None and locked.answer.reasons == ("permission_required",)
    # Art. 35 is explained for class uses, never counted as a permission
    assert "art35" in locked.answer.notes


def test_a_rights_change_or_a_deletion_shows_at_once(store: Store) -> None:
    owner = _educator(store, "owner@school.example")
    collection = _filled(store, owner)
    store.records.put(dataclasses.replace(WAVE, rights=RightsSet(content=IN_COPYRIGHT)))
    store.records.delete(BRIDGE.id, "tnm", BRIDGE.oai_identifier)
    reviewed = coll.review(store, collection)
    wave, bridge = reviewed.entries[1], reviewed.entries[2]
    assert wave.state is ItemState.ASK_INSTITUTION
    assert bridge.state is ItemState.UNAVAILABLE and bridge.record is None
    assert bridge.title == BRIDGE.title.value  # still named
    assert (reviewed.summary.usable, reviewed.summary.unavailable) == (0, 1)
    data = coll.collection_data(reviewed, _item_url)
    assert data["entries"][2]["available"] is False and data["entries"][2]["url"] is None


def test_changing_the_use_changes_the_answers(store: Store) -> None:
    owner = _educator(store, "owner@school.example")
    collection = _filled(store, owner)
    changed = coll.update_collection(store, owner, collection.id, _fields(
        use=IntendedUse.COMMERCIAL_PUBLICATION))
    reviewed = coll.review(store, changed)
    assert [e.state for e in reviewed.items] == [ItemState.YES, ItemState.YES,
                                                 ItemState.ASK_INSTITUTION]
    assert reviewed.items[1].answer is not None
    assert reviewed.items[1].answer.conditions == ("attribution",)


def test_move_up_and_down_and_reorder(store: Store) -> None:
    owner = _educator(store, "owner@school.example")
    collection = _filled(store, owner)
    entries = store.collections.entries(collection.id)
    question = entries[-1]
    order = coll.move_entry_by(store, owner, collection.id, question.id, -1)
    assert [e.id for e in order][-2:] == [question.id, entries[3].id]
    order = coll.move_entry(store, owner, collection.id, question.id, 0)
    assert order[0].id == question.id
    reversed_ids = [e.id for e in reversed(order)]
    assert [e.id for e in coll.reorder(store, owner, collection.id, reversed_ids)] == reversed_ids


def _finder(index: SearchIndex) -> coll.Finder:
    def find(text: str) -> Sequence[str]:
        return [hit.id for hit in index.search(SearchQuery(text=text, page_size=50)).hits]
    return find


def test_swap_suggestions_are_similar_and_usable(store: Store, tmp_path: Path) -> None:
    Indexer(tmp_path / "index").rebuild(store.records.iter(), store.records.last_seq())
    index = SearchIndex(tmp_path / "index")
    owner = _educator(store, "owner@school.example")
    collection = _filled(store, owner)
    reviewed = coll.review(store, collection)
    locked = reviewed.entries[3]
    assert coll.similar_query(LOCKED.title.value, LOCKED.subjects) == '"浮世絵" OR "北斎漫画"'
    suggestions = coll.suggest_alternatives(store, reviewed, locked.entry.id, _finder(index))
    # SPARE shares the subject; WAVE is already in the collection; OTHER is not similar
    assert [record.id for record, _ in suggestions] == [SPARE.id]
    assert all(answer.permitted for _, answer in suggestions)
    swapped = coll.replace_item(store, owner, collection.id, locked.entry.id, SPARE.id)
    assert swapped.record_id == SPARE.id and swapped.position == locked.entry.position
    assert coll.review(store, collection).summary.usable == 3
    with pytest.raises(NotFoundError):
        coll.suggest_alternatives(store, reviewed, 10_000, _finder(index))
    index.close()


def test_credits_in_japanese_and_english(store: Store) -> None:
    owner = _educator(store, "owner@school.example")
    reviewed = coll.review(store, _filled(store, owner))
    credits = coll.collection_credits(reviewed)
    assert [c.record.id for c in credits] == [WAVE.id, BRIDGE.id, LOCKED.id]
    bridge = credits[1].credit
    assert "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/deed.en)" in bridge.en
    assert "クリエイティブ・コモンズ 表示 4.0 国際" in bridge.ja
    assert "諸国名橋奇覧" in bridge.ja and "東京国立博物館" in bridge.ja
    modified = coll.update_collection(store, owner, reviewed.collection.id,
                                      _fields(use=IntendedUse.MODIFIED_WORK))
    remixed = coll.collection_credits(coll.review(store, modified))[1].credit
    assert remixed.en.startswith("Adapted from") and "加工して作成" in remixed.ja


def test_csv_export(store: Store) -> None:
    owner = _educator(store, "owner@school.example")
    collection = _filled(store, owner)
    coll.add_text(store, owner, collection.id, "=HYPERLINK(\"https://evil.example\")")
    text = coll.collection_csv(coll.review(store, collection), _item_url)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == coll.CSV_COLUMNS
    assert [r["kind"] for r in rows] == ["text", "item", "item", "item", "text", "text"]
    wave = rows[1]
    assert wave["record_id"] == WAVE.id and wave["answer"] == "yes"
    assert wave["url"] == _item_url(WAVE.id) and wave["rights_code"] == "PDM-1.0"
    assert rows[3]["answer"] == "ask_institution" and rows[3]["reasons"] == "permission_required"
    assert rows[5]["text"].startswith("'=HYPERLINK")  # never a formula


def test_iiif_collection_of_the_manifests(store: Store) -> None:
    owner = _educator(store, "owner@school.example")
    collection = _filled(store, owner)
    data = coll.iiif_collection(coll.review(store, collection),
                                "https://tsunagu.example/c/x/iiif.json")
    assert data["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert data["type"] == "Collection" and data["id"].startswith("https://")
    assert data["label"] == {"en": ["Hokusai"]}
    assert data["summary"] == {"en": ["Waves and bridges"]}
    # BRIDGE has no manifest
    assert data["items"] == [
        {"id": WAVE.iiif_manifest, "type": "Manifest", "label": {"ja": [WAVE.title.value]}},
        {"id": LOCKED.iiif_manifest, "type": "Manifest", "label": {"ja": [LOCKED.title.value]}},
    ]
    for item in data["items"]:
        assert set(item) == {"id", "type", "label"}
        assert all(isinstance(v, list) and all(isinstance(s, str) for s in v)
                   for v in item["label"].values())
