"""``/health`` and the dashboard's attention marker, after a real harvest of a feed whose
endpoint is down: counts for everyone, details for administrators and the feed's own
institution only."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from institution_site import ADMIN, EDITOR, OUTSIDER, build_accounts, log_in, site_settings
from starlette.testclient import TestClient

from tsunagu.config import Settings
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, Source
from tsunagu.site import create_app


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = site_settings(tmp_path / "data")
    build_accounts(settings)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/oai"
    pipeline = Pipeline(dataclasses.replace(settings, retry_attempts=1))
    try:
        pipeline.store.sources.add(Source(id="nijl-down", name="国文研 feed", base_url=closed,
                                          sector=Sector.LIBRARY, institution_id="nijl"))
        (run,) = pipeline.harvest(["nijl-down"])
        assert run.status == "failed"
    finally:
        pipeline.close()
    return settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_anyone_sees_the_counts_only(client: TestClient) -> None:
    response = client.get("/health.json")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    data = response.json()
    assert data == {"ok": False, "summary": {"sources": 1, "active": 1, "healthy": 0,
                                             "unhealthy": 1, "by_state": {"failing": 1}}}
    page = client.get("/health", headers={"Accept-Language": "en"}).text
    assert "1 of 1 active feeds need attention." in page
    assert "nijl-down" not in page and "127.0.0.1" not in page


def test_an_administrator_sees_every_feed(client: TestClient) -> None:
    log_in(client, ADMIN)
    (item,) = client.get("/health.json").json()["sources"]
    assert item["source_id"] == "nijl-down" and item["state"] == "failing"
    assert item["healthy"] is False and item["consecutive_failures"] == 1
    assert "127.0.0.1" in item["error"] and item["last_success"] is None
    page = client.get("/health", headers={"Accept-Language": "ja"}).text
    assert "要対応" in page and "nijl-down" in page


def test_an_institution_sees_its_own_feeds_only(client: TestClient) -> None:
    log_in(client, OUTSIDER)
    assert client.get("/health.json").json()["sources"] == []
    log_in(client, EDITOR)
    assert [s["source_id"] for s in client.get("/health.json").json()["sources"]] == [
        "nijl-down"]


def test_the_dashboard_marks_the_failing_feed(client: TestClient) -> None:
    log_in(client, EDITOR)
    page = client.get("/dashboard/nijl", headers={"Accept-Language": "en"}).text
    assert "needs attention: the latest harvests failed" in page
    (row,) = client.get("/dashboard/nijl.json").json()["sources"]
    assert "127.0.0.1" in row["attention"]
