"""No string outside an explicit allow-list ever normalizes to ``open``.

The allow-list is a list of patterns a value must contain to be open: an open
licence or public-domain tool by URI, code or name, the government terms
(GSTU 2.0, PDL1.0), or wording that explicitly allows both commercial use and
modification. A deterministic corpus combines real fragments — restrictions,
permissive wording that is not both, public-domain claims, terms pages, ©,
exceptions, junk — two and three at a time; every combination without an
allow-listed fragment must not be open, and an allow-listed fragment next to a
restriction or an exception must not be open either. With ``hypothesis``
installed, random mixes of the same fragments and arbitrary text are tried too.
"""

from __future__ import annotations

import itertools
import re

import pytest

from tsunagu.mappings.rights import normalize_rights
from tsunagu.records import ReuseLevel

ALLOW_LIST = re.compile(
    r"creativecommons\.org/(?:licenses/by(?:-sa)?(?![a-z-])|publicdomain/(?:zero|mark)/|share-your-work)"
    r"|(?<![a-z])(?:pdm|cc0|ccby|ccbysa)(?![a-z])"
    r"|cc[\s-]*by(?![\s-]*n[cd](?![a-z]))|cc0|public domain mark"
    r"|creative commons (?:attribution|zero)"
    r"|クリエイティブ・コモンズ 表示"
    r"|政府標準利用規約（第2\.0版）|公共データ利用規約|public_data_license_v1\.0"
    r"|改変・商用利用を含め|改変・加工可、商用利用可",
    re.IGNORECASE,
)
#: Wording that allows commercial use, and wording that allows modification: open only together.
COMMERCIAL_ALLOWED = re.compile(r"商用利用可|商用・非商用を問わず|商用利用も含め")
MODIFICATION_ALLOWED = re.compile(r"改変可|改変・加工可")


def allowed_open(value: str) -> bool:
    """The explicit allow-list: an open licence named, or both permissions in words."""
    return bool(ALLOW_LIST.search(value) or (
        COMMERCIAL_ALLOWED.search(value) and MODIFICATION_ALLOWED.search(value)))

OPEN_FRAGMENTS = [
    "https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0", "ccbysa", "CC0 1.0", "pdm",
    "http://creativecommons.org/publicdomain/mark/1.0/", "政府標準利用規約（第2.0版）に準拠",
    "公共データ利用規約（第1.0版）", "出典を明記すれば、改変・商用利用を含め自由に利用できます",
]
OTHER_FRAGMENTS = [
    "パブリックドメイン", "Public Domain", "著作権保護期間満了",
    "インターネット公開（保護期間満了）",
    "No known copyright restrictions", "http://rightsstatements.org/vocab/NKC/1.0/",
    "自由に利用できます", "ご自由にお使いください", "商用利用可", "改変可", "二次利用可",
    "出典を明記すれば商用利用も含め自由に利用できます", "商用・非商用を問わず自由に利用できます",
    "free to use", "open access", "info:eu-repo/semantics/openAccess", "Open",
    "政府標準利用規約（第1.0版）", "政府標準利用規約", "「プリントアウト・コピー・無料配布」OK",
    "「学校教育のための非営利目的利用」OK", "CC BY-NC", "CC BY-ND 4.0", "CC", "by", "BY-SA",
    "Creative Commons", "https://creativecommons.org/licenses/", "https://example.jp/terms.html",
    "https://creativecommons.org.evil.example/licenses/by/4.0/", "©国立歴史民俗博物館",
    "Copyright 2019 ○○美術館", "水戸市立博物館", "著作権なし", "http://rightsstatements.org/vocab/CNE/1.0/",
    "incr_edu", "nocr_cont", "others", "", "　", "<b>", "CRHC v1.0", "MIT License",
]
RESTRICTIONS = ["無断転載を禁じます", "商用利用不可", "改変禁止", "要申請", "教育目的に限り利用可",
                "All rights reserved", "http://rightsstatements.org/vocab/InC/1.0/",
                "（ただし画像は除く）", "except images", "一部の資料を除く"]


def _is_open(values: list[str]) -> bool:
    return normalize_rights(values).reuse is ReuseLevel.OPEN


def test_the_allow_list_admits_the_open_fragments() -> None:
    for fragment in OPEN_FRAGMENTS:
        assert ALLOW_LIST.search(fragment), fragment
        assert _is_open([fragment]), fragment
    for fragment in OTHER_FRAGMENTS + RESTRICTIONS:
        assert not allowed_open(fragment), fragment
    assert _is_open(["商用利用可。改変可"])  # both permissions explicit
    assert not _is_open(["商用利用可", "改変可"])  # each value is read on its own


@pytest.mark.parametrize("size", [1, 2, 3])
def test_combinations_outside_the_allow_list_are_never_open(size: int) -> None:
    pool = OTHER_FRAGMENTS + RESTRICTIONS
    checked = 0
    for combination in itertools.combinations(pool, size):
        if size == 3 and hash(combination) % 7:  # a deterministic seventh of the triples
            continue
        for values in (list(combination), ["。".join(combination)], [" ".join(combination)]):
            if not allowed_open(" ".join(values)):
                assert not _is_open(values), values
            checked += 1
    assert checked > 100


def test_an_open_fragment_with_a_restriction_is_never_open() -> None:
    for fragment, restriction in itertools.product(OPEN_FRAGMENTS, RESTRICTIONS):
        for values in ([fragment, restriction], [f"{fragment}{restriction}"]):
            assert not _is_open(values), values


def test_every_open_value_contains_an_allow_listed_fragment() -> None:
    pool = OPEN_FRAGMENTS + OTHER_FRAGMENTS
    for first, second in itertools.combinations(pool, 2):
        value = f"{first} {second}"
        if _is_open([value]):
            assert allowed_open(value), value


def test_random_text_is_never_open() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    strategies = hypothesis.strategies

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(strategies.lists(
        strategies.one_of(strategies.sampled_from(OTHER_FRAGMENTS + RESTRICTIONS),
                          strategies.text(max_size=30)), max_size=4))
    def check(parts: list[str]) -> None:
        value = "".join(parts)
        if _is_open([value]):
            assert allowed_open(value), value

    check()
