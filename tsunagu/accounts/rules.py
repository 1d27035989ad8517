"""Authorization: one function per rule, each a pure question about an actor and a thing.

An *actor* is a logged-in :class:`User` (site) or an institution's :class:`ApiToken`
(JSON API), or ``None`` (anonymous). Services ask these rules and raise
:class:`PermissionDeniedError` through :func:`require`; every rule has a test that
an outsider is refused (``tests/test_accounts.py``). Pending and disabled users
and revoked tokens may do nothing.
"""

from __future__ import annotations

from tsunagu.errors import PermissionDeniedError
from tsunagu.records import Source, SourceStatus
from tsunagu.store.accounts import Role, User
from tsunagu.store.credentials import ApiToken

Actor = User | ApiToken


def is_admin(actor: Actor | None) -> bool:
    return isinstance(actor, User) and actor.active and actor.role is Role.ADMIN


def can_manage_users(actor: Actor | None) -> bool:
    """List users, approve educators, disable accounts: administrators only."""
    return is_admin(actor)


def can_create_institution(actor: Actor | None) -> bool:
    return is_admin(actor)


def can_manage_institution(actor: Actor | None, institution_id: str) -> bool:
    """Act for an institution: administrators, its active editors, its live API tokens."""
    if is_admin(actor):
        return True
    if isinstance(actor, ApiToken):
        return actor.revoked_at is None and actor.institution_id == institution_id
    return (isinstance(actor, User) and actor.active and actor.role is Role.EDITOR
            and actor.institution_id == institution_id)


def can_invite_editor(actor: Actor | None, institution_id: str) -> bool:
    """Invite editors: administrators and the institution's editors (not API tokens)."""
    return isinstance(actor, User) and can_manage_institution(actor, institution_id)


def can_manage_api_tokens(actor: Actor | None, institution_id: str) -> bool:
    """Create and revoke API tokens: people only (a token cannot mint tokens)."""
    return isinstance(actor, User) and can_manage_institution(actor, institution_id)


def can_register_source(actor: Actor | None, institution_id: str) -> bool:
    return can_manage_institution(actor, institution_id)


def can_manage_source(actor: Actor | None, source: Source) -> bool:
    """Edit, upload to, validate, harvest, publish a source; approve or reject its runs.

    Sources registered by the operator (no institution) are administrators' only.
    """
    if is_admin(actor):
        return True
    return source.institution_id is not None and can_manage_institution(
        actor, source.institution_id)


def can_view_source(actor: Actor | None, source: Source) -> bool:
    """Published sources and their records are public; drafts only for who manages them."""
    return source.status is SourceStatus.PUBLISHED or can_manage_source(actor, source)


def can_export_institution(actor: Actor | None, institution_id: str) -> bool:
    """Download all the institution's records (normalized and raw)."""
    return can_manage_institution(actor, institution_id)


def can_read_activity(actor: Actor | None, institution_id: str) -> bool:
    """Read the activity counts of the institution's records."""
    return can_manage_institution(actor, institution_id)


def require(allowed: bool, what: str, **context: str | None) -> None:
    """Raise :class:`PermissionDeniedError` unless ``allowed``."""
    if not allowed:
        raise PermissionDeniedError(f"not allowed: {what}", **context)
