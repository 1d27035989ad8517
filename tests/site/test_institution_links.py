"""Feeds fetched from a link: an institution without an OAI-PMH server publishes a
CSV/TSV/Excel table or a static repository on its website, tsunagu fetches it (SSRF
guard included) and the worker fetches it again on the feed's schedule."""

from __future__ import annotations

import dataclasses
import datetime as dt
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from institution_site import EDITOR, OUTSIDER, build_accounts, log_in, site_settings
from starlette.testclient import TestClient

from tsunagu.accounts import create_api_token
from tsunagu.config import Settings
from tsunagu.pipeline import Pipeline
from tsunagu.site import create_app
from tsunagu.store import Store
from tsunagu.worker import run_once

TABLE = ("identifier,title,date,rights\r\n"
         "A1,源氏物語,1650,http://creativecommons.org/publicdomain/zero/1.0/\r\n"
         "A2,伊勢物語,文化14年,see our website\r\n")


class FileServer:
    """Serves ``files`` (path → bytes) on 127.0.0.1; a test changes them between fetches."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = outer.files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def files() -> Iterator[FileServer]:
    server = FileServer()
    server.files["/data/books.csv"] = TABLE.encode()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = site_settings(tmp_path / "data")
    build_accounts(settings)
    return settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def bearer(settings: Settings, email: str, institution: str) -> dict[str, str]:
    store = Store(settings.db_path)
    try:
        token = create_api_token(store, store.users.find(email), institution, "links").token
    finally:
        store.close()
    return {"Authorization": f"Bearer {token}"}


def table_feed(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post("/api/sources", headers=auth, json={
        "id": "nijl-table", "name": "表", "kind": "tabular", "sector": "library",
        "schedule": "daily"})
    assert response.status_code == 201, response.text


def test_a_linked_table_is_fetched_and_fetched_again_by_the_worker(
        client: TestClient, settings: Settings, files: FileServer) -> None:
    auth = bearer(settings, EDITOR, "nijl")
    table_feed(client, auth)
    response = client.post("/api/sources/nijl-table/link", headers=auth,
                           json={"url": files.url("/data/books.csv")})
    assert response.status_code == 200, response.text
    assert response.json()["run"]["new"] == 2
    pipeline = Pipeline(settings)
    try:
        source = pipeline.store.sources.get("nijl-table")
        assert source.base_url == files.url("/data/books.csv")
        client.post("/api/sources/nijl-table/publish", headers=auth)
        # The institution adds a row to the file on its website; the worker picks it up.
        files.files["/data/books.csv"] = (TABLE + "A3,竹取物語,不明,\r\n").encode()
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        runs = run_once(pipeline, later)
        assert [(run.source_id, run.new, run.unchanged) for run in runs] == [
            ("nijl-table", 1, 2)]
        assert pipeline.store.records.get("nijl-table:oai:tsunagu:nijl-table:A3") is not None
    finally:
        pipeline.close()


def test_a_link_on_the_page_goes_through_the_mapping_form(
        client: TestClient, settings: Settings, files: FileServer) -> None:
    table_feed(client, bearer(settings, EDITOR, "nijl"))
    token = log_in(client, EDITOR)
    page = client.post("/sources/nijl-table/link", data={
        "csrf_token": token, "url": files.url("/data/books.csv")})
    assert page.status_code == 200, page.text
    assert f'name="link" value="{files.url("/data/books.csv")}"' in page.text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    columns = {f"column_{n}": target for n, target in enumerate(
        ["identifier", "title", "date", "rights"])}
    response = client.post("/sources/nijl-table/upload/mapping", data={
        **fields, **columns, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    pipeline = Pipeline(settings)
    try:
        assert pipeline.store.sources.get("nijl-table").base_url == files.url("/data/books.csv")
        assert pipeline.store.records.count() == 2
    finally:
        pipeline.close()
    assert "リンク済み" in client.get("/sources/nijl-table").text  # the page speaks Japanese


def test_a_link_to_a_private_address_is_refused(
        tmp_path: Path, files: FileServer) -> None:
    settings = dataclasses.replace(site_settings(tmp_path / "data"), allow_private_hosts=False)
    build_accounts(settings)
    with TestClient(create_app(settings)) as client:
        auth = bearer(settings, EDITOR, "nijl")
        table_feed(client, auth)
        response = client.post("/api/sources/nijl-table/link", headers=auth,
                               json={"url": files.url("/data/books.csv")})
        assert response.status_code == 400
        assert "TSUNAGU_ALLOW_PRIVATE_HOSTS" in response.json()["error"]
    store = Store(settings.db_path)
    try:
        assert store.sources.get("nijl-table").base_url == ""
        assert store.records.count() == 0
    finally:
        store.close()


def test_outsiders_cannot_link_and_the_form_needs_its_token(
        client: TestClient, settings: Settings, files: FileServer) -> None:
    table_feed(client, bearer(settings, EDITOR, "nijl"))
    other = bearer(settings, OUTSIDER, "other")
    response = client.post("/api/sources/nijl-table/link", headers=other,
                           json={"url": files.url("/data/books.csv")})
    assert response.status_code == 404
    log_in(client, EDITOR)
    response = client.post("/sources/nijl-table/link",
                           data={"url": files.url("/data/books.csv")})
    assert response.status_code == 403 and "CSRF" in response.text
    assert client.post("/api/sources/nijl-table/link", headers=bearer(
        settings, EDITOR, "nijl"), json={"url": files.url("/missing.csv")}).status_code == 400
