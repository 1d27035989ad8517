"""Pages that declare external entities are never expanded (XXE), on 127.0.0.1.

The hostile server puts a ``<!DOCTYPE>`` before its ``<OAI-PMH>``: an internal
subset that declares an entity as a local file, or an external DTD (a local
file) that does, and uses the entity in a record's title. The harvest must not
read the file: its content never reaches the store (raw records, quarantine,
run log: the SQLite files are searched byte by byte).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harvest_support import keep
from hostile_server import Fault, HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.records import Sector, Source
from tsunagu.store import Store

SECRET = "ssh-private-key-7f3a9c1e"


def stored_bytes(path: Path) -> bytes:
    """The SQLite database and its write-ahead log, as they are on disk."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.mark.parametrize("kind", ["entity", "dtd"])
def test_an_external_entity_naming_a_local_file_is_not_expanded(
    store: Store, settings: Settings, tmp_path: Path, kind: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    target = secret
    if kind == "dtd":  # the DTD is a local file too, and declares the entity
        target = tmp_path / "evil.dtd"
        target.write_text(f'<!ENTITY xxe SYSTEM "{secret.as_uri()}">')
    with HostileServer(items(25), faults=[Fault(kind, times=None,
                                                target=str(target))]) as server:
        source = Source(id="xxe", name="XXE", base_url=server.url, sector=Sector.ARCHIVE)
        store.sources.add(source)
        run = harvest_source(source, store, settings, on_page=keep)
    assert server.list_requests == 3 and run.status == "ok", run.error
    assert store.raw.count("xxe") == 25  # the pages are read all the same
    first = store.raw.get("xxe", "oai:hostile:00000")  # the record whose title has &xxe;
    assert first is not None and b"Record 0" in first.xml
    assert all(SECRET.encode() not in raw.xml for raw in store.raw.iter("xxe"))
    assert all(SECRET.encode() not in q.raw for q in store.quarantine.list("xxe"))
    assert all(SECRET not in issue.message for issue in store.runs.log.issues(run.id))
    on_disk = stored_bytes(tmp_path / "store.sqlite3")
    assert "Record 24 東京".encode() in on_disk  # what was stored is found this way
    assert SECRET.encode() not in on_disk
