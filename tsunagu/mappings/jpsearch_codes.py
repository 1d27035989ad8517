"""Japan Search's ``contentsRightsType`` codes and labels → tsunagu canonical codes.

The 15 rights codes of Japan Search (``rights.md`` §2.1; facet key ``rights``)
and the Japanese labels it shows for them, as they appear in feeds that copy
them (NDL Search, for example, gives 「著作権なし-契約による制限あり」). The
purpose groups ``com``, ``noncom`` and ``edu`` are filters, not statements, and
are not read. A CC code carries no version, so its canonical code has none
(``CC-BY``) and needs checking; ``others`` means institution-specific terms
(``CUSTOM``).
"""

from __future__ import annotations

#: Japan Search code (lower case) → canonical code.
JPS_CODES: dict[str, str] = {
    "pdm": "PDM-1.0",
    "cc0": "CC0-1.0",
    "ccby": "CC-BY",
    "ccbysa": "CC-BY-SA",
    "ccbync": "CC-BY-NC",
    "ccbyncsa": "CC-BY-NC-SA",
    "ccbynd": "CC-BY-ND",
    "ccbyncnd": "CC-BY-NC-ND",
    "incr": "RS-InC",
    "incr_edu": "RS-InC-EDU",
    "nocr_cont": "RS-NoC-CR",
    "nocr_other": "RS-NoC-OKLR",
    "uneval": "RS-CNE",
    "undet": "RS-UND",
    "others": "CUSTOM",
    # The labels Japan Search shows for the codes.
    "著作権あり": "RS-InC",
    "著作権あり-教育目的の利用可": "RS-InC-EDU",
    "著作権なし-契約による制限あり": "RS-NoC-CR",
    "著作権なし-他の法的制限あり": "RS-NoC-OKLR",
    "著作権未評価": "RS-CNE",
    "著作権未決定-裁定制度利用著作物": "RS-UND",
}

#: The inverse for the RS and tool codes Japan Search has (export, reports).
CANONICAL_TO_JPS: dict[str, str] = {
    code: jps for jps, code in JPS_CODES.items() if jps.isascii() and code != "CUSTOM"
}
