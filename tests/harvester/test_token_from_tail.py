"""``token_from_tail`` reads the same token as ``token_by_pattern`` over the decoded tail."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tsunagu.harvester.repair import token_by_pattern, token_from_tail

FIXTURES = Path(__file__).parent.parent / "fixtures"
TAIL = 8192


def by_pattern(body: bytes) -> str | None:
    """What the client did before: decode the whole tail, search it."""
    return token_by_pattern(body[-TAIL:].decode("utf-8", errors="replace"))[0]


def recorded_pages() -> list[Path]:
    return sorted(path for path in (FIXTURES / "oai").rglob("*")
                  if path.suffix in (".xml", ".body"))


@pytest.mark.parametrize("path", recorded_pages(), ids=lambda path: path.name)
def test_the_recorded_pages_give_the_same_token(path: Path) -> None:
    body = path.read_bytes()
    assert token_from_tail(body) == by_pattern(body)
    # Cut short at many places, so that the tail's first byte falls everywhere
    # (inside multi-byte characters, inside tags, inside the token element).
    for length in range(max(1, len(body) - 3 * TAIL), len(body), 97):
        assert token_from_tail(body[:length]) == by_pattern(body[:length]), length


def test_the_recorded_tokens_are_read() -> None:
    zenodo = (FIXTURES / "oai" / "zenodo" / "list_records__00_200.body").read_bytes()
    token = token_from_tail(zenodo)
    assert token is not None and token.startswith(".")
    marc = (FIXTURES / "oai" / "vufind" / "marc.xml").read_bytes()
    assert token_from_tail(marc) == "fakeresumptiontoken"


TRICKY = [
    b"<resumptionToken>plain</resumptionToken>",
    b'<resumptionToken completeListSize="5" cursor="0">a&amp;b&lt;c&gt;&quot;&apos;'
    b"</resumptionToken>",
    b"<resumptionToken>&#x41;&#66;&amp;amp;</resumptionToken>",
    b"<resumptionToken>  spaced\n  </resumptionToken >",
    b"<resumptionToken><![CDATA[in-cdata]]></resumptionToken>",
    b"<resumptionToken/>",
    b'<resumptionToken completeListSize="5"/>',
    b"<resumptionToken></resumptionToken>",
    b"<resumptionToken>   </resumptionToken>",
    b"<oai:resumptionToken expirationDate='2026-01-01T00:00:00Z'>pre</oai:resumptionToken>",
    b"<oai-2.x:resumptionToken>dotted-prefix</oai-2.x:resumptionToken>",
    "<名前:resumptionToken>名前空間</名前:resumptionToken>".encode(),
    "<resumptionToken>トークン|東京|1000</resumptionToken>".encode(),
    b"<resumptionToken>bad\xff\xfebytes</resumptionToken>",
    b"<resumptionTokens>not-this</resumptionTokens><resumptionToken>this</resumptionToken>",
    "<resumptionTokené>x</resumptionTokené><resumptionToken>after</resumptionToken>".encode(),
    b"<dc:description>resumptionToken</dc:description><resumptionToken>real</resumptionToken>",
    b"<a>x</a>resumptionToken<b/>",
    b"</resumptionToken>",
    b"<resumptionToken>unclosed",
    b"<resumptionToken>one</resumptionToken><resumptionToken>two</resumptionToken>",
    b"<!-- <resumptionToken>in-a-comment</resumptionToken> --><resumptionToken>x</resumptionToken>",
    b"",
]


@pytest.mark.parametrize("tail", TRICKY, ids=range(len(TRICKY)))
def test_tricky_tails(tail: bytes) -> None:
    for before in (b"", b"<ListRecords>", "<dc:title>富嶽三十六景</dc:title>".encode() * 700):
        body = before + tail + b"\n</ListRecords></OAI-PMH>\n"
        assert token_from_tail(body) == by_pattern(body)


def test_a_character_cut_at_the_tail_boundary() -> None:
    token = "<resumptionToken>東京|1</resumptionToken></ListRecords></OAI-PMH>".encode()
    for pad in range(4):
        # The 8 KB tail starts inside a three-byte character, or on its boundary.
        body = b"x" * pad + "東".encode() * 4000 + token
        assert token_from_tail(body) == by_pattern(body) == "東京|1"
    # The element's ``<`` just outside the tail: neither reads the cut element.
    element = b"<resumptionToken>cut</resumptionToken>"
    body = b"y" * 100 + element + b"z" * (TAIL - len(element) + 1)
    assert token_from_tail(body) == by_pattern(body) is None
    body = b"y" * 100 + element + b"z" * (TAIL - len(element) - 1)
    assert token_from_tail(body) == by_pattern(body) == "cut"


def test_shuffled_fragments() -> None:
    """Many bodies made of the tricky pieces, in every order, at every tail cut."""
    pieces = [*TRICKY, "あ".encode(), b"\xe3\x81", b"<", b">", b"resumptionToken", b" ",
              b"<resumptionToken", b"</resumptionToken>", b"&amp;", b"x" * 3000]
    chooser = random.Random(20260811)
    for _ in range(400):
        body = b"".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 12)))
        for tail in (TAIL, 64, 17):
            expected = token_by_pattern(body[-tail:].decode("utf-8", errors="replace"))[0]
            assert token_from_tail(body, tail) == expected, (body, tail)


@pytest.mark.parametrize("reference", ["&#99999999;", "&#x110000;", "&#0;", "&#xD800;"])
def test_a_reference_to_no_legal_character_in_a_token_is_dropped_not_a_crash(
        reference: str) -> None:
    body = (f"<OAI-PMH><ListRecords><resumptionToken>a{reference}b</resumptionToken>"
            "</ListRecords></OAI-PMH>").encode()
    assert token_from_tail(body) == "ab"
    assert token_by_pattern(body.decode()) == ("ab", None)
