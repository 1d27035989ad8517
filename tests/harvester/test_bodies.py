"""Response bodies: gzip and deflate, announced or not, bounded when decoded."""

from __future__ import annotations

import gzip
import zlib

import pytest

from tsunagu.errors import ResponseTooLargeError, TransportError
from tsunagu.harvester.bodies import decode_body


def test_undeclared_gzip_is_decoded() -> None:
    assert decode_body(gzip.compress(b"<OAI-PMH/>")) == b"<OAI-PMH/>"
    assert decode_body(b"<OAI-PMH/>") == b"<OAI-PMH/>"


def test_decoding_is_bounded_and_strict_about_broken_streams() -> None:
    assert decode_body(gzip.compress(b"a") + gzip.compress(b"b")) == b"ab"  # two members
    with pytest.raises(ResponseTooLargeError):
        decode_body(zlib.compress(b"x" * 2000), limit=1999)
    assert decode_body(zlib.compress(b"x" * 2000), limit=2000) == b"x" * 2000
    with pytest.raises(TransportError, match="corrupt gzip"):
        decode_body(gzip.compress(b"<OAI-PMH/>" * 100)[:-30])
    with pytest.raises(TransportError, match="corrupt deflate"):
        decode_body(b"not deflate at all", "deflate")
    assert decode_body(b"x\x9cnot zlib") == b"x\x9cnot zlib"  # looks like zlib, is not


def test_announced_raw_deflate_is_decoded() -> None:
    squeezer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw = squeezer.compress(b"<OAI-PMH/>") + squeezer.flush()
    assert decode_body(raw, "deflate") == b"<OAI-PMH/>"
    assert decode_body(raw) == raw  # not announced, no magic bytes: left as it came
