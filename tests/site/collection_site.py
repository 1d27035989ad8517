"""A site for the collections tests: the site records (some with IIIF manifests), an
administrator and two approved educators, and helpers for forms.

Shared by ``test_collection_pages.py`` and ``test_browser_collections.py``.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from site_records import GREAT_WAVE, build_site_data, make_records
from starlette.testclient import TestClient

from tsunagu.accounts import approve_educator, create_admin, register_educator
from tsunagu.accounts.passwords import use_hashing_profile
from tsunagu.config import Settings
from tsunagu.mappings.rights import normalize_rights
from tsunagu.records import Record
from tsunagu.store import Store

PASSWORD = "correct horse battery"
ADMIN = "admin@tsunagu.example.jp"
TEACHER = "teacher@school.example.jp"
OTHER_TEACHER = "other@school.example.jp"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
#: Public domain (yes), CC BY (yes), in copyright (ask the institution), no rights (ask).
HIROSHIGE = "tnm:oai:tnm.example:C0002"
IN_COPYRIGHT = "tate:oai:tate.example:A00002"
NO_RIGHTS = "ndl:oai:ndl.example:R101"
PRINTS = "ndl:oai:ndl.example:P01"


def _prepared(record: Record) -> Record:
    """The record with its rights read by the real normalizer, and a IIIF manifest for two."""
    content = record.rights.content
    statement = content.uri or content.raw
    if statement:
        rights = normalize_rights([statement])
        record = dataclasses.replace(record, rights=dataclasses.replace(
            record.rights, content=rights, thumbnail=rights))
    if record.id in {GREAT_WAVE, IN_COPYRIGHT}:
        record = dataclasses.replace(
            record, iiif_manifest=f"https://iiif.example/{record.oai_identifier}/manifest.json")
    return record


def build_collection_site(data_dir: Path) -> Settings:
    """The site data plus an administrator and two approved educators."""
    use_hashing_profile("fast")
    settings = dataclasses.replace(
        build_site_data(data_dir, [_prepared(r) for r in make_records()]),
        secret_key="s" * 48, password_hashing="fast")
    store = Store(settings.db_path)
    try:
        admin = create_admin(store, ADMIN, PASSWORD)
        for email in (TEACHER, OTHER_TEACHER):
            approve_educator(store, admin, register_educator(store, email, PASSWORD).id)
    finally:
        store.close()
    return settings


def approve(settings: Settings, email: str) -> None:
    """The administrator approves a pending educator (through the service)."""
    store = Store(settings.db_path)
    try:
        admin = store.users.find(ADMIN)
        user = store.users.find(email)
        assert admin is not None and user is not None
        approve_educator(store, admin, user.id)
    finally:
        store.close()


def csrf_of(client: TestClient, path: str) -> str:
    match = CSRF.search(client.get(path).text)
    assert match is not None, f"no CSRF field on {path}"
    return match.group(1)


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Log in through the login form; the session's CSRF token."""
    response = client.post("/login", data={"email": email, "password": password,
                                            "csrf_token": csrf_of(client, "/login")},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client, "/collections/new")
