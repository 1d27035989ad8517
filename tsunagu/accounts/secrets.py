"""Random secrets (session ids, invitation and API tokens) and their stored hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def new_secret(prefix: str = "") -> str:
    """A URL-safe secret with 256 bits of randomness."""
    return prefix + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The SHA-256 hex digest stored in place of a secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def stamp(moment: dt.datetime) -> str:
    """A UTC time as the store writes it (comparable as text)."""
    return moment.astimezone(dt.UTC).strftime(TIME_FORMAT)


def current_time(now: dt.datetime | None = None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)
