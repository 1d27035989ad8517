"""Bad XML in a ListRecords page: clean it, or isolate it record by record.

The steps after a strict parse failed (``harvesting.md`` item 9):

1. :func:`clean_page` repairs the text: invalid UTF-8 (decoded with
   replacement characters), characters outside the XML 1.0 ``Char`` production
   (TAB, LF and CR stay), numeric character references to such characters
   (``&#x1A;``, lone surrogates), embedded ``<?xml …?>`` declarations and junk
   after ``</OAI-PMH>``. Each record is cleaned alone, so the records that were
   changed are known and flagged.
2. The caller re-parses the cleaned page strictly.
3. Still failing, :func:`split_page` cuts the page into ``<record>`` chunks, each
   parsed alone inside the root's namespace declarations, and reads the
   resumption token by pattern so the list goes on; the chunks that do not
   parse are quarantined by the caller with their raw bytes.

lxml's ``recover=True`` is never used: it merges and alters records silently.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DECLARATION = re.compile(r"<\?xml\b[^>]*\?>")
_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_CHAR_REF = re.compile(r"&#(x[0-9A-Fa-f]+|[0-9]+);")
_RECORD_START = re.compile(
    r"<(?:[\w.-]+:)?record\b[^>]*>\s*<(?:[\w.-]+:)?header\b")
_LIST_END = re.compile(r"<(?:[\w.-]+:)?resumptionToken\b|</(?:[\w.-]+:)?ListRecords\s*>")
_ROOT_END = re.compile(r"</(?:[\w.-]+:)?OAI-PMH\s*>")
_ROOT_START = re.compile(r"<(?:[\w.-]+:)?OAI-PMH\b[^>]*>")
_LIST_START = re.compile(r"<(?:[\w.-]+:)?ListRecords\b[^>]*>")
_NAMESPACE = re.compile(r"""\sxmlns(?::[\w.-]+)?\s*=\s*("[^"]*"|'[^']*')""")
_IDENTIFIER = re.compile(r"<(?:[\w.-]+:)?identifier\b[^>]*>([^<]*)</")
_TOKEN = re.compile(
    r"<(?:[\w.-]+:)?resumptionToken\b([^>]*?)(?:/>|>([^<]*)</(?:[\w.-]+:)?resumptionToken\s*>)")
_LIST_SIZE = re.compile(r"""completeListSize\s*=\s*["'](\d+)["']""")
_RESPONSE_DATE = re.compile(r"<(?:[\w.-]+:)?responseDate\b[^>]*>([^<]*)</")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


@dataclasses.dataclass(frozen=True)
class Chunk:
    """One ``<record>`` of a page as text, with the identifier read by pattern."""

    text: str
    identifier: str | None


@dataclasses.dataclass(frozen=True)
class CleanedPage:
    """A page after cleaning: the new bytes and what was changed."""

    body: bytes
    repaired: dict[str, str]      # identifier -> what was repaired in that record
    notes: tuple[str, ...]        # page-level repairs (declarations, trailing junk)


def is_truncated(body: bytes) -> bool:
    """True when an OAI-PMH response has no closing root tag (it was cut off)."""
    head = body[:2048]
    if b"OAI-PMH" not in head:
        return False
    return _ROOT_END.search(body[-4096:].decode("utf-8", "replace")) is None


def decode(body: bytes) -> tuple[str, list[str]]:
    """The page as text in its declared encoding.

    Invalid bytes are kept as lone surrogates (``surrogateescape``) so that
    cleaning can tell which record held them and replace them with U+FFFD.
    """
    match = _ENCODING.match(body)
    encoding = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return body.decode(encoding, "surrogateescape"), []
    except LookupError:
        return body.decode("utf-8", "surrogateescape"), [
            f"unknown encoding {encoding!r} read as UTF-8"]


