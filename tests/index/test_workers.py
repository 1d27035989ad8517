"""Rebuilding in batches and worker processes gives the index one writer gives."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from tsunagu.errors import IndexingError
from tsunagu.index import Indexer, SearchIndex, SearchQuery
from tsunagu.index.schema import build_schema
from tsunagu.index.workers import usable_procs, write_segments
from tsunagu.records import LangString, Record


def variants(records: list[Record], copies: int) -> list[Record]:
    return [
        dataclasses.replace(r, id=f"{r.id}-{n}", title=LangString(f"{r.title.value} {n}", "ja"))
        for n in range(copies)
        for r in records
    ]


def dump(path: Path) -> list[Any]:
    """Terms, statistics, postings (index-wide document numbers) and stored fields."""
    ix = whoosh_index.open_dir(str(path))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        out: list[Any] = [reader.doc_count_all()]
        for field, term in reader.all_terms():
            out.append((field, term, searcher.doc_frequency(field, term),
                        searcher.frequency(field, term),
                        list(reader.postings(field, term).all_ids())))
        for field in ix.schema.scorable_names():
            out.append((field, reader.field_length(field)))
        for docnum in range(reader.doc_count_all()):
            out.append(reader.stored_fields(docnum))
            # A segment where no document has a field keeps no lengths for it, and
            # Whoosh answers 0 there but None (length 0) in a segment that has them.
            out.extend(reader.doc_field_length(docnum, f) or 0 for f in ix.schema.scorable_names())
    ix.close()
    return out


def build(path: Path, records: list[Record], procs: int, batch_size: int) -> int:
    path.mkdir()
    assert usable_procs(procs) == procs  # the processes are really used here
    ix = whoosh_index.create_in(str(path), build_schema())
    count = write_segments(ix, records, procs=procs, batch_size=batch_size)
    segments = len(ix._read_toc().segments)
    ix.close()
    assert not (path / "MAIN.tmp").exists()
    assert count == len(records)
    return segments


@pytest.mark.parametrize(("procs", "batch_size", "segments"), [(1, 7, 6), (2, 7, 5), (2, 1000, 1)])
def test_batches_read_as_one_segment(
    tmp_path: Path, records: list[Record], procs: int, batch_size: int, segments: int
) -> None:
    docs = variants(records, 3)
    assert build(tmp_path / "one", docs, 1, 1000) == 1
    assert build(tmp_path / "many", docs, procs, batch_size) == segments
    assert dump(tmp_path / "many") == dump(tmp_path / "one")


def test_the_last_records_are_shared_between_processes(
    tmp_path: Path, records: list[Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tsunagu.index.workers.MIN_SHARE", 10)
    assert build(tmp_path / "ix", variants(records, 3), 2, 1000) == 2


def test_parallel_rebuild_searches_as_a_single_one(
    tmp_path: Path, records: list[Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tsunagu.index.workers.MIN_SHARE", 5)
    docs = variants(records, 2)
    pages = []
    for procs in (1, 2):
        index_dir = tmp_path / f"procs{procs}"
        assert Indexer(index_dir, procs=procs).rebuild([*docs, docs[0]], seq=3) == len(docs)
        index = SearchIndex(index_dir)
        try:
            pages.append([repr(index.search(SearchQuery(text, page_size=7)))
                          for text in ("北斎", "東京", "Turner", "ほくさい", "桜")])
        finally:
            index.close()
    assert pages[0] == pages[1]
    assert any("Hit(" in page for page in pages[0])


@pytest.mark.parametrize("procs", [1, 2])
def test_a_record_that_fails_leaves_the_index_as_it_was(
    tmp_path: Path, records: list[Record], procs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tsunagu.index.workers.MIN_SHARE", 5)
    indexer = Indexer(tmp_path / "ix", procs=procs)
    indexer.rebuild(records, seq=1)
    docs = variants(records, 2)
    broken = dataclasses.replace(docs[-1], title=LangString(None, "ja"))  # type: ignore[arg-type]
    with pytest.raises(IndexingError, match=broken.id):
        indexer.rebuild([*docs[:-1], broken], seq=2)
    assert indexer.doc_count() == len(records)
    assert indexer.applied_seq() == 1
    assert not (tmp_path / "ix" / "gen-00000003").exists()  # the failed one is gone


def test_a_process_with_other_threads_writes_in_itself() -> None:
    assert usable_procs(2) == 2
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert usable_procs(2) == 1  # e.g. the site, with its server threads: no fork
        assert usable_procs(1) == 1
    finally:
        release.set()
        other.join()
    assert usable_procs(2) == 2
    assert usable_procs(0) == 1
