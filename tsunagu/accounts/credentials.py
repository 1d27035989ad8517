"""Invitations, login sessions and API tokens: issued once, stored as hashes, revocable."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tsunagu.accounts.passwords import hash_password
from tsunagu.accounts.rules import (
    Actor,
    can_invite_editor,
    can_manage_api_tokens,
    require,
)
from tsunagu.accounts.secrets import current_time, hash_secret, new_secret, stamp
from tsunagu.config import Settings
from tsunagu.errors import AuthError, ConfigError, NotFoundError
from tsunagu.store import Store
from tsunagu.store.accounts import Role, User, UserStatus, normalize_email
from tsunagu.store.credentials import ApiToken, Invitation, SessionEntry

TOKEN_PREFIX = "tsu_"  # noqa: S105 - a marker, not a secret


@dataclasses.dataclass(frozen=True)
class IssuedInvitation:
    """A new invitation and its token: put the token in the link sent to the invitee."""

    token: str
    invitation: Invitation


@dataclasses.dataclass(frozen=True)
class IssuedSession:
    """A new session: the site puts ``session_id`` in a signed, HttpOnly cookie."""

    session_id: str
    user: User
    expires_at: str


@dataclasses.dataclass(frozen=True)
class IssuedToken:
    """A new API token: show ``token`` once, it cannot be read again."""

    token: str
    api_token: ApiToken


# -- invitations ---------------------------------------------------------------------
def invite_editor(store: Store, settings: Settings, actor: Actor | None, institution_id: str,
                  email: str, *, now: dt.datetime | None = None) -> IssuedInvitation:
    """Invite ``email`` to become an editor of the institution."""
    require(can_invite_editor(actor, institution_id), "invite editors",
            field="institution_id")
    store.institutions.get(institution_id)
    moment = current_time(now)
    token = new_secret()
    invitation = Invitation(
        token_hash=hash_secret(token), email=normalize_email(email),
        institution_id=institution_id,
        invited_by=actor.id if isinstance(actor, User) else None,
        created_at=stamp(moment),
        expires_at=stamp(moment + dt.timedelta(seconds=settings.invitation_lifetime)))
    store.invitations.add(invitation)
    return IssuedInvitation(token, invitation)


def find_invitation(store: Store, token: str, *, now: dt.datetime | None = None) -> Invitation:
    """The open invitation of ``token`` (to show its form), or :class:`AuthError`."""
    invitation = store.invitations.get(hash_secret(token))
    if invitation is None:
        raise AuthError("this invitation link is not valid")
    if invitation.accepted_at is not None:
        raise AuthError("this invitation has already been used")
    if invitation.expires_at <= stamp(current_time(now)):
        raise AuthError("this invitation has expired; ask for a new one")
    return invitation


def accept_invitation(store: Store, token: str, password: str, *, name: str | None = None,
                      now: dt.datetime | None = None) -> User:
    """Create the invited editor's account; the invitation is used up."""
    invitation = find_invitation(store, token, now=now)
    password_hash = hash_password(password)
    with store.db.transaction():
        if not store.invitations.mark_accepted(invitation.token_hash):
            raise AuthError("this invitation has already been used")
        if store.users.find(invitation.email) is not None:
            raise ConfigError(f"a user {invitation.email} already exists", field="email")
        return store.users.add(invitation.email, password_hash, Role.EDITOR,
                               status=UserStatus.ACTIVE,
                               institution_id=invitation.institution_id, name=name)


# -- sessions ------------------------------------------------------------------------
def start_session(store: Store, settings: Settings, user: User, *,
                  now: dt.datetime | None = None) -> IssuedSession:
    """A new server-side session for a user who just authenticated."""
    if not user.active:
        raise AuthError("this account cannot log in")
    moment = current_time(now)
    session_id = new_secret()
    expires = stamp(moment + dt.timedelta(seconds=settings.session_lifetime))
    store.sessions.add(SessionEntry(hash_secret(session_id), user.id, stamp(moment), expires))
    return IssuedSession(session_id, user, expires)


def session_user(store: Store, session_id: str, *, now: dt.datetime | None = None) -> User:
    """The user of a live session, or :class:`AuthError` (unknown, expired, revoked,
    or the account was disabled since)."""
    entry = store.sessions.get(hash_secret(session_id)) if session_id else None
    if entry is None or entry.revoked_at is not None:
        raise AuthError("not logged in")
    if entry.expires_at <= stamp(current_time(now)):
        raise AuthError("the session has expired; log in again")
    user = store.users.get(entry.user_id)
    if not user.active:
        raise AuthError("this account cannot log in")
    return user


def end_session(store: Store, session_id: str) -> None:
    """Log out: the session id is worthless from now on."""
    store.sessions.revoke(hash_secret(session_id))


# -- API tokens ----------------------------------------------------------------------
def create_api_token(store: Store, actor: Actor | None, institution_id: str,
                     name: str) -> IssuedToken:
    """A new API token of the institution (returned once)."""
    require(can_manage_api_tokens(actor, institution_id), "create API tokens",
            field="institution_id")
    store.institutions.get(institution_id)
    if not name.strip():
        raise ConfigError("an API token needs a name (what it is for)", field="name")
    token = new_secret(TOKEN_PREFIX)
    created_by = actor.id if isinstance(actor, User) else None
    stored = store.api_tokens.add(institution_id, name.strip(), hash_secret(token), created_by)
    return IssuedToken(token, stored)


def list_api_tokens(store: Store, actor: Actor | None, institution_id: str) -> list[ApiToken]:
    require(can_manage_api_tokens(actor, institution_id), "list API tokens",
            field="institution_id")
    return store.api_tokens.list(institution_id)


def revoke_api_token(store: Store, actor: Actor | None, token_id: int) -> ApiToken:
    """Revoke a token of an institution the actor manages (404 for others' tokens)."""
    token = store.api_tokens.get(token_id)
    if not can_manage_api_tokens(actor, token.institution_id):
        raise NotFoundError(f"no API token {token_id}")
    store.api_tokens.revoke(token_id)
    return store.api_tokens.get(token_id)


def token_actor(store: Store, token: str) -> ApiToken:
    """The live API token for a bearer token, or :class:`AuthError`."""
    found = store.api_tokens.find(hash_secret(token)) if token.startswith(TOKEN_PREFIX) else None
    if found is None or found.revoked_at is not None:
        raise AuthError("unknown or revoked API token")
    store.api_tokens.touch(found.id)
    return found
