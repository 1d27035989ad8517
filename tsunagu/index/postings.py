"""How documents become postings, faster than Whoosh's generic path, same bytes.

Indexing in Whoosh is pure Python and most of its time goes to per-token and
per-posting overhead, not to the analysis itself. Two shortcuts, each producing
exactly what the generic path produces (the same terms, frequencies, weights
and encoded positions; indexes written either way read the same):

* posting formats (:class:`PositionsFormat`, :class:`FrequencyFormat`,
  :class:`ExistenceFormat`) that take a field's terms straight from its
  analyzer when it is one of ours (:meth:`CjkBigramTokenizer.index_positions
  <tsunagu.index.analysis.CjkBigramTokenizer.index_positions>`) or a plain
  whitespace/identifier tokenizer, instead of a stream of ``Token`` objects;
  any other analyzer or call falls back to Whoosh's own ``word_values``;
* :class:`SegmentWriter`, whose posting pool skips Whoosh's per-posting type
  assertions and whose segment flush looks up each posting's field
  length in a table read once per field, where Whoosh's writer re-reads the
  length column per posting (and checks the file system for every posting of a
  field without lengths, such as the facets).

The formats are pickled into the index's schema, so they are top-level classes
of this module.
"""

from __future__ import annotations

from typing import Any

from whoosh import formats
from whoosh.analysis.tokenizers import IDTokenizer, RegexTokenizer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool as _WhooshPostingPool
from whoosh.writing import SegmentWriter as _WhooshSegmentWriter

_INDEX_CALL = {"mode": "index"}
#: Positions (a tuple) → Whoosh's encoding of them, filled by
#: :meth:`PositionsFormat.encode` (bounded: cleared when full).
ENCODED_POSITIONS: dict[tuple[int, ...], bytes] = {}
ENCODED_POSITIONS_MAX = 100_000
#: A stored length byte → the (quantized) length it stands for.
BYTE_TO_LENGTH: list[int] = [byte_to_length(b) for b in range(256)]


class PositionsFormat(formats.Positions):  # type: ignore[misc]
    """Whoosh's ``Positions`` with a fast path for tsunagu's tokenizers.

    Encoded positions are remembered (most terms sit at one of a few hundred
    positions, and pickling them anew per posting costs more than the lookup).
    """

    def encode(self, poslist: Any) -> bytes:
        key = tuple(poslist)
        try:
            return ENCODED_POSITIONS[key]
        except KeyError:
            encoded: bytes = super().encode(poslist)
        if len(ENCODED_POSITIONS) >= ENCODED_POSITIONS_MAX:
            ENCODED_POSITIONS.clear()
        ENCODED_POSITIONS[key] = encoded
        return encoded

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Any:
        fast = getattr(analyzer, "index_positions", None)
        if fast is None or kwargs != _INDEX_CALL or not isinstance(value, str):
            return super().word_values(value, analyzer, **kwargs)
        boost = self.field_boost
        encode = self.encode
        return [
            (term, len(positions), float(len(positions)) * boost, encode(positions))
            for term, positions in fast(value).items()
        ]


class FrequencyFormat(formats.Frequency):  # type: ignore[misc]
    """Whoosh's ``Frequency`` with a fast path for a regex tokenizer (``KEYWORD``)."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Any:
        if not (
            type(analyzer) is RegexTokenizer
            and not analyzer.gaps
            and analyzer.expression.groups == 0
            and kwargs == _INDEX_CALL
            and isinstance(value, str)
        ):
            return super().word_values(value, analyzer, **kwargs)
        boost = self.field_boost
        counts: dict[str, int] = {}
        for term in analyzer.expression.findall(value):
            counts[term] = counts.get(term, 0) + 1
        return [
            (term, count, float(count) * boost, _packed_count(count))
            for term, count in counts.items()
        ]


def _packed_count(count: int) -> bytes:
    """``pack_uint(count)``, the small counts packed once."""
    return _PACKED_COUNTS[count] if count < len(_PACKED_COUNTS) else formats.pack_uint(count)


_PACKED_COUNTS: list[bytes] = [formats.pack_uint(count) for count in range(64)]


class ExistenceFormat(formats.Existence):  # type: ignore[misc]
    """Whoosh's ``Existence`` with a fast path for the identifier tokenizer (``ID``)."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Any:
        if type(analyzer) is not IDTokenizer or kwargs != _INDEX_CALL or not isinstance(
            value, str
        ):
            return super().word_values(value, analyzer, **kwargs)
        return [(value, 1, self.field_boost, b"")]


_FAST_FORMATS: dict[type[Any], type[Any]] = {
    formats.Positions: PositionsFormat,
    formats.Frequency: FrequencyFormat,
    formats.Existence: ExistenceFormat,
}


def use_fast_formats(field: Any) -> Any:
    """``field`` with its Whoosh posting format swapped for the fast one (same options)."""
    fast = _FAST_FORMATS.get(type(field.format))
    if fast is not None:
        replacement = object.__new__(fast)
        replacement.__dict__.update(field.format.__dict__)
        field.format = replacement
    return field


class PostingPool(_WhooshPostingPool):  # type: ignore[misc]
    """Whoosh's posting pool, adding a posting without its type assertions (the
    memory estimate that decides when a sorted run goes to disk is Whoosh's)."""

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        self.fieldnames.add(item[0])
        self.currentsize += _POSTING_OVERHEAD + len(item[0]) + 2 * len(item[1]) + len(
            item[4] or b""
        )
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)


#: Whoosh's estimate of a pooled posting's fixed size (tuple, strings, numbers).
_POSTING_OVERHEAD = 150


class SegmentWriter(_WhooshSegmentWriter):  # type: ignore[misc]
    """Whoosh's segment writer with the faster pool, flushing with field lengths
    read once per field."""

    def __init__(self, ix: Any, *, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = PostingPool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        lengths = None if reader is None else LengthTable(reader)
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if reader is not None:
            reader.close()


class LengthTable:
    """A new segment's field lengths, each field's column read at once.

    ``doc_field_length`` answers as Whoosh's per-document reader does: the
    field's length as stored (quantized to a byte), ``None`` for a stored 0,
    ``default`` for a field without lengths.
    """

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._tables: dict[str, bytes | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        try:
            table = self._tables[fieldname]
        except KeyError:
            table = self._tables[fieldname] = self._load(fieldname)
        if table is None:
            return default
        lbyte = table[docnum] if docnum < len(table) else 0
        return BYTE_TO_LENGTH[lbyte] if lbyte else None

    def _load(self, fieldname: str) -> bytes | None:
        return _column_bytes(self._reader, fieldname)


def length_bytes(reader: Any, fieldname: str) -> bytes | None:
    """A segment reader's stored length bytes of ``fieldname`` by document
    (``None`` if the field keeps no lengths; documents past the end have 0)."""
    return _column_bytes(reader._perdoc, fieldname)


def _column_bytes(perdoc: Any, fieldname: str) -> bytes | None:
    column = _lenfield(fieldname)
    if not perdoc.has_column(column):
        return None
    values = perdoc.column_reader(column, LENGTHS_COLUMN)
    if getattr(values, "_fixedlen", None) == 1 and hasattr(values, "_dbfile"):
        # One byte a document, stored as is: read them all at once.
        return bytes(values._dbfile.get(values._basepos, values._count))
    return bytes(values.load())
