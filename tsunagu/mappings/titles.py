"""The main title and the alternative titles of a record, with language tags.

Feeds often give several titles without language tags: the title, its
reading in kana and a romanization (``formats.md`` §3.1, §4 step 5, §6). An
untagged title is tagged by its script: all katakana → ``ja-Kana``, all
hiragana → ``ja-Hira`` (readings), Latin-only in a Japanese record →
``ja-Latn``, kanji or kana → ``ja`` (kana only counts when the record is
not declared Chinese). The main title is the first one in the record's main
language; the others become ``title_alt`` with their tags.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tsunagu.mappings.languages import extract_primary_language, normalize_language
from tsunagu.mappings.text import detect_reading_script, has_han, has_kana, is_latin_only
from tsunagu.records import LangString

#: Trailing ISBD punctuation (`` /``, `` :``, `` ;``, `` =``, a comma) to strip.
_ISBD_TAIL = re.compile(r"(?:\s+[/:;=]|\s*,)\s*$")


def strip_isbd(title: str) -> str:
    """The title without trailing ISBD punctuation (``"Title /"`` → ``"Title"``)."""
    previous = None
    while previous != title:
        previous = title
        title = _ISBD_TAIL.sub("", title)
    return title


def tag_language(value: str, declared: str | None, main_language: str | None) -> str | None:
    """A BCP 47 tag for one text value: the declared ``xml:lang``, else by script."""
    if declared:
        tag = normalize_language(declared)
        if tag:
            return tag
    main = extract_primary_language(main_language)
    if main in {None, "ja"}:
        script = detect_reading_script(value)
        if script is not None:
            return f"ja-{script}"
    if main == "ja" and is_latin_only(value):
        return "ja-Latn"
    if has_kana(value):
        return "ja"
    if has_han(value):
        return main_language if main in {"ja", "zh", "ko"} else None
    return main_language


def detect_main_language(
    languages: Sequence[str], titles: Sequence[tuple[str, str | None]]
) -> str | None:
    """The record's main language: the first ``dc:language``, a title tag, else the script."""
    if languages:
        return extract_primary_language(languages[0])
    for _, declared in titles:
        tag = normalize_language(declared) if declared else None
        if tag and "-" not in tag:
            return tag
    if any(has_kana(value) for value, _ in titles):
        return "ja"
    return None


def choose_titles(
    titles: Sequence[tuple[str, str | None]], main_language: str | None
) -> tuple[LangString | None, tuple[LangString, ...]]:
    """The main title and the alternatives from ``(value, xml:lang)`` pairs, in order.

    A reading or romanization is never the main title while a title in the
    main language exists; when the only title is a reading it is the title,
    tagged with the main language.
    """
    tagged = [
        LangString(strip_isbd(value), tag_language(value, declared, main_language))
        for value, declared in titles
    ]
    if not tagged:
        return None, ()
    index = next(
        (i for i, title in enumerate(tagged) if _is_main(title.lang, main_language)), None
    )
    if index is None:
        index = 0
        first = tagged[0]
        if first.lang and first.lang.startswith("ja-") and main_language in {None, "ja"}:
            tagged[0] = LangString(first.value, "ja")
    main = tagged[index]
    return main, tuple(t for i, t in enumerate(tagged) if i != index)


def _is_main(tag: str | None, main_language: str | None) -> bool:
    if main_language is None:
        return tag is None or "-" not in tag
    return tag == main_language or (
        tag is not None and extract_primary_language(tag) == main_language and "-" in tag
        and tag.split("-")[1].isupper()  # a region (en-US), not a script (ja-Kana)
    )
