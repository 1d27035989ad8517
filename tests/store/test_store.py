"""The SQLite store on a real file: sources, raw records, normalized records, runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tsunagu.errors import ConfigError, NotFoundError
from tsunagu.records import LangString, RawRecord, Record, Sector, Source
from tsunagu.store import ChangeKind, Checkpoint, Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "store.sqlite3")
    s.sources.add(Source(id="tate", name="Tate", base_url="http://x/oai", sector=Sector.MUSEUM))
    return s


def raw(identifier: str, xml: bytes = b"<dc/>", deleted: bool = False) -> RawRecord:
    return RawRecord("tate", identifier, "2024-01-01T00:00:00Z", "oai_dc", deleted, ("s",), xml)


def record(identifier: str, title: str = "東京") -> Record:
    return Record(id=f"tate:{identifier}", source_id="tate", oai_identifier=identifier,
                  datestamp="2024-01-01", title=LangString(title, "ja"), sector=Sector.MUSEUM,
                  provider="Tate")


def test_source_ids_are_validated_and_unique(store: Store) -> None:
    with pytest.raises(ConfigError, match="already registered"):
        store.sources.add(Source(id="tate", name="x", base_url="http://y"))
    with pytest.raises(ConfigError) as caught:
        store.sources.add(Source(id="Bad Id!", name="x", base_url="http://y"))
    assert caught.value.field == "id"
    store.sources.add(Source(id="tate", name="Tate 2", base_url="http://y"), replace=True)
    assert store.sources.get("tate").name == "Tate 2"
    with pytest.raises(NotFoundError):
        store.sources.get("nope")


def test_raw_upserts_tell_changes_apart(store: Store) -> None:
    assert store.raw.put(raw("a")) is ChangeKind.NEW
    assert store.raw.put(raw("a")) is ChangeKind.UNCHANGED
    assert store.raw.put(raw("a", b"<dc>new</dc>")) is ChangeKind.UPDATED
    assert store.raw.put(raw("a", b"", deleted=True)) is ChangeKind.DELETED
    assert store.raw.put(raw("a", b"", deleted=True)) is ChangeKind.UNCHANGED
    assert store.raw.count("tate") == 0
    assert store.raw.count("tate", include_deleted=True) == 1
    kept = store.raw.get("tate", "a")
    assert kept is not None and kept.deleted and kept.set_specs == ("s",)


def test_raw_xml_is_kept_byte_for_byte(store: Store) -> None:
    xml = '<dc:title xmlns:dc="x">富嶽三十六景 &amp; \u3000</dc:title>'.encode()
    store.raw.put(raw("b", xml))
    kept = store.raw.get("tate", "b")
    assert kept is not None and kept.xml == xml


def test_normalized_records_round_trip_and_tombstones(store: Store) -> None:
    first = record("a")
    store.records.put(first)
    store.records.put(record("b", "Turner"))
    assert store.records.get("tate:a") == first
    assert store.records.counts_by_source() == {"tate": 2}
    store.records.delete("tate:a", "tate", "a")
    assert store.records.get("tate:a") is None
    assert [r.id for r in store.records.iter()] == ["tate:b"]
    changes = list(store.records.changes_since(0))
    # Only the latest change per record remains, in sequence order.
    assert [(rid, rec is None) for _, rid, rec in changes] == [("tate:b", False),
                                                               ("tate:a", True)]
    assert list(store.records.changes_since(store.records.last_seq())) == []


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError), store.db.transaction():
        store.raw.put(raw("c"))
        store.records.put(record("c"))
        raise RuntimeError("crash")
    assert store.raw.get("tate", "c") is None and store.records.get("tate:c") is None


def test_runs_count_and_checkpoints(store: Store) -> None:
    run_id = store.runs.start("tate", "2024-01-01", "2024-02-01")
    store.runs.add_counts(run_id, new=3, unchanged=2, requests=4)
    store.runs.add_counts(run_id, new=1)
    store.runs.finish(run_id, "ok")
    run = store.runs.get(run_id)
    assert (run.new, run.unchanged, run.requests, run.status) == (4, 2, 4, "ok")
    assert run.harvested == 6 and run.finished_at is not None
    with pytest.raises(ValueError):
        store.runs.add_counts(run_id, bogus=1)
    store.runs.save_checkpoint(Checkpoint("tate", run_id, None, None, "set", "tok", 2))
    assert store.runs.checkpoint("tate") == Checkpoint("tate", run_id, None, None, "set", "tok", 2)
    store.runs.clear_checkpoint("tate")
    assert store.runs.checkpoint("tate") is None


def test_quarantine_keeps_raw_bytes_and_reason(store: Store) -> None:
    store.quarantine.add("tate", "oai:x", stage="mapping", reason="no oai_dc root",
                         raw=b"<broken", run_id=None)
    [item] = store.quarantine.list("tate")
    assert item.raw == b"<broken" and item.reason == "no oai_dc root"


def test_removing_a_source_removes_its_records(store: Store) -> None:
    store.raw.put(raw("a"))
    store.records.put(record("a"))
    store.sources.remove("tate")
    assert store.records.count() == 0 and store.raw.count("tate") == 0


def test_put_many_reserves_one_sequence_value_per_record(store: Store) -> None:
    before = store.records.last_seq()
    store.records.put_many([record("a"), record("b", "Turner"), record("c")])
    assert store.records.last_seq() == before + 3
    changes = list(store.records.changes_since(before))
    assert [seq for seq, _, _ in changes] == [before + 1, before + 2, before + 3]
    assert store.records.exists("tate:b") and not store.records.exists("tate:zz")
    assert store.records.get("tate:b") == record("b", "Turner")
    store.records.put_many([])
    assert store.records.last_seq() == before + 3
