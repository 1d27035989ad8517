"""Names of creators, contributors and publishers as :class:`Agent` values.

Japanese catalogues append the role to the name (「葛飾北斎 画」, 「木下幸文∥著」,
「上田秋成 [著]」); the role word moves to ``role_raw`` and the name is kept as
given otherwise (``formats.md`` §6). A role word is only taken when something
separates it from the name (a space, ``∥``, ``/`` or brackets), so that a name
that happens to end in 「画」 or 「作」 stays whole.
"""

from __future__ import annotations

import re

from tsunagu.records import Agent

#: Role words found after Japanese names. Single characters that are also common
#: given names (文, 絵 …) are left out: 「山田 文」 is a name.
ROLE_WORDS = (
    "原作", "原著", "編著", "編集", "編纂", "編輯", "編述", "著作", "著者", "編者", "監修",
    "校訂", "校注", "校閲", "校正", "翻訳", "作画", "画作", "口述", "撰述", "撰文", "注釈",
    "作曲", "作詞", "撮影", "画", "著", "編", "撰", "校", "訳", "詠", "補", "作", "書", "筆",
    "述", "注", "註", "纂", "輯", "写", "序", "跋", "刻", "彫", "摺",
)
_ROLE_ALTERNATION = "|".join(sorted(ROLE_WORDS, key=len, reverse=True))
_TRAILING_ROLE = re.compile(
    rf"^(?P<name>.+?)(?:\s*[\[［(（〔](?P<bracketed>{_ROLE_ALTERNATION})[\]］)）〕]"
    rf"|(?:\s+|\s*[∥‖|/／]\s*)(?P<plain>{_ROLE_ALTERNATION}))\s*[.。]?$"
)


def split_role(text: str) -> tuple[str, str | None]:
    """The name and the trailing role word (``None`` when there is none).

    >>> split_role("葛飾北斎 画")
    ('葛飾北斎', '画')
    >>> split_role("上田秋成 [著]")
    ('上田秋成', '[著]')
    """
    value = " ".join(text.split())
    match = _TRAILING_ROLE.match(value)
    if match is None:
        return value, None
    name = match.group("name").strip(" ,、∥‖|/／")
    if not name:
        return value, None
    bracketed = match.group("bracketed")
    if bracketed:
        return name, f"[{bracketed}]"
    return name, match.group("plain")


def make_agent(text: str, role: str) -> Agent:
    """An :class:`Agent` with ``role`` (creator, contributor, publisher) and any role word."""
    name, role_raw = split_role(text)
    return Agent(name=name, role=role, role_raw=role_raw)
