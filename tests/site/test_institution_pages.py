"""The institution side through the site: log in, register a feed, sandbox, publish, runs,
exports and activity — against a real OAI-PMH provider on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from institution_site import (
    EDITOR,
    PASSWORD,
    build_accounts,
    csrf_of,
    log_in,
    site_settings,
    write_nijl_feed,
)
from starlette.testclient import TestClient

from tsunagu.config import Settings
from tsunagu.demo.provider import ProviderServer
from tsunagu.site import create_app
from tsunagu.site.sessions import SESSION_COOKIE


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    path = write_nijl_feed(tmp_path_factory.mktemp("feed"))
    with ProviderServer({"nijl": path}, page_size=5) as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = site_settings(tmp_path / "data")
    build_accounts(settings)
    return settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def visitor(settings: Settings) -> Iterator[TestClient]:
    """Another browser, anonymous, on another process' view of the same data directory."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _register(client: TestClient, token: str, base_url: str) -> None:
    response = client.post("/dashboard/nijl/feeds", data={
        "csrf_token": token, "kind": "oai_pmh", "base_url": base_url,
        "metadata_prefix": "oai_dc", "id": "nijl-books", "name": "国文研 古典籍",
        "name_en": "NIJL classical books", "sector": "research_repository",
        "prefecture": "東京都", "languages": "ja", "schedule": "weekly",
    }, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/sources/nijl-books/sandbox"


def test_login_sets_a_signed_http_only_session_cookie(client: TestClient) -> None:
    anonymous_token = csrf_of(client)
    session_token = log_in(client, EDITOR)
    assert session_token != anonymous_token  # the token changes at login
    response = client.post("/logout", data={"csrf_token": anonymous_token},
                           follow_redirects=False)
    assert response.status_code == 403
    client.cookies.clear()
    response = client.post("/login", data={"email": EDITOR, "password": PASSWORD,
                                           "csrf_token": csrf_of(client)},
                           follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert response.headers["location"] == "/dashboard/nijl"
    # a tampered cookie is nobody
    value = client.cookies[SESSION_COOKIE]
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    assert client.get("/account.json").json()["user"] is None


def test_wrong_password_says_so_without_saying_which(client: TestClient) -> None:
    response = client.post("/login", data={"email": EDITOR, "password": "wrong password!",
                                           "csrf_token": csrf_of(client)})
    assert response.status_code == 401
    assert "wrong e-mail address or password" in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_logout_ends_the_session(client: TestClient) -> None:
    token = log_in(client, EDITOR)
    old = client.cookies[SESSION_COOKIE]
    assert client.post("/logout", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, old)  # a stolen cookie is worthless now
    assert client.get("/dashboard/nijl.json").status_code == 401


def test_register_sandbox_publish_search_and_run_report(
        client: TestClient, visitor: TestClient, provider: ProviderServer) -> None:
    token = log_in(client, EDITOR)
    base_url = provider.base_url("nijl")
    probe = client.post("/dashboard/nijl/feeds/probe",
                        data={"csrf_token": token, "base_url": base_url})
    assert probe.status_code == 200
    assert 'value="oai_dc"' in probe.text and 'name="set_specs"' in probe.text
    _register(client, token, base_url)
    # a draft is nowhere in public
    assert client.get("/index.json").json()["sources"] == []

    sandbox = client.get("/sources/nijl-books/sandbox.json").json()
    assert sandbox["ok"] is True
    assert [c["name"] for c in sandbox["checks"]] == [
        "identify", "metadata_prefix", "sets", "sample"]
    assert len(sandbox["records"]) == 5
    first = sandbox["records"][0]
    assert first["tier"] in "ABCD" and "reuse" in first["rights"]
    page = client.get("/sources/nijl-books/sandbox").text
    assert page.count('class="item"') == 5  # the item page partial, per record
    assert "How the rights were read" in page or "権利" in page
    record_id = first["id"]
    anonymous = visitor
    assert anonymous.get(f"/item/{record_id}").status_code == 404  # draft: not public

    response = client.post("/sources/nijl-books/publish", data={"csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    harvest = client.post("/sources/nijl-books/harvest", data={"csrf_token": token},
                          follow_redirects=False)
    assert harvest.status_code == 303
    run_path = harvest.headers["location"]
    report = client.get(run_path + ".json").json()["report"]
    assert report["run"]["status"] == "ok" and report["run"]["new"] + report["run"][
        "updated"] + report["run"]["unchanged"] == 12
    assert "Changes since the previous run" in client.get(
        run_path, headers={"Accept-Language": "en"}).text

    home = anonymous.get("/index.json").json()
    assert [s["id"] for s in home["sources"]] == ["nijl-books"]
    assert home["sources"][0]["count"] == 12
    results = anonymous.get("/search.json?provider=nijl-books").json()
    assert results["total"] == 12
    assert anonymous.get(f"/item/{record_id}").status_code == 200


def test_exports_and_activity(client: TestClient, visitor: TestClient,
                              provider: ProviderServer) -> None:
    token = log_in(client, EDITOR)
    _register(client, token, provider.base_url("nijl"))
    client.post("/sources/nijl-books/publish", data={"csrf_token": token})
    client.post("/sources/nijl-books/harvest", data={"csrf_token": token})
    hits = visitor.get("/search.json?provider=nijl-books").json()["results"]
    record_id = hits[0]["id"]
    visitor.get(f"/item/{record_id}")
    visitor.get(f"/item/{record_id}")
    go = visitor.get(f"/go/{record_id}", follow_redirects=False)
    landing = json.loads(client.get(f"/item/{record_id}.json").text)["landing_url"]
    if landing:
        assert go.status_code == 303 and go.headers["location"] == landing
    activity = client.get("/dashboard/nijl/activity.json").json()
    per_record = {row["record_id"]: row for row in activity["per_record"]}
    assert per_record[record_id]["view"] == 2
    assert per_record[record_id]["search"] == 1
    assert per_record[record_id]["click"] == (1 if landing else 0)
    assert activity["totals"]["search"] == len(hits)
    csv_text = client.get("/dashboard/nijl/activity.csv").text
    assert csv_text.startswith("record_id,source_id,day,kind,count\r\n")
    lines = client.get("/dashboard/nijl/records.jsonl").text.splitlines()
    assert len(lines) == 12 and json.loads(lines[0])["source_id"] == "nijl-books"
    table = client.get("/dashboard/nijl/records.csv")
    assert table.headers["content-type"].startswith("text/csv")
    assert len(table.text.splitlines()) >= 13
    raw = [json.loads(line) for line in client.get("/dashboard/nijl/raw.jsonl").text.splitlines()]
    assert len(raw) == 12 and raw[0]["xml"].startswith("<")
    # Each raw record says which harvested page it came from (a kept page, by its id).
    origin = raw[0]["harvested_from"]
    assert origin["url"].startswith("http://127.0.0.1") and "verb=ListRecords" in origin["url"]
    assert origin["run"] >= 1 and origin["page"] >= 1 and origin["response_date"]
    page = client.get("/dashboard/nijl/activity", headers={"Accept-Language": "en"}).text
    assert "Item page views" in page
