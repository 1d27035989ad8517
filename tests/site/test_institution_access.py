"""Who may do what, for every institution endpoint; CSRF on every POST; the token API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from institution_site import EDITOR, EDUCATOR, OUTSIDER, build_accounts, log_in, site_settings
from starlette.routing import Route
from starlette.testclient import TestClient

from tsunagu.accounts import create_api_token, revoke_api_token
from tsunagu.config import Settings
from tsunagu.records import FeedKind, Schedule, Sector, Source, SourceStatus
from tsunagu.site import create_app
from tsunagu.site.app import routes
from tsunagu.store import Store

TABLE = ("identifier,title,date,rights,url\r\n"
         "A1,源氏物語,1650,http://creativecommons.org/publicdomain/zero/1.0/,"
         "https://nijl.example/A1\r\n"
         "A2,伊勢物語,文化14年,see our website,https://nijl.example/A2\r\n").encode()
PARAMS = {"institution_id": "nijl", "source_id": "nijl-table", "run_id": "1",
          "token_id": "1", "user_id": "1", "token": "not-a-token", "page_id": "1"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = site_settings(tmp_path / "data")
    build_accounts(settings)
    store = Store(settings.db_path)
    try:
        store.sources.add(Source(id="nijl-table", name="国文研の表", base_url="",
                                 metadata_prefix="tsunagu_row", sector=Sector.LIBRARY,
                                 institution_id="nijl", status=SourceStatus.DRAFT,
                                 kind=FeedKind.TABULAR, schedule=Schedule.MANUAL))
    finally:
        store.close()
    return settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _tokens(settings: Settings) -> tuple[str, str, str]:
    """A live token of nijl, a revoked one of nijl, a live one of the other institution."""
    store = Store(settings.db_path)
    try:
        editor = store.users.find(EDITOR)
        outsider = store.users.find(OUTSIDER)
        live = create_api_token(store, editor, "nijl", "export").token
        revoked = create_api_token(store, editor, "nijl", "old")
        revoke_api_token(store, editor, revoked.api_token.id)
        other = create_api_token(store, outsider, "other", "theirs").token
        return live, revoked.token, other
    finally:
        store.close()


def _paths(method: str) -> list[str]:
    """Every institution route with its parameters filled in."""
    found = []
    for route in routes():
        if not isinstance(route, Route) or method not in (route.methods or ()):
            continue
        path = route.path
        if not any(path.startswith(p) for p in ("/dashboard/", "/api/", "/sources/",
                                                  "/admin")):
            continue
        found.append(re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], path))
    return sorted(set(found))


GET_PATHS = _paths("GET")
POST_PATHS = _paths("POST")


def test_the_route_lists_are_complete() -> None:
    assert "/dashboard/nijl/records.jsonl" in GET_PATHS
    assert "/api/institutions/nijl/activity.json" in GET_PATHS
    assert "/sources/nijl-table/sandbox" in GET_PATHS
    assert "/api/sources" in POST_PATHS and "/sources/nijl-table/publish" in POST_PATHS
    assert len(GET_PATHS) >= 20 and len(POST_PATHS) >= 25


@pytest.mark.parametrize("path", GET_PATHS)
def test_anonymous_gets_nothing(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    if response.status_code == 303:
        assert response.headers["location"].startswith("/login?next=")
    else:
        assert response.status_code == 401, response.text
        assert set(response.json()) == {"error"}


@pytest.mark.parametrize("who", [OUTSIDER, EDUCATOR])
def test_outsiders_get_nothing(client: TestClient, who: str) -> None:
    log_in(client, who)
    for path in GET_PATHS:
        response = client.get(path, follow_redirects=False)
        assert response.status_code in (403, 404), (path, response.status_code)
        assert "国文研の表" not in response.text, path


@pytest.mark.parametrize("who", [OUTSIDER, EDUCATOR])
def test_outsiders_cannot_act(client: TestClient, who: str) -> None:
    token = log_in(client, who)
    for path in POST_PATHS:
        if path.startswith("/api/sources") and path == "/api/sources":
            data = {"csrf_token": token, "institution_id": "nijl", "id": "x", "name": "x",
                    "kind": "tabular"}
        else:
            data = {"csrf_token": token, "email": "new@example.jp", "name": "x", "id": "y"}
        response = client.post(path, data=data, files={"file": ("t.csv", TABLE)}
                               if path.endswith("/upload") else None, follow_redirects=False)
        assert response.status_code in (400, 403, 404), (path, response.status_code)
    store = Store(client.app.state.settings.db_path)
    try:
        assert store.sources.get("nijl-table").status is SourceStatus.DRAFT
        assert [s.id for s in store.sources.list(institution_id="nijl")] == ["nijl-table"]
        assert store.runs.latest("nijl-table") is None
    finally:
        store.close()


def test_tokens_of_others_and_revoked_tokens_get_nothing(
        client: TestClient, settings: Settings) -> None:
    live, revoked, other = _tokens(settings)
    for path in GET_PATHS:
        response = client.get(path, headers={"Authorization": f"Bearer {revoked}"})
        assert response.status_code == 401, path
        response = client.get(path, headers={"Authorization": f"Bearer {other}"},
                              follow_redirects=False)
        if response.status_code == 303:  # pages for people only (administration)
            assert response.headers["location"].startswith("/login?"), path
        else:
            assert response.status_code in (401, 403, 404), (path, response.status_code)
            assert "国文研の表" not in response.text
    assert client.get("/api/institutions/nijl/activity.json",
                      headers={"Authorization": f"Bearer {live}"}).status_code == 200


@pytest.mark.parametrize("path", [*POST_PATHS, "/login", "/logout", "/search"])
def test_every_post_needs_the_csrf_token(client: TestClient, path: str) -> None:
    log_in(client, EDITOR)
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 403, path
        assert "CSRF" in response.text
    response = client.post(path, json={}, headers={"X-CSRF-Token": "forged"})
    assert response.status_code == 403


def test_json_clients_send_the_token_in_a_header(client: TestClient) -> None:
    log_in(client, EDITOR)
    token = client.get("/account.json").json()["csrf_token"]
    response = client.post("/api/sources", json={
        "institution_id": "nijl", "id": "nijl-upload", "name": "表", "kind": "tabular",
        "sector": "library"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 201, response.text
    assert response.json()["source"]["status"] == "draft"


def test_the_api_with_a_token(client: TestClient, settings: Settings) -> None:
    live, _revoked, _other = _tokens(settings)
    auth = {"Authorization": f"Bearer {live}"}
    # no CSRF token needed: no cookie is involved
    response = client.post("/api/sources", headers=auth, json={
        "id": "nijl-api", "name": "APIで登録", "kind": "tabular", "sector": "library"})
    assert response.status_code == 201, response.text
    assert response.json()["source"]["institution_id"] == "nijl"
    response = client.post("/api/sources/nijl-api/upload", headers=auth,
                           files={"file": ("books.csv", TABLE, "text/csv")})
    assert response.status_code == 200, response.text
    assert response.json()["run"]["new"] == 2
    sandbox = client.get("/api/sources/nijl-api/sandbox.json", headers=auth).json()
    unknown = [r for r in sandbox["records"] if r["rights"]["became_unknown"]]
    assert [r["title"] for r in unknown] == ["伊勢物語"]
    assert client.post("/api/sources/nijl-api/publish", headers=auth).status_code == 200
    lines = client.get("/api/institutions/nijl/records.jsonl", headers=auth).text.splitlines()
    assert len(lines) == 2
    activity = client.get("/api/institutions/nijl/activity.json", headers=auth).json()
    assert set(activity) == {"institution_id", "from", "to", "totals", "per_day", "per_record"}
    # a token cannot mint tokens or invite people
    assert client.post("/api/institutions/nijl/tokens", headers=auth,
                       json={"name": "x"}).status_code == 403
    assert client.post("/api/institutions/nijl/invitations", headers=auth,
                       json={"email": "x@example.jp"}).status_code == 403
    # the bad-period answer is a 400 with a message
    response = client.get("/api/institutions/nijl/activity.json?from=yesterday", headers=auth)
    assert response.status_code == 400 and "from" in response.json()["error"]
