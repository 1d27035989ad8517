"""Rights strings → canonical code, URI and reuse level (``rights.md`` §1, §3, §4)."""

from __future__ import annotations

import itertools
import re

import pytest

from tsunagu.mappings.licences import CC_TYPES, CC_VERSIONS, RS_LEVELS, classify_reuse
from tsunagu.mappings.rights import (
    assess_rights,
    derive_rights_set,
    is_open_code,
    normalize_rights,
)
from tsunagu.records import ReuseLevel, RightsMethod, RightsOrigin, Source

OPEN = ReuseLevel.OPEN
COND = ReuseLevel.CONDITIONAL
EDU = ReuseLevel.EDUCATION
NO = ReuseLevel.NO_REUSE
UNK = ReuseLevel.UNKNOWN

# (value as harvested, code, level)
IIIF_COLLECTIONS = [  # `license` of the IIIF collections in nakamura196/iiif @ f7bc811
    ("https://bird.bukkyo-u.ac.jp/collections/ojoyoshugikikanei18nen", "CUSTOM", UNK),
    ("https://creativecommons.org/licenses/by/3.0/", "CC-BY-3.0", OPEN),
    ("佛教大学図書館<br/>Bukkyo University Library", "UNKNOWN", UNK),
    ("水戸市立博物館", "UNKNOWN", UNK),
    ("http://rightsstatements.org/page/NoC-CR/1.0/", "RS-NoC-CR", COND),
    ("http://rightsstatements.org/vocab/InC/1.0/", "RS-InC", NO),
    ("http://rightsstatements.org/vocab/NoC-CR/1.0/", "RS-NoC-CR", COND),
    ("https://creativecommons.org/publicdomain/mark/1.0/", "PDM-1.0", OPEN),
    ('<a href="http://dcollections.lib.keio.ac.jp/ja/about" target="_blank">'
     "http://dcollections.lib.keio.ac.jp/ja/about</a>", "CUSTOM", UNK),
    ("https://archives.koyasan-u.ac.jp/resource/license/license_ja.html", "CUSTOM", UNK),
    ("CC-BY", "CC-BY", OPEN),
    ("以下URLを参照。https://archive.nakano-library.jp/horiekemonjo-howto/", "CUSTOM", UNK),
    ("http://creativecommons.org/publicdomain/mark/1.0/", "PDM-1.0", OPEN),
    ("https://creativecommons.org/share-your-work/public-domain/cc0", "CC0-1.0", OPEN),
    ("https://creativecommons.org/licenses/by-nc/4.0/deed.ja", "CC-BY-NC-4.0", COND),
    ("http://creativecommons.org/licenses/by-nc-sa/4.0/", "CC-BY-NC-SA-4.0", COND),
    ("https://www.sagalibdb.jp/info/", "CUSTOM", UNK),
    ("https://da.lib.shimane-u.ac.jp/static/license/SUL-Limited-NoC_license.html", "CUSTOM", UNK),
    ("https://da.lib.shimane-u.ac.jp/static/license/SUL-Open-NoC_license.html", "CUSTOM", UNK),
    ("http://dsr.nii.ac.jp/toyobunko/license/", "CUSTOM", UNK),
    ("http://creativecommons.org/licenses/by-nc/4.0/deed.ja", "CC-BY-NC-4.0", COND),
    ("https://creativecommons.org/publicdomain/zero/1.0/deed.ja", "CC0-1.0", OPEN),
    ("http://creativecommons.org/licenses/by-sa/4.0/", "CC-BY-SA-4.0", OPEN),
    ("http://www.lib.u-ryukyu.ac.jp/?p=10647", "CUSTOM", UNK),
    ("https://museum.umic.jp/iiif/license.html", "CUSTOM", UNK),
]
NDL_SEARCH = [  # `rights` of NDL Search records (nakamura196/ddc-tutorial2025)
    ("著作権なし-契約による制限あり", "RS-NoC-CR", COND),
    ("pdm; PDM", "PDM-1.0", OPEN),
    ("本資料の二次利用には事前の利用申請が必要です; Advance application is required to reuse "
     "the material; https://www.lib.kyushu-u.ac.jp/ja/services/visitors/copyright-guidance; "
     "https://www.lib.kyushu-u.ac.jp/en/services/visitors/copyright-guidance", "RS-InC", NO),
    ("CC-BY; http://www.archives.kyoto.jp/?page_id=7238; CC BY（表示）", "CC-BY", OPEN),
    ("著作権なし", "UNKNOWN", UNK),
]
NIJL = [  # s.license of NIJL 国書データベース records
    ("all-rights-reserved", "RS-InC", NO),
    ("CC-BY-SA", "CC-BY-SA", OPEN),
    ("CC-BY-NC-SA", "CC-BY-NC-SA", COND),
    ("CC-BY-ND", "CC-BY-ND", COND),
    ("CC-BY-NC-ND", "CC-BY-NC-ND", COND),
    ("CC-BY-NC", "CC-BY-NC", COND),
]
ZENODO = [  # dc:rights of the recorded Zenodo responses; ingestion3 txdl
    ("info:eu-repo/semantics/openAccess", "UNKNOWN", UNK),
    ("info:eu-repo/semantics/restrictedAccess", "UNKNOWN", UNK),
    ("https://creativecommons.org/licenses/by/4.0/legalcode", "CC-BY-4.0", OPEN),
    ("Creative Commons Attribution 4.0 International", "CC-BY-4.0", OPEN),
    ("https://creativecommons.org/licenses/by/1.0/legalcode", "CC-BY-1.0", OPEN),
    ("Creative Commons Attribution 1.0 Generic", "CC-BY-1.0", OPEN),
    ("https://creativecommons.org/publicdomain/zero/1.0/legalcode", "CC0-1.0", OPEN),
    ("Creative Commons Zero v1.0 Universal", "CC0-1.0", OPEN),
    ("https://creativecommons.org/licenses/by-nc/4.0/legalcode", "CC-BY-NC-4.0", COND),
    ("Creative Commons Attribution Non Commercial 4.0 International", "CC-BY-NC-4.0", COND),
    ("Creative Commons Attribution Non Commercial Share Alike 4.0 International",
     "CC-BY-NC-SA-4.0", COND),
    ("https://opensource.org/licenses/MIT", "CUSTOM", UNK),
    ("MIT License", "UNKNOWN", UNK),
    ("Apache License 2.0", "UNKNOWN", UNK),
    ("BSD 3-Clause Clear License", "UNKNOWN", UNK),
    ("Other (Not Open)", "UNKNOWN", UNK),
    ("Copeland Resonant Harmonic Formalism (CRHC v1.0)", "UNKNOWN", UNK),
    ("http://labs.metacarta.com/license-explanation.html#license", "CUSTOM", UNK),
    ("Please contact the Houston Metropolitan Research Center, Houston, Texas.", "UNKNOWN", UNK),
    ("http://rightsatement.org", "CUSTOM", UNK),
]
JAPAN_SEARCH = [  # contentsRightsType codes of the real jps-cross response
    ("ccby", "CC-BY", OPEN),
    ("ccbysa", "CC-BY-SA", OPEN),
    ("ccbyncnd", "CC-BY-NC-ND", COND),
    ("pdm", "PDM-1.0", OPEN),
    ("cc0", "CC0-1.0", OPEN),
    ("incr", "RS-InC", NO),
    ("incr_edu", "RS-InC-EDU", EDU),
    ("nocr_cont", "RS-NoC-CR", COND),
    ("nocr_other", "RS-NoC-OKLR", COND),
    ("uneval", "RS-CNE", UNK),
    ("undet", "RS-UND", UNK),
    ("others", "UNKNOWN", UNK),
]
REFERENCE = [  # rights.md §4 rows 1–33, 40–44 and the examples
    ("https://creativecommons.org/licenses/by/4.0", "CC-BY-4.0", OPEN),
    ("creativecommons.org/licenses/by-sa/4.0/deed.en", "CC-BY-SA-4.0", OPEN),
    ("http://creativecommons.org/licenses/by-nd/4.0/", "CC-BY-ND-4.0", COND),
    ("https://creativecommons.org/licenses/by-nc-nd/4.0/", "CC-BY-NC-ND-4.0", COND),
    ("https://creativecommons.org/licenses/by/2.1/jp/", "CC-BY-2.1-JP", OPEN),
    ("http://creativecommons.org/licenses/by-nc-sa/2.1/jp/deed.ja", "CC-BY-NC-SA-2.1-JP", COND),
    ("http://creativecommons.org/licenses/by-nc-nd/2.0/jp/legalcode", "CC-BY-NC-ND-2.0-JP", COND),
    ("https://creativecommons.org/licenses/by/3.0/deed.ja", "CC-BY-3.0", OPEN),
    ("http://creativecommons.org/licenses/by/3.0/nz/", "CC-BY-3.0-NZ", OPEN),
    ("https://www.creativecommons.org/licenses/by/4.0/", "CC-BY-4.0", OPEN),
    ("HTTPS://CreativeCommons.org/Licenses/BY-SA/4.0/", "CC-BY-SA-4.0", OPEN),
    ("https://creativecommons.org/publicdomain/mark/1.0/deed.ja", "PDM-1.0", OPEN),
    ("https://rightsstatements.org/page/InC-EDU/1.0/?language=en", "RS-InC-EDU", EDU),
    ("https://rightsstatements.org/page/NoC-CR/1.0/?language=ja", "RS-NoC-CR", COND),
    ("http://rightsstatements.org/vocab/inc-edu/1.0/", "RS-InC-EDU", EDU),
    ("http://rightsstatements.org/vocab/NoC-NC/1.0/", "RS-NoC-NC", COND),
    ("http://rightsstatements.org/vocab/NoC-OKLR/1.0/", "RS-NoC-OKLR", COND),
    ("http://rightsstatements.org/vocab/InC-NC/1.0/", "RS-InC-NC", COND),
    ("http://rightsstatements.org/vocab/InC-RUU/1.0/", "RS-InC-RUU", NO),
    ("http://rightsstatements.org/vocab/InC-OW-EU/1.0/", "RS-InC-OW-EU", NO),
    ("http://rightsstatements.org/vocab/CNE/1.0/", "RS-CNE", UNK),
    ("http://rightsstatements.org/vocab/UND/1.0/", "RS-UND", UNK),
    ("http://rightsstatements.org/vocab/NKC/1.0/", "RS-NKC", UNK),
    ("http://rightsstatements.org/vocab/NoC-US/1.0/", "RS-NoC-US", UNK),
    ("http://www.europeana.eu/rights/rr-f/", "RS-InC", NO),
    ("https://www.europeana.eu/rights/out-of-copyright-non-commercial/", "RS-NoC-NC", COND),
    ("http://www.europeana.eu/rights/unknown/", "RS-UND", UNK),
    ("CC BY 4.0", "CC-BY-4.0", OPEN),
    ("CC-BY 4.0 (Attribution)", "CC-BY-4.0", OPEN),
    ("CC BY", "CC-BY", OPEN),
    ("CC BY-NC-SA", "CC-BY-NC-SA", COND),
    ("CC BY（表示）", "CC-BY", OPEN),
    ("クリエイティブ・コモンズ 表示 4.0 国際 ライセンス", "CC-BY-4.0", OPEN),
    ("クリエイティブ・コモンズ・ライセンス（表示-非営利-改変禁止 2.1 日本）",
     "CC-BY-NC-ND-2.1-JP", COND),
    ('<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>', "CC-BY-4.0", OPEN),
    ("All rights reserved", "RS-InC", NO),
    ("無断転載を禁じます", "RS-InC", NO),
]
REAL = IIIF_COLLECTIONS + NDL_SEARCH + NIJL + ZENODO + JAPAN_SEARCH
TABLE = REAL + REFERENCE

