"""Settings are read once from the environment into a frozen object."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tsunagu import __version__
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


def test_the_mass_deletion_limits_are_read_from_the_environment() -> None:
    defaults = Settings.from_env({})
    assert (defaults.mass_deletion_share, defaults.mass_deletion_max) == (0.2, 10_000)
    read = Settings.from_env({"TSUNAGU_MASS_DELETION_SHARE": "0.05",
                              "TSUNAGU_MASS_DELETION_MAX": "500"})
    assert (read.mass_deletion_share, read.mass_deletion_max) == (0.05, 500)
    assert Settings.from_env({"TSUNAGU_MASS_DELETION_MAX": "0"}).mass_deletion_max == 0


@pytest.mark.parametrize(("name", "value"), [
    ("TSUNAGU_MASS_DELETION_SHARE", "20"),  # a percentage would switch the share off
    ("TSUNAGU_MASS_DELETION_SHARE", "-0.1"),
    ("TSUNAGU_MASS_DELETION_SHARE", "a fifth"),
    ("TSUNAGU_MASS_DELETION_MAX", "-1"),
    ("TSUNAGU_MASS_DELETION_MAX", "many"),
])
def test_a_bad_mass_deletion_limit_is_an_error_naming_it(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: value})


def test_the_contact_goes_into_the_user_agent() -> None:
    assert Settings.from_env({}).user_agent == Settings(data_dir=Path()).user_agent
    assert "(+https://github.com/tsunagu; " in Settings.from_env({}).user_agent
    contact = Settings.from_env({"TSUNAGU_CONTACT": " oai@archive.example.org "}).user_agent
    assert contact == (f"tsunagu/{__version__} "
                       "(+https://github.com/tsunagu; oai@archive.example.org)")
    whole = Settings.from_env({"TSUNAGU_USER_AGENT": "ArchiveBot/1.0 (ops@example.org)",
                               "TSUNAGU_CONTACT": "ignored@example.org"}).user_agent
    assert whole == "ArchiveBot/1.0 (ops@example.org)"


@pytest.mark.parametrize(("name", "value"), [
    ("TSUNAGU_CONTACT", "ops@example.org\r\nX-Injected: 1"),
    ("TSUNAGU_CONTACT", "ops@example.org\nx"),
    ("TSUNAGU_CONTACT", "o" * 200 + "@example.org"),
    ("TSUNAGU_CONTACT", "the archive's IT team"),  # neither an e-mail nor a URL
    ("TSUNAGU_CONTACT", "ops@example.org (night shift)"),  # would close the comment early
    ("TSUNAGU_CONTACT", "担当@example.org"),  # not ASCII: cannot go in a header as is
    ("TSUNAGU_USER_AGENT", "Bot/1.0\rX-Injected: 1"),
    ("TSUNAGU_USER_AGENT", "B" * 401),
])
def test_a_bad_contact_or_user_agent_is_an_error_naming_it(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: value})


def test_the_store_process_is_on_unless_switched_off() -> None:
    assert Settings.from_env({}).store_process is True
    assert Settings.from_env({"TSUNAGU_STORE_PROCESS": "0"}).store_process is False
    assert Settings.from_env({"TSUNAGU_STORE_PROCESS": "yes"}).store_process is True
    with pytest.raises(ValueError, match="TSUNAGU_STORE_PROCESS"):
        Settings.from_env({"TSUNAGU_STORE_PROCESS": "fast"})
