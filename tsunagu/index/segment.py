"""A Whoosh segment built in memory and written term by term.

Whoosh's writer puts every posting of a document into a pool as a tuple, sorts
the whole pool (spilling sorted runs to disk and merging them when it grows),
then feeds the sorted postings one by one through its codec, checking each
one's type. :class:`SegmentBuilder` keeps a batch of documents' postings
grouped by field and term instead (a document's postings are appended to its
terms' lists in document order, so nothing but the term names needs sorting)
and writes each term's posting blocks at once.

What is written is what Whoosh's ``SegmentWriter`` writes for the same
documents: the same per-document data (stored fields, length bytes, columns,
through the codec's own per-document writer), and posting blocks and term
infos encoded as ``W3PostingsWriter``/``W3TermInfo`` encode them (blocks of
the codec's block limit, the same pickled tuples), so the segment is read by
Whoosh's own reader and reads back the same. One difference in the bytes:
posting blocks and stored fields are compressed with a small zlib window, and a
small block not at all (its header says so, as Whoosh's format allows). The
segment is not committed: the caller lists it in the index's table of contents
(:func:`commit_segments`).
"""

from __future__ import annotations

import operator
import struct
import zlib
from array import array
from collections.abc import Mapping, Sequence
from itertools import chain
from pickle import dumps
from typing import Any

from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.index import TOC, clean_files
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte

from tsunagu.errors import IndexingError
from tsunagu.index.postings import ENCODED_POSITIONS, PositionsFormat

_TERMINFO: struct.Struct = W3TermInfo._struct
#: A term info's postings offset and length; a block's length (Whoosh's ``pack_long``,
#: ``pack_int``).
_EXTENT = struct.Struct("!qi")
_INT = struct.Struct("!i")
#: A term table entry's key and value lengths (Whoosh's hash file).
_KEY_VALUE_LENGTHS = struct.Struct("!ii")
#: Blocks whose pickle is shorter are stored uncompressed (zlib would not shrink
#: them; the block header says so and Whoosh's reader then skips decompressing).
COMPRESS_MIN_BYTES = 128
#: A small zlib window and hash: Whoosh's ``zlib.compress`` sets up 256 KiB of
#: state per block, which costs more than compressing a block of a few hundred
#: bytes (any window decompresses with ``zlib.decompress``'s default).
_WINDOW_BITS = 12
_MEM_LEVEL = 2
#: The ids of one term's postings (document numbers), their weights and values.
_Postings = tuple[array, array, list]  # type: ignore[type-arg]