#: The only codes that may be open: PDM, CC0, CC BY and CC BY-SA (any version and port).
OPEN_ALLOW_LIST = re.compile(r"PDM-1\.0|CC0-1\.0|CC-BY(?:-SA)?(?:-\d\.\d(?:-[A-Z]{2})?)?")

NEVER_OPEN = [
    "Public Domain", "public domain", "パブリックドメイン", "著作権保護期間満了",
    "インターネット公開（保護期間満了）", "No known copyright restrictions", "自由に利用できます",
    "ご自由にお使いください", "出典を明記すれば、改変・商用利用を含め自由に利用できます",
    "商用利用可", "二次利用可", "free to use", "Open", "open access", "open data",
    "政府標準利用規約（第2.0版）に準拠",
    "CC BY-NC", "CC BY-ND 4.0", "CC", "by", "BY-SA", "attribution", "Creative Commons",
    "Creative Commons licence chosen by the author", "creative commons licenses",
    "https://creativecommons.org/licenses/", "https://creativecommons.org/about/cclicenses/",
    "https://creativecommons.org/licenses/nc/1.0/", "https://creativecommons.org/licenses/sa/1.0/",
    "https://creativecommons.org/licenses/by-nd-sa/4.0/",
    "http://example.org/creativecommons.org/licenses/by/4.0/",
    "https://creativecommons.org.evil.example/licenses/by/4.0/",
    "http://rightsstatements.org/vocab/NKC/1.0/", "http://rightsstatements.org/vocab/XYZ/1.0/",
    "CC BY 4.0（ただし画像は除く）", "http://creativecommons.org/licenses/by/4.0/ except images",
    "©国立歴史民俗博物館", "Copyright 2019 ○○美術館", "ccess by", "accessible by anyone",
]


