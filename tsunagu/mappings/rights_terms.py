"""What each canonical rights code allows: flags, reuse level, family, version and port.

One table for every code tsunagu gives (``rights.md`` §1.1 CC licences and
public-domain tools, §1.2 the 12 RightsStatements.org statements, §1.3 the
Japanese government terms, §1.4 the 自由利用マーク, §2.6 the levels). Free-text
readings build their own :class:`Terms` (:mod:`tsunagu.mappings.rights_text`);
everything unrecognised has :data:`UNKNOWN_TERMS`.

``education`` is an explicit educational permission, never the Copyright Act
Art. 35 exception; ``online`` is publication on the web.
"""

from __future__ import annotations

import dataclasses
import re

from tsunagu.records import Permission, ReuseLevel, RightsFamily

YES, COND, NO, UNK = Permission.YES, Permission.CONDITIONAL, Permission.NO, Permission.UNKNOWN

#: The 12 RightsStatements.org IDs in canonical case.
RS_IDS = ("InC", "InC-OW-EU", "InC-EDU", "InC-NC", "InC-RUU", "NoC-CR", "NoC-NC", "NoC-OKLR",
          "NoC-US", "CNE", "UND", "NKC")

_CC_CODE = re.compile(
    r"^CC-BY(?P<nc>-NC)?(?P<mod>-ND|-SA)?(?:-(?P<version>\d\.\d)(?:-(?P<port>[A-Z]{2}))?)?$"
)
_PERMISSION_ORDER = {YES: 0, COND: 1, UNK: 2, NO: 3}


@dataclasses.dataclass(frozen=True)
class Terms:
    """The flags and reuse level of one statement (``rights.md`` §3.1, §3.2)."""

    reuse: ReuseLevel = ReuseLevel.UNKNOWN
    commercial: Permission = UNK
    modify: Permission = UNK
    education: Permission = UNK
    online: Permission = UNK
    attribution: bool = False
    share_alike: bool = False
    public_domain: bool = False
    other_restrictions: bool = False
    needs_check: bool = False


UNKNOWN_TERMS = Terms(needs_check=True)


def _terms(reuse: ReuseLevel, flags: str, **extra: bool) -> Terms:
    """``flags`` = commercial, modify, education, online as Y/C/N/? letters."""
    letters = {"Y": YES, "C": COND, "N": NO, "?": UNK}
    commercial, modify, education, online = (letters[letter] for letter in flags)
    return Terms(reuse, commercial, modify, education, online, **extra)


OPEN, CONDITIONAL = ReuseLevel.OPEN, ReuseLevel.CONDITIONAL
EDUCATION, NO_REUSE, UNKNOWN = ReuseLevel.EDUCATION, ReuseLevel.NO_REUSE, ReuseLevel.UNKNOWN

#: CC licence elements → terms (rights.md §1.1); every CC licence allows education and online.
_CC_TERMS = {
    "BY": _terms(OPEN, "YYYY", attribution=True),
    "BY-SA": _terms(OPEN, "YYYY", attribution=True, share_alike=True),
    "BY-ND": _terms(CONDITIONAL, "YNYY", attribution=True),
    "BY-NC": _terms(CONDITIONAL, "NYYY", attribution=True),
    "BY-NC-SA": _terms(CONDITIONAL, "NYYY", attribution=True, share_alike=True),
    "BY-NC-ND": _terms(CONDITIONAL, "NNYY", attribution=True),
}

_FIXED_TERMS = {
    "CC0-1.0": _terms(OPEN, "YYYY", public_domain=True),
    "PDM-1.0": _terms(OPEN, "YYYY", public_domain=True),
    # RightsStatements.org (rights.md §1.2, §2.6, §4 rows 19–30).
    "RS-InC": _terms(NO_REUSE, "NNNN"),
    "RS-InC-OW-EU": _terms(NO_REUSE, "NNNN"),  # the EU exception does not apply in Japan
    "RS-InC-RUU": _terms(NO_REUSE, "NNNN"),
    "RS-InC-EDU": _terms(EDUCATION, "N?YC"),
    "RS-InC-NC": _terms(CONDITIONAL, "N?YC", needs_check=True),
    "RS-NoC-NC": _terms(CONDITIONAL, "NYYC", public_domain=True),
    "RS-NoC-CR": _terms(CONDITIONAL, "??CC", public_domain=True, other_restrictions=True,
                        needs_check=True),
    "RS-NoC-OKLR": _terms(CONDITIONAL, "??CC", public_domain=True, other_restrictions=True,
                          needs_check=True),
    "RS-NoC-US": _terms(UNKNOWN, "????", needs_check=True),  # PD in the US only
    "RS-CNE": _terms(UNKNOWN, "????", needs_check=True),
    "RS-UND": _terms(UNKNOWN, "????", needs_check=True),
    # "No known copyright": the provider's belief, not a grant — never open unchecked.
    "RS-NKC": _terms(UNKNOWN, "????", needs_check=True),
    # Japanese government terms (rights.md §1.3): free re-use with 出典.
    "JP-PDL-1.0": _terms(OPEN, "YYYY", attribution=True),
    "JP-GSTU-2.0": _terms(OPEN, "YYYY", attribution=True),
    # 1.0 had a clause prohibiting some uses; a version-less mention may be either.
    "JP-GSTU-1.0": _terms(CONDITIONAL, "YYYY", attribution=True, other_restrictions=True,
                          needs_check=True),
    "JP-GSTU": _terms(CONDITIONAL, "YYYY", attribution=True, other_restrictions=True,
                      needs_check=True),
    # 自由利用マーク (rights.md §1.4).
    "JP-FUM-COPY": _terms(CONDITIONAL, "CNCN", other_restrictions=True),
    "JP-FUM-DISABLED": _terms(CONDITIONAL, "NY?C", other_restrictions=True),
    "JP-FUM-SCHOOL": _terms(EDUCATION, "N?Y?", needs_check=True),
}

