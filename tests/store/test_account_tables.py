"""The account tables: institutions, users, invitations, sessions, API tokens; schema v3."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tsunagu.errors import ConfigError, NotFoundError
from tsunagu.records import FeedKind, Schedule, Sector, Source, SourceStatus
from tsunagu.store import Store
from tsunagu.store.accounts import Institution, Role, UserStatus
from tsunagu.store.credentials import Invitation, SessionEntry
from tsunagu.store.database import SCHEMA_VERSION


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store(tmp_path / "t.sqlite3")
    yield opened
    opened.close()


def test_institutions_and_users(store: Store) -> None:
    store.institutions.add(Institution("kyoto-lib", " 京都府立図書館 ", "Kyoto Library"))
    assert store.institutions.get("kyoto-lib").name == "京都府立図書館"
    with pytest.raises(ConfigError):
        store.institutions.add(Institution("kyoto-lib", "again"))
    with pytest.raises(ConfigError):
        store.institutions.add(Institution("Bad Id", "x"))
    editor = store.users.add("Editor@Example.JP", "hash", Role.EDITOR,
                             status=UserStatus.ACTIVE, institution_id="kyoto-lib")
    assert editor.email == "editor@example.jp" and editor.institution_id == "kyoto-lib"
    assert store.users.find("EDITOR@example.jp") == editor
    with pytest.raises(ConfigError):  # unique whatever the case
        store.users.add("editor@EXAMPLE.jp", "h", Role.ADMIN, status=UserStatus.ACTIVE)
    with pytest.raises(ConfigError):  # an editor needs an institution
        store.users.add("e2@example.jp", "h", Role.EDITOR, status=UserStatus.ACTIVE)
    with pytest.raises(ConfigError):  # an admin has none
        store.users.add("a@example.jp", "h", Role.ADMIN, status=UserStatus.ACTIVE,
                        institution_id="kyoto-lib")
    with pytest.raises(NotFoundError):
        store.users.add("e3@example.jp", "h", Role.EDITOR, status=UserStatus.ACTIVE,
                        institution_id="nowhere")
    with pytest.raises(ConfigError):
        store.users.add("not an address", "h", Role.EDUCATOR, status=UserStatus.PENDING)
    assert store.users.password_hash(editor.id) == "hash"
    assert "hash" not in repr(editor)
    assert [u.id for u in store.users.list(role=Role.EDITOR)] == [editor.id]
    assert store.users.set_status(editor.id, UserStatus.DISABLED).active is False


def test_credentials_store_hashes_and_use_once(store: Store) -> None:
    store.institutions.add(Institution("inst", "Inst"))
    user = store.users.add("a@example.jp", "h", Role.ADMIN, status=UserStatus.ACTIVE)
    store.invitations.add(Invitation("h1", "x@example.jp", "inst", user.id, "2026-01-01T00:00:00Z",
                                     "2026-01-08T00:00:00Z"))
    assert store.invitations.mark_accepted("h1") is True
    assert store.invitations.mark_accepted("h1") is False  # never twice
    store.sessions.add(SessionEntry("s1", user.id, "2026-01-01T00:00:00Z",
                                    "2026-01-15T00:00:00Z"))
    assert store.sessions.revoke_user(user.id) == 1
    assert store.sessions.get("s1").revoked_at is not None
    token = store.api_tokens.add("inst", "harvest bot", "th", user.id)
    assert store.api_tokens.find("th") == token and token.revoked_at is None
    store.api_tokens.revoke(token.id)
    assert store.api_tokens.get(token.id).revoked_at is not None


def test_sources_carry_institution_status_and_schedule(store: Store) -> None:
    store.institutions.add(Institution("inst", "Inst"))
    source = Source(id="feed", name="Feed", base_url="", sector=Sector.MUSEUM,
                    institution_id="inst", status=SourceStatus.DRAFT, kind=FeedKind.TABULAR,
                    schedule=Schedule.MANUAL, prefecture="京都府", languages=("ja", "en"))
    store.sources.add(source)
    assert store.sources.get("feed") == source
    assert store.sources.list(institution_id="inst") == [source]
    assert store.sources.list(status=SourceStatus.PUBLISHED) == []
    assert store.sources.published_ids() == frozenset()
    # An update does not change the status (publishing is its own step).
    store.sources.add(Source(id="feed", name="Renamed", base_url="", sector=Sector.MUSEUM,
                             institution_id="inst", kind=FeedKind.TABULAR), replace=True)
    assert store.sources.get("feed").status is SourceStatus.DRAFT
    assert store.sources.set_status("feed", SourceStatus.PUBLISHED) is True
    assert store.sources.set_status("feed", SourceStatus.PUBLISHED) is False
    assert store.sources.published_ids() == frozenset({"feed"})


V2 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '2'), ('seq', '0');
CREATE TABLE sources (id TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT,
    base_url TEXT NOT NULL, metadata_prefix TEXT NOT NULL, sector TEXT NOT NULL,
    set_specs TEXT NOT NULL DEFAULT '[]', default_rights TEXT, metadata_rights TEXT,
    created_at TEXT NOT NULL, high_water TEXT);
INSERT INTO sources(id, name, base_url, metadata_prefix, sector, created_at)
    VALUES ('old', 'Old', 'https://example.jp/oai', 'oai_dc', 'library', 'x');
"""


def test_version_2_store_is_migrated_to_version_3(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(V2)
    conn.close()
    store = Store(path)
    try:
        assert store.db.get_meta("schema_version") == str(SCHEMA_VERSION)
        old = store.sources.get("old")
        # Sources registered before institutions existed stay public and harvested daily.
        assert old.status is SourceStatus.PUBLISHED and old.institution_id is None
        assert old.kind is FeedKind.OAI_PMH and old.schedule is Schedule.DAILY
        store.institutions.add(Institution("inst", "Inst"))
        assert store.institutions.list()[0].id == "inst"
    finally:
        store.close()
    again = Store(path)
    assert again.db.get_meta("schema_version") == str(SCHEMA_VERSION)
    assert again.sources.get("old").name == "Old"
    again.close()