@pytest.mark.parametrize(("value", "code", "level"), TABLE)
def test_rights_table(value: str, code: str, level: ReuseLevel) -> None:
    rights = normalize_rights([value])
    assert (rights.code, rights.reuse) == (code, level)
    assert rights.raw == value
    assert rights.origin is RightsOrigin.ITEM


def test_table_is_large_enough() -> None:
    assert len(REAL) >= 40


@pytest.mark.parametrize("value", [row[0] for row in TABLE] + NEVER_OPEN)
def test_only_allow_listed_codes_are_open(value: str) -> None:
    rights = normalize_rights([value])
    if rights.reuse is OPEN:
        assert OPEN_ALLOW_LIST.fullmatch(rights.code), rights


@pytest.mark.parametrize("value", NEVER_OPEN)
def test_free_text_and_unknown_uris_are_never_open(value: str) -> None:
    assert normalize_rights([value]).reuse is not OPEN


def test_reuse_level_of_every_code_respects_the_allow_list() -> None:
    codes = ["PDM-1.0", "CC0-1.0", "CUSTOM", "UNKNOWN", "CC-BY-NC-ND-9.9", "CC-SA-1.0",
             "JP-PDL-1.0", "JP-GSTU-2.0", "PDM", "CC0", "cc-by", "CC-BY-4.0-jp", ""]
    codes += [f"RS-{rs_id}" for rs_id in RS_LEVELS]
    for elements in {*CC_TYPES.values(), "NC", "ND", "SA", "NC-SA", "BY-ND-SA"}:
        codes.append(f"CC-{elements}")
        for version, port in itertools.product(sorted(CC_VERSIONS), ["", "-JP", "-NZ"]):
            codes.append(f"CC-{elements}-{version}{port}")
    for code in codes:
        if classify_reuse(code) is OPEN:
            assert OPEN_ALLOW_LIST.fullmatch(code), code
            assert is_open_code(code)


