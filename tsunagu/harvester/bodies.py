"""Response bodies: gzip and deflate undone, announced or not, within a size cap.

Servers send gzip without saying so, say ``deflate`` and send raw deflate or
zlib, or concatenate gzip members; the magic bytes decide. The cap applies to
the decoded bytes, so a small compressed body cannot inflate without bound.
"""

from __future__ import annotations

import zlib

from tsunagu.errors import ResponseTooLargeError, TransportError


def decode_body(body: bytes, encoding: str = "", *, limit: int | None = None) -> bytes:
    """Undo gzip/deflate, announced (``encoding``, the ``Content-Encoding``) or not.

    The magic bytes decide (gzip, zlib); an announced ``deflate`` without a zlib
    header is raw deflate. At most ``limit`` bytes come out: more is a
    :class:`ResponseTooLargeError`.
    """
    if body[:2] == b"\x1f\x8b":
        try:
            return _inflate(body, 16 + zlib.MAX_WBITS, limit)
        except zlib.error as exc:
            raise TransportError(f"corrupt gzip body: {exc}") from exc
    announced = encoding.strip().lower() == "deflate"
    if body[:1] == b"\x78" and len(body) > 2 and (body[0] * 256 + body[1]) % 31 == 0:
        try:
            return _inflate(body, zlib.MAX_WBITS, limit)
        except zlib.error:
            if not announced:
                return body  # not zlib after all: a body that happens to start so
    if announced and body:
        try:
            return _inflate(body, -zlib.MAX_WBITS, limit)
        except zlib.error as exc:
            raise TransportError(f"corrupt deflate body: {exc}") from exc
    return body


def _inflate(data: bytes, wbits: int, limit: int | None) -> bytes:
    """Decompress every gzip member (or the one zlib/deflate stream) of ``data``."""
    pieces: list[bytes] = []
    size = 0
    while data:
        inflater = zlib.decompressobj(wbits)
        # max_length 0 means "no limit": one byte more than the room left shows excess.
        piece = inflater.decompress(data, 0 if limit is None else limit - size + 1)
        size += len(piece)
        if limit is not None and size > limit:
            raise ResponseTooLargeError(f"the decoded body exceeds {limit} bytes")
        if not inflater.eof:
            raise zlib.error("the compressed stream ends early")
        pieces.append(piece)
        data = inflater.unused_data if wbits > zlib.MAX_WBITS else b""
        if data[:2] != b"\x1f\x8b":
            break  # trailing bytes after the last gzip member are ignored
    return b"".join(pieces)
