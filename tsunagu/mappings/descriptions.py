"""Descriptions: free texts about the object, read as plain text with a language.

:func:`read_descriptions` turns ``(text, xml:lang)`` pairs into
:class:`LangString` values: HTML removed (paragraphs kept), placeholders and
repeated texts dropped, the language declared or guessed from the script.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tsunagu.mappings.languages import guess_text_language
from tsunagu.mappings.text import is_placeholder, strip_html_to_text
from tsunagu.records import LangString

__all__ = ["read_descriptions"]


def read_descriptions(candidates: Iterable[tuple[str, str | None]], main_language: str | None,
                      *, skip: Callable[[str], bool] | None = None) -> tuple[LangString, ...]:
    """The readable, distinct texts of ``candidates``; ``skip`` drops more (image URLs …).

    >>> read_descriptions([("<p>Ukiyo-e</p>", "en"), ("Ukiyo-e", None), ("-", None)], None)
    (LangString(value='Ukiyo-e', lang='en'),)
    """
    result: list[LangString] = []
    seen: set[str] = set()
    for text, lang in candidates:
        readable = strip_html_to_text(text)
        if is_placeholder(readable) or readable in seen or (skip is not None and skip(readable)):
            continue
        seen.add(readable)
        result.append(LangString(readable, guess_text_language(readable, lang, main_language)))
    return tuple(result)