@pytest.mark.parametrize(
    ("value", "uri"),
    [
        ("https://creativecommons.org/licenses/by/4.0/legalcode.ja",
         "http://creativecommons.org/licenses/by/4.0/"),
        ("https://creativecommons.org/licenses/by-nc-sa/2.1/jp/deed.ja",
         "http://creativecommons.org/licenses/by-nc-sa/2.1/jp/"),
        ("https://creativecommons.org/publicdomain/zero/1.0/deed.ja",
         "http://creativecommons.org/publicdomain/zero/1.0/"),
        ("https://rightsstatements.org/page/NoC-CR/1.0/?language=ja",
         "http://rightsstatements.org/vocab/NoC-CR/1.0/"),
        ("http://rightsstatements.org/vocab/inc/1.0/",
         "http://rightsstatements.org/vocab/InC/1.0/"),
        ("CC BY 4.0", "http://creativecommons.org/licenses/by/4.0/"),
        ("CC-BY", None),
        ("CC BY 2.1", None),
        ("pdm", "http://creativecommons.org/publicdomain/mark/1.0/"),
    ],
)
def test_canonical_uri(value: str, uri: str | None) -> None:
    assert normalize_rights([value]).uri == uri


@pytest.mark.parametrize(
    ("value", "method"),
    [
        ("https://creativecommons.org/licenses/by/4.0/", RightsMethod.URI),
        ("CC-BY-SA", RightsMethod.CODE),
        ("CC BY 4.0", RightsMethod.CODE),
        ("本画像はCC BY 4.0で提供します", RightsMethod.RULE),
        ("無断転載を禁じます", RightsMethod.RULE),
        ("水戸市立博物館", RightsMethod.NONE),
        ("https://museum.umic.jp/iiif/license.html", RightsMethod.URI),
    ],
)
def test_method(value: str, method: RightsMethod) -> None:
    assert normalize_rights([value]).method is method


def test_raw_keeps_every_value_as_received() -> None:
    values = ["CC-BY", " http://www.archives.kyoto.jp/?page_id=7238 ", "", "CC BY（表示）"]
    rights = normalize_rights(values)
    assert rights.raw == "CC-BY | http://www.archives.kyoto.jp/?page_id=7238 | CC BY（表示）"
    assert rights.code == "CC-BY"


