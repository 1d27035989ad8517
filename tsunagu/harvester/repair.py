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
   parsed alone inside the namespaces in scope at the records, and reads the
   resumption token by pattern so the list goes on; the chunks that do not
   parse are quarantined by the caller with their raw bytes. The records the
   cut may have missed are counted a second way (:func:`record_tags`) so that
   the caller can tell, and keep, what no chunk accounts for.

The end of the root element is found outside comments, CDATA sections and
processing instructions (:func:`root_end`): a page is cut off only when its
root is never closed, and text after the root (a server's PHP notices) is
junk to remove, however long.

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
#: An OAI ``<record>`` start tag: followed by ``<header>``, maybe after comments,
#: processing instructions or white space (a MARC ``<record>`` in a payload is not).
_RECORD_START = re.compile(
    r"<(?:[\w.-]+:)?record\b[^>]*>(?:\s|<!--.*?-->|<\?.*?\?>)*<(?:[\w.-]+:)?header\b", re.S)
_LIST_END = re.compile(r"<(?:[\w.-]+:)?resumptionToken\b|</(?:[\w.-]+:)?ListRecords\s*>")
_ROOT_START = re.compile(r"<(?:[\w.-]+:)?OAI-PMH\b[^>]*>")
_NAMESPACE = re.compile(r"""\sxmlns(?::([\w.-]+))?\s*=\s*("[^"]*"|'[^']*')""")
#: Markup that hides tags (comments, CDATA sections, processing instructions, a
#: DOCTYPE) and what ends it.
_HIDING = {"<!--": "-->", "<![CDATA[": "]]>", "<?": "?>", "<!": ">"}
#: Any start, end or empty-element tag, or the start of markup that hides tags.
_TAG = re.compile(
    r"""<(?:!--|!\[CDATA\[|\?|!|(/?)([\w.:-]+)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)"""
    r"""\s*(/?)>)""")
_ROOT_TAG = re.compile(r"<(?:!--|!\[CDATA\[|\?|(/?)(?:[\w.-]+:)?OAI-PMH(?=[\s/>])[^>]*>)")
#: The tags that tell an OAI ``<record>`` from one inside a payload.
_RECORD_TAG = re.compile(
    r"<(?:!--|!\[CDATA\[|\?|(/?)(?:[\w.-]+:)?(record|metadata|about)(?=[\s/>])[^>]*>)")
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
class SplitPage:
    """A page cut by pattern: the text before the first record, the record chunks,
    the text from the end of the list on, and the namespace declarations in scope
    at the records (as attributes)."""

    opening: str
    chunks: tuple[Chunk, ...]
    rest: str
    declarations: str

    def wrap(self, chunk: Chunk) -> bytes:
        """``chunk`` as a standalone document inside the page's namespaces."""
        text = _clean_text(_DECLARATION.sub("", chunk.text))
        return f"<chunk{self.declarations}>{text}</chunk>".encode()


@dataclasses.dataclass(frozen=True)
class CleanedPage:
    """A page after cleaning: the new bytes and what was changed."""

    body: bytes
    repaired: dict[str, str]      # identifier -> what was repaired in that record
    notes: tuple[str, ...]        # page-level repairs (declarations, trailing junk)


def is_truncated(body: bytes) -> bool:
    """True when an OAI-PMH response has no closing root tag (it was cut off).

    A ``</OAI-PMH>`` inside a comment, a CDATA section or a processing
    instruction is not one; text of any length after the root is not a cut.
    """
    if b"OAI-PMH" not in body[:2048]:
        return False
    return root_end(body.decode("latin-1")) is None  # one character a byte: tags intact


def root_end(text: str) -> int | None:
    """Where the root ``<OAI-PMH>`` element of ``text`` ends (None: it never does).

    Tags hidden in comments, CDATA sections and processing instructions are
    skipped. The end is the ``</OAI-PMH>`` that brings the count of open
    ``OAI-PMH`` elements back to zero; in a page where it never does (a stray
    ``<OAI-PMH>`` in a damaged record), the last ``</OAI-PMH>``.
    """
    start = _ROOT_START.search(text)
    if start is not None and start.group(0).endswith("/>"):
        return start.end()
    depth, last, at = 0, None, start.start() if start else 0
    while (tag := _ROOT_TAG.search(text, at)) is not None:
        at = _skip(text, tag)
        if at < 0:
            break
        if tag.group(1) == "/":
            depth, last = depth - 1, at
            if depth <= 0:
                return at
        elif tag.group(1) == "" and not tag.group(0).endswith("/>"):
            depth += 1
    return last


def record_tags(text: str) -> list[int]:
    """Where the OAI ``<record>`` start tags of ``text`` are, found without the
    splitter's pattern: every ``record`` start tag outside comments, CDATA
    sections, processing instructions and ``<metadata>``/``<about>`` elements."""
    found: list[int] = []
    depth = at = 0
    while (tag := _RECORD_TAG.search(text, at)) is not None:
        at = _skip(text, tag)
        if at < 0:
            break
        closing, name = tag.group(1), tag.group(2)
        if name == "record":
            if closing == "" and depth == 0:
                found.append(tag.start())
        elif closing == "/":
            depth = max(0, depth - 1)
        elif closing == "" and not tag.group(0).endswith("/>"):
            depth += 1
    return found


def in_scope(opening: str) -> str:
    """The namespace declarations in scope at the end of ``opening`` (the text of a
    page before its first record), as attributes: those of the elements still
    open there, merged by prefix, the innermost winning."""
    stack: list[tuple[str, dict[str, str]]] = []
    at = 0
    while (tag := _TAG.search(opening, at)) is not None:
        at = _skip(opening, tag)
        if at < 0:
            break
        closing, name, attributes, empty = tag.group(1, 2, 3, 4)
        if closing is None:
            continue
        if closing == "/":
            names = [open_name for open_name, _declared in stack]
            if name in names:  # close it and anything left open inside it
                del stack[len(names) - 1 - names[::-1].index(name):]
        elif not empty:
            stack.append((name, {prefix or "": value for prefix, value
                                 in _NAMESPACE.findall(attributes)}))
    scope: dict[str, str] = {}
    for _name, declared in stack:
        scope.update(declared)
    return "".join(f" xmlns{':' + prefix if prefix else ''}={value}"
                   for prefix, value in scope.items())


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
    end = root_end(text)
    if end is not None and text[end:].strip():
        notes.append(f"junk after </OAI-PMH> removed ({len(text) - end} characters)")
        text = text[:end]
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
    if head_clean != (head if first is None else head.lstrip()[first.end():]) or (
            tail_clean != tail):
        notes.append("page text outside the records repaired")
    page = head_clean + "".join(cleaned_chunks) + tail_clean
    return CleanedPage(page.encode("utf-8"), repaired, tuple(notes))


def split_page(body: bytes) -> SplitPage:
    """A page cut by pattern into its records; see :class:`SplitPage`."""
    text, _notes = decode(body)
    opening, chunks, rest = _cut(text)
    return SplitPage(opening, tuple(chunks), rest, in_scope(opening))


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


def _skip(text: str, tag: re.Match[str]) -> int:
    """Where to go on scanning after ``tag``: past the end of the markup it starts
    if it hides tags (-1 if that never ends), else past the tag."""
    closer = _HIDING.get(tag.group(0))
    if closer is None:
        return tag.end()
    end = text.find(closer, tag.end())
    return end + len(closer) if end >= 0 else -1


def _cut(text: str) -> tuple[str, list[Chunk], str]:
    starts = [match.start() for match in _RECORD_START.finditer(text)]
    if not starts:
        return text, [], ""
    end_match = _LIST_END.search(text, starts[-1])
    end = end_match.start() if end_match else len(text)
    bounds = [*starts, end]
    chunks = [as_chunk(text[begin:finish]) for begin, finish in itertools.pairwise(bounds)]
    return text[:starts[0]], chunks, text[end:]


def as_chunk(text: str) -> Chunk:
    """``text`` as a chunk, with the first identifier in it read by pattern."""
    identifier = _IDENTIFIER.search(text)
    return Chunk(text, _unescape(identifier.group(1).strip()) if identifier else None)


def _clean_text(text: str) -> str:
    text = _ILLEGAL.sub("", _UNDECODABLE.sub("\ufffd", text))
    return _CHAR_REF.sub(_legal_reference, text)


def _code(reference: str) -> int | None:
    """The code point a character reference's ``#…`` names, if XML allows it."""
    try:
        code = int(reference[1:], 16) if reference[0] in "xX" else int(reference)
    except ValueError:
        return None
    legal = (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
             or 0x10000 <= code <= 0x10FFFF)
    return code if legal else None


def _legal_reference(match: re.Match[str]) -> str:
    return match.group(0) if _code(match.group(1)) is not None else ""


def _unescaped_reference(match: re.Match[str]) -> str:
    code = _code(match.group(1))
    return "" if code is None else chr(code)  # an illegal one (&#99999999;) is dropped


def _unescape(text: str) -> str:
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    text = _CHAR_REF.sub(_unescaped_reference, text)
    return text.replace("&amp;", "&")
