"""A segment built in memory reads back exactly as one written by Whoosh's writer."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter as WhooshSegmentWriter

from tsunagu.errors import IndexingError
from tsunagu.index.postings import SegmentWriter
from tsunagu.index.schema import build_schema, document_for
from tsunagu.index.segment import SegmentBuilder, commit_segments
from tsunagu.records import LangString, Record


def dump(path: Path) -> list[Any]:
    """Everything a search reads: terms, their statistics and postings, stored
    fields, lengths, columns and the index-wide field statistics."""
    ix = whoosh_index.open_dir(str(path))
    with ix.reader() as reader:
        out: list[Any] = [reader.doc_count_all(), reader.doc_count()]
        for field, term in reader.all_terms():
            info = reader.term_info(field, term)
            out.append((field, term, info.weight(), info.doc_frequency(), info.min_length(),
                        info.max_length(), info.max_weight(), info.min_id(), info.max_id(),
                        list(reader.postings(field, term).all_items())))
        for field in ix.schema.scorable_names():
            out.append((field, reader.field_length(field)))
        for docnum in range(reader.doc_count_all()):
            out.append(reader.stored_fields(docnum))
            out.extend(reader.doc_field_length(docnum, f) for f in ix.schema.scorable_names())
        for field in ("id", "title_sort", "date_sort", "reuse_sort"):
            out.append(list(reader.column_reader(field)))
    ix.close()
    return out


def many(records: list[Record], copies: int) -> list[Record]:
    """``copies`` of every record under new ids (and slightly other titles), so
    common terms get several posting blocks."""
    return [
        dataclasses.replace(r, id=f"{r.id}-{n}", title=LangString(f"{r.title.value} {n % 7}", "ja"))
        for n in range(copies)
        for r in records
    ]


def build_with_whoosh(path: Path, records: list[Record], codec: Any) -> None:
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    writer = WhooshSegmentWriter(ix, codec=codec)
    for record in records:
        writer.add_document(**document_for(record))
    writer.commit()
    ix.close()


def build_in_memory(path: Path, records: list[Record], codec: Any) -> None:
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    builder = SegmentBuilder(ix.storage, ix.indexname, ix.schema, codec)
    for record in records:
        builder.add(document_for(record))
    commit_segments(ix, [builder.finish()])
    ix.close()


@pytest.mark.parametrize("blocklimit", [128, 3])
def test_builder_reads_back_as_whoosh_writes(
    tmp_path: Path, records: list[Record], blocklimit: int
) -> None:
    docs = many(records, 12)
    codec = W3Codec(blocklimit=blocklimit)
    build_with_whoosh(tmp_path / "whoosh", docs, codec)
    build_in_memory(tmp_path / "ours", docs, codec)
    expected = dump(tmp_path / "whoosh")
    assert dump(tmp_path / "ours") == expected
    postings = [item for item in expected if isinstance(item, tuple) and len(item) == 10]
    assert max(len(p[-1]) for p in postings) > blocklimit  # terms of several blocks


def test_updates_after_a_built_segment_match_whoosh(
    tmp_path: Path, records: list[Record]
) -> None:
    """Whoosh's writer merges a built segment (reading its blocks) as its own."""
    docs = many(records, 3)
    for name, build in (("whoosh", build_with_whoosh), ("ours", build_in_memory)):
        build(tmp_path / name, docs, W3Codec())
        ix = whoosh_index.open_dir(str(tmp_path / name))
        writer = SegmentWriter(ix)
        writer.update_document(**document_for(docs[0]))
        writer.delete_by_term("id", docs[5].id)
        writer.commit(optimize=True)
        ix.close()
    assert dump(tmp_path / "ours") == dump(tmp_path / "whoosh")


def test_unknown_field_is_refused(tmp_path: Path, records: list[Record]) -> None:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    builder = SegmentBuilder(ix.storage, ix.indexname, ix.schema)
    with pytest.raises(IndexingError, match="no_such_field"):
        builder.add({**document_for(records[0]), "no_such_field": "x"})
    builder.add(document_for(records[0]))
    assert builder.doc_count == 1
    builder.cancel()
    ix.close()


def test_segments_commit_only_into_an_empty_index(
    tmp_path: Path, records: list[Record]
) -> None:
    build_with_whoosh(tmp_path / "full", records, W3Codec())
    ix = whoosh_index.open_dir(str(tmp_path / "full"))
    builder = SegmentBuilder(ix.storage, ix.indexname, ix.schema)
    builder.add(document_for(records[0]))
    with pytest.raises(IndexingError, match="empty"):
        commit_segments(ix, [builder.finish()])
    ix.close()
