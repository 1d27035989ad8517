"""Accounts: passwords, sessions, invitations, API tokens, and every authorization rule
refusing an outsider."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tsunagu.accounts import (
    accept_invitation,
    approve_educator,
    authenticate,
    change_password,
    create_admin,
    create_api_token,
    create_institution,
    disable_user,
    end_session,
    find_invitation,
    invite_editor,
    list_users,
    register_educator,
    revoke_api_token,
    rules,
    session_user,
    start_session,
    token_actor,
)
from tsunagu.accounts.secrets import hash_secret
from tsunagu.config import Settings
from tsunagu.errors import AuthError, ConfigError, NotFoundError, PermissionDeniedError
from tsunagu.records import Sector, Source, SourceStatus
from tsunagu.store import Store

PASSWORD = "correct horse battery"
NOW = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    opened = Store(settings.db_path)
    create_institution(opened, None, "mine", "わたしの博物館")
    create_institution(opened, None, "other", "よその図書館")
    yield opened
    opened.close()


@pytest.fixture
def people(store: Store, settings: Settings) -> dict[str, rules.Actor | None]:
    admin = create_admin(store, "admin@example.jp", PASSWORD)
    actors: dict[str, rules.Actor | None] = {"admin": admin, "anonymous": None}
    for name, institution in (("editor", "mine"), ("outsider", "other")):
        issued = invite_editor(store, settings, admin, institution, f"{name}@example.jp")
        actors[name] = accept_invitation(store, issued.token, PASSWORD)
    actors["educator"] = approve_educator(store, admin, register_educator(
        store, "teacher@example.jp", PASSWORD).id)
    actors["pending"] = register_educator(store, "new@example.jp", PASSWORD)
    actors["token"] = create_api_token(store, actors["editor"], "mine", "sync").api_token
    actors["other_token"] = create_api_token(store, admin, "other", "sync").api_token
    revoked = create_api_token(store, admin, "mine", "old").api_token
    actors["revoked_token"] = revoke_api_token(store, admin, revoked.id)
    disabled = accept_invitation(store, invite_editor(store, settings, admin, "mine",
                                                      "gone@example.jp").token, PASSWORD)
    actors["disabled"] = disable_user(store, admin, disabled.id)
    return actors


def test_passwords_are_hashed_with_argon2_and_checked(store: Store) -> None:
    admin = create_admin(store, "Root@Example.jp", PASSWORD)
    stored = store.users.password_hash(admin.id)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(store, "root@example.jp", PASSWORD).id == admin.id
    assert authenticate(store, "root@example.jp", PASSWORD).last_login is not None
    for email, password in (("root@example.jp", "wrong password!"),
                            ("nobody@example.jp", PASSWORD), ("not-an-address", PASSWORD)):
        with pytest.raises(AuthError, match="wrong e-mail address or password"):
            authenticate(store, email, password)
    with pytest.raises(ConfigError, match="at least"):
        create_admin(store, "short@example.jp", "short")


def test_pending_and_disabled_users_cannot_log_in(store: Store, people) -> None:
    with pytest.raises(AuthError, match="approval"):
        authenticate(store, "new@example.jp", PASSWORD)
    with pytest.raises(AuthError, match="disabled"):
        authenticate(store, "gone@example.jp", PASSWORD)
    assert authenticate(store, "teacher@example.jp", PASSWORD).role.value == "educator"


def test_sessions_expire_can_be_ended_and_end_with_the_account(
        store: Store, settings: Settings, people) -> None:
    editor = people["editor"]
    issued = start_session(store, settings, editor, now=NOW)
    assert store.sessions.get(issued.session_id) is None  # only the hash is stored
    assert store.sessions.get(hash_secret(issued.session_id)) is not None
    assert session_user(store, issued.session_id, now=NOW).id == editor.id
    later = NOW + dt.timedelta(seconds=settings.session_lifetime + 1)
    with pytest.raises(AuthError, match="expired"):
        session_user(store, issued.session_id, now=later)
    end_session(store, issued.session_id)
    with pytest.raises(AuthError):
        session_user(store, issued.session_id, now=NOW)
    with pytest.raises(AuthError):
        session_user(store, "made-up", now=NOW)
    second = start_session(store, settings, editor, now=NOW)
    disable_user(store, people["admin"], editor.id)
    with pytest.raises(AuthError):
        session_user(store, second.session_id, now=NOW)


def test_a_password_change_ends_every_session(store: Store, settings: Settings, people) -> None:
    editor = people["editor"]
    issued = start_session(store, settings, editor)
    with pytest.raises(AuthError):
        change_password(store, editor, "not the password", "another long password")
    change_password(store, editor, PASSWORD, "another long password")
    with pytest.raises(AuthError):
        session_user(store, issued.session_id)
    assert authenticate(store, "editor@example.jp", "another long password").id == editor.id


def test_invitations_are_used_once_and_expire(store: Store, settings: Settings, people) -> None:
    admin = people["admin"]
    issued = invite_editor(store, settings, admin, "mine", "late@example.jp", now=NOW)
    assert store.invitations.get(issued.token) is None  # only the hash is stored
    too_late = NOW + dt.timedelta(seconds=settings.invitation_lifetime + 1)
    with pytest.raises(AuthError, match="expired"):
        accept_invitation(store, issued.token, PASSWORD, now=too_late)
    fresh = invite_editor(store, settings, admin, "mine", "fresh@example.jp")
    assert find_invitation(store, fresh.token).institution_id == "mine"
    user = accept_invitation(store, fresh.token, PASSWORD, name="新しい編集者")
    assert user.institution_id == "mine" and user.role.value == "editor" and user.active
    with pytest.raises(AuthError, match="already been used"):
        accept_invitation(store, fresh.token, PASSWORD)
    with pytest.raises(AuthError, match="not valid"):
        find_invitation(store, "guessed-token")


def test_api_tokens_are_shown_once_and_revocable(store: Store, people) -> None:
    issued = create_api_token(store, people["editor"], "mine", "nightly export")
    assert issued.token.startswith("tsu_") and len(issued.token) > 40
    assert store.api_tokens.find(issued.token) is None  # only the hash is stored
    assert token_actor(store, issued.token).id == issued.api_token.id
    assert store.api_tokens.get(issued.api_token.id).last_used_at is not None
    # Someone else's token is "not found" for the outsider, not "forbidden".
    with pytest.raises(NotFoundError):
        revoke_api_token(store, people["outsider"], issued.api_token.id)
    revoke_api_token(store, people["editor"], issued.api_token.id)
    with pytest.raises(AuthError):
        token_actor(store, issued.token)
    with pytest.raises(AuthError):
        token_actor(store, "tsu_" + "x" * 43)


# -- every rule refuses outsiders --------------------------------------------------------
def _source(institution: str | None, status: SourceStatus = SourceStatus.DRAFT) -> Source:
    return Source(id="s", name="s", base_url="", sector=Sector.MUSEUM,
                  institution_id=institution, status=status)


#: rule -> (who may, who may not)
RULES: dict[str, tuple[Callable[[rules.Actor | None], bool], set[str]]] = {
    "can_manage_users": (rules.can_manage_users, {"admin"}),
    "can_create_institution": (rules.can_create_institution, {"admin"}),
    "can_manage_institution": (lambda a: rules.can_manage_institution(a, "mine"),
                               {"admin", "editor", "token"}),
    "can_invite_editor": (lambda a: rules.can_invite_editor(a, "mine"), {"admin", "editor"}),
    "can_manage_api_tokens": (lambda a: rules.can_manage_api_tokens(a, "mine"),
                              {"admin", "editor"}),
    "can_register_source": (lambda a: rules.can_register_source(a, "mine"),
                            {"admin", "editor", "token"}),
    "can_manage_source": (lambda a: rules.can_manage_source(a, _source("mine")),
                          {"admin", "editor", "token"}),
    "can_manage_source (operator's)": (lambda a: rules.can_manage_source(a, _source(None)),
                                       {"admin"}),
    "can_view_source (draft)": (lambda a: rules.can_view_source(a, _source("mine")),
                                {"admin", "editor", "token"}),
    "can_export_institution": (lambda a: rules.can_export_institution(a, "mine"),
                               {"admin", "editor", "token"}),
    "can_read_activity": (lambda a: rules.can_read_activity(a, "mine"),
                          {"admin", "editor", "token"}),
}
ACTORS = ("admin", "editor", "token", "outsider", "other_token", "revoked_token", "educator",
          "pending", "disabled", "anonymous")


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_refuses_outsiders(rule: str, people) -> None:
    check, allowed = RULES[rule]
    for name in ACTORS:
        assert check(people[name]) is (name in allowed), f"{rule}: {name}"


def test_published_sources_are_visible_to_everyone(people) -> None:
    public = _source("mine", SourceStatus.PUBLISHED)
    assert all(rules.can_view_source(people[name], public) for name in ACTORS)


def test_services_check_the_rules(store: Store, settings: Settings, people) -> None:
    outsider = people["outsider"]
    with pytest.raises(PermissionDeniedError):
        create_institution(store, outsider, "mine2", "x")
    with pytest.raises(PermissionDeniedError):
        invite_editor(store, settings, outsider, "mine", "x@example.jp")
    with pytest.raises(PermissionDeniedError):
        invite_editor(store, settings, people["token"], "mine", "x@example.jp")
    with pytest.raises(PermissionDeniedError):
        create_api_token(store, outsider, "mine", "steal")
    with pytest.raises(PermissionDeniedError):
        create_api_token(store, people["token"], "mine", "mint")
    with pytest.raises(PermissionDeniedError):
        list_users(store, people["editor"])
    with pytest.raises(PermissionDeniedError):
        approve_educator(store, people["editor"], people["pending"].id)
    with pytest.raises(PermissionDeniedError):
        disable_user(store, people["educator"], people["editor"].id)
    assert {u.email for u in list_users(store, people["admin"])} >= {"admin@example.jp"}
