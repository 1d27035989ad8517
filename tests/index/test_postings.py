"""The indexing fast paths write exactly what Whoosh's generic path writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter as WhooshSegmentWriter

from tsunagu.index.analysis import VALUE_SEPARATOR, make_analyzer
from tsunagu.index.postings import (
    ExistenceFormat,
    FrequencyFormat,
    PositionsFormat,
    SegmentWriter,
)
from tsunagu.index.schema import build_schema, document_for
from tsunagu.records import Record

TEXTS = [
    "",
    "葛飾北斎",
    "富嶽三十六景 神奈川沖浪裏",
    "桜",
    "夜桜 と 桜の花、桜",
    "佐々木 いすゞ 國 髙島屋 コンピューター",
    "The Fighting Temeraire tugged to her last berth to be broken up, 1838",
    "Turner's watercolours of the Thames and the Studies",
    f"東京都{VALUE_SEPARATOR}京都{VALUE_SEPARATOR}{VALUE_SEPARATOR}the{VALUE_SEPARATOR}東京 東京",
    "ＴＯＫＹＯ ﾎｸｻｲ 3月 第2版 naïve café",
    "katsushika hokusai tokyoshigaizu kyoshigaizu",
]


@pytest.mark.parametrize("kind", ["text", "exact", "romaji"])
@pytest.mark.parametrize("text", TEXTS)
def test_index_positions_match_the_token_stream(kind: str, text: str) -> None:
    tokenizer = make_analyzer(kind)
    expected: dict[str, list[int]] = {}
    for token in tokenizer(text, positions=True, mode="index"):
        expected.setdefault(token.text, []).append(token.pos)
    assert tokenizer.index_positions(text) == expected


def _generic(field: Any) -> Any:
    base = {PositionsFormat: formats.Positions, FrequencyFormat: formats.Frequency,
            ExistenceFormat: formats.Existence}[type(field.format)]
    generic = object.__new__(base)
    generic.__dict__.update(field.format.__dict__)
    return generic


def test_every_schema_field_uses_a_fast_format() -> None:
    schema = build_schema()
    kinds = {type(field.format) for _, field in schema.items() if field.format is not None}
    assert kinds == {PositionsFormat, FrequencyFormat, ExistenceFormat}


def test_fast_formats_give_whoosh_values_for_every_field(records: list[Record]) -> None:
    schema = build_schema()
    compared = 0
    for record in records:
        for name, value in document_for(record).items():
            field = schema[name]
            if field.format is None or not isinstance(value, str):
                continue
            fast = sorted(field.format.word_values(value, field.analyzer, mode="index"))
            generic = sorted(_generic(field).word_values(value, field.analyzer, mode="index"))
            assert fast == generic, (record.id, name)
            compared += 1
    assert compared > 100


def test_fast_formats_fall_back_outside_indexing() -> None:
    field = build_schema()["title"]
    fast = sorted(field.format.word_values("東京都", field.analyzer, mode="query"))
    generic = sorted(_generic(field).word_values("東京都", field.analyzer, mode="query"))
    assert fast == generic
    assert [w for w, *_ in fast] == ["京都", "東京"]  # no index-time unigram


def _postings(path: Path) -> list[Any]:
    ix = whoosh_index.open_dir(str(path))
    with ix.reader() as reader:
        dump: list[Any] = []
        for field, term in reader.all_terms():
            info = reader.term_info(field, term)
            dump.append((field, term, info.weight(), info.doc_frequency(), info.min_length(),
                         info.max_length(), info.max_weight(),
                         list(reader.postings(field, term).all_items())))
        for docnum in range(reader.doc_count_all()):
            dump.append(reader.stored_fields(docnum))
            for field in ix.schema.scorable_names():
                dump.append(reader.doc_field_length(docnum, field))
    ix.close()
    return dump


def test_segment_writer_writes_what_whoosh_writes(
    tmp_path: Path, records: list[Record]
) -> None:
    built = []
    for name, writer_class in (("ours", SegmentWriter), ("whoosh", WhooshSegmentWriter)):
        path = tmp_path / name
        path.mkdir()
        ix = whoosh_index.create_in(str(path), build_schema())
        writer = writer_class(ix, limitmb=16)
        for record in records:
            writer.add_document(**document_for(record))
        writer.commit()
        # an incremental commit merges the first segment through the same flush
        writer = writer_class(ix, limitmb=16)
        writer.update_document(**document_for(records[0]))
        writer.delete_by_term("id", records[1].id)
        writer.commit(optimize=True)
        ix.close()
        built.append(_postings(path))
    assert built[0] == built[1]
    assert len(built[0]) > len(records)
