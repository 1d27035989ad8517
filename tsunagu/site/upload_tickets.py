"""Uploaded tables waiting for their column mapping: kept under ``<data_dir>/uploads/``.

A table uploaded from a page is stored under a random *ticket* while the editor
chooses the column mapping (step 2 of the upload). A ticket whose mapping never
comes is abandoned: every new upload first deletes the tickets older than
``Settings.upload_ticket_lifetime``.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from tsunagu.config import Settings
from tsunagu.errors import ConfigError, NotFoundError

UPLOAD_DIR = "uploads"


def upload_folder(settings: Settings) -> Path:
    return settings.data_dir / UPLOAD_DIR


def keep_upload(settings: Settings, source_id: str, data: bytes, *,
                now: float | None = None) -> str:
    """Store ``data`` for the mapping step (sweeping abandoned uploads first); its ticket."""
    folder = upload_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    sweep_uploads(settings, now=now)
    ticket = secrets.token_urlsafe(16)
    _path(settings, source_id, ticket).write_bytes(data)
    return ticket


def read_upload(settings: Settings, source_id: str, ticket: str) -> bytes:
    """The bytes kept under ``ticket`` for the source, or :class:`NotFoundError`."""
    path = _path(settings, source_id, ticket)
    if not path.is_file():
        raise NotFoundError("the upload is not known; upload the file again")
    return path.read_bytes()


def discard_upload(settings: Settings, source_id: str, ticket: str) -> None:
    _path(settings, source_id, ticket).unlink(missing_ok=True)


def sweep_uploads(settings: Settings, *, now: float | None = None) -> list[str]:
    """Delete kept uploads older than ``Settings.upload_ticket_lifetime``; their names."""
    folder = upload_folder(settings)
    if not folder.is_dir():
        return []
    limit = (time.time() if now is None else now) - settings.upload_ticket_lifetime
    removed = []
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed.append(path.name)
        except FileNotFoundError:  # another process swept it first
            continue
    return sorted(removed)


def _path(settings: Settings, source_id: str, ticket: str) -> Path:
    if not ticket or not ticket.replace("-", "").replace("_", "").isalnum():
        raise ConfigError("the upload is not known; upload the file again", field="ticket")
    return upload_folder(settings) / f"{source_id}.{ticket}"
