"""Institutions and user accounts: the first administrator, editors, educators, logins."""

from __future__ import annotations

from tsunagu.accounts.passwords import hash_password, needs_rehash, verify_password
from tsunagu.accounts.rules import Actor, can_create_institution, can_manage_users, require
from tsunagu.errors import AuthError, ConfigError
from tsunagu.store import Store
from tsunagu.store.accounts import Institution, Role, User, UserStatus

#: Verified when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = hash_password("not-a-password-of-anyone")


def create_admin(store: Store, email: str, password: str, *, name: str | None = None) -> User:
    """An active administrator (the CLI's ``tsunagu user add --admin``; no actor needed)."""
    return store.users.add(email, hash_password(password), Role.ADMIN,
                           status=UserStatus.ACTIVE, name=name)


def create_institution(store: Store, actor: Actor | None, institution_id: str, name: str,
                       *, name_en: str | None = None) -> Institution:
    """A new institution (administrators; ``actor=None`` is the operator on the CLI)."""
    if actor is not None:
        require(can_create_institution(actor), "create an institution")
    return store.institutions.add(Institution(institution_id, name, name_en))


def register_educator(store: Store, email: str, password: str, *,
                      name: str | None = None) -> User:
    """A self-registered educator account, pending until an administrator approves it."""
    return store.users.add(email, hash_password(password), Role.EDUCATOR,
                           status=UserStatus.PENDING, name=name)


def approve_educator(store: Store, actor: Actor | None, user_id: int) -> User:
    require(can_manage_users(actor), "approve educators")
    user = store.users.get(user_id)
    if user.role is not Role.EDUCATOR or user.status is not UserStatus.PENDING:
        raise ConfigError(f"user {user_id} is not a pending educator", field="user")
    return store.users.set_status(user_id, UserStatus.ACTIVE)


def disable_user(store: Store, actor: Actor | None, user_id: int) -> User:
    """Disable an account and end its sessions (administrators)."""
    require(can_manage_users(actor), "disable users")
    if isinstance(actor, User) and actor.id == user_id:
        raise ConfigError("administrators cannot disable themselves", field="user")
    user = store.users.set_status(user_id, UserStatus.DISABLED)
    store.sessions.revoke_user(user_id)
    return user


def list_users(store: Store, actor: Actor | None, *, role: Role | None = None,
               status: UserStatus | None = None) -> list[User]:
    require(can_manage_users(actor), "list users")
    return store.users.list(role=role, status=status)


def authenticate(store: Store, email: str, password: str) -> User:
    """The active user with this e-mail and password, or :class:`AuthError`.

    The message does not say whether the address exists.
    """
    try:
        user = store.users.find(email)
    except ConfigError:
        user = None
    stored = store.users.password_hash(user.id) if user is not None else _DUMMY_HASH
    if not verify_password(stored, password) or user is None:
        raise AuthError("wrong e-mail address or password")
    if user.status is UserStatus.PENDING:
        raise AuthError("this account waits for an administrator's approval")
    if not user.active:
        raise AuthError("this account is disabled")
    if needs_rehash(stored):
        store.users.set_password_hash(user.id, hash_password(password))
    store.users.touch_login(user.id)
    return store.users.get(user.id)


def change_password(store: Store, user: User, current: str, new: str) -> None:
    """Change one's own password; every session of the user ends."""
    if not verify_password(store.users.password_hash(user.id), current):
        raise AuthError("the current password is wrong")
    store.users.set_password_hash(user.id, hash_password(new))
    store.sessions.revoke_user(user.id)
