"""Harvested pages kept verbatim, and the page each raw record came from (real SQLite)."""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import pytest

from tsunagu.records import RawRecord, Sector, Source
from tsunagu.store import ChangeKind, PageRequest, Store
from tsunagu.store.raw_pages import FAILED, STORED

BODY = ('<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/'
        'OAI/2.0/"><responseDate>2026-11-25T00:00:00Z</responseDate><ListRecords>'
        '<record>富嶽三十六景 \x01</record></ListRecords></OAI-PMH>').encode()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "store.sqlite3")
    for source_id in ("s", "t"):
        s.sources.add(Source(id=source_id, name=source_id, base_url="http://x/oai",
                             sector=Sector.LIBRARY))
    return s


def request(source_id: str, run_id: int, page: int, token: str | None = None) -> PageRequest:
    return PageRequest(source_id, run_id, page, f"http://x/oai?verb=ListRecords&p={page}",
                       "set:a", "oai_dc", "2026-01-01", "2026-11-25", token, f"t{page + 1}",
                       "2026-11-25T00:00:00Z")


def raw(n: int, xml: bytes = b"<dc/>") -> RawRecord:
    return RawRecord("s", f"oai:s:{n}", "2026-01-01", "oai_dc", xml=xml)


def test_a_page_is_kept_byte_exact_and_gzip_compressed(store: Store, tmp_path: Path) -> None:
    run_id = store.runs.start("s", None, None)
    page_id = store.pages.add(request("s", run_id, 1, "t1"), BODY * 50)
    assert store.pages.body(page_id) == BODY * 50
    kept = store.pages.get(page_id)
    assert kept is not None and kept.status == STORED and kept.error is None
    assert kept.request == request("s", run_id, 1, "t1") and kept.size == len(BODY) * 50
    with sqlite3.connect(tmp_path / "store.sqlite3") as conn:  # a .xml.gz as it is stored
        packed = conn.execute("SELECT body FROM raw_pages WHERE id = ?", (page_id,)).fetchone()
    conn.close()
    assert gzip.decompress(packed[0]) == BODY * 50 and len(packed[0]) < len(BODY) * 5
    assert store.pages.get(page_id + 1) is None and store.pages.body(page_id + 1) is None


def test_a_record_points_to_the_page_it_was_last_seen_in(store: Store) -> None:
    first = store.runs.start("s", None, None)
    page_1 = store.pages.add(request("s", first, 1), BODY)
    store.raw.put_many([raw(1), raw(2)], first, page_id=page_1)
    second = store.runs.start("s", None, None)
    page_2 = store.pages.add(request("s", second, 1), BODY)
    kinds = store.raw.put_many([raw(1), raw(2, b"<dc>changed</dc>")], second, page_id=page_2)
    assert kinds == [ChangeKind.UNCHANGED, ChangeKind.UPDATED]
    for n in (1, 2):  # unchanged or not, the latest page is the provenance
        kept = store.pages.of_record("s", f"oai:s:{n}")
        assert kept is not None and kept.id == page_2 and kept.request.run_id == second
    assert store.pages.of_record("s", "oai:s:3") is None
    assert [p.id for p in store.pages.of_run(first)] == [page_1]


def test_a_write_without_a_page_leaves_the_page_a_record_points_to(store: Store) -> None:
    first = store.runs.start("s", None, None)
    page_1 = store.pages.add(request("s", first, 1), BODY)
    store.raw.put_many([raw(1), raw(2)], first, page_id=page_1)
    second = store.runs.start("s", None, None)
    kinds = store.raw.put_many([raw(1), raw(2, b"<dc>changed</dc>"), raw(3)], second)
    assert kinds == [ChangeKind.UNCHANGED, ChangeKind.UPDATED, ChangeKind.NEW]
    kept = store.pages.of_record("s", "oai:s:1")  # unchanged: still where it was last seen
    assert kept is not None and kept.id == page_1
    # New content from no page: the old page does not hold it, so none is named.
    assert store.pages.of_record("s", "oai:s:2") is None
    assert store.pages.of_record("s", "oai:s:3") is None
    gone = RawRecord("s", "oai:s:1", "2026-01-03", "oai_dc", deleted=True)
    assert store.raw.put_many([gone], second, skip_seen=False) == [ChangeKind.DELETED]
    kept = store.pages.of_record("s", "oai:s:1")  # a tombstone without a page keeps it
    assert kept is not None and kept.id == page_1


def test_pages_a_staged_deletion_points_to_are_kept_and_never_another_sources(
        store: Store) -> None:
    held = store.runs.start("s", None, None)
    page = store.pages.add(request("s", held, 1), BODY)
    gone = RawRecord("s", "oai:s:1", "2026-01-03", "oai_dc", deleted=True)
    store.raw.stage_deletion(gone, held, "deleted by the server", page_id=page)
    store.runs.start("s", None, None)  # a later run: the held one is no longer among the last
    assert store.pages.prune("s", 0) == 0  # the staged deletion still needs its page
    assert store.pages.body(page) == BODY
    store.raw.discard_pending(held)
    assert store.pages.prune("s", 0) == 1
    # A page id that came to name another source's page is not this record's page.
    other = store.pages.add(request("t", store.runs.start("t", None, None), 1), BODY)
    store.raw.put_many([raw(1)], held)
    store.db.connection().execute("UPDATE raw_records SET page_id = ? WHERE source_id = 's'",
                                  (other,))
    assert store.pages.of_record("s", "oai:s:1") is None
    assert store.pages.of_records("s") == {}


def test_pages_of_a_run_come_in_their_order_failed_ones_with_their_error(store: Store) -> None:
    run_id = store.runs.start("s", None, None)
    store.pages.add(request("s", run_id, 2), b"<html>busy</html>", status=FAILED,
                    error="HTML where XML was expected")
    store.pages.add(request("s", run_id, 1), BODY)
    pages = store.pages.of_run(run_id)
    assert [(p.request.page, p.status) for p in pages] == [(1, STORED), (2, FAILED)]
    assert pages[1].error == "HTML where XML was expected"
    assert store.pages.body(pages[1].id) == b"<html>busy</html>"


def test_pruning_keeps_pages_records_point_to_and_the_last_runs(store: Store) -> None:
    runs = [store.runs.start("s", None, None) for _ in range(4)]
    pages = [store.pages.add(request("s", run_id, 1), BODY) for run_id in runs]
    store.raw.put_many([raw(1)], runs[0], page_id=pages[0])  # still the provenance of oai:s:1
    other = store.pages.add(request("t", store.runs.start("t", None, None), 1), BODY)
    assert store.pages.prune("s", keep_runs=2) == 1  # run 2's page: no record, not recent
    assert [store.pages.get(p) is not None for p in pages] == [True, False, True, True]
    assert store.pages.get(other) is not None  # another source's pages are its own
    assert store.pages.prune("s", keep_runs=2) == 0
    assert store.pages.prune("s", keep_runs=0) == 2  # only the page a record points to stays
    assert store.pages.get(pages[0]) is not None


def test_removing_a_source_removes_its_pages(store: Store) -> None:
    run_id = store.runs.start("s", None, None)
    page_id = store.pages.add(request("s", run_id, 1), BODY)
    store.sources.remove("s")
    assert store.pages.get(page_id) is None
