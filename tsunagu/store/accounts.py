"""Institutions and the people who work on tsunagu: administrators, editors, educators.

Passwords arrive here already hashed (:mod:`tsunagu.accounts.passwords`); e-mail
addresses are stored lower-cased, so they are unique whatever their case.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import sqlite3

from tsunagu.errors import ConfigError, NotFoundError
from tsunagu.store.database import Database, utc_now

INSTITUTION_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class Role(enum.StrEnum):
    """What a user is: runs the site, edits one institution's feeds, or teaches."""

    ADMIN = "admin"
    EDITOR = "editor"
    EDUCATOR = "educator"


class UserStatus(enum.StrEnum):
    """``pending`` educators wait for an administrator; ``disabled`` users cannot log in."""

    ACTIVE = "active"
    PENDING = "pending"
    DISABLED = "disabled"


@dataclasses.dataclass(frozen=True)
class Institution:
    """A museum, library or archive that registers feeds."""

    id: str
    name: str
    name_en: str | None = None
    created_at: str = ""


@dataclasses.dataclass(frozen=True)
class User:
    """A person with an account (never carries the password hash)."""

    id: int
    email: str
    role: Role
    status: UserStatus
    institution_id: str | None = None
    name: str | None = None
    created_at: str = ""
    last_login: str | None = None

    @property
    def active(self) -> bool:
        return self.status is UserStatus.ACTIVE


class Institutions:
    """CRUD over ``institutions``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, institution: Institution) -> Institution:
        if not INSTITUTION_ID.match(institution.id):
            raise ConfigError("an institution id is 1-64 characters of a-z, 0-9, '-' and '_'",
                              field="id")
        if not institution.name.strip():
            raise ConfigError("an institution needs a name", field="name")
        stored = dataclasses.replace(institution, name=institution.name.strip(),
                                     created_at=utc_now())
        with self._db.transaction() as conn:
            try:
                conn.execute("INSERT INTO institutions(id, name, name_en, created_at)"
                             " VALUES (?,?,?,?)",
                             (stored.id, stored.name, stored.name_en, stored.created_at))
            except sqlite3.IntegrityError as exc:
                raise ConfigError(f"an institution {institution.id!r} already exists",
                                  field="id") from exc
        return stored

    def get(self, institution_id: str) -> Institution:
        row = self._db.connection().execute(
            "SELECT * FROM institutions WHERE id = ?", (institution_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no institution {institution_id!r}")
        return Institution(row["id"], row["name"], row["name_en"], row["created_at"])

    def list(self) -> list[Institution]:
        rows = self._db.connection().execute("SELECT * FROM institutions ORDER BY id")
        return [Institution(r["id"], r["name"], r["name_en"], r["created_at"]) for r in rows]


class Users:
    """CRUD over ``users``; the password hash is read only by :meth:`password_hash`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, email: str, password_hash: str, role: Role, *, status: UserStatus,
            institution_id: str | None = None, name: str | None = None) -> User:
        address = normalize_email(email)
        if (role is Role.EDITOR) != (institution_id is not None):
            raise ConfigError("an editor belongs to exactly one institution; "
                              "administrators and educators to none", field="institution_id")
        with self._db.transaction() as conn:
            if institution_id is not None:
                Institutions(self._db).get(institution_id)
            try:
                cursor = conn.execute(
                    "INSERT INTO users(email, name, password_hash, role, institution_id, status,"
                    " created_at) VALUES (?,?,?,?,?,?,?)",
                    (address, name, password_hash, role.value, institution_id, status.value,
                     utc_now()))
            except sqlite3.IntegrityError as exc:
                raise ConfigError(f"a user {address} already exists", field="email") from exc
            return self.get(int(cursor.lastrowid or 0))

    def get(self, user_id: int) -> User:
        row = self._db.connection().execute(
            "SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no user {user_id}")
        return _user(row)

    def find(self, email: str) -> User | None:
        row = self._db.connection().execute(
            "SELECT * FROM users WHERE email = ?", (normalize_email(email),)).fetchone()
        return None if row is None else _user(row)

    def password_hash(self, user_id: int) -> str:
        row = self._db.connection().execute(
            "SELECT password_hash FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no user {user_id}")
        return str(row[0])

    def list(self, *, role: Role | None = None, status: UserStatus | None = None,
             institution_id: str | None = None) -> list[User]:
        sql, params = "SELECT * FROM users WHERE 1 = 1", []
        for column, value in (("role", role), ("status", status),
                              ("institution_id", institution_id)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(str(value))
        return [_user(row) for row in
                self._db.connection().execute(sql + " ORDER BY id", params)]

    def set_status(self, user_id: int, status: UserStatus) -> User:
        with self._db.transaction() as conn:
            conn.execute("UPDATE users SET status = ? WHERE id = ?", (status.value, user_id))
            return self.get(user_id)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                         (password_hash, user_id))

    def touch_login(self, user_id: int) -> None:
        with self._db.transaction() as conn:
            conn.execute("UPDATE users SET last_login = ? WHERE id = ?", (utc_now(), user_id))


def normalize_email(email: str) -> str:
    """The address trimmed and lower-cased; a clear error when it is not one."""
    address = email.strip().lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address) or len(address) > 254:
        raise ConfigError(f"not an e-mail address: {email!r}", field="email")
    return address


def _user(row: sqlite3.Row) -> User:
    return User(id=row["id"], email=row["email"], role=Role(row["role"]),
                status=UserStatus(row["status"]), institution_id=row["institution_id"],
                name=row["name"], created_at=row["created_at"], last_login=row["last_login"])
