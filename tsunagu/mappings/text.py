"""Text cleaning shared by every mapper: Unicode, whitespace, HTML and scripts.

``formats.md`` §4 gives the order: decode entities and turn HTML into text
(keeping paragraph breaks), NFKC, collapse whitespace, drop placeholders and
duplicates. Script detection (kana, kanji, Latin) supports the language tags
of titles and descriptions.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

import lxml.html
from lxml import etree

#: Values that mean "nothing here" (``formats.md`` §4 step 3), compared after cleaning.
PLACEHOLDERS = frozenset({"-", "--", "—", "なし", "無し", "n/a", "na", "none", "null", "#value!"})

#: HTML elements that start a paragraph, and those that start a new line.
_PARAGRAPH_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table", "ul", "ol",
    "dl", "section", "article", "header", "footer", "hr", "address", "figure",
})
_LINE_TAGS = frozenset({"br", "li", "tr", "dt", "dd", "figcaption"})
_DROPPED_TAGS = frozenset({"script", "style", "head", "title", "noscript", "template"})
#: Break markers while walking the HTML tree; resolved by :func:`_resolve_breaks`.
_PARAGRAPH = "\x00P"
_LINE = "\x00L"
_BREAK_RUN = re.compile(r"(?:[^\S\n]*\x00[PL])+[^\S\n]*")
_TAG_HINT = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?\s*>")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")

#: A hardened HTML parser: no network, comments and processing instructions dropped.
HTML_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, no_network=True, default_doctype=False
)

_HIRAGANA = re.compile(r"[\u3041-\u309f]")
_KATAKANA = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3006]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
#: Marks that may sit between kana in a reading: spaces, long vowel, middle dot, punctuation.
_KANA_NEUTRAL = re.compile(r"[\s\u30fc\u30fb\u3000-\u303f\u00b7.,:;'\"()\[\]!?\-]")


def clean_text(value: str | None) -> str:
    """NFKC, collapse whitespace (also U+3000) and trim; ``""`` for ``None``."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", value)
    return " ".join(text.split())


def is_placeholder(value: str) -> bool:
    """True for the empty string and for placeholder values such as ``"-"`` or 「なし」."""
    return not value or value.casefold() in PLACEHOLDERS


def dedupe_values(values: Iterable[str]) -> tuple[str, ...]:
    """The values without duplicates and placeholders, first occurrence kept."""
    return tuple(value for value in dict.fromkeys(values)
                 if value and value.casefold() not in PLACEHOLDERS)


def looks_like_html(value: str) -> bool:
    """True when ``value`` contains at least one HTML tag."""
    return _TAG_HINT.search(value) is not None


def strip_html_to_text(value: str) -> str:
    """Readable text from a string that may hold (escaped) HTML, paragraphs kept.

    Feeds escape HTML once (``&lt;p&gt;`` arrives as text ``<p>``) or twice
    (text ``&lt;p&gt;``); the second layer is decoded first. Block elements and
    ``<br>`` become line breaks, paragraphs are separated by one blank line.
    """
    if not looks_like_html(value) and "&" in value:
        value = html.unescape(value)
    if not looks_like_html(value):
        return _tidy(value)
    try:
        root = lxml.html.fragment_fromstring(
            value, create_parent="div", parser=HTML_PARSER
        )
    except (etree.LxmlError, ValueError):
        return _tidy(value)
    parts: list[str] = []
    _collect_text(root, parts, preformatted=False)
    return _tidy(_resolve_breaks("".join(parts)))


def _collect_text(element: etree._Element, parts: list[str], *, preformatted: bool) -> None:
    """Append the text of ``element`` with break markers; source newlines are spaces."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    inside_pre = preformatted or tag == "pre"
    if tag not in _DROPPED_TAGS:
        marker = _PARAGRAPH if tag in _PARAGRAPH_TAGS else _LINE if tag in _LINE_TAGS else ""
        parts.append(marker)
        if tag and element.text:
            parts.append(_flow(element.text, inside_pre))
        for child in element:
            _collect_text(child, parts, preformatted=inside_pre)
        if tag in _PARAGRAPH_TAGS:
            parts.append(_PARAGRAPH)
    if element.tail:
        parts.append(_flow(element.tail, preformatted))


def _flow(text: str, preformatted: bool) -> str:
    return text if preformatted else text.replace("\n", " ")


def _resolve_breaks(text: str) -> str:
    """A run of markers is a blank line if it holds a paragraph marker, else one newline."""
    return _BREAK_RUN.sub(
        lambda m: "\n\n" if _PARAGRAPH in m.group() else "\n", text
    )


def _tidy(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    joined = "\n".join(lines)
    return _BLANK_LINES.sub("\n\n", joined).strip()


def has_kana(value: str) -> bool:
    """True when ``value`` contains hiragana or katakana."""
    return _HIRAGANA.search(value) is not None or _KATAKANA.search(value) is not None


def has_han(value: str) -> bool:
    """True when ``value`` contains a CJK ideograph (kanji / hanzi)."""
    return _HAN.search(value) is not None


def detect_reading_script(value: str) -> str | None:
    """``"Kana"`` for an all-katakana string, ``"Hira"`` for all-hiragana, else ``None``.

    Mixed hiragana and katakana count as ``"Kana"``; kanji or Latin letters
    anywhere mean the value is not a reading.
    """
    if has_han(value) or _LATIN_LETTER.search(value):
        return None
    rest = _KANA_NEUTRAL.sub("", value)
    if not rest:
        return None
    hiragana = len(_HIRAGANA.findall(rest))
    katakana = len(_KATAKANA.findall(rest))
    if hiragana + katakana != len(rest):
        return None
    return "Hira" if katakana == 0 else "Kana"


def is_latin_only(value: str) -> bool:
    """True when every letter of ``value`` is Latin (digits and punctuation allowed)."""
    letters = [ch for ch in value if ch.isalpha()]
    return bool(letters) and all(_LATIN_LETTER.match(ch) for ch in letters)
