"""Password hashing with Argon2id (argon2-cffi), the library's recommended parameters."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tsunagu.errors import ConfigError

MIN_LENGTH = 10
MAX_LENGTH = 1024

#: ``standard``: the library's recommended Argon2id parameters (RFC 9106 low-memory
#: profile); ``fast``: cheap parameters so that test suites can create many accounts.
PROFILES: dict[str, PasswordHasher] = {
    "standard": PasswordHasher(),
    "fast": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}

_HASHER = PROFILES["standard"]


def use_hashing_profile(profile: str) -> None:
    """Hash new passwords with ``profile`` (``Settings.password_hashing``) from now on.

    Verification reads the parameters from each stored hash, so both kinds verify.
    """
    global _HASHER
    if profile not in PROFILES:
        raise ConfigError(f"password hashing must be one of {', '.join(PROFILES)}, "
                          f"not {profile!r}", field="password_hashing")
    _HASHER = PROFILES[profile]


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short (or absurdly long)."""
    if len(password) < MIN_LENGTH:
        raise ConfigError(f"a password needs at least {MIN_LENGTH} characters",
                          field="password")
    if len(password) > MAX_LENGTH:
        raise ConfigError(f"a password has at most {MAX_LENGTH} characters", field="password")


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (salted; the parameters are in the hash)."""
    check_password_strength(password)
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; never raises for a wrong or damaged hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)
