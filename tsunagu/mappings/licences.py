"""The rights vocabularies: Creative Commons, public-domain tools, RightsStatements.org.

Turns one URI or one short token into a canonical code and URI (``rights.md``
§1.1, §1.2, §3.4 step 2, §4 rows 1–39) and gives every code its reuse level
(§3.2, §2.6). Free-text rules live in :mod:`tsunagu.mappings.rights`.

Canonical URIs use ``http://`` and a trailing slash, RightsStatements
``/vocab/``; no ``deed``, ``legalcode``, language or query.
"""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlsplit

from tsunagu.records import ReuseLevel

CC_VERSIONS = frozenset({"1.0", "2.0", "2.1", "2.5", "3.0", "4.0"})
#: Versions that exist unported (2.1 exists only as jurisdiction ports).
_CC_UNPORTED = frozenset({"1.0", "2.0", "2.5", "3.0", "4.0"})
#: CC licence paths and their canonical element order (``by-nd-nc`` is a legacy spelling).
CC_TYPES = {
    "by": "BY", "by-sa": "BY-SA", "by-nd": "BY-ND", "by-nc": "BY-NC",
    "by-nc-sa": "BY-NC-SA", "by-nc-nd": "BY-NC-ND", "by-nd-nc": "BY-NC-ND",
}
#: The 12 RightsStatements.org IDs (canonical case) and their reuse levels.
RS_LEVELS = {
    "InC": ReuseLevel.NO_REUSE,
    "InC-OW-EU": ReuseLevel.NO_REUSE,
    "InC-EDU": ReuseLevel.EDUCATION,
    "InC-NC": ReuseLevel.CONDITIONAL,
    "InC-RUU": ReuseLevel.NO_REUSE,
    "NoC-CR": ReuseLevel.CONDITIONAL,
    "NoC-NC": ReuseLevel.CONDITIONAL,
    "NoC-OKLR": ReuseLevel.CONDITIONAL,
    "NoC-US": ReuseLevel.UNKNOWN,
    "CNE": ReuseLevel.UNKNOWN,
    "UND": ReuseLevel.UNKNOWN,
    "NKC": ReuseLevel.UNKNOWN,  # "no known copyright": a belief, not a grant; never open unchecked
}
_RS_BY_FOLDED = {rs_id.casefold(): rs_id for rs_id in RS_LEVELS}
#: Legacy Europeana statements (``rights.md`` §1.5).
_EUROPEANA = {"rr-f": "InC", "rr-p": "InC", "rr-r": "InC", "unknown": "UND",
              "out-of-copyright-non-commercial": "NoC-NC"}
#: Public-domain tools: code → canonical URI.
PD_TOOLS = {
    "CC0-1.0": "http://creativecommons.org/publicdomain/zero/1.0/",
    "PDM-1.0": "http://creativecommons.org/publicdomain/mark/1.0/",
}
#: Codes (whole values, case-insensitive) of Japan Search and of feeds seen in the data.
_TOKENS = {
    "pdm": "PDM-1.0", "cc0": "CC0-1.0", "ccby": "CC-BY", "ccbysa": "CC-BY-SA",
    "ccbync": "CC-BY-NC", "ccbyncsa": "CC-BY-NC-SA", "ccbynd": "CC-BY-ND",
    "ccbyncnd": "CC-BY-NC-ND", "incr": "RS-InC", "incr_edu": "RS-InC-EDU",
    "nocr_cont": "RS-NoC-CR", "nocr_other": "RS-NoC-OKLR", "uneval": "RS-CNE",
    "undet": "RS-UND", "all-rights-reserved": "RS-InC", "all rights reserved": "RS-InC",
    "著作権なし-契約による制限あり": "RS-NoC-CR",  # NDL label of NoC-CR
}
_CC_CODE = re.compile(
    r"^CC-BY(?P<nc>-NC)?(?P<mod>-ND|-SA)?(?:-(?P<version>\d\.\d)(?:-(?P<port>[A-Z]{2}))?)?$"
)


@dataclasses.dataclass(frozen=True)
class Licence:
    """A recognised statement: canonical code and, where one exists, canonical URI."""

    code: str
    uri: str | None = None

    @property
    def reuse(self) -> ReuseLevel:
        return classify_reuse(self.code)


