"""``tsunagu user``, ``tsunagu institution``, ``tsunagu source publish`` and ``worker``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tsunagu.accounts import authenticate
from tsunagu.cli import main
from tsunagu.config import Settings
from tsunagu.records import Schedule, Sector, Source, SourceStatus
from tsunagu.store import Store


def test_first_admin_and_institutions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path)]
    monkeypatch.setattr("sys.stdin", io.StringIO("a long admin password\n"))
    assert main([*data, "user", "add", "--admin", "Root@Example.jp", "--password-stdin"]) == 0
    assert "added administrator root@example.jp" in capsys.readouterr().out
    # Without a terminal and without --password-stdin nothing is created.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main([*data, "user", "add", "--admin", "b@example.jp"]) == 1
    assert "--password-stdin" in capsys.readouterr().err
    assert main([*data, "institution", "add", "kyoto", "--name", "京都府立図書館"]) == 0
    assert main([*data, "institution", "add", "kyoto", "--name", "again"]) == 1
    assert main([*data, "user", "list"]) == 0
    assert main([*data, "institution", "list"]) == 0
    out = capsys.readouterr().out
    assert "root@example.jp\tadmin\tactive" in out and "kyoto\t京都府立図書館" in out
    store = Store(Settings(data_dir=tmp_path).db_path)
    try:
        assert authenticate(store, "root@example.jp", "a long admin password").role == "admin"
        assert store.users.find("b@example.jp") is None
    finally:
        store.close()


def test_publish_unpublish_and_worker_once(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path)]
    store = Store(Settings(data_dir=tmp_path).db_path)
    store.sources.add(Source(id="s", name="S", base_url="https://example.jp/oai",
                             sector=Sector.MUSEUM, schedule=Schedule.MANUAL))
    store.close()
    assert main([*data, "source", "unpublish", "s"]) == 0
    store = Store(Settings(data_dir=tmp_path).db_path)
    assert store.sources.get("s").status is SourceStatus.DRAFT
    store.close()
    assert main([*data, "source", "publish", "s"]) == 0
    assert main([*data, "worker", "--once"]) == 0  # a manual source is never due
    out = capsys.readouterr().out
    assert "unpublished s" in out and "published s" in out and "worker: 0 runs" in out