def test_agreeing_values_are_not_a_conflict() -> None:
    assessed = assess_rights([
        "info:eu-repo/semantics/openAccess",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/legalcode",
    ])
    assert assessed.rights.code == "CC-BY-4.0"
    assert assessed.rights.method is RightsMethod.URI
    assert assessed.warnings == ()
    assert assess_rights(["CC-BY", "CC BY（表示）"]).warnings == ()
    assert assess_rights(["CC-BY", "CC BY 4.0"]).rights.code == "CC-BY-4.0"


def test_most_restrictive_wins_on_conflict() -> None:
    assessed = assess_rights([
        "https://creativecommons.org/licenses/by/4.0/",
        "http://rightsstatements.org/vocab/InC/1.0/",
    ])
    assert (assessed.rights.code, assessed.rights.reuse) == ("RS-InC", NO)
    assert assessed.warnings == ("rights_conflict",)
    assessed = assess_rights(["CC-BY-NC", "CC0"])
    assert (assessed.rights.code, assessed.rights.reuse) == ("CC-BY-NC", COND)
    assert "rights_conflict" in assessed.warnings


def test_two_open_licences_that_differ_are_a_conflict() -> None:
    assessed = assess_rights(["http://creativecommons.org/licenses/by/4.0/",
                              "http://creativecommons.org/licenses/by/3.0/"])
    assert assessed.rights.reuse is OPEN
    assert assessed.warnings == ("rights_conflict",)


def test_unrecognised_text_beside_a_licence_is_ignored() -> None:
    assessed = assess_rights(["Apache License 2.0", "CC BY-SA 4.0 © 2019 ○○美術館"])
    assert assessed.rights.code == "CC-BY-SA-4.0"
    assert assessed.warnings == ()


def test_exception_clause_keeps_an_open_licence_conditional() -> None:
    assessed = assess_rights(["http://creativecommons.org/licenses/by/4.0/（ただし画像は除く）"])
    assert assessed.rights.code == "CC-BY-4.0"
    assert assessed.rights.reuse is COND
    assert assessed.warnings == ("rights_exception",)


def test_unknown_gives_a_warning() -> None:
    assessed = assess_rights(["水戸市立博物館"])
    assert assessed.rights.code == "UNKNOWN"
    assert assessed.warnings == ("rights_unknown",)
    custom = assess_rights(["https://www.sagalibdb.jp/info/"]).rights
    assert (custom.code, custom.uri) == ("CUSTOM", "https://www.sagalibdb.jp/info/")


def test_no_value_and_no_default() -> None:
    assessed = assess_rights(["", "  "])
    assert assessed.rights.code == "UNKNOWN"
    assert assessed.rights.method is RightsMethod.NONE
    assert assessed.rights.origin is RightsOrigin.NONE
    assert assessed.warnings == ("no_rights",)


def test_default_applies_only_without_a_value() -> None:
    default = "https://creativecommons.org/licenses/by/4.0/"
    rights = normalize_rights([], default=default)
    assert (rights.code, rights.reuse, rights.raw) == ("CC-BY-4.0", OPEN, default)
    assert rights.method is RightsMethod.SOURCE_DEFAULT
    assert rights.origin is RightsOrigin.SOURCE_DEFAULT
    assert normalize_rights([""], default=default).code == "CC-BY-4.0"
    item = normalize_rights(["水戸市立博物館"], default=default)
    assert (item.code, item.origin) == ("UNKNOWN", RightsOrigin.ITEM)


def test_rights_set_scopes() -> None:
    source = Source(id="s", name="S", base_url="https://example.jp/oai",
                    default_rights="pdm", metadata_rights="http://creativecommons.org/publicdomain/zero/1.0/")
    rights_set, warnings = derive_rights_set(["CC BY-NC 4.0"], source)
    assert rights_set.content.code == "CC-BY-NC-4.0"
    assert rights_set.thumbnail == rights_set.content
    assert rights_set.metadata.code == "CC0-1.0"
    assert rights_set.metadata.origin is RightsOrigin.SOURCE_DEFAULT
    assert warnings == ()
    bare = Source(id="b", name="B", base_url="https://example.jp/oai")
    rights_set, warnings = derive_rights_set([], bare)
    assert rights_set.metadata.code == "UNKNOWN"
    assert warnings == ("no_rights",)
    rights_set, _ = derive_rights_set([], source)
    assert (rights_set.content.code, rights_set.content.origin) == (
        "PDM-1.0", RightsOrigin.SOURCE_DEFAULT
    )