def clean_page(body: bytes) -> CleanedPage:
    """Repair the text of a page; see the module docstring."""
    text, notes = decode(body)
    head, chunks, tail = _cut(text)
    first = _DECLARATION.match(head.lstrip())
    head_clean = _clean_text(head if first is None else head.lstrip()[first.end():])
    if _DECLARATION.search(head_clean) is not None:
        head_clean = _DECLARATION.sub("", head_clean)
    tail_clean = _clean_text(_DECLARATION.sub("", tail))
    repaired: dict[str, str] = {}
    cleaned_chunks = []
    for chunk in chunks:
        cleaned = _DECLARATION.sub("", chunk.text)
        what = ["embedded XML declaration"] if cleaned != chunk.text else []
        fixed = _clean_text(cleaned)
        if fixed != cleaned:
            what.append("illegal XML characters removed")
        if _UNDECODABLE.search(chunk.text):
            what.append("undecodable bytes replaced with U+FFFD")
        if what:
            repaired[chunk.identifier or "?"] = ", ".join(what)
        cleaned_chunks.append(fixed)
    if head_clean != head or tail_clean != tail:
        notes.append("page text outside the records repaired")
    page = head_clean + "".join(cleaned_chunks) + tail_clean
    ends = list(_ROOT_END.finditer(page[-65536:]))
    if ends:
        cut = len(page) - len(page[-65536:]) + ends[-1].end()
        if page[cut:].strip():
            notes.append("junk after </OAI-PMH> removed")
            page = page[:cut]
    return CleanedPage(page.encode("utf-8"), repaired, tuple(notes))


def split_page(body: bytes) -> tuple[str, list[Chunk], str]:
    """``(opening, record chunks, rest)`` of a page, cut by pattern."""
    text, _notes = decode(body)
    return _cut(text)


def wrap_chunk(opening: str, chunk: str) -> bytes:
    """A record chunk as a standalone document with the page's namespace declarations."""
    declarations = "".join(
        match.group(0) for start in (_ROOT_START, _LIST_START)
        if (tag := start.search(opening)) for match in _NAMESPACE.finditer(tag.group(0)))
    return f"<chunk{declarations}>{_clean_text(_DECLARATION.sub('', chunk))}</chunk>".encode()


def token_by_pattern(rest: str) -> tuple[str | None, int | None]:
    """The resumption token and ``completeListSize`` read from text by pattern."""
    match = _TOKEN.search(rest)
    if match is None:
        return None, None
    size = _LIST_SIZE.search(match.group(1))
    token = _unescape((match.group(2) or "").strip()) or None
    return token, int(size.group(1)) if size else None


def token_from_tail(body: bytes, tail: int = 8192) -> str | None:
    """``token_by_pattern`` over the last ``tail`` bytes of ``body`` decoded (invalid
    UTF-8 replaced), decoding only from just before the first ``resumptionToken``.

    A match starts at a ``<`` followed by name characters (no ``<``) and the ASCII
    bytes ``resumptionToken``, so none starts before the last ``<`` preceding their
    first occurrence. UTF-8 decoding starts afresh at an ASCII byte: the text
    decoded from that ``<`` on is the whole tail's decoded text from there (a
    character cut at the start of the tail changes nothing after it).
    """
    start = max(0, len(body) - tail)
    found = body.find(b"resumptionToken", start)
    if found < 0:
        return None
    opening = body.rfind(b"<", start, found)
    if opening < 0:  # no ``<`` before it in the tail: a match can only start after it
        opening = body.find(b"<", found)
        if opening < 0:
            return None
    return token_by_pattern(body[opening:].decode("utf-8", errors="replace"))[0]


def response_date_by_pattern(text: str) -> str:
    match = _RESPONSE_DATE.search(text)
    return match.group(1).strip() if match else ""


def _cut(text: str) -> tuple[str, list[Chunk], str]:
    starts = [match.start() for match in _RECORD_START.finditer(text)]
    if not starts:
        return text, [], ""
    end_match = _LIST_END.search(text, starts[-1])
    end = end_match.start() if end_match else len(text)
    bounds = [*starts, end]
    chunks = []
    for begin, finish in itertools.pairwise(bounds):
        piece = text[begin:finish]
        identifier = _IDENTIFIER.search(piece)
        chunks.append(Chunk(piece, _unescape(identifier.group(1).strip())
                            if identifier else None))
    return text[:starts[0]], chunks, text[end:]


def _clean_text(text: str) -> str:
    text = _ILLEGAL.sub("", _UNDECODABLE.sub("\ufffd", text))
    return _CHAR_REF.sub(_legal_reference, text)


def _legal_reference(match: re.Match[str]) -> str:
    value = match.group(1)
    try:
        code = int(value[1:], 16) if value[0] in "xX" else int(value)
    except ValueError:
        return ""
    legal = (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
             or 0x10000 <= code <= 0x10FFFF)
    return match.group(0) if legal else ""


def _unescape(text: str) -> str:
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    text = _CHAR_REF.sub(lambda m: chr(int(m.group(1)[1:], 16) if m.group(1)[0] in "xX"
                                       else int(m.group(1))), text)
    return text.replace("&amp;", "&")
