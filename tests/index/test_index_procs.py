"""How many processes a rebuild from the pipeline uses (``TSUNAGU_INDEX_PROCS``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tsunagu.config import Settings


def test_a_rebuild_uses_two_processes_where_there_are_two_cores(tmp_path: Path) -> None:
    settings = Settings.from_env({}, data_dir=tmp_path)
    assert settings.index_procs == min(2, os.cpu_count() or 1)
    assert Settings(data_dir=tmp_path).index_procs == settings.index_procs


@pytest.mark.parametrize(("value", "procs"), [("1", 1), ("3", 3), ("0", 1), (" 2 ", 2)])
def test_the_environment_sets_it(tmp_path: Path, value: str, procs: int) -> None:
    env = {"TSUNAGU_INDEX_PROCS": value}
    assert Settings.from_env(env, data_dir=tmp_path).index_procs == procs


@pytest.mark.parametrize("value", ["two", "-1"])
def test_a_bad_value_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match="TSUNAGU_INDEX_PROCS"):
        Settings.from_env({"TSUNAGU_INDEX_PROCS": value}, data_dir=tmp_path)
