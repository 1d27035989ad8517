"""Rights strings → canonical code, URI and reuse level (``rights.md`` §1, §3, §4)."""

from __future__ import annotations

import itertools
import re

import pytest

from tsunagu.mappings.licences import CC_TYPES, CC_VERSIONS, RS_LEVELS, classify_reuse
from tsunagu.mappings.rights import (
    assess_rights,
    derive_rights_set,
    extract_copyright_notice,
    is_open_code,
    normalize_rights,
)
from tsunagu.records import (
    Media,
    Permission,
    ReuseLevel,
    RightsFamily,
    RightsMethod,
    RightsOrigin,
    Source,
)

OPEN = ReuseLevel.OPEN
COND = ReuseLevel.CONDITIONAL
EDU = ReuseLevel.EDUCATION
NO = ReuseLevel.NO_REUSE
UNK = ReuseLevel.UNKNOWN

#: The only codes that may be open: PDM, CC0, CC BY and CC BY-SA (any version and port).
OPEN_ALLOW_LIST = re.compile(
    r"PDM-1\.0|CC0-1\.0|CC-BY(?:-SA)?(?:-\d\.\d(?:-[A-Z]{2})?)?|JP-PDL-1\.0|JP-GSTU-2\.0"
)

NEVER_OPEN = [
    "Public Domain", "public domain", "パブリックドメイン", "著作権保護期間満了",
    "インターネット公開（保護期間満了）", "No known copyright restrictions", "自由に利用できます",
    "ご自由にお使いください", "出典を明記すれば商用利用も含め自由に利用できます",
    "商用利用可", "二次利用可", "free to use", "Open", "open access", "open data",
    "政府標準利用規約（第1.0版）", "政府標準利用規約", "商用利用可。ただし改変不可",
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


@pytest.mark.parametrize("value", NEVER_OPEN)
def test_free_text_and_unknown_uris_are_never_open(value: str) -> None:
    assert normalize_rights([value]).reuse is not OPEN


def test_reuse_level_of_every_code_respects_the_allow_list() -> None:
    codes = ["PDM-1.0", "CC0-1.0", "CUSTOM", "UNKNOWN", "CC-BY-NC-ND-9.9", "CC-SA-1.0",
             "JP-PDL-1.0", "JP-GSTU-2.0", "JP-GSTU-1.0", "JP-GSTU", "JP-FUM-COPY", "PDM", "CC0",
             "cc-by", "CC-BY-4.0-jp", ""]
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


def test_family_version_and_port() -> None:
    rights = normalize_rights(["http://creativecommons.org/licenses/by-nc-sa/2.1/jp/deed.ja"])
    assert (rights.family, rights.version, rights.jurisdiction) == (
        RightsFamily.CC_LICENSE, "2.1", "jp")
    assert normalize_rights(["pdm"]).family is RightsFamily.CC_TOOL
    assert normalize_rights(["incr_edu"]).family is RightsFamily.RIGHTS_STATEMENTS
    assert normalize_rights(["http://www.europeana.eu/rights/rr-f/"]).family is (
        RightsFamily.EUROPEANA_LEGACY)
    assert normalize_rights(["公共データ利用規約（第1.0版）"]).family is RightsFamily.JP_GOV_TERMS
    assert normalize_rights(["「学校教育のための非営利目的利用」OK"]).family is (
        RightsFamily.JP_FREE_USE_MARK)
    assert normalize_rights(["ご自由にお使いください"]).family is RightsFamily.CUSTOM


def test_a_metadata_sentence_sets_the_metadata_scope() -> None:
    value = ("Crown copyright (All metadata for this record is available under the Creative "
             "Commons Attribution 3.0 New Zealand licence.)")
    assessed = assess_rights([value])
    assert assessed.rights.code == "UNKNOWN"
    assert assessed.metadata is not None and assessed.metadata.code == "CC-BY-3.0-NZ"
    source = Source(id="s", name="S", base_url="https://example.jp/oai", metadata_rights="cc0")
    rights_set, _ = derive_rights_set(["メタデータはCC0、画像はCC BY 4.0で提供します"], source)
    assert (rights_set.content.code, rights_set.metadata.code) == ("CC-BY-4.0", "CC0-1.0")
    assert derive_rights_set(["CC BY 4.0"], source)[0].metadata.code == "CC0-1.0"


def test_media_rights_win_over_item_rights() -> None:
    source = Source(id="s", name="S", base_url="https://example.jp/oai")
    photo = normalize_rights(["https://creativecommons.org/licenses/by/2.1/jp/"])
    media = (Media("https://img.example/1.jpg", rights=photo),)
    rights_set, warnings = derive_rights_set(["パブリックドメイン"], source, media=media)
    assert (rights_set.content.code, rights_set.content.origin) == ("CC-BY-2.1-JP",
                                                                  RightsOrigin.MEDIA)
    assert warnings == ()
    two = (*media, Media("https://img.example/2.jpg", rights=normalize_rights(["incr"])))
    rights_set, warnings = derive_rights_set([], source, media=two)
    assert rights_set.content.code == "RS-InC" and rights_set.content.needs_check
    assert warnings == ("rights_conflict",)
    cc0 = normalize_rights(["cc0"])
    thumb = (Media("https://img.example/t.jpg", role="thumbnail", rights=cc0),)
    rights_set, _ = derive_rights_set(["incr"], source, media=thumb)
    assert (rights_set.content.code, rights_set.thumbnail.code) == ("RS-InC", "CC0-1.0")


def test_wording_a_licence_already_implies_is_not_a_conflict() -> None:
    springfield = ("Any commercial use without written permission from Springfield College is "
                   "strictly prohibited.")
    assessed = assess_rights(["http://rightsstatements.org/vocab/InC-EDU/1.0/", springfield])
    assert (assessed.rights.code, assessed.warnings) == ("RS-InC-EDU", ())
    assessed = assess_rights(["CC BY-NC 4.0", "商用利用不可"])
    assert (assessed.rights.code, assessed.warnings) == ("CC-BY-NC-4.0", ())


def test_restrictive_wording_beside_an_open_licence_wins() -> None:
    assessed = assess_rights(["CC BY 4.0", "商用利用不可"])
    assert assessed.rights.reuse is COND and assessed.rights.code == "CUSTOM"
    assert assessed.rights.commercial is Permission.NO
    assert assessed.rights.needs_check and assessed.warnings == ("rights_conflict",)


def test_permissive_wording_beside_a_strict_licence_keeps_the_licence() -> None:
    assessed = assess_rights(["http://rightsstatements.org/vocab/InC/1.0/",
                              "ご自由にお使いください"])
    assert (assessed.rights.code, assessed.rights.reuse) == ("RS-InC", NO)
    assert assessed.rights.needs_check and assessed.warnings == ()


def test_a_terms_page_beside_a_licence_needs_checking() -> None:
    rights = normalize_rights(["CC BY 4.0", "https://museum.example.jp/terms.html"])
    assert (rights.code, rights.reuse, rights.needs_check) == ("CC-BY-4.0", OPEN, True)
    assert not normalize_rights(["CC BY 4.0"]).needs_check


def test_copyright_notice_is_kept() -> None:
    assessed = assess_rights(["CC BY-SA 4.0 © 2019 ○○美術館"])
    assert assessed.copyright_notice == "© 2019 ○○美術館"
    assert assessed.rights.code == "CC-BY-SA-4.0"
    assert extract_copyright_notice(["CC BY 4.0"]) is None
    assert normalize_rights(["PDM", "© 2014 Museum"]).needs_check  # PD tool contradicted