def classify_reuse(code: str) -> ReuseLevel:
    """The reuse level of a canonical code; anything unrecognised is ``UNKNOWN``.

    Only PDM, CC0, CC BY and CC BY-SA (any version) are ``OPEN``.
    """
    if code in PD_TOOLS:
        return ReuseLevel.OPEN
    if code.startswith("RS-"):
        return RS_LEVELS.get(code[3:], ReuseLevel.UNKNOWN)
    match = _CC_CODE.match(code)
    if match is None:
        return ReuseLevel.UNKNOWN
    if match.group("nc") or match.group("mod") == "-ND":
        return ReuseLevel.CONDITIONAL
    return ReuseLevel.OPEN


def make_cc_licence(elements: str, version: str | None = None, port: str | None = None) -> Licence:
    """A CC licence from canonical elements (``BY-NC-SA``), version and port (``jp``).

    A port is kept only where that ported version can exist (≤ 3.0); a
    version that CC never published is dropped. The URI is set only when the
    version is known.
    """
    if version not in CC_VERSIONS:
        version, port = None, None
    if port and (version is None or version == "4.0" or not port.isalpha() or len(port) != 2):
        port = None
    code = f"CC-{elements}"
    if version is None:
        return Licence(code)
    code += f"-{version}" + (f"-{port.upper()}" if port else "")
    if port is None and version not in _CC_UNPORTED:
        return Licence(code)
    path = elements.lower() + f"/{version}/" + (f"{port.lower()}/" if port else "")
    return Licence(code, f"http://creativecommons.org/licenses/{path}")


def find_rs_licence(rs_id: str) -> Licence | None:
    """A RightsStatements.org statement from its ID, matched case-insensitively."""
    canonical = _RS_BY_FOLDED.get(rs_id.casefold())
    if canonical is None:
        return None
    return Licence(f"RS-{canonical}", f"http://rightsstatements.org/vocab/{canonical}/1.0/")


def parse_licence_token(token: str) -> Licence | None:
    """A known whole-value code (``pdm``, ``CC-BY``, ``ccbysa``, ``all-rights-reserved`` …)."""
    key = " ".join(token.split()).casefold().strip(" .;,")
    code = _TOKENS.get(key)
    if code is None:
        return None
    if code in PD_TOOLS:
        return Licence(code, PD_TOOLS[code])
    if code.startswith("RS-") and key not in {"all-rights-reserved", "all rights reserved"}:
        return find_rs_licence(code[3:])
    return Licence(code)


def parse_licence_uri(uri: str) -> Licence | None:
    """The canonical licence of a CC, RightsStatements.org or legacy Europeana URI."""
    text = uri.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        text = "http://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").casefold().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if host == "creativecommons.org":
        return _cc_from_path(segments)
    if host == "rightsstatements.org":
        if len(segments) >= 2 and segments[0].casefold() in {"page", "vocab", "data"}:
            return find_rs_licence(segments[1])
        return None
    if host == "europeana.eu" and len(segments) >= 2 and segments[0].casefold() == "rights":
        rs_id = _EUROPEANA.get(segments[1].casefold())
        return find_rs_licence(rs_id) if rs_id else None
    return None


def _cc_from_path(segments: list[str]) -> Licence | None:
    lowered = [s.casefold() for s in segments]
    if len(lowered) >= 2 and lowered[0] == "publicdomain":
        tool = {"zero": "CC0-1.0", "mark": "PDM-1.0"}.get(lowered[1])
        return Licence(tool, PD_TOOLS[tool]) if tool else None
    if lowered[:2] == ["share-your-work", "public-domain"] and len(lowered) >= 3:
        tool = {"cc0": "CC0-1.0", "pdm": "PDM-1.0"}.get(lowered[2])
        return Licence(tool, PD_TOOLS[tool]) if tool else None
    if len(lowered) < 2 or lowered[0] != "licenses" or lowered[1] not in CC_TYPES:
        return None
    elements = CC_TYPES[lowered[1]]
    version = lowered[2] if len(lowered) > 2 and re.fullmatch(r"\d\.\d", lowered[2]) else None
    port = None
    if version and len(lowered) > 3 and re.fullmatch(r"[a-z]{2}", lowered[3]):
        port = lowered[3]
    return make_cc_licence(elements, version, port)


def strip_version(code: str) -> str:
    """The code without version and port: ``CC-BY-NC`` for ``CC-BY-NC-2.1-JP``."""
    match = _CC_CODE.match(code)
    if match:
        return "CC-BY" + (match.group("nc") or "") + (match.group("mod") or "")
    return code.removesuffix("-1.0")
