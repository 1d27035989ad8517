"""``harvest report --format/--send-to``, ``harvest validate`` and ``health`` in-process,
against the real local provider and a closed port."""

from __future__ import annotations

import csv
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tsunagu.cli import main
from tsunagu.demo.catalog import demo_feed
from tsunagu.demo.provider import ProviderServer


@pytest.fixture
def provider() -> Iterator[ProviderServer]:
    with ProviderServer({"kansai": demo_feed("kansai").path}, page_size=50) as server:
        yield server


@pytest.fixture
def data(tmp_path: Path, provider: ProviderServer, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> Path:
    """A data directory with the kansai feed (named in both languages) harvested once."""
    monkeypatch.setenv("TSUNAGU_ALLOW_PRIVATE_HOSTS", "1")
    monkeypatch.setenv("TSUNAGU_REQUEST_DELAY", "0")
    assert main(["--data-dir", str(tmp_path), "source", "add", "kansai", "--url",
                 provider.base_url("kansai"), "--name", "関西大学",
                 "--name-en", "Kansai University", "--sector", "library"]) == 0
    assert main(["--data-dir", str(tmp_path), "harvest", "kansai", "--no-index"]) == 0
    capsys.readouterr()
    return tmp_path


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), *args])


def test_report_as_csv_and_html(data: Path, provider: ProviderServer,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data, "harvest", "report", "kansai", "--format", "csv") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["section", "kind", "oai_identifier", "detail"]
    assert ["summary", "status", "", "ok"] in rows
    new = [row for row in rows if row[:2] == ["diff", "new"]]
    assert len(new) == min(len(provider.feed("kansai").records), 200)  # LIST_LIMIT
    assert run(data, "harvest", "report", "kansai", "--format", "html") == 0
    html = capsys.readouterr().out
    assert html.startswith("<!DOCTYPE html>") and "<h1>収集レポート: 関西大学 (" in html


def test_the_english_report_names_the_source_in_english(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data, "harvest", "report", "kansai", "--format", "html", "--lang", "en") == 0
    html = capsys.readouterr().out
    assert '<html lang="en">' in html and "<h1>Harvest report: Kansai University (" in html
    assert "関西大学" not in html
    outbox = tmp_path / "outbox"
    assert run(data, "harvest", "report", "kansai", "--send-to", str(outbox),
               "--lang", "en") == 0
    sent = (outbox / "kansai-run-1.html").read_text(encoding="utf-8")
    assert "<h1>Harvest report: Kansai University (" in sent and "関西大学" not in sent


def test_report_files_for_the_institution(data: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    outbox = tmp_path / "outbox"
    assert run(data, "harvest", "report", "kansai", "--send-to", str(outbox)) == 0
    assert capsys.readouterr().out == ""  # the files only, unless a format is asked too
    written = sorted(p.name for p in outbox.iterdir())
    assert written == ["kansai-run-1.csv", "kansai-run-1.html"]
    assert (outbox / "kansai-run-1.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "収集レポート" in (outbox / "kansai-run-1.html").read_text(encoding="utf-8")


def test_validate_stored_records(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data, "harvest", "validate", "kansai", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["schema"] == "oai_dc.xsd"
    assert result["records"] == result["valid"] > 0 and result["invalid"] == 0
    assert run(data, "harvest", "validate", "kansai") == 0
    assert "0 invalid" in capsys.readouterr().out


def test_health_exits_non_zero_for_a_feed_that_is_down(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data, "health") == 0
    assert "1 active sources: 1 healthy, 0 need attention" in capsys.readouterr().out
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/oai"
    assert run(data, "source", "add", "down", "--url", closed, "--name", "Down",
               "--sector", "archive") == 0
    assert run(data, "harvest", "down", "--no-index") == 1
    capsys.readouterr()
    assert run(data, "health", "--json") == 1
    health = json.loads(capsys.readouterr().out)
    assert health["ok"] is False and health["summary"]["unhealthy"] == 1
    down = {s["source_id"]: s for s in health["sources"]}["down"]
    assert down["state"] == "failing" and down["consecutive_failures"] == 1
    assert run(data, "health") == 1
    assert "!! down\tfailing" in capsys.readouterr().out
