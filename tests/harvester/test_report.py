"""Run reports, approval of held runs and `harvest --all`, through the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_server import Fault, HostileServer, items

from tsunagu.cli import main


@pytest.fixture
def servers() -> Iterator[tuple[HostileServer, HostileServer]]:
    with HostileServer(items(40), faults=[Fault("control", at=2)]) as one, \
            HostileServer(items(15, prefix="oai:two:")) as two:
        yield one, two


def cli(data: Path, *args: str) -> list[str]:
    return ["--data-dir", str(data), *args]


def test_harvest_all_then_report_hold_and_approve(
    servers: tuple[HostileServer, HostileServer], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TSUNAGU_ALLOW_PRIVATE_HOSTS", "1")
    monkeypatch.setenv("TSUNAGU_REQUEST_DELAY", "0")
    one, two = servers
    for sid, server in (("one", one), ("two", two)):
        assert main(cli(tmp_path, "source", "add", sid, "--url", server.url, "--name", sid,
                        "--sector", "archive")) == 0
    capsys.readouterr()

    assert main(cli(tmp_path, "harvest", "--all", "--no-index")) == 0
    table = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line.split() for line in table[1:]}
    assert rows["one"][1:3] == ["ok", "40"] and rows["one"][8] == "1"  # one repaired
    assert rows["two"][1:3] == ["ok", "15"]

    assert main(cli(tmp_path, "harvest", "report", "one", "--json")) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["run"]["new"] == 40 and report["previous_run"] is None
    first = report["run"]["id"]  # sources run in parallel: ids are not in source order
    assert report["diff"]["new"]["count"] == 40
    assert report["requests"]["count"] == report["run"]["requests"] == 6  # 4 pages + 2
    [repaired] = [i for i in report["issues"] if i["kind"] == "repaired"]
    assert repaired["oai_identifier"] == "oai:hostile:00010"

    del one.items[4:]
    one.clock = one.clock.replace(hour=14)
    assert main(cli(tmp_path, "harvest", "one", "--full", "--no-index")) == 1
    captured = capsys.readouterr()
    held = int(captured.out.splitlines()[1].split()[9])
    assert "held" in captured.out and f"approve one {held}" in captured.err

    assert main(cli(tmp_path, "harvest", "report", "one")) == 0
    text = capsys.readouterr().out
    assert f"run {held} of one: held (full)" in text and f"diff against run {first}" in text

    assert main(cli(tmp_path, "harvest", "approve", "one", str(held), "--no-index")) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:6] == [
        "one", "ok", "0", "0", "4", "36"]
    assert main(cli(tmp_path, "harvest", "report", "one", "--run", str(held), "--json")) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["diff"]["deleted"]["count"] == 36
    assert report["diff"]["deleted"]["identifiers"][0] == "oai:hostile:00004"


def test_report_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(cli(tmp_path, "harvest", "approve", "x")) == 2
    assert "usage" in capsys.readouterr().err
    assert main(cli(tmp_path, "harvest", "report", "nope")) == 1
    assert "no such source" in capsys.readouterr().err
