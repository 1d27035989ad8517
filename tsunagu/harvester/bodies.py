"""Response bodies: gzip and deflate undone, announced or not, within a size cap.

Servers send gzip without saying so, say ``deflate`` and send raw deflate or
zlib, or concatenate gzip members; the magic bytes decide. The cap applies to
the decoded bytes, so a small compressed body cannot inflate without bound.

The character encoding of an XML body is its byte order mark's or its
declaration's; only a body with neither, that is not UTF-8, is read in the
charset its ``Content-Type`` names (:func:`in_declared_encoding`).
"""

from __future__ import annotations

import codecs
import re
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


_DECLARED = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=", re.ASCII)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)


def in_declared_encoding(body: bytes, content_type: str) -> bytes:
    """``body`` as an XML parser should read it, given its ``Content-Type``.

    A body with a byte order mark or an encoding declaration is left as it is (they
    decide, not the header). One without either is UTF-8 to an XML parser; if it is
    not valid UTF-8 and the header names another charset (an old server's
    ISO-8859-1), it is re-encoded from that charset into UTF-8. A UTF-8 body is
    never re-encoded, whatever the header says (a servlet container's default
    ``charset=ISO-8859-1`` on a UTF-8 page).
    """
    found = _CHARSET.search(content_type)
    if found is None or body.startswith(_BOMS) or _DECLARED.match(body):
        return body
    charset = found.group(1).lower()
    if charset.replace("-", "").replace("_", "") in ("utf8", "usascii", "ascii"):
        return body
    try:
        codecs.lookup(charset)
        body.decode("utf-8")
    except LookupError:
        return body  # a charset nobody knows: the parser's UTF-8 and its repairs
    except UnicodeDecodeError:
        try:
            return body.decode(charset).encode("utf-8")
        except UnicodeDecodeError:
            return body
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
