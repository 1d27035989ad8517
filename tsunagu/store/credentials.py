"""Secrets that stand for a person or an institution: invitations, sessions, API tokens.

Only a SHA-256 hash of each secret is stored (the secrets are long random
strings, so a fast hash is enough): a copy of the database does not let anyone
log in, accept an invitation or call the API.
"""

from __future__ import annotations

import dataclasses
import sqlite3

from tsunagu.errors import NotFoundError
from tsunagu.store.database import Database, utc_now


@dataclasses.dataclass(frozen=True)
class Invitation:
    """An invitation for ``email`` to become an editor of an institution."""

    token_hash: str
    email: str
    institution_id: str
    invited_by: int | None
    created_at: str
    expires_at: str
    accepted_at: str | None = None


@dataclasses.dataclass(frozen=True)
class SessionEntry:
    """A server-side login session (the cookie carries only its random id)."""

    id_hash: str
    user_id: int
    created_at: str
    expires_at: str
    revoked_at: str | None = None


@dataclasses.dataclass(frozen=True)
class ApiToken:
    """An institution's API token (the token itself is shown once, never stored)."""

    id: int
    institution_id: str
    name: str
    created_by: int | None
    created_at: str
    last_used_at: str | None = None
    revoked_at: str | None = None


class Invitations:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, invitation: Invitation) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO invitations(token_hash, email, institution_id, invited_by,"
                " created_at, expires_at) VALUES (?,?,?,?,?,?)",
                (invitation.token_hash, invitation.email, invitation.institution_id,
                 invitation.invited_by, invitation.created_at, invitation.expires_at))

    def get(self, token_hash: str) -> Invitation | None:
        row = self._db.connection().execute(
            "SELECT * FROM invitations WHERE token_hash = ?", (token_hash,)).fetchone()
        return None if row is None else Invitation(**dict(row))

    def mark_accepted(self, token_hash: str) -> bool:
        """Use the invitation up; False when it was already used (a race or a replay)."""
        with self._db.transaction() as conn:
            return conn.execute(
                "UPDATE invitations SET accepted_at = ? WHERE token_hash = ?"
                " AND accepted_at IS NULL", (utc_now(), token_hash)).rowcount == 1

    def list(self, institution_id: str) -> list[Invitation]:
        rows = self._db.connection().execute(
            "SELECT * FROM invitations WHERE institution_id = ? ORDER BY created_at",
            (institution_id,))
        return [Invitation(**dict(row)) for row in rows]


class Sessions:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, entry: SessionEntry) -> None:
        with self._db.transaction() as conn:
            conn.execute("INSERT INTO sessions(id_hash, user_id, created_at, expires_at)"
                         " VALUES (?,?,?,?)",
                         (entry.id_hash, entry.user_id, entry.created_at, entry.expires_at))

    def get(self, id_hash: str) -> SessionEntry | None:
        row = self._db.connection().execute(
            "SELECT * FROM sessions WHERE id_hash = ?", (id_hash,)).fetchone()
        return None if row is None else SessionEntry(**dict(row))

    def revoke(self, id_hash: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("UPDATE sessions SET revoked_at = ? WHERE id_hash = ?"
                         " AND revoked_at IS NULL", (utc_now(), id_hash))

    def revoke_user(self, user_id: int) -> int:
        """Revoke every session of a user (password change, disabled account)."""
        with self._db.transaction() as conn:
            return conn.execute("UPDATE sessions SET revoked_at = ? WHERE user_id = ?"
                                " AND revoked_at IS NULL", (utc_now(), user_id)).rowcount

    def purge(self, now: str) -> int:
        """Forget sessions that expired or were revoked before ``now``."""
        with self._db.transaction() as conn:
            return conn.execute("DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?",
                                (now, now)).rowcount


class ApiTokens:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, institution_id: str, name: str, token_hash: str,
            created_by: int | None) -> ApiToken:
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO api_tokens(institution_id, name, token_hash, created_by, created_at)"
                " VALUES (?,?,?,?,?)", (institution_id, name, token_hash, created_by, utc_now()))
            return self.get(int(cursor.lastrowid or 0))

    def get(self, token_id: int) -> ApiToken:
        row = self._db.connection().execute(
            "SELECT * FROM api_tokens WHERE id = ?", (token_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no API token {token_id}")
        return _token(row)

    def find(self, token_hash: str) -> ApiToken | None:
        row = self._db.connection().execute(
            "SELECT * FROM api_tokens WHERE token_hash = ?", (token_hash,)).fetchone()
        return None if row is None else _token(row)

    def list(self, institution_id: str) -> list[ApiToken]:
        rows = self._db.connection().execute(
            "SELECT * FROM api_tokens WHERE institution_id = ? ORDER BY id", (institution_id,))
        return [_token(row) for row in rows]

    def revoke(self, token_id: int) -> None:
        with self._db.transaction() as conn:
            conn.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ?"
                         " AND revoked_at IS NULL", (utc_now(), token_id))

    def touch(self, token_id: int) -> None:
        with self._db.transaction() as conn:
            conn.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                         (utc_now(), token_id))


def _token(row: sqlite3.Row) -> ApiToken:
    return ApiToken(id=row["id"], institution_id=row["institution_id"], name=row["name"],
                    created_by=row["created_by"], created_at=row["created_at"],
                    last_used_at=row["last_used_at"], revoked_at=row["revoked_at"])
