"""Fixtures of the harvester tests: replay servers, settings, a store in tmp_path.

Helpers the tests import by name live in ``harvest_support.py`` (never import
``conftest`` by name: see ``tests/test_test_imports.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harvest_support import ReplayServer, Responder

from tsunagu.config import Settings
from tsunagu.store import Store


@pytest.fixture
def replay() -> Iterator[Callable[[Responder], ReplayServer]]:
    servers: list[ReplayServer] = []

    def start(responder: Responder) -> ReplayServer:
        server = ReplayServer(responder).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", allow_private_hosts=True,
                    connect_timeout=2.0, read_timeout=5.0, request_delay=0.0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh SQLite store in the test's temporary directory."""
    s = Store(tmp_path / "store.sqlite3")
    yield s
    s.close()


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests talk to 127.0.0.1: a proxy set on the machine (a CI runner's) stays out;
    the proxy tests set their own."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
