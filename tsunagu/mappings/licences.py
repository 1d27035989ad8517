"""The rights vocabularies: Creative Commons, public-domain tools, RightsStatements.org.

Turns one URI or one short token into a canonical code and URI (``rights.md``
§1.1, §1.2, §1.3 PDL1.0, §1.5, §3.4 steps 2–3, §4 rows 1–39, 64). What each code
allows is in :mod:`tsunagu.mappings.rights_terms`; Japan Search codes in
:mod:`tsunagu.mappings.jpsearch_codes`; free-text rules in
:mod:`tsunagu.mappings.rights_text`.

Canonical URIs use ``http://`` and a trailing slash, RightsStatements
``/vocab/``; no ``deed``, ``legalcode``, language or query.
"""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlsplit

from tsunagu.mappings.jpsearch_codes import JPS_CODES
from tsunagu.mappings.rights_terms import RS_IDS, classify_reuse, terms_of
from tsunagu.records import ReuseLevel, RightsFamily

CC_VERSIONS = frozenset({"1.0", "2.0", "2.1", "2.5", "3.0", "4.0"})
#: Versions that exist unported (2.1 exists only as jurisdiction ports).
_CC_UNPORTED = frozenset({"1.0", "2.0", "2.5", "3.0", "4.0"})
#: CC licence paths and their canonical element order (``by-nd-nc`` is a legacy spelling).
CC_TYPES = {
    "by": "BY", "by-sa": "BY-SA", "by-nd": "BY-ND", "by-nc": "BY-NC",
    "by-nc-sa": "BY-NC-SA", "by-nc-nd": "BY-NC-ND", "by-nd-nc": "BY-NC-ND",
}
#: The 12 RightsStatements.org IDs (canonical case) and their reuse levels.
RS_LEVELS: dict[str, ReuseLevel] = {rs_id: terms_of(f"RS-{rs_id}").reuse for rs_id in RS_IDS}
_RS_BY_FOLDED = {rs_id.casefold(): rs_id for rs_id in RS_LEVELS}
#: Legacy Europeana statements (``rights.md`` §1.5).
_EUROPEANA = {"rr-f": "InC", "rr-p": "InC", "rr-r": "InC", "unknown": "UND",
              "out-of-copyright-non-commercial": "NoC-NC"}
#: Public-domain tools: code → canonical URI.
PD_TOOLS = {
    "CC0-1.0": "http://creativecommons.org/publicdomain/zero/1.0/",
    "PDM-1.0": "http://creativecommons.org/publicdomain/mark/1.0/",
}
#: Public Data License 1.0 (rights.md §1.3): any URL containing its page name.
PDL_URI = "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"
#: Whole-value codes (case-insensitive) seen in feeds besides Japan Search's.
_TOKENS = {
    **JPS_CODES,
    "all-rights-reserved": "RS-InC", "all rights reserved": "RS-InC",
    "pdl1.0": "JP-PDL-1.0", "pdl 1.0": "JP-PDL-1.0",
    # NDL access labels that say re-use is not licensed (rights.md §4 rows 52–53).
    "インターネット公開(裁定)": "RS-InC", "図書館・個人送信限定": "RS-InC",
    "国立国会図書館内限定": "RS-InC",
    # SPDX identifiers (DataCite rightsIdentifier).
    "cc-by-4.0": "CC-BY-4.0", "cc-by-sa-4.0": "CC-BY-SA-4.0", "cc-by-nc-4.0": "CC-BY-NC-4.0",
    "cc-by-nd-4.0": "CC-BY-ND-4.0", "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0",
    "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0", "cc0-1.0": "CC0-1.0",
    # RightsStatements.org English labels as text.
    **{label.casefold(): f"RS-{rs_id}" for rs_id, label in (
        ("InC", "In Copyright"), ("InC-EDU", "In Copyright - Educational Use Permitted"),
        ("InC-NC", "In Copyright - Non-Commercial Use Permitted"),
        ("InC-RUU", "In Copyright - Rights-holder(s) Unlocatable or Unidentifiable"),
        ("InC-OW-EU", "In Copyright - EU Orphan Work"),
        ("NoC-CR", "No Copyright - Contractual Restrictions"),
        ("NoC-NC", "No Copyright - Non-Commercial Use Only"),
        ("NoC-OKLR", "No Copyright - Other Known Legal Restrictions"),
        ("NoC-US", "No Copyright - United States"), ("CNE", "Copyright Not Evaluated"),
        ("UND", "Copyright Undetermined"), ("NKC", "No Known Copyright"),
        ("NKC", "No known copyright restrictions"),
    )},
}
_CC_CODE = re.compile(
    r"^CC-BY(?P<nc>-NC)?(?P<mod>-ND|-SA)?(?:-(?P<version>\d\.\d)(?:-(?P<port>[A-Z]{2}))?)?$"
)


@dataclasses.dataclass(frozen=True)
class Licence:
    """A recognised statement: canonical code and, where one exists, canonical URI."""

    code: str
    uri: str | None = None
    #: Set only where the family is not the code's own (legacy Europeana URIs).
    family: RightsFamily | None = None

    @property
    def reuse(self) -> ReuseLevel:
        return classify_reuse(self.code)


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
    key = " ".join(token.split()).casefold().strip(" .;,").replace("–", "-")
    code = _TOKENS.get(key)
    if code is None:
        return None
    if code in PD_TOOLS:
        return Licence(code, PD_TOOLS[code])
    if code == "JP-PDL-1.0":
        return Licence(code, PDL_URI)
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
    if host == "digital.go.jp" and "public_data_license_v1.0" in parts.path.casefold():
        return Licence("JP-PDL-1.0", PDL_URI)
    segments = [s for s in parts.path.split("/") if s]
    if host == "creativecommons.org":
        return _cc_from_path(segments)
    if host == "rightsstatements.org":
        if len(segments) >= 2 and segments[0].casefold() in {"page", "vocab", "data"}:
            return find_rs_licence(segments[1])
        return None
    if host == "europeana.eu" and len(segments) >= 2 and segments[0].casefold() == "rights":
        rs_id = _EUROPEANA.get(segments[1].casefold())
        found = find_rs_licence(rs_id) if rs_id else None
        return dataclasses.replace(found, family=RightsFamily.EUROPEANA_LEGACY) if found else None
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
