"""Settings are read once from the environment into a frozen object."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tsunagu.config import Settings


def test_defaults_and_paths(tmp_path: Path) -> None:
    settings = Settings.from_env({}, data_dir=tmp_path)
    assert settings.data_dir == tmp_path.resolve()
    assert settings.db_path.parent == settings.index_dir.parent == tmp_path.resolve()
    assert settings.allow_private_hosts is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.page_size = 5  # type: ignore[misc]


def test_environment_and_argument_precedence(tmp_path: Path) -> None:
    env = {"TSUNAGU_DATA_DIR": str(tmp_path / "env"), "TSUNAGU_ALLOW_PRIVATE_HOSTS": "1"}
    assert Settings.from_env(env).data_dir == (tmp_path / "env").resolve()
    assert Settings.from_env(env).allow_private_hosts is True
    assert Settings.from_env(env, data_dir=tmp_path / "arg").data_dir == (tmp_path / "arg")


def test_a_typo_in_a_security_switch_is_an_error() -> None:
    with pytest.raises(ValueError, match="TSUNAGU_ALLOW_PRIVATE_HOSTS"):
        Settings.from_env({"TSUNAGU_ALLOW_PRIVATE_HOSTS": "yes please"})


def test_the_window_size_is_read_from_the_environment() -> None:
    assert Settings.from_env({}).window_days == 30
    assert Settings.from_env({"TSUNAGU_WINDOW_DAYS": "365"}).window_days == 365
    assert Settings.from_env({"TSUNAGU_WINDOW_DAYS": "0"}).window_days == 0  # one window
    with pytest.raises(ValueError, match="TSUNAGU_WINDOW_DAYS"):
        Settings.from_env({"TSUNAGU_WINDOW_DAYS": "monthly"})