class SegmentBuilder:
    """Documents added to one new segment of the index in ``storage``.

    ``add`` takes a document as Whoosh's ``add_document`` does (field → value,
    no ``_boost`` or ``_stored_`` keys); ``finish`` writes the postings and
    returns the segment (to list in a commit with :func:`commit_segments`);
    ``cancel`` closes the files of a build that failed.
    ``codec`` is Whoosh's default codec unless given (a ``W3Codec``).
    """

    def __init__(self, storage: Any, indexname: str, schema: Any, codec: Any = None) -> None:
        codec = default_codec() if codec is None else codec
        if not isinstance(codec, W3Codec):
            raise IndexingError(f"unsupported Whoosh codec {type(codec).__name__}")
        for name, field in schema.items():
            if field.vector or field.separate_spelling():
                raise IndexingError(f"field {name!r}: vectors and spelling are not supported")
        self._codec = codec
        self._storage = storage
        self._schema = schema
        self._segment = codec.new_segment(storage, indexname)
        self._perdoc = codec.per_document_writer(storage, self._segment)
        stored = getattr(self._perdoc._colwriters.get("_stored"), "_child", None)
        if stored is not None and hasattr(stored, "_compress"):
            stored._compress = compress  # the stored fields' column, zlib'd per document
        self._terms: dict[str, dict[str, _Postings]] = {}
        #: Per scorable field, each document's stored length byte.
        self._lengths: dict[str, bytearray] = {}
        self._fields = {name: field for name, field in schema.items()}
        #: Fields with positions from one of our tokenizers: (positions of the
        #: terms of a value, the format's encoder, the format's boost).
        self._positions = {
            name: (field.analyzer.index_positions, field.format.encode, field.format.field_boost)
            for name, field in self._fields.items()
            if type(field.format) is PositionsFormat and hasattr(field.analyzer, "index_positions")
        }
        self.doc_count = 0
        self._failed = False

    def add(self, document: Mapping[str, Any]) -> None:
        """Add one document (the next document number)."""
        docnum = self.doc_count
        fields = self._fields
        names = sorted(document)
        unknown = [name for name in names if name not in fields]
        if unknown:
            raise IndexingError(f"no field named {unknown[0]!r} in the index schema")
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = document[name]
                if value is None:
                    continue
                field = fields[name]
                length = 0
                if field.indexed:
                    length = self._add_postings(name, field, value, docnum)
                stored = value if field.stored else None
                if stored is not None or length:
                    perdoc.add_field(name, field, stored, length)
                if length:
                    self._lengths.setdefault(name, bytearray())
                    lengths = self._lengths[name]
                    lengths.extend(bytes(docnum + 1 - len(lengths)))
                    lengths[docnum] = length_to_byte(length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            # Part of the document's postings may be in: only cancel() is left.
            perdoc.cancel_doc()
            self._failed = True
            raise
        perdoc.finish_doc()
        self.doc_count += 1

    def _add_postings(self, name: str, field: Any, value: Any, docnum: int) -> int:
        """Group the field's postings of one document; return the field's length."""
        try:
            terms = self._terms[name]
        except KeyError:
            terms = self._terms[name] = {}
        length = 0
        fast = self._positions.get(name)
        if fast is not None and isinstance(value, str):
            # PositionsFormat.word_values without its tuples: same terms and values.
            positions_of, encode, boost = fast
            encoded = ENCODED_POSITIONS
            for term, positions in positions_of(value).items():
                freq = len(positions)
                vbytes = encoded.get(tuple(positions)) or encode(positions)
                entry = terms.get(term)
                if entry is None:
                    terms[term] = (array("I", (docnum,)), array("d", (float(freq) * boost,)),
                                   [vbytes])
                else:
                    entry[0].append(docnum)
                    entry[1].append(float(freq) * boost)
                    entry[2].append(vbytes)
                length += freq
            return length if field.scorable else 0
        for term, freq, weight, vbytes in field.format.word_values(
            value, field.analyzer, mode="index"
        ):
            entry = terms.get(term)
            if entry is None:
                entry = terms[term] = (array("I"), array("d"), [])
            entry[0].append(docnum)
            entry[1].append(weight)
            entry[2].append(vbytes)
            length += freq
        return length if field.scorable else 0

    def cancel(self) -> None:
        """Close the segment's files without writing postings (a failed build)."""
        if not self._perdoc.is_closed:
            self._perdoc.close()
        self._terms.clear()

    def finish(self) -> Any:
        """Write the postings, close the segment's files and return the segment."""
        if self._failed:
            raise IndexingError("a document failed to index: the segment can only be cancelled")
        self._perdoc.close()
        writer = self._codec.field_writer(self._storage, self._segment)
        blocklimit = self._codec._blocklimit
        compression = self._codec._compression
        postfile = writer._postfile
        offset = postfile.tell()
        for name in sorted(self._terms):
            field = self._fields[name]
            writer.start_field(name, field)
            fieldid = pack_ushort(writer._fieldid)
            fixedsize = field.format.fixed_value_size()
            lengths = self._lengths.get(name, b"")
            terms = self._terms[name]
            entries = []
            for term in sorted(terms):
                ids, weights, values = terms[term]
                encoded, info = _encode_postings(offset, ids, weights, values, lengths,
                                                 fixedsize, blocklimit, compression)
                postfile.write(encoded)
                offset += len(encoded)
                entries.append((fieldid + term.encode("utf-8"), info))
            _add_terms(writer._tindex, entries)
            writer.finish_field()
        writer.close()
        self._terms.clear()
        self._segment.set_doc_count(self.doc_count)
        if self._segment.should_assemble():
            self._segment.create_compound_file(self._storage)
        return self._segment


def compress(data: bytes, level: int) -> bytes:
    """``zlib.compress(data, level)`` with a small window (read by ``zlib.decompress``)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, _WINDOW_BITS, _MEM_LEVEL)
    return packer.compress(data) + packer.flush()


def _encode_postings(
    start: int,
    ids: array,  # type: ignore[type-arg]
    weights: array,  # type: ignore[type-arg]
    values: list[bytes],
    lengths: bytes | bytearray,
    fixedsize: int | None,
    blocklimit: int,
    compression: int,
) -> tuple[bytes, bytes]:
    """One term's posting blocks, to write at ``start`` in the postings file, as
    ``W3PostingsWriter`` writes them, and the term's encoded ``W3TermInfo``."""
    pieces = [WHOOSH3_HEADER_MAGIC]
    count = len(ids)
    total_weight: float = 0
    max_weight: float = 0
    min_byte = 0
    max_byte = 0
    nlengths = len(lengths)
    for first in range(0, count, blocklimit):
        block_ids = ids[first : first + blocklimit]
        block_weights = weights[first : first + blocklimit]
        singles = array("f", block_weights)
        size = len(singles)
        total_weight += sum(singles)
        top = max(block_weights)
        block_max = top if top > 0 else 0
        # Length bytes of the block's documents (0: no length), smallest non-zero.
        if size == 1:
            only = block_ids[0]
            block_min_byte = block_max_byte = lengths[only] if only < nlengths else 0
        else:
            present = [lengths[d] for d in block_ids if d < nlengths and lengths[d]]
            block_min_byte = min(present) if present else 0
            block_max_byte = max(present) if present else 0
        if fixedsize is None or fixedsize < 0:
            block_values: Any = tuple(filter(None, values[first : first + blocklimit]))
        elif fixedsize == 0:
            block_values = None
        else:
            block_values = b"".join(values[first : first + blocklimit])
        if singles.count(1.0) == size:
            mini_weights: Any = None
        elif size == 1 or singles.count(singles[0]) == size:
            mini_weights = singles[0]
        else:
            mini_weights = tuple(singles)
        deltas = tuple(map(operator.sub, block_ids, chain((0,), block_ids)))
        data = dumps((deltas, mini_weights, block_values), 2)
        level = compression if len(data) >= COMPRESS_MIN_BYTES else 0
        if level:
            data = compress(data, level)
        info = dumps((size, block_ids[-1], block_max, level, block_min_byte, block_max_byte), 2)
        blocklength = len(info) + len(data)
        pieces.append(_INT.pack(-blocklength if first + blocklimit >= count else blocklength))
        pieces.append(info)
        pieces.append(data)
        if block_max > max_weight:
            max_weight = block_max
        if block_min_byte and (not min_byte or block_min_byte < min_byte):
            min_byte = block_min_byte
        if block_max_byte > max_byte:
            max_byte = block_max_byte
    encoded = b"".join(pieces)
    return encoded, _TERMINFO.pack(
        False, total_weight, count, min_byte, max_byte, max_weight, ids[0], ids[-1]
    ) + _EXTENT.pack(start, len(encoded))


def _add_terms(table: Any, entries: list[tuple[bytes, bytes]]) -> None:
    """``table.add(key, value)`` for each entry of Whoosh's ``OrderedHashWriter``
    (keys in increasing order), writing them at once."""
    if not entries:
        return
    dbfile = table.dbfile
    position = dbfile.tell()
    if entries[0][0] <= table.lastkey:
        raise IndexingError(f"term keys out of order: {table.lastkey!r}..{entries[0][0]!r}")
    hashfn = table.hashfn
    buckets = table.buckets
    index = table.index
    pieces = []
    for key, value in entries:
        index.append(position)
        digest = hashfn(key)
        buckets[digest & 255].append((digest, position))
        pieces.append(_KEY_VALUE_LENGTHS.pack(len(key), len(value)))
        pieces.append(key)
        pieces.append(value)
        position += 8 + len(key) + len(value)
    dbfile.write(b"".join(pieces))
    table.lastkey = entries[-1][0]


def commit_segments(ix: Any, segments: Sequence[Any]) -> None:
    """Make ``segments`` (written by :class:`SegmentBuilder`, in document order)
    the content of the empty index ``ix`` (its next generation's table of contents)."""
    toc = ix._read_toc()
    if toc.segments:
        raise IndexingError("segments are only committed into an empty index")
    generation = toc.generation + 1
    TOC(toc.schema, list(segments), generation).write(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, generation, list(segments))
