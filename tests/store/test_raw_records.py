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


def test_the_columns_bound_once_per_batch_are_stored_on_every_row(store: Store) -> None:
    first_run, second_run = store.runs.start("s", None, None), store.runs.start("s", None, None)
    store.raw.put_many([raw(1), raw(2), raw(3)], first_run)
    conn = store.db.connection()
    conn.execute("UPDATE raw_records SET first_seen = '2000-01-01T00:00:00Z',"
                 " last_changed = '2000-01-02T00:00:00Z'")
    kinds = store.raw.put_many([raw(1), raw(2, b"<dc>changed</dc>"), raw(4)], second_run)
    assert kinds == [ChangeKind.UNCHANGED, ChangeKind.UPDATED, ChangeKind.NEW]
    rows = {row[0]: tuple(row[1:]) for row in conn.execute(
        "SELECT oai_identifier, source_id, first_seen, last_changed, run_id, seen_run"
        " FROM raw_records")}
    old, day = "2000-01-01T00:00:00Z", "2000-01-02T00:00:00Z"
    now = rows["oai:s:00004"][1]
    assert now > day and rows["oai:s:00004"] == ("s", now, now, second_run, second_run)
    assert rows["oai:s:00001"] == ("s", old, day, first_run, second_run)  # only seen
    assert rows["oai:s:00002"][:2] == ("s", old) and rows["oai:s:00002"][2] > day
    assert rows["oai:s:00002"][3:] == (second_run, second_run)
    assert rows["oai:s:00003"] == ("s", old, day, first_run, first_run)  # not in the batch
