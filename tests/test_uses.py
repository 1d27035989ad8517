"""Answers per intended use follow ``rights.md`` §3.5 for every kind of terms.

The rights are built by the real normalizer from real strings (see
``tests/mappings/test_rights_table.py`` for their sources).
"""

from __future__ import annotations

import pytest

from tsunagu.mappings.rights import normalize_rights
from tsunagu.records import Permission, ReuseLevel, Rights
from tsunagu.uses import (
    NOTE_ART35,
    Answer,
    IntendedUse,
    assess_use,
    assess_uses,
    permitted_use_flags,
)

Y, C, N, A = Answer.YES, Answer.WITH_CONDITIONS, Answer.NO, Answer.ASK_INSTITUTION

# value → answers for: class handout, class website, printed material, modified work, commercial
CASES = [
    ("https://creativecommons.org/publicdomain/mark/1.0/", (Y, Y, Y, Y, Y)),
    ("https://creativecommons.org/publicdomain/zero/1.0/deed.ja", (Y, Y, Y, Y, Y)),
    ("CC BY 4.0", (Y, Y, Y, C, Y)),
    ("http://creativecommons.org/licenses/by-sa/4.0/", (Y, Y, Y, C, Y)),
    ("https://creativecommons.org/licenses/by-nc/4.0/deed.ja", (Y, Y, C, C, N)),
    ("http://creativecommons.org/licenses/by-nd/4.0/", (C, C, C, N, C)),
    ("https://creativecommons.org/licenses/by-nc-nd/4.0/", (C, C, C, N, N)),
    ("ccby", (C, C, C, C, C)),  # version unknown: check the terms
    ("政府標準利用規約（第2.0版）に準拠", (Y, Y, Y, C, Y)),
    ("公共データ利用規約（第1.0版）（PDL1.0）", (Y, Y, Y, C, Y)),
    ("http://rightsstatements.org/vocab/InC-EDU/1.0/", (Y, C, A, A, A)),
    ("教育目的に限り利用可", (C, A, A, A, A)),
    ("http://rightsstatements.org/vocab/NoC-CR/1.0/", (C, C, C, A, A)),
    ("http://rightsstatements.org/vocab/NoC-NC/1.0/", (Y, C, C, C, N)),
    ("「プリントアウト・コピー・無料配布」OK", (C, N, C, N, C)),
    ("「学校教育のための非営利目的利用」OK", (C, A, A, A, A)),
    ("自由に利用可", (C, C, C, A, A)),
    ("非営利目的に限り利用可。商用利用は要申請。", (C, C, C, A, N)),
    ("http://rightsstatements.org/vocab/InC/1.0/", (A, A, A, A, A)),
    ("無断転載を禁じます", (A, A, A, A, A)),
    ("要問合せ", (A, A, A, A, A)),
    ("http://rightsstatements.org/vocab/CNE/1.0/", (A, A, A, A, A)),
    ("https://museum.umic.jp/iiif/license.html", (A, A, A, A, A)),
    ("水戸市立博物館", (A, A, A, A, A)),
]


@pytest.mark.parametrize(("value", "answers"), CASES)
def test_answers(value: str, answers: tuple[Answer, ...]) -> None:
    rights = normalize_rights([value])
    got = tuple(answer.answer for answer in assess_uses(rights))
    assert got == answers, (value, rights)
    for answer in assess_uses(rights):
        assert answer.reasons, answer
        if answer.answer is Answer.WITH_CONDITIONS:
            assert answer.conditions, answer


def test_conditions_name_what_to_do() -> None:
    nc_sa = normalize_rights(["http://creativecommons.org/licenses/by-nc-sa/2.1/jp/"])
    modified = assess_use(nc_sa, IntendedUse.MODIFIED_WORK)
    assert modified.answer is Answer.WITH_CONDITIONS
    assert set(modified.conditions) >= {"attribution", "non_commercial", "share_alike",
                                        "indicate_changes"}
    assert assess_use(nc_sa, IntendedUse.COMMERCIAL_PUBLICATION).reasons == ("not_commercial",)
    nd = normalize_rights(["https://creativecommons.org/licenses/by-nd/4.0/"])
    assert assess_use(nd, IntendedUse.MODIFIED_WORK).reasons == ("no_modification",)
    assert "no_modification" in assess_use(nd, IntendedUse.CLASS_HANDOUT).conditions
    copy = normalize_rights(["「プリントアウト・コピー・無料配布」OK"])
    assert assess_use(copy, IntendedUse.CLASS_WEBSITE).reasons == ("not_online",)


def test_art35_is_explained_never_counted_as_permission() -> None:
    in_copyright = normalize_rights(["http://rightsstatements.org/vocab/InC/1.0/"])
    for use in (IntendedUse.CLASS_HANDOUT, IntendedUse.CLASS_WEBSITE):
        answer = assess_use(in_copyright, use)
        assert answer.answer is Answer.ASK_INSTITUTION and answer.notes == (NOTE_ART35,)
    assert assess_use(in_copyright, IntendedUse.PRINTED_MATERIAL).notes == ()
    assert "education" not in permitted_use_flags(in_copyright)
    assert assess_use(normalize_rights(["CC BY 4.0"]), IntendedUse.CLASS_HANDOUT).notes == ()


def test_unknown_flags_are_never_yes() -> None:
    guessed = Rights(code="CUSTOM", reuse=ReuseLevel.OPEN, commercial=Permission.YES)
    assert assess_use(guessed, IntendedUse.MODIFIED_WORK).answer is Answer.ASK_INSTITUTION


@pytest.mark.parametrize(("value", "flags"), [
    ("CC BY 4.0", {"commercial", "modify", "education", "online"}),
    ("https://creativecommons.org/licenses/by-nc-nd/4.0/", {"education", "online"}),
    ("http://rightsstatements.org/vocab/InC-EDU/1.0/", {"education", "online"}),
    ("「プリントアウト・コピー・無料配布」OK", {"commercial", "education"}),
    ("http://rightsstatements.org/vocab/InC/1.0/", set()),
    ("", set()),
])
def test_permitted_use_flags_follow_the_answers(value: str, flags: set[str]) -> None:
    rights = normalize_rights([value])
    assert permitted_use_flags(rights) == flags
