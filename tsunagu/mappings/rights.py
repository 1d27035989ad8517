"""Rights values of a record to normalized :class:`Rights` (``rights.md`` §3).

A first normalization:

* ``raw`` keeps the values exactly as received (trimmed, joined with `` | ``).
* URIs are taken from the text and from HTML anchors (``<a href>``) and
  canonicalized by :mod:`tsunagu.mappings.licences` (CC, CC0, PDM, the 12
  RightsStatements.org statements, legacy Europeana).
* Short tokens (``CC-BY``, ``CC BY 4.0``, ``pdm``, ``cc0``, Japan Search codes,
  ``all-rights-reserved``) and named CC licences ("Creative Commons Attribution
  4.0 International", 「クリエイティブ・コモンズ 表示 4.0 国際」) are read too;
  without a version the code has none (``CC-BY``) and no URI.
* A few unambiguous restrictions in free text (「無断転載を禁じます」, "All rights
  reserved", 「事前の利用申請が必要」) give ``RS-InC`` (``method = rule``).
* Everything else, including institution terms pages (code ``CUSTOM``), is
  ``unknown``: free text is never guessed open.
* Several statements that disagree: the most restrictive level wins and the
  warning ``rights_conflict`` is given; an exception clause (「ただし」,
  "except") keeps an open licence at ``conditional`` (``rights_exception``).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence

import lxml.html
from lxml import etree

from tsunagu.mappings.licences import (
    PD_TOOLS,
    Licence,
    classify_reuse,
    make_cc_licence,
    parse_licence_token,
    parse_licence_uri,
    strip_version,
)
from tsunagu.mappings.text import HTML_PARSER
from tsunagu.records import (
    ReuseLevel,
    Rights,
    RightsMethod,
    RightsOrigin,
    RightsSet,
    Source,
)

#: Warning codes this module gives.
NO_RIGHTS = "no_rights"
RIGHTS_UNKNOWN = "rights_unknown"
RIGHTS_CONFLICT = "rights_conflict"
RIGHTS_EXCEPTION = "rights_exception"

RAW_SEPARATOR = " | "

_URL = re.compile(
    r"(?:https?://|(?<![\w./])(?:www\.)?(?:creativecommons|rightsstatements)\.org/)"
    r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?"
_CC0 = re.compile(r"(?<![a-z0-9])(?:cc\s*-?\s*(?:0|zero)|creative\s*commons\s*zero)(?![0-9a-z])")
_PDM = re.compile(r"public\s*domain\s*mark|パブリック・?ドメイン・?マーク")
_CC_MARKER = re.compile(
    r"(?<![a-z0-9])(?:cc|creative\s*commons|クリエイティブ\s*・?\s*コモンズ)(?![a-z])"
)
_CC_TOKEN = re.compile(
    r"""
    (?P<by>by|attribution|表示|帰属|アトリビューション)(?![a-z])
    |(?P<nc>nc|non[\s-]?commercial|非営利|ノンコマーシャル)(?![a-z])
    |(?P<nd>nd|no[\s-]?deriv(?:s|atives|ative\s+works)?|改変禁止|派生禁止|ノーデリブス)(?![a-z])
    |(?P<sa>sa|share[\s-]?alike|継承)(?![a-z])
    |(?:v(?:ersion)?\s*)?(?P<version>\d\.\d)(?!\d)
    |(?P<port>jp|japan|日本)(?![a-z])
    |(?:international|unported|generic|universal|licen[cs]e|ライセンス|国際)(?![a-z])
    |[\s\-_/,.:;()\[\]・―ー–—]+
    """,
    re.VERBOSE,
)
_TOOL_TAIL = re.compile(r"(?:v(?:ersion)?\s*1\.0|1\.0|universal|[\s\-_()\[\].,])*")
_RESTRICTIONS = re.compile(
    r"all\s+rights\s+reserved|無断(?:転載|複製|使用|転用)|禁無断|転載を禁"
    r"|事前の(?:利用)?申請が必要|事前に(?:利用)?申請|要許可|許諾が必要|承認が必要"
    r"|advance application is required"
)
_EXCEPTIONS = re.compile(r"ただし|但し|除く|(?<![a-z])(?:but|except)(?![a-z])")


@dataclasses.dataclass(frozen=True)
class RightsAssessment:
    """A normalized :class:`Rights` with the warnings its derivation raised."""

    rights: Rights
    warnings: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class _Statement:
    licence: Licence
    method: RightsMethod
    order: int

    @property
    def reuse(self) -> ReuseLevel:
        return self.licence.reuse

    @property
    def specificity(self) -> int:
        return (2 if self.licence.uri else 0) + (1 if self.method is RightsMethod.URI else 0)


def normalize_rights(values: Sequence[str], *, default: str | None = None) -> Rights:
    """The normalized rights of ``values``; ``default`` applies when there is no value."""
    return assess_rights(values, default=default).rights


def assess_rights(values: Sequence[str], *, default: str | None = None) -> RightsAssessment:
    """Like :func:`normalize_rights`, with warnings (``rights_conflict`` …)."""
    received = [value.strip() for value in values if value and value.strip()]
    if not received:
        if default and default.strip():
            assessed = assess_rights([default])
            rights = dataclasses.replace(
                assessed.rights, raw=default.strip(), method=RightsMethod.SOURCE_DEFAULT,
                origin=RightsOrigin.SOURCE_DEFAULT,
            )
            return RightsAssessment(rights, assessed.warnings)
        return RightsAssessment(Rights(), (NO_RIGHTS,))
    raw = RAW_SEPARATOR.join(received)
    statements: list[_Statement] = []
    custom_urls: list[str] = []
    for value in received:
        _read_value(value, statements, custom_urls)
    if not statements:
        code, uri, method = "UNKNOWN", None, RightsMethod.NONE
        if custom_urls:
            code, uri, method = "CUSTOM", custom_urls[0], RightsMethod.URI
        rights = Rights(code=code, uri=uri, raw=raw, method=method, origin=RightsOrigin.ITEM)
        return RightsAssessment(rights, (RIGHTS_UNKNOWN,))
    chosen = max(statements, key=lambda s: (s.reuse.rank, s.specificity, -s.order))
    warnings: list[str] = []
    if _disagree(statements):
        warnings.append(RIGHTS_CONFLICT)
    reuse = chosen.reuse
    if reuse is ReuseLevel.OPEN and any(_EXCEPTIONS.search(_fold(v)) for v in received):
        reuse = ReuseLevel.CONDITIONAL
        warnings.append(RIGHTS_EXCEPTION)
    if reuse is ReuseLevel.UNKNOWN:
        warnings.append(RIGHTS_UNKNOWN)
    rights = Rights(
        code=chosen.licence.code, uri=chosen.licence.uri, reuse=reuse, raw=raw,
        method=chosen.method, origin=RightsOrigin.ITEM,
    )
    return RightsAssessment(rights, tuple(warnings))


def derive_rights_set(
    values: Sequence[str], source: Source
) -> tuple[RightsSet, tuple[str, ...]]:
    """Content rights from ``values`` (else the source default), metadata from the source.

    The thumbnail inherits the content rights (``rights.md`` §3.3).
    """
    content = assess_rights(values, default=source.default_rights)
    metadata = (
        normalize_rights((), default=source.metadata_rights)
        if source.metadata_rights
        else Rights()
    )
    rights_set = RightsSet(content=content.rights, thumbnail=content.rights, metadata=metadata)
    return rights_set, content.warnings


def is_open_code(code: str) -> bool:
    """True for the codes that may be ``open``: PDM, CC0, CC BY and CC BY-SA."""
    return classify_reuse(code) is ReuseLevel.OPEN


def _read_value(value: str, statements: list[_Statement], custom_urls: list[str]) -> None:
    """Add the statements found in one value; unrecognised URLs go to ``custom_urls``."""
    before = len(statements)
    text, hrefs = _strip_html(value)
    text = unicodedata.normalize("NFKC", text)
    urls = [*hrefs, *(m.group().rstrip(_URL_TRAILING) for m in _URL.finditer(text))]
    for url in urls:
        licence = parse_licence_uri(url)
        if licence is not None:
            statements.append(_Statement(licence, RightsMethod.URI, len(statements)))
        elif url.casefold().startswith(("http://", "https://")) and url not in custom_urls:
            custom_urls.append(url)
    prose = _fold(_URL.sub(" ", text))
    for segment in re.split(r"\s*[;|]\s*", prose):
        token = parse_licence_token(segment)
        if token is not None:
            statements.append(_Statement(token, RightsMethod.CODE, len(statements)))
            continue
        for licence, whole in _named_licences(segment):
            method = RightsMethod.CODE if whole else RightsMethod.RULE
            statements.append(_Statement(licence, method, len(statements)))
    if len(statements) == before and _RESTRICTIONS.search(prose):
        statements.append(_Statement(Licence("RS-InC"), RightsMethod.RULE, len(statements)))


def _named_licences(text: str) -> list[tuple[Licence, bool]]:
    """CC licences, CC0 and PDM named in ``text``; ``whole`` when the name is the entire text."""
    found: list[tuple[Licence, bool]] = []
    for match in _CC0.finditer(text):
        found.append((Licence("CC0-1.0", PD_TOOLS["CC0-1.0"]), _is_whole_tool(text, match)))
    for match in _PDM.finditer(text):
        found.append((Licence("PDM-1.0", PD_TOOLS["PDM-1.0"]), _is_whole_tool(text, match)))
    if found:
        return found
    for match in _CC_MARKER.finditer(text):
        licence, end = _scan_cc(text, match.end())
        if licence is not None:
            found.append((licence, _is_whole(text, match, end)))
    return found


def _scan_cc(text: str, position: int) -> tuple[Licence | None, int]:
    """Read CC elements, version and port after a "CC" marker."""
    elements: set[str] = set()
    version: str | None = None
    port: str | None = None
    while True:
        token = _CC_TOKEN.match(text, position)
        if token is None or token.end() == position:
            break
        position = token.end()
        kind = token.lastgroup
        if kind in {"by", "nc", "nd", "sa"}:
            elements.add(kind)
        elif kind == "version" and version is None:
            version = token.group("version")
        elif kind == "port":
            port = "jp"
    if "by" not in elements or {"nd", "sa"} <= elements:
        return None, position
    code = "BY" + ("-NC" if "nc" in elements else "")
    code += "-ND" if "nd" in elements else "-SA" if "sa" in elements else ""
    return make_cc_licence(code, version, port), position


def _is_whole(text: str, match: re.Match[str], end: int) -> bool:
    return not text[: match.start()].strip(" -_()[]") and not text[end:].strip(" -_()[].,")


def _is_whole_tool(text: str, match: re.Match[str]) -> bool:
    return not text[: match.start()].strip(" -_()[]") and bool(
        _TOOL_TAIL.fullmatch(text, match.end())
    )


def _strip_html(value: str) -> tuple[str, list[str]]:
    """Text content and ``href`` values of a value that may be an HTML fragment."""
    if "<" not in value or ">" not in value:
        return value, []
    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div", parser=HTML_PARSER)
    except (etree.LxmlError, ValueError):
        return value, []
    hrefs = [str(href).strip() for href in root.xpath(".//a/@href")]
    for br in root.iter("br"):
        br.tail = " " + (br.tail or "")
    return str(root.text_content()), [h for h in hrefs if h]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _disagree(statements: Sequence[_Statement]) -> bool:
    """True when statements differ in level or name different licences."""
    if len({s.reuse for s in statements}) > 1:
        return True
    codes = {s.licence.code for s in statements}
    bases = {strip_version(code) for code in codes}
    if len(bases) > 1:
        return True
    versioned = {code for code in codes if code not in bases}
    return len(versioned) > 1
