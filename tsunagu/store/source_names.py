"""A source's name in a language: the rule the site's pages and the CLI's run reports share.

A source has a Japanese name and may have an English one; English pages and
reports show the English name when there is one, the Japanese name otherwise.
"""

from __future__ import annotations


def display_name(name: str, name_en: str | None, lang: str) -> str:
    """The name to show in ``lang`` (``ja`` or ``en``): the Japanese name when no other."""
    return name_en if lang == "en" and name_en else name
