"""Names of creators, contributors and publishers as :class:`Agent` values.

Catalogues write more than the name (``formats.md`` §6). :func:`read_agents`
takes apart:

* NDL / MARC headings: 「夏目, 漱石, 1867-1916」, 「岳亭, 丘山, 江戸後期」 — the
  trailing dates move to ``life_dates``; the name stays as given (「夏目, 漱石」).
* Role words after the name: 「葛飾北斎 画」, 「木下幸文∥著」, 「上田秋成 [著]」,
  "Robert Blake (artist)" → ``role_raw``. A role word is only taken when
  something separates it from the name, so a name ending in 「画」 stays whole.
  The role word decides creator or contributor (:data:`ROLE_CLASSES`): 著 作 画
  撰 詠 筆 書 make a creator, 編 校 補 訳 序 … a contributor; publishers stay
  publishers, and unknown words leave the role given by the field.
* NIJL (国書データベース) names: 「葛飾/北斎（Katsushika Hokusai）  画」 — the slash
  between family and given name is removed (「葛飾北斎」), the romanization in
  brackets becomes an ``alt_names`` entry tagged ``ja-Latn``, a kana reading
  (「成田/孝信(なりた/たかのぶ)」) one tagged ``ja-Hira``/``ja-Kana``, a place of
  publication (「〈京〉」) is dropped, and a volume scope after the role
  (「詠  上巻」) stays in ``role_raw``. NIJL lists publishers in one value
  separated by commas; they become one agent each.
* 「ほか」, 「等」, "et al." — the list is incomplete: warning ``agents_truncated``.
* 「烈公 || 徳川斉昭」 — other forms of the name go to ``alt_names``.

:func:`attach_readings` puts readings given as separate values (the NDL
``dc:creator xml:lang="ja-Kana"``) into the ``alt_names`` of the agents they read.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Sequence

from tsunagu.records import Agent, LangString

AGENTS_TRUNCATED = "agents_truncated"

#: Role words found after Japanese names. Single characters that are also common
#: given names (文, 絵 …) are left out: 「山田 文」 is a name.
ROLE_WORDS = (
    "原作", "原著", "編著", "編集", "編纂", "編輯", "編述", "著作", "著者", "編者", "監修",
    "校訂", "校注", "校閲", "校正", "翻訳", "作画", "画作", "口述", "撰述", "撰文", "注釈",
    "作曲", "作詞", "撮影", "口授", "筆記", "考正", "口訳", "筆述", "画", "著", "編", "撰",
    "校", "訳", "詠", "補", "作", "書", "筆", "述", "注", "註", "纂", "輯", "写", "序", "跋",
    "刻", "彫", "摺", "記",
)
#: English role words written in brackets after a name (Tate: "(artist)").
ENGLISH_ROLES = (
    "artist", "author", "painter", "illustrator", "engraver", "sculptor", "photographer",
    "architect", "designer", "draughtsman", "composer", "editor", "translator", "compiler",
    "printer", "publisher", "contributor", "after",
)
#: The role a role word gives (first word of ``role_raw``, brackets removed).
ROLE_CLASSES = {
    **dict.fromkeys(("著", "作", "画", "撰", "詠", "筆", "書", "著者", "著作", "原作", "原著",
                     "作画", "画作", "撰述", "撰文", "述", "口述", "口授", "作曲", "作詞", "撮影",
                     "筆述", "artist", "author", "painter", "illustrator", "engraver",
                     "sculptor", "photographer", "architect", "designer", "draughtsman",
                     "composer"), "creator"),
    **dict.fromkeys(("編", "校", "補", "訳", "編著", "編集", "編纂", "編輯", "編述", "編者",
                     "監修", "校訂", "校注", "校閲", "校正", "翻訳", "注釈", "注", "註", "纂",
                     "輯", "写", "序", "跋", "刻", "彫", "摺", "記", "筆記", "考正", "口訳",
                     "editor", "translator", "compiler", "printer", "contributor"),
                    "contributor"),
}

_ROLE_ALTERNATION = "|".join(sorted(ROLE_WORDS, key=len, reverse=True))
_SCOPE = (r"(?:\s+(?:[上中下乾坤天地人]巻|巻\S*|[初前後続]編|第?\S{1,3}編|\S{1,3}冊"
          r"|本文|序|跋|付録))*")
_TRAILING_ROLE = re.compile(
    rf"^(?P<name>.+?)(?:\s*[\[［(（〔](?P<bracketed>{_ROLE_ALTERNATION})[\]］)）〕]"
    rf"|(?:\s+|\s*[∥‖|/／]\s*)(?P<plain>{_ROLE_ALTERNATION}))(?P<scope>{_SCOPE})\s*[.。]?$"
)
_ENGLISH_ROLE = re.compile(rf"^(?P<name>.+?)\s*\((?P<role>{'|'.join(ENGLISH_ROLES)})\)$",
                           re.IGNORECASE)
_TRUNCATION = re.compile(
    r"\s*(?:[\[［〔(（]\s*(?:ほか|他|等|外|et al\.?)\s*[\]］〕)）]|(?<=\S)\s*(?:ほか|等)"
    r"|,?\s+et al\.?|\.\.\.|…)(?:\d+件)?\s*$"
)
_LIFE_DATES = re.compile(
    r"^(?:(?:b|d|fl|ca?)\.\s*|active\s+|生\s*|没\s*)?[\d?？]{3,4}[?？]?\s*(?:[-–]\s*(?:ca?\.\s*)?"
    r"(?:[\d?？]{3,4}[?？]?)?)?\s*年?$|^[-–]\s*\d{3,4}$"
    r"|^\S*(?:時代|期|世紀)(?:\s*[-–]\s*\S*(?:時代|期|世紀))?$|^(?:生没|生|没)年不詳$"
)
_BRACKETED = re.compile(r"[（(](?P<inner>[^()（）]+)[)）]")
_PLACE = re.compile(r"〈[^〉]*〉")
_KATAKANA = re.compile(r"^[\u30a0-\u30ff\s/,・ー]+$")
_HIRAGANA = re.compile(r"^[\u3041-\u309f\s/,・ー]+$")
_LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f\s'’.\-]+$")
_NIJL_LIST = re.compile(r",(?!\s)")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


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
        english = _ENGLISH_ROLE.match(value)
        if english is None:
            return value, None
        return english.group("name"), english.group("role").lower()
    name = match.group("name").strip(" ,、∥‖|/／")
    if not name:
        return value, None
    scope = " ".join(match.group("scope").split())
    bracketed = match.group("bracketed")
    role = f"[{bracketed}]" if bracketed else match.group("plain")
    return name, f"{role} {scope}" if scope else role


def classify_role(role_raw: str | None, role: str) -> str:
    """creator / contributor from the role word; ``role`` when unknown or a publisher."""
    if role_raw is None or role == "publisher":
        return role
    word = role_raw.split()[0].strip("[]").lower()
    return ROLE_CLASSES.get(word, role)


@functools.lru_cache(maxsize=4096)  # pure; values repeat across a feed's records
def read_agents(text: str, role: str) -> tuple[tuple[Agent, ...], tuple[str, ...]]:
    """The agents of one name value and its warnings (``agents_truncated``).

    >>> agents, _ = read_agents("夏目, 漱石, 1867-1916", "creator")
    >>> agents[0].name, agents[0].life_dates
    ('夏目, 漱石', '1867-1916')
    """
    value = " ".join(text.split())
    parts = _NIJL_LIST.split(value) if ("/" in value or "〈" in value) else [value]
    agents: list[Agent] = []
    truncated = False
    for part in parts:
        trimmed = _TRUNCATION.sub("", part)
        truncated = truncated or trimmed != part
        agent = _read_one(trimmed, role)
        if agent is not None:
            agents.append(agent)
    return tuple(agents), (AGENTS_TRUNCATED,) if truncated else ()


def make_agent(text: str, role: str) -> Agent:
    """One :class:`Agent` for ``text`` (the first, when the value lists several)."""
    agents, _ = read_agents(text, role)
    return agents[0] if agents else Agent(name=" ".join(text.split()), role=role)


def attach_readings(agents: Sequence[Agent], readings: Sequence[str],
                    lang: str = "ja-Kana") -> tuple[Agent, ...]:
    """``agents`` with each reading added to the ``alt_names`` of the agent it reads.

    A reading with life dates (「ナカジマ, ヒロタリ, 1792-1864」) goes to the
    agent with the same dates; the others go, in order, to the agents that have
    no reading yet. Readings left over are dropped (they read nothing given).
    """
    result = list(agents)
    parsed = [_split_life_dates(" ".join(reading.split())) for reading in readings]
    free = list(range(len(result)))
    pending: list[tuple[str, int | None]] = []
    for name, life_dates in parsed:
        index = next((i for i in free if life_dates and result[i].life_dates == life_dates), None)
        if index is not None:
            free.remove(index)
        pending.append((name, index))
    for name, index in pending:
        if index is None and free:
            index = free.pop(0)
        forms = [_TRUNCATION.sub("", form).strip() for form in name.split("||")]
        if index is None or not any(forms):
            continue
        agent = result[index]
        result[index] = dataclasses.replace(agent, alt_names=(
            *agent.alt_names, *(LangString(form, lang) for form in forms if form)))
    return tuple(result)


def _read_one(text: str, role: str) -> Agent | None:
    value = _PLACE.sub("", text).strip(" ,、")
    if not value:
        return None
    alternatives = [part.strip() for part in re.split(r"\s*\|\|\s*", value) if part.strip()]
    value = alternatives[0] if alternatives else value
    name, role_raw = split_role(value)
    alt_names: list[LangString] = []
    japanese = _CJK.search(_BRACKETED.sub("", name)) is not None
    for match in list(_BRACKETED.finditer(name)) if japanese else []:
        inner = match.group("inner").strip()
        tag = _script_tag(inner)
        if tag is not None:
            alt_names.append(LangString(inner.replace("/", " "), tag))
            name = name.replace(match.group(), " ")
    name, life_dates = _split_life_dates(" ".join(name.split()))
    name = _join_slashed(name)
    if not name:
        return None
    alt_names.extend(LangString(form) for form in alternatives[1:])
    return Agent(name=name, role=classify_role(role_raw, role), role_raw=role_raw,
                 life_dates=life_dates, alt_names=tuple(alt_names))


def _split_life_dates(value: str) -> tuple[str, str | None]:
    """「夏目, 漱石, 1867-1916」 → (「夏目, 漱石」, 「1867-1916」)."""
    head, separator, tail = value.rpartition(",")
    if separator and head.strip() and _LIFE_DATES.match(tail.strip()):
        return head.strip(), tail.strip()
    return value, None


def _join_slashed(name: str) -> str:
    """NIJL 「葛飾/北斎」 → 「葛飾北斎」; 「河野/金重郎/通重」 → 「河野金重郎 通重」."""
    parts = [part.strip() for part in name.split("/")]
    if len(parts) == 1 or not all(parts):
        return name.strip()
    return " ".join([parts[0] + parts[1], *parts[2:]])


def _script_tag(text: str) -> str | None:
    if _KATAKANA.match(text):
        return "ja-Kana"
    if _HIRAGANA.match(text):
        return "ja-Hira"
    if _LATIN.match(text) and any(ch.isalpha() for ch in text):
        return "ja-Latn"
    return None