_FAMILY_PREFIXES = (
    ("RS-", RightsFamily.RIGHTS_STATEMENTS),
    ("JP-FUM-", RightsFamily.JP_FREE_USE_MARK),
    ("JP-", RightsFamily.JP_GOV_TERMS),
)


def terms_of(code: str) -> Terms:
    """The terms of a canonical code; :data:`UNKNOWN_TERMS` for anything else.

    A CC licence without a version (``CC-BY`` from a Japan Search code or a bare
    token) keeps its flags but ``needs_check``: the version is not known.
    """
    fixed = _FIXED_TERMS.get(code)
    if fixed is not None:
        return fixed
    match = _CC_CODE.match(code)
    if match is None:
        return UNKNOWN_TERMS
    elements = "BY" + (match.group("nc") or "") + (match.group("mod") or "")
    terms = _CC_TERMS[elements]
    if match.group("version") is None:
        return dataclasses.replace(terms, needs_check=True)
    return terms


def classify_reuse(code: str) -> ReuseLevel:
    """The reuse level of a canonical code; anything unrecognised is ``UNKNOWN``."""
    return terms_of(code).reuse


def family_of(code: str) -> RightsFamily:
    if code in {"CC0-1.0", "PDM-1.0"}:
        return RightsFamily.CC_TOOL
    if _CC_CODE.match(code):
        return RightsFamily.CC_LICENSE
    if code == "CUSTOM":
        return RightsFamily.CUSTOM
    for prefix, family in _FAMILY_PREFIXES:
        if code.startswith(prefix) and code in _FIXED_TERMS:
            return family
    return RightsFamily.NONE


def version_of(code: str) -> tuple[str | None, str | None]:
    """``(version, port)`` of a code: ``("2.1", "jp")`` for ``CC-BY-2.1-JP``."""
    match = _CC_CODE.match(code)
    if match:
        port = match.group("port")
        return match.group("version"), port.lower() if port else None
    found = re.search(r"-(\d\.\d)$", code)
    return (found.group(1) if found else None), None


def strictest(first: Permission, second: Permission) -> Permission:
    """The more restrictive of two permissions (no < unknown < conditional < yes)."""
    return first if _PERMISSION_ORDER[first] >= _PERMISSION_ORDER[second] else second


def meet(terms: list[Terms]) -> Terms:
    """The terms that satisfy all of ``terms``: highest level, AND of permissions."""
    result = terms[0]
    for other in terms[1:]:
        result = Terms(
            reuse=max(result.reuse, other.reuse, key=lambda level: level.rank),
            commercial=strictest(result.commercial, other.commercial),
            modify=strictest(result.modify, other.modify),
            education=strictest(result.education, other.education),
            online=strictest(result.online, other.online),
            attribution=result.attribution or other.attribution,
            share_alike=result.share_alike or other.share_alike,
            public_domain=result.public_domain and other.public_domain,
            other_restrictions=result.other_restrictions or other.other_restrictions,
            needs_check=result.needs_check or other.needs_check,
        )
    return result


def is_restrictive(terms: Terms) -> bool:
    """True when ``terms`` rule something out (a ``no`` or a level beyond conditional)."""
    flags = (terms.commercial, terms.modify, terms.education, terms.online)
    return NO in flags or terms.reuse in {EDUCATION, NO_REUSE}


def implies(licence: Terms, text: Terms) -> bool:
    """True when every restriction of a text reading is already in ``licence``."""
    pairs = ((licence.commercial, text.commercial), (licence.modify, text.modify),
             (licence.education, text.education), (licence.online, text.online))
    if any(said is NO and known is not NO for known, said in pairs):
        return False
    if text.reuse in {EDUCATION, NO_REUSE} and licence.reuse.rank < text.reuse.rank:
        return False
    return not (text.other_restrictions and not licence.other_restrictions)
