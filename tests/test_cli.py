"""The command line, run in-process against a real local OAI-PMH provider."""

from __future__ import annotations

import json
import re
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


def add_args(data_dir: Path, url: str) -> list[str]:
    return ["--data-dir", str(data_dir), "source", "add", "kansai", "--url", url,
            "--name", "関西大学", "--sector", "library"]


def test_private_addresses_are_refused_without_the_switch(
    provider: ProviderServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("TSUNAGU_ALLOW_PRIVATE_HOSTS", raising=False)
    assert main(add_args(tmp_path, provider.base_url("kansai"))) == 1
    assert "TSUNAGU_ALLOW_PRIVATE_HOSTS" in capsys.readouterr().err


def test_add_harvest_index_list(
    provider: ProviderServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TSUNAGU_ALLOW_PRIVATE_HOSTS", "1")
    assert main(add_args(tmp_path, provider.base_url("kansai"))) == 0
    assert main(add_args(tmp_path, provider.base_url("kansai"))) == 1  # already registered
    capsys.readouterr()

    assert main(["--data-dir", str(tmp_path), "harvest"]) == 0
    captured = capsys.readouterr()
    records = len(provider.feed("kansai").records)
    # progress: the size the server announces for the first window's list (monthly windows)
    assert re.search(r"kansai: page 1, 50 of \d+ records", captured.err)
    table = captured.out.splitlines()
    assert table[0].split() == ["source", "status", "new", "updated", "unchanged", "deleted",
                                "quarantined", "requests", "repaired", "run", "seconds"]
    assert table[1].split()[:3] == ["kansai", "ok", str(records)]
    assert f"{records} documents" in captured.out

    assert main(["--data-dir", str(tmp_path), "source", "list"]) == 0
    assert f"kansai\tlibrary\t{records}\t関西大学" in capsys.readouterr().out

    assert main(["--data-dir", str(tmp_path), "index", "--rebuild"]) == 0
    update = json.loads(capsys.readouterr().out)
    assert update["rebuilt"] is True and update["documents"] == records

    assert main(["--data-dir", str(tmp_path), "map", "kansai"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome == {"mapped": records, "deleted": 0, "quarantined": 0}


def test_unknown_source_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "harvest", "nope"]) == 1
    assert "no such source" in capsys.readouterr().err


def test_bad_switch_value_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TSUNAGU_ALLOW_PRIVATE_HOSTS", "maybe")
    assert main(["--data-dir", str(tmp_path), "source", "list"]) == 2
    assert "TSUNAGU_ALLOW_PRIVATE_HOSTS" in capsys.readouterr().err


def test_profile_and_mapping_report(
    provider: ProviderServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TSUNAGU_ALLOW_PRIVATE_HOSTS", "1")
    data = ["--data-dir", str(tmp_path)]
    assert main(add_args(tmp_path, provider.base_url("kansai"))) == 0
    assert main([*data, "harvest", "kansai", "--no-index"]) == 0
    capsys.readouterr()

    assert main([*data, "map", "kansai", "--report"]) == 0
    text = capsys.readouterr().out
    assert "quality tier" in text and "rights by code:" in text and "PDM-1.0" in text
    assert main([*data, "map", "kansai", "--report", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["records"] == len(provider.feed("kansai").records)
    assert report["quality"]["tier"] in "ABCD" and report["failed"] == []
    assert dict(report["rights"]["by_level"]) == {"open": report["records"]}

    assert main([*data, "source", "profile", "kansai", "--landing-url-pattern", "(bad"]) == 1
    assert "regular expression" in capsys.readouterr().err
    assert main([*data, "source", "profile", "kansai", "--thumbnail-pattern", "/full/"]) == 0
    assert main([*data, "map", "kansai"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["quarantined"] == 0


def test_source_harvesting_shows_and_changes_what_a_source_harvests(
    provider: ProviderServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TSUNAGU_ALLOW_PRIVATE_HOSTS", "1")
    data = ["--data-dir", str(tmp_path)]
    assert main(add_args(tmp_path, provider.base_url("kansai"))) == 0
    capsys.readouterr()
    assert main([*data, "source", "harvesting", "kansai", "--window-days", "7"]) == 0
    out = capsys.readouterr().out
    assert "windows: 7 days" in out and "sets: (the whole repository)" in out
    assert "next harvest is a full one" not in out  # only the window changed
    assert main([*data, "source", "harvesting", "kansai", "--exclude-set", "private"]) == 0
    out = capsys.readouterr().out
    assert "the sets of kansai changed" in out and "excluded sets: private" in out
    assert "windows: 7 days" in out
    assert main([*data, "source", "harvesting", "kansai"]) == 0
    assert "excluded sets: private" in capsys.readouterr().out
    assert main([*data, "source", "harvesting", "nope", "--window-days", "7"]) == 1
    assert "no such source" in capsys.readouterr().err
