"""Keeping a feed: editing its settings, changing one's password, login throttling,
the stored sandbox report, abandoned uploads and the cached quality tier."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from institution_site import (
    EDITOR,
    EDUCATOR,
    OUTSIDER,
    PASSWORD,
    build_accounts,
    csrf_of,
    log_in,
    site_settings,
    write_nijl_feed,
)
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tsunagu.accounts import create_api_token
from tsunagu.config import Settings
from tsunagu.demo.provider import ProviderServer
from tsunagu.feeds import guess_mapping, read_table
from tsunagu.institutions import source_tier, upload_table
from tsunagu.institutions.dashboard import TIER_NOTE
from tsunagu.pipeline import Pipeline
from tsunagu.records import FeedKind, Sector, Source, SourceStatus
from tsunagu.site import create_app
from tsunagu.site.i18n import LANGUAGE_COOKIE
from tsunagu.site.throttle import LoginThrottle
from tsunagu.site.upload_tickets import keep_upload, sweep_uploads, upload_folder
from tsunagu.store import Store

TABLE = ("identifier,title,date,rights\r\n"
         "A1,源氏物語,1650,http://creativecommons.org/publicdomain/zero/1.0/\r\n"
         "A2,伊勢物語,文化14年,see our website\r\n").encode()
NEW_PASSWORD = "a much newer password"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = site_settings(tmp_path / "data")
    build_accounts(settings)
    return settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _token(settings: Settings) -> dict[str, str]:
    store = Store(settings.db_path)
    try:
        token = create_api_token(store, store.users.find(EDITOR), "nijl", "upkeep").token
    finally:
        store.close()
    return {"Authorization": f"Bearer {token}"}


def _table_feed(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post("/api/sources", headers=auth, json={
        "id": "nijl-table", "name": "表", "kind": "tabular", "sector": "library"})
    assert response.status_code == 201, response.text


def _register_oai(client: TestClient, token: str, base_url: str) -> None:
    response = client.post("/dashboard/nijl/feeds", data={
        "csrf_token": token, "kind": "oai_pmh", "base_url": base_url,
        "metadata_prefix": "oai_dc", "id": "nijl-books", "name": "国文研 古典籍",
        "sector": "research_repository", "languages": "ja", "schedule": "weekly",
    }, follow_redirects=False)
    assert response.status_code == 303, response.text


# -- 1. editing a feed's settings ------------------------------------------------------
def test_edit_a_feed_on_its_page_and_through_the_api(
        client: TestClient, settings: Settings) -> None:
    auth = _token(settings)
    _table_feed(client, auth)
    token = log_in(client, EDITOR)
    page = client.get("/sources/nijl-table/edit")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    assert 'value="nijl-table" readonly' in page.text
    response = client.post("/sources/nijl-table/settings", data={
        "csrf_token": token, "kind": "tabular", "name": "国文研の表", "sector": "archive",
        "prefecture": "東京都", "languages": "ja, en",
        "default_rights": "https://creativecommons.org/licenses/by/4.0/",
        "id": "renamed"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/sources/nijl-table"
    source = client.get("/sources/nijl-table/edit.json").json()["source"]
    assert (source["id"], source["name"], source["sector"], source["prefecture"],
            source["languages"]) == ("nijl-table", "国文研の表", "archive", "東京都", ["ja", "en"])
    # the API sends only what changes
    response = client.post("/api/sources/nijl-table/settings", headers=auth,
                           json={"name_en": "NIJL table"})
    assert response.status_code == 200, response.text
    changed = response.json()["source"]
    assert changed["name_en"] == "NIJL table" and changed["name"] == "国文研の表"
    assert changed["status"] == "draft"
    # a bad value is a 400 naming it, on the page and in the API
    page = client.post("/sources/nijl-table/settings", data={
        "csrf_token": token, "kind": "tabular", "name": "x", "languages": "klingonish!"})
    assert page.status_code == 400 and "klingonish" in page.text
    response = client.post("/api/sources/nijl-table/settings", headers=auth,
                           json={"kind": "oai_pmh"})
    assert response.status_code == 400 and "kind" in response.json()["error"]


def test_changing_the_repository_probes_it_again(
        client: TestClient, settings: Settings, tmp_path: Path) -> None:
    token = log_in(client, EDITOR)
    with ProviderServer({"nijl": write_nijl_feed(tmp_path / "feed")}, page_size=5) as server:
        _register_oai(client, token, server.base_url("nijl"))
        assert client.get("/sources/nijl-books/sandbox.json").json()["report"]["ok"]
        response = client.post("/sources/nijl-books/settings", data={
            "csrf_token": token, "kind": "oai_pmh", "name": "国文研 古典籍",
            "base_url": server.base_url("nijl"), "metadata_prefix": "no_such_prefix",
            "sector": "library"})
        assert response.status_code == 400
        assert "no_such_prefix" in response.text
        assert client.get("/sources/nijl-books/edit.json").json()["source"][
            "metadata_prefix"] == "oai_dc"
        # the sandbox report is still the one of the unchanged settings
        assert client.get("/sources/nijl-books/sandbox.json").json()["report"] is not None
        response = client.post("/sources/nijl-books/settings", data={
            "csrf_token": token, "kind": "oai_pmh", "name": "国文研 古典籍",
            # the same repository under another spelling of its address (a query string
            # would now reach the server: the provider answers badArgument to it)
            "base_url": server.base_url("nijl").replace("127.0.0.1", "localhost"),
            "sector": "library"},
            follow_redirects=False)
    assert response.status_code == 303, response.text
    # new repository settings: the old checks are dropped
    assert client.get("/sources/nijl-books/sandbox.json").json()["report"] is None


def test_the_ssrf_guard_applies_to_an_edited_base_url(tmp_path: Path) -> None:
    settings = Settings(**{**site_settings(tmp_path / "data").__dict__,
                           "allow_private_hosts": False})
    build_accounts(settings)
    with TestClient(create_app(settings)) as client:
        auth = _token(settings)
        store = Store(settings.db_path)
        try:
            store.sources.add(Source(
                id="nijl-oai", name="OAI", base_url="https://example.org/oai",
                metadata_prefix="oai_dc", sector=Sector.LIBRARY, institution_id="nijl",
                status=SourceStatus.DRAFT, kind=FeedKind.OAI_PMH))
        finally:
            store.close()
        response = client.post("/api/sources/nijl-oai/settings", headers=auth,
                               json={"base_url": "http://127.0.0.1:9/oai"})
    assert response.status_code == 400
    assert "127.0.0.1" in response.json()["error"] or "private" in response.json()["error"]


# -- 2. changing one's password ----------------------------------------------------------
def test_change_password_ends_the_other_sessions(client: TestClient, settings: Settings) -> None:
    with TestClient(create_app(settings)) as other:
        log_in(other, EDITOR)
        token = log_in(client, EDITOR)
        page = client.get("/account/password")
        assert page.status_code == 200 and 'name="csrf_token"' in page.text
        wrong = client.post("/account/password", data={
            "csrf_token": token, "current_password": "not my password",
            "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
        assert wrong.status_code == 400 and "current password is wrong" in wrong.text
        differ = client.post("/account/password", data={
            "csrf_token": token, "current_password": PASSWORD,
            "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD + "!"})
        assert differ.status_code == 400
        assert other.get("/account.json").json()["user"] is not None
        response = client.post("/account/password", data={
            "csrf_token": token, "current_password": PASSWORD,
            "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
            follow_redirects=False)
        assert response.status_code == 303
        assert client.get("/account.json").json()["user"]["email"] == EDITOR
        assert other.get("/account.json").json()["user"] is None
    client.cookies.clear()
    failed = client.post("/login", data={"email": EDITOR, "password": PASSWORD,
                                         "csrf_token": csrf_of(client)})
    assert failed.status_code == 401
    log_in(client, EDITOR, NEW_PASSWORD)


def test_change_password_as_json_and_not_with_a_token(
        client: TestClient, settings: Settings) -> None:
    auth = _token(settings)
    assert client.post("/account/password.json", headers=auth, json={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD}).status_code == 401
    log_in(client, EDITOR)
    header = {"X-CSRF-Token": client.get("/account.json").json()["csrf_token"]}
    response = client.post("/account/password.json", headers=header, json={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 200, response.text
    renewed = response.json()["csrf_token"]
    assert renewed != header["X-CSRF-Token"]
    assert client.get("/account.json").json()["csrf_token"] == renewed
    response = client.post("/account/password.json", headers={"X-CSRF-Token": renewed},
                           json={"current_password": "nope", "new_password": NEW_PASSWORD})
    assert response.status_code == 400 and "current password" in response.json()["error"]


# -- 3. login throttling -------------------------------------------------------------------
def test_the_throttle_locks_an_account_and_an_address() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_failures=3, max_address_failures=5, window=60,
                             lockout=300, clock=clock)
    for _ in range(2):
        throttle.failed("Ed@Example.jp", "10.0.0.1")
    assert throttle.wait("ed@example.jp", "10.0.0.1") == 0
    clock.now += 61  # failures outside the window are forgotten
    throttle.failed("ed@example.jp", "10.0.0.1")
    throttle.failed("ed@example.jp", "10.0.0.1")
    assert throttle.wait("ed@example.jp", "10.0.0.2") == 0
    throttle.failed("ed@example.jp", "10.0.0.1")
    assert throttle.wait("ED@example.jp", "10.0.0.2") == 300
    clock.now += 299.5
    assert throttle.wait("ed@example.jp", None) == 1
    clock.now += 1
    assert throttle.wait("ed@example.jp", None) == 0
    # five failures from one address, each for another account, lock the address
    for number in range(5):
        throttle.failed(f"user{number}@example.jp", "10.0.0.9")
    assert throttle.wait("someone@example.jp", "10.0.0.9") == 300
    assert throttle.wait("someone@example.jp", "10.0.0.8") == 0


def test_the_throttle_forgets_on_success_and_stays_bounded() -> None:
    throttle = LoginThrottle(max_failures=2, max_address_failures=100, window=60,
                             lockout=60, clock=Clock(), max_keys=10)
    throttle.failed("a@example.jp", None)
    throttle.succeeded("a@example.jp")
    throttle.failed("a@example.jp", None)
    assert throttle.wait("a@example.jp", None) == 0
    for number in range(50):
        throttle.failed(f"u{number}@example.jp", f"10.0.1.{number}")
    assert len(throttle._entries) <= 10


def test_too_many_failed_logins_are_refused_with_429(client: TestClient) -> None:
    clock = Clock()
    cast(Starlette, client.app).state.login_throttle = LoginThrottle(
        max_failures=3, max_address_failures=50, window=600, lockout=900, clock=clock)
    client.cookies.set(LANGUAGE_COOKIE, "en")
    for _ in range(3):
        response = client.post("/login", data={"email": EDITOR, "password": "guess guess!",
                                               "csrf_token": csrf_of(client)})
        assert response.status_code == 401
    # now even the right password waits
    response = client.post("/login", data={"email": EDITOR, "password": PASSWORD,
                                           "csrf_token": csrf_of(client)})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "900"
    assert "Too many failed attempts. Try again in 15 minutes." in response.text
    client.cookies.set(LANGUAGE_COOKIE, "ja")
    response = client.post("/login", data={"email": EDITOR, "password": PASSWORD,
                                           "csrf_token": csrf_of(client)})
    assert response.status_code == 429 and "15分後" in response.text
    clock.now += 901
    log_in(client, EDITOR)


# -- 4. the stored sandbox report ------------------------------------------------------------
def test_the_sandbox_page_shows_the_stored_report_without_asking(
        client: TestClient, tmp_path: Path) -> None:
    token = log_in(client, EDITOR)
    with ProviderServer({"nijl": write_nijl_feed(tmp_path / "feed")}, page_size=5) as server:
        _register_oai(client, token, server.base_url("nijl"))
    # the repository is gone: reloading still shows the report of the registration
    page = client.get("/sources/nijl-books/sandbox")
    assert page.status_code == 200
    assert page.text.count('class="sandbox-record"') == 5
    assert "チェックを実行" in page.text and 'name="csrf_token"' in page.text
    stored = client.get("/sources/nijl-books/sandbox.json").json()
    assert stored["report"]["ok"] and stored["report"]["checked_at"]
    # running the checks again asks the (gone) repository and stores what it found
    response = client.post("/sources/nijl-books/sandbox", data={"csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    again = client.get("/sources/nijl-books/sandbox.json").json()["report"]
    assert again["ok"] is False and again["checks"][0]["name"] == "identify"
    assert again["records"] == []


def test_the_sandbox_is_run_explicitly_through_the_api(
        client: TestClient, settings: Settings, tmp_path: Path) -> None:
    auth = _token(settings)
    with ProviderServer({"nijl": write_nijl_feed(tmp_path / "feed")}, page_size=5) as server:
        response = client.post("/api/sources", headers=auth, json={
            "id": "nijl-api", "name": "API", "kind": "oai_pmh", "sector": "library",
            "base_url": server.base_url("nijl"), "metadata_prefix": "oai_dc"})
        assert response.status_code == 201, response.text
        assert client.get("/api/sources/nijl-api/sandbox.json",
                          headers=auth).json()["report"] is None
        response = client.post("/api/sources/nijl-api/sandbox", headers=auth)
    assert response.status_code == 200, response.text
    assert len(response.json()["report"]["records"]) == 5
    stored = client.get("/api/sources/nijl-api/sandbox.json", headers=auth).json()
    assert [r["id"] for r in stored["report"]["records"]] == [
        r["id"] for r in response.json()["report"]["records"]]


# -- 5. abandoned uploads ------------------------------------------------------------------
def test_abandoned_uploads_are_swept(settings: Settings) -> None:
    now = time.time()
    old = keep_upload(settings, "nijl-table", b"old", now=now)
    path = upload_folder(settings) / f"nijl-table.{old}"
    os.utime(path, (now - 86400 - 10, now - 86400 - 10))
    fresh = keep_upload(settings, "nijl-table", b"fresh", now=now)
    assert not path.exists()
    assert (upload_folder(settings) / f"nijl-table.{fresh}").read_bytes() == b"fresh"
    assert sweep_uploads(settings, now=now + 86400 + 1) == [f"nijl-table.{fresh}"]
    assert list(upload_folder(settings).iterdir()) == []


def test_a_page_upload_sweeps_old_tickets(client: TestClient, settings: Settings) -> None:
    _table_feed(client, _token(settings))
    folder = upload_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    abandoned = folder / "nijl-table.abandonedTicket"
    abandoned.write_bytes(TABLE)
    os.utime(abandoned, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    token = log_in(client, EDITOR)
    response = client.post("/sources/nijl-table/upload", data={"csrf_token": token},
                           files={"file": ("books.csv", TABLE, "text/csv")})
    assert response.status_code == 200, response.text
    assert not abandoned.exists()
    assert len(list(folder.iterdir())) == 1  # the new upload waits for its mapping


# -- 6. the cached quality tier --------------------------------------------------------------
def test_the_quality_tier_is_computed_again_only_after_a_change(
        client: TestClient, settings: Settings) -> None:
    _table_feed(client, _token(settings))
    pipeline = Pipeline(settings)
    try:
        admin = pipeline.store.users.find("admin@example.jp")
        empty = source_tier(pipeline, admin, "nijl-table")
        table = read_table(TABLE, "books.csv")
        upload_table(pipeline, admin, "nijl-table", TABLE, "books.csv",
                     guess_mapping(table.headers))
        tier = source_tier(pipeline, admin, "nijl-table")
        note = pipeline.store.source_notes.get("nijl-table", TIER_NOTE)
        assert note is not None and note.data == tier
        assert note.version == str(pipeline.store.records.source_version("nijl-table"))
        # the stored tier is what the dashboard reads while nothing changes
        pipeline.store.source_notes.put("nijl-table", TIER_NOTE, note.version, "Z")
        assert source_tier(pipeline, admin, "nijl-table") == "Z"
        assert client.get("/api/institutions/nijl.json", headers=_token(settings)).json()[
            "sources"][0]["tier"] == "Z"
        # a new upload changes the records: the tier is computed again
        upload_table(pipeline, admin, "nijl-table", TABLE.replace(b"A2,", b"A3,"),
                     "books.csv", guess_mapping(table.headers))
        assert source_tier(pipeline, admin, "nijl-table") == tier != "Z"
        assert empty == "D"  # no records yet
    finally:
        pipeline.close()


# -- who may: every new endpoint refuses outsiders, and every new form needs its token ----
NEW_GETS = ["/sources/nijl-table/edit", "/sources/nijl-table/edit.json",
            "/api/sources/nijl-table/edit.json", "/sources/nijl-table/sandbox",
            "/sources/nijl-table/sandbox.json"]
NEW_POSTS = ["/sources/nijl-table/settings", "/api/sources/nijl-table/settings",
             "/sources/nijl-table/sandbox", "/api/sources/nijl-table/sandbox"]


@pytest.mark.parametrize("who", [OUTSIDER, EDUCATOR])
def test_outsiders_cannot_see_or_change_a_feed(
        client: TestClient, settings: Settings, who: str) -> None:
    _table_feed(client, _token(settings))
    token = log_in(client, who)
    for path in NEW_GETS:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 404, (path, response.status_code)
        assert "表" not in response.text
    for path in NEW_POSTS:
        response = client.post(path, data={"csrf_token": token, "name": "乗っ取り"},
                               follow_redirects=False)
        assert response.status_code == 404, (path, response.status_code)
    other = {"Authorization": "Bearer " + _other_token(settings)}
    for path in [p for p in NEW_GETS + NEW_POSTS if p.startswith("/api/")]:
        response = client.request("POST" if path in NEW_POSTS else "GET", path,
                                  headers=other, json={"name": "乗っ取り"})
        assert response.status_code == 404, (path, response.status_code)
    store = Store(settings.db_path)
    try:
        assert store.sources.get("nijl-table").name == "表"
    finally:
        store.close()


def test_anonymous_cannot_change_a_password_or_a_feed(client: TestClient) -> None:
    assert client.get("/account/password", follow_redirects=False).headers[
        "location"].startswith("/login?next=")
    token = csrf_of(client)
    response = client.post("/account/password", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD}, follow_redirects=False)
    assert response.status_code == 401
    assert client.get("/api/sources/nijl-table/edit.json").status_code == 401


@pytest.mark.parametrize("path", ["/account/password", "/account/password.json",
                                  "/sources/nijl-table/settings", "/sources/nijl-table/sandbox"])
def test_the_new_forms_need_the_csrf_token(
        client: TestClient, settings: Settings, path: str) -> None:
    _table_feed(client, _token(settings))
    log_in(client, EDITOR)
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(path, data={**data, "current_password": PASSWORD,
                                           "new_password": NEW_PASSWORD,
                                           "new_password_again": NEW_PASSWORD,
                                           "name": "x"}, follow_redirects=False)
        assert response.status_code == 403 and "CSRF" in response.text, path
    response = client.post(path, json={"name": "x"}, headers={"X-CSRF-Token": "forged"})
    assert response.status_code == 403
    log_in(client, EDITOR)  # the password did not change


def _other_token(settings: Settings) -> str:
    store = Store(settings.db_path)
    try:
        return create_api_token(store, store.users.find(OUTSIDER), "other", "theirs").token
    finally:
        store.close()
