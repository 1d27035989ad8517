"""Index files read through mmap without private copies (``tsunagu.index.storage``)."""

from __future__ import annotations

import tracemalloc
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.structfile import StructFile

from tsunagu.index import Indexer
from tsunagu.index.bitsets import Bitsets, SegmentCache
from tsunagu.index.directory import IndexDirectory
from tsunagu.index.query import compile_text
from tsunagu.index.ranking import Ranking, rank_query
from tsunagu.index.schema import FACET_FIELDS
from tsunagu.index.storage import MappedFile, MappedStorage
from tsunagu.index.weighting import Weighting
from tsunagu.records import Record

_WORDS = ("富嶽", "山水", "神奈川", "浮世絵", "江戸", "東京", "名所", "風景", "版画", "河岸")


def _write_structured(path: Path) -> None:
    """A file written by Whoosh's own structured writer."""
    with StructFile(path.open("wb")) as out:
        out.write_int(-7)
        out.write_varint(300)
        out.write_svarint(-5)
        out.write_long(2**40)
        out.write_string("名前".encode())
        out.write(b"line one\nline two\n")
        out.write_pickle({"a": [1, 2, 3], "b": "富嶽"})
        out.write_array(array("I", [1, 70000, 2**31]))
        out.write_array(array("H", [3, 65535]))
        out.write_float(1.5)
        out.write_pickle(["長い" * n for n in range(200)])  # longer than a pickle window
        out.write_int(42)


def _read_structured(f: Any) -> list[Any]:
    found = [
        f.read_int(), f.read_varint(), f.read_svarint(), f.read_long(), f.read_string(),
        f.readline(), f.readline(), f.read_pickle(),
    ]
    arrays = f.tell()
    found += [
        list(f.read_array("I", 3)), list(f.read_array("H", 2)), f.read_float(), f.read_pickle(),
        f.read_int(),
    ]
    # Random access last (Whoosh's file kinds leave the position differently after it).
    return [*found, list(f.get_array(arrays, "I", 3)), f.get_int(0), f.get(3, 4)]


def test_a_mapped_file_reads_what_whoosh_wrote(tmp_path: Path) -> None:
    _write_structured(tmp_path / "data.bin")
    mapped = MappedStorage(str(tmp_path)).open_file("data.bin")
    plain = StructFile((tmp_path / "data.bin").open("rb"))
    assert isinstance(mapped, MappedFile)
    expected = _read_structured(plain)
    assert expected[8] == expected[13] == [1, 70000, 2**31]  # a sensible reference
    assert (expected[10], expected[12]) == (1.5, 42)
    assert _read_structured(mapped) == expected
    mapped.seek(0, 2)
    assert mapped.tell() == (tmp_path / "data.bin").stat().st_size
    assert mapped.read(10) == b""
    mapped.close()
    plain.close()


def test_a_subset_is_a_window_on_the_same_pages(tmp_path: Path) -> None:
    (tmp_path / "data.bin").write_bytes(b"0123456789abcdef")
    mapped = MappedStorage(str(tmp_path)).open_file("data.bin")
    part = mapped.subset(4, 6, name="part")
    assert isinstance(part, MappedFile)
    assert (part.read(), part.get(2, 3), len(part)) == (b"456789", b"678", 6)
    part.seek(-2, 2)
    assert part.read(5) == b"89"  # never past the window
    mapped.close()  # the compound file closes first; its parts stay readable
    assert part.get(0, 2) == b"45"
    part.close()


def test_an_empty_file_is_read_as_a_plain_file(tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    f = MappedStorage(str(tmp_path)).open_file("empty")
    assert not isinstance(f, MappedFile)
    assert f.read() == b""
    f.close()


def _many(make: Callable[..., Record], count: int) -> list[Record]:
    return [
        make(
            f"m{n:05d}",
            f"{_WORDS[n % 10]}{_WORDS[n % 7]} 第{n}図",
            description=" ".join(_WORDS[(n + k) % 10] for k in range(40)) + f" 番号{n}",
            agents=(f"作者{n % 50}",),
        )
        for n in range(count)
    ]


@pytest.fixture
def big_index(tmp_path: Path, make: Callable[..., Record]) -> Path:
    """An index of a few MB, in a rebuilt compound segment and an incremental one."""
    index_dir = tmp_path / "index"
    records = _many(make, 2_400)
    indexer = Indexer(index_dir)
    indexer.rebuild(records[:2_000], seq=1)
    indexer.update([(r.id, r) for r in records[2_000:]], seq=2)
    return index_dir


def test_whoosh_cuts_compound_segments_into_mapped_windows(big_index: Path) -> None:
    """Fails if the pinned Whoosh stops handing sub-files out through ``subset``
    (it would then copy or read them another way: correct, but not in place)."""
    directory = IndexDirectory(big_index)
    generation = directory.current()
    assert generation is not None
    ix = directory.open(generation)
    assert isinstance(ix.storage, MappedStorage)
    reader = ix.reader()
    leaves = [leaf for leaf, _ in reader.leaf_readers()] if not reader.is_atomic() else [reader]
    compound = [leaf.segment() for leaf in leaves if leaf.segment().is_compound()]
    assert compound  # the rebuilt segment at least
    for segment in compound:
        files = segment.open_compound_file(ix.storage)
        names = files.list()
        assert names
        for name in names:
            f = files.open_file(name)
            assert isinstance(f, MappedFile), name
            f.close()
        files.close()
    reader.close()
    ix.close()


def _traced_search(open_index: Callable[[str], Any], index_dir: Path) -> int:
    """Bytes still allocated by Python after opening the index and searching it."""
    generation = IndexDirectory(index_dir).current()
    assert generation is not None
    tracemalloc.start()
    ix = open_index(str(generation))
    searcher = ix.searcher(weighting=Weighting())
    segments = SegmentCache()
    bits, ranking = Bitsets(searcher, segments), Ranking(searcher, segments.arrays)
    for word in _WORDS:
        compiled = compile_text(word)
        hits = bits.query(compiled)
        best = ranking.best(rank_query(compiled), hits, 20)
        assert len(best) == 20
        assert all(searcher.stored_fields(docnum)["id"] for _, docnum in best)
    assert bits.values(FACET_FIELDS["sector"])
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    searcher.close()
    ix.close()
    return held


def test_a_searcher_holds_no_copy_of_the_index(big_index: Path) -> None:
    size = sum(f.stat().st_size for f in big_index.rglob("*.seg"))
    assert size > 2_000_000
    copied = _traced_search(whoosh_index.open_dir, big_index)
    mapped = _traced_search(lambda path: MappedStorage(path).open_index(), big_index)
    # Whoosh's own opening copies what it reads; ours keeps only the caches.
    assert copied > size / 2
    assert mapped < copied - size / 2


def test_mapped_and_copied_indexes_read_the_same(big_index: Path) -> None:
    generation = IndexDirectory(big_index).current()
    assert generation is not None
    readers = []
    for ix in (MappedStorage(str(generation)).open_index(),
               whoosh_index.open_dir(str(generation))):
        reader = ix.reader()
        stored = [reader.stored_fields(d) for d in range(reader.doc_count_all())]
        postings = {
            (field, term): list(reader.postings(field, term).items_as("weight"))
            for field, term in reader.all_terms()
            if field in ("title", "description", "agents")
        }
        readers.append((stored, postings))
        reader.close()
        ix.close()
    (stored, postings), (expected_stored, expected_postings) = readers
    assert len(stored) >= 2_400 and len(postings) > 100
    assert stored == expected_stored
    assert postings == expected_postings
