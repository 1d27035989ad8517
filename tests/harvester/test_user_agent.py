"""The User-Agent a data provider sees: the operator's contact (``TSUNAGU_CONTACT``) in
tsunagu's own, or ``TSUNAGU_USER_AGENT`` whole, on every request of a run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from harvest_support import keep
from hostile_server import HostileServer, items

from tsunagu import __version__
from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.records import Sector, Source
from tsunagu.store import Store


@pytest.mark.parametrize(("environ", "expected"), [
    ({"TSUNAGU_CONTACT": "harvest-admin@archive.example.org"},
     f"tsunagu/{__version__} (+https://github.com/tsunagu; harvest-admin@archive.example.org)"),
    ({"TSUNAGU_CONTACT": "https://archive.example.org/harvesting"},
     f"tsunagu/{__version__} (+https://github.com/tsunagu; "
     "https://archive.example.org/harvesting)"),
    ({"TSUNAGU_CONTACT": "a@example.org",
      "TSUNAGU_USER_AGENT": "ExampleArchiveBot/2.1 (+https://archive.example.org/bot)"},
     "ExampleArchiveBot/2.1 (+https://archive.example.org/bot)"),
])
def test_the_server_sees_the_configured_user_agent_on_every_request(
    store: Store, tmp_path: Path, environ: dict[str, str], expected: str
) -> None:
    read = Settings.from_env({**environ, "TSUNAGU_ALLOW_PRIVATE_HOSTS": "1"},
                             data_dir=tmp_path / "data")
    settings = dataclasses.replace(read, request_delay=0.0)
    with HostileServer(items(25)) as server:
        source = Source(id="hostile", name="Hostile", base_url=server.url,
                        sector=Sector.ARCHIVE)
        store.sources.add(source)
        run = harvest_source(source, store, settings, on_page=keep)
    assert run.status == "ok", run.error
    assert len(server.headers) == 5  # Identify, ListMetadataFormats, 3 pages
    assert {headers["user-agent"] for headers in server.headers} == {expected}
