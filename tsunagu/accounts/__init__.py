"""Accounts and authorization: institutions, users, sessions, invitations, API tokens.

Services for the site, the JSON API and the CLI. Every function that acts for
someone takes the *actor* (a :class:`User` or an :class:`ApiToken`) and checks
the rule in :mod:`tsunagu.accounts.rules` itself, so a view cannot forget it.
Depends on the foundation and ``tsunagu.store``; argon2 stays inside.
"""

from tsunagu.accounts.credentials import (
    IssuedInvitation,
    IssuedSession,
    IssuedToken,
    accept_invitation,
    create_api_token,
    end_session,
    find_invitation,
    invite_editor,
    list_api_tokens,
    revoke_api_token,
    session_user,
    start_session,
    token_actor,
)
from tsunagu.accounts.people import (
    approve_educator,
    authenticate,
    change_password,
    create_admin,
    create_institution,
    disable_user,
    list_users,
    register_educator,
)
from tsunagu.accounts.rules import Actor
from tsunagu.store.accounts import Institution, Role, User, UserStatus
from tsunagu.store.credentials import ApiToken, Invitation

__all__ = [
    "Actor",
    "ApiToken",
    "Institution",
    "Invitation",
    "IssuedInvitation",
    "IssuedSession",
    "IssuedToken",
    "Role",
    "User",
    "UserStatus",
    "accept_invitation",
    "approve_educator",
    "authenticate",
    "change_password",
    "create_admin",
    "create_api_token",
    "create_institution",
    "disable_user",
    "end_session",
    "find_invitation",
    "invite_editor",
    "list_api_tokens",
    "list_users",
    "register_educator",
    "revoke_api_token",
    "session_user",
    "start_session",
    "token_actor",
]
