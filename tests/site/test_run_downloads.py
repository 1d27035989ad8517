"""Run reports as downloads on the dashboard: CSV and a printable page, for the feed's
own institution only, with everything from the feed escaped — over a real failed run."""

from __future__ import annotations

import csv
import dataclasses
import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from institution_site import EDITOR, OUTSIDER, build_accounts, log_in, site_settings
from starlette.testclient import TestClient

from tsunagu.config import Settings
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, Source, SourceStatus
from tsunagu.site import create_app

HOSTILE_ID = '<script>alert("id")</script>'
HOSTILE_REASON = "=HYPERLINK(\"http://evil.example\") <img src=x onerror=alert(1)>"


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/oai"  # nothing listens there any more


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = site_settings(tmp_path / "data")
    build_accounts(settings)
    return settings


@pytest.fixture
def run_id(settings: Settings) -> int:
    """A real harvest of the nijl institution's feed against a closed port, plus a
    quarantined record and an issue whose texts are hostile."""
    pipeline = Pipeline(dataclasses.replace(settings, retry_attempts=1))
    try:
        for sid, status in (("nijl-down", SourceStatus.PUBLISHED),
                            ("nijl-draft", SourceStatus.DRAFT)):
            pipeline.store.sources.add(Source(
                id=sid, name="国文研 <b>down</b>", base_url=closed_port_url(),
                sector=Sector.RESEARCH_REPOSITORY, institution_id="nijl", status=status))
        (run,) = pipeline.harvest(["nijl-down"])
        assert run.status == "failed"
        store = pipeline.store
        store.runs.log.add_issue(run.id, HOSTILE_ID, "repaired", HOSTILE_REASON)
        store.quarantine.add("nijl-down", HOSTILE_ID, stage="parsing", reason=HOSTILE_REASON,
                             raw=b"<record/>", run_id=run.id)
        return run.id
    finally:
        pipeline.close()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_run_page_links_its_report_files(client: TestClient, run_id: int) -> None:
    log_in(client, EDITOR)
    page = client.get(f"/sources/nijl-down/runs/{run_id}").text
    assert f"/sources/nijl-down/runs/{run_id}/report.csv" in page
    assert f"/sources/nijl-down/runs/{run_id}/report.html" in page


def test_the_csv_holds_the_rows_and_defuses_formulas(client: TestClient, run_id: int) -> None:
    log_in(client, EDITOR)
    response = client.get(f"/sources/nijl-down/runs/{run_id}/report.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="nijl-down-run-{run_id}.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "kind", "oai_identifier", "detail"]
    assert ["summary", "status", "", "failed"] in rows
    assert ["quarantine", "parsing", HOSTILE_ID, "'" + HOSTILE_REASON] in rows
    assert ["issue", "repaired", HOSTILE_ID, "'" + HOSTILE_REASON] in rows
    errors = [row for row in rows if row[:2] == ["issue", "error"]]
    assert errors and "127.0.0.1" in errors[0][3]  # why the run failed


def test_the_html_page_escapes_the_feed(client: TestClient, run_id: int) -> None:
    log_in(client, EDITOR)
    response = client.get(f"/sources/nijl-down/runs/{run_id}/report.html",
                          headers={"Accept-Language": "en"})
    assert response.status_code == 200
    body = response.text
    assert "<script>" not in body and "<img" not in body and "<b>" not in body
    assert "&lt;script&gt;alert(&quot;id&quot;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "Harvest report" in body and '<html lang="en">' in body
    policy = response.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'") and "'sha256-" in policy
    japanese = client.get(f"/sources/nijl-down/runs/{run_id}/report.html",
                          headers={"Accept-Language": "ja"}).text
    assert "収集レポート" in japanese


@pytest.mark.parametrize("kind", ["csv", "html"])
def test_only_the_institution_gets_the_files(client: TestClient, settings: Settings,
                                              run_id: int, kind: str) -> None:
    path = f"/sources/nijl-down/runs/{run_id}/report.{kind}"
    anonymous = client.get(path, follow_redirects=False)
    assert anonymous.status_code in (302, 303, 401)
    assert HOSTILE_ID not in anonymous.text
    log_in(client, OUTSIDER)
    assert client.get(path).status_code == 403  # a published feed of another institution
    pipeline = Pipeline(settings)
    try:
        draft_run = pipeline.store.runs.start("nijl-draft", None, None)
        pipeline.store.runs.finish(draft_run, "ok")
    finally:
        pipeline.close()
    hidden = client.get(f"/sources/nijl-draft/runs/{draft_run}/report.{kind}")
    assert hidden.status_code == 404  # another institution's draft does not exist for them
    log_in(client, EDITOR)
    assert client.get(f"/sources/nijl-down/runs/{run_id + 999}/report.{kind}"
                      ).status_code == 404
