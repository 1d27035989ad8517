"""A site with institutions, people and a real OAI-PMH provider, for the institution tests.

Shared by ``test_institution_*.py`` and ``test_browser_institution.py``: a local
provider serving the first records of the bundled NIJL feed (real data), a data
directory with two institutions, an administrator, an editor of each institution,
an approved educator, and helpers to log in through the real login form.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from starlette.testclient import TestClient

from tsunagu.accounts import (
    accept_invitation,
    approve_educator,
    create_admin,
    create_institution,
    invite_editor,
    register_educator,
)
from tsunagu.accounts.passwords import use_hashing_profile
from tsunagu.config import Settings
from tsunagu.demo.catalog import demo_feed
from tsunagu.demo.feedfile import load_feed, write_feed
from tsunagu.pipeline import Pipeline

PASSWORD = "correct horse battery"
ADMIN = "admin@example.jp"
EDITOR = "ed@nijl.example.jp"
OUTSIDER = "ed@other.example.jp"
EDUCATOR = "teacher@school.example.jp"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclasses.dataclass(frozen=True)
class People:
    admin: int
    editor: int
    outsider: int
    educator: int


def write_nijl_feed(directory: Path, count: int = 12) -> Path:
    """The first ``count`` records of the bundled NIJL feed, as a provider feed file."""
    feed = load_feed(demo_feed("nijl").path)
    return write_feed(directory / "nijl.oai.jsonl", feed.records[:count],
                      repository_name=feed.repository_name, set_names=dict(feed.sets))


def site_settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, allow_private_hosts=True, request_delay=0.0,
                    connect_timeout=2.0, read_timeout=5.0, sandbox_sample_size=5,
                    secret_key="k" * 48, password_hashing="fast", page_size=5)


def build_accounts(settings: Settings) -> People:
    """Two institutions (``nijl``, ``other``), their editors, an admin and an educator."""
    use_hashing_profile("fast")
    pipeline = Pipeline(settings)
    try:
        pipeline.update_index()  # an empty index, so the site starts
        store = pipeline.store
        create_institution(store, None, "nijl", "国文学研究資料館", name_en="NIJL")
        create_institution(store, None, "other", "よその館")
        admin = create_admin(store, ADMIN, PASSWORD)
        editor = accept_invitation(store, invite_editor(
            store, settings, admin, "nijl", EDITOR).token, PASSWORD)
        outsider = accept_invitation(store, invite_editor(
            store, settings, admin, "other", OUTSIDER).token, PASSWORD)
        educator = register_educator(store, EDUCATOR, PASSWORD)
        approve_educator(store, admin, educator.id)
        return People(admin.id, editor.id, outsider.id, educator.id)
    finally:
        pipeline.close()


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the forms ``path`` shows to this client."""
    match = CSRF.search(client.get(path).text)
    assert match is not None, f"no CSRF field on {path}"
    return match.group(1)


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Log in through the form; the session's CSRF token."""
    response = client.post("/login", data={"email": email, "password": password,
                                            "csrf_token": csrf_of(client)},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client, "/account")
