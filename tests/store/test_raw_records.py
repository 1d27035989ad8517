"""Raw records written many to a statement: order, repeats and bytes kept (real SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tsunagu.records import RawRecord, Sector, Source
from tsunagu.store import ChangeKind, Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "store.sqlite3")
    s.sources.add(Source(id="s", name="S", base_url="http://x/oai", sector=Sector.MUSEUM))
    return s


def raw(n: int, xml: bytes | None = None, *, deleted: bool = False) -> RawRecord:
    return RawRecord("s", f"oai:s:{n:05d}", "2024-01-01", "oai_dc", deleted=deleted,
                     set_specs=("a", "b") if n % 2 else (),
                     xml=b"" if deleted else xml or f"<dc>\u5bcc{n}\x01</dc>".encode())


def test_a_batch_larger_than_one_statement_is_stored_whole_and_byte_exact(store: Store) -> None:
    batch = [raw(n) for n in range(1_234)]  # more rows than one upsert statement takes
    run_id = store.runs.start("s", None, None)
    assert store.raw.put_many(batch, run_id) == [ChangeKind.NEW] * 1_234
    assert list(store.raw.iter("s")) == batch


def test_a_record_repeated_within_a_batch_ends_as_its_last_version(store: Store) -> None:
    first, changed, gone = raw(1, b"<dc>old</dc>"), raw(1, b"<dc>new</dc>"), raw(1, deleted=True)
    kinds = store.raw.put_many([first, raw(2), changed, gone], None, skip_seen=False)
    assert kinds == [ChangeKind.NEW, ChangeKind.NEW, ChangeKind.UPDATED, ChangeKind.DELETED]
    assert store.raw.get("s", "oai:s:00001") == gone
    assert store.raw.put_many([gone, raw(2)], None, skip_seen=False) == [
        ChangeKind.UNCHANGED, ChangeKind.UNCHANGED]
    assert store.raw.count("s", include_deleted=True) == 2
