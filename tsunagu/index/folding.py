"""Character folding tables: old and variant kanji, small kana, the long vowel mark.

The kanji table comes from the ``joyokanji`` package (Apache-2.0, pinned in
``pyproject.toml``): its ``kanji.json`` maps the old forms (旧字体) listed in the
Jōyō kanji table to their modern forms (國→国, 澤→沢, 櫻→桜) and its
``variants.json`` adds common variants (髙→高, 﨑→崎). Only one-character to
one-character pairs are used, so folding never changes a text's length.

Kana folding makes spellings that people treat as the same word equal:

* small kana become their full-size letters (``ァ``→``ア``, ``ッ``→``ツ``,
  ``ョ``→``ヨ``): ``キャノン`` = ``キヤノン`` (older spellings write them large);
* the long vowel mark ``ー`` is dropped (``コンピューター`` = ``コンピュータ``).

Both are applied *after* hiragana has been folded to katakana.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

#: The package whose data gives the old → modern kanji table.
KANJI_TABLE_PACKAGE = "joyokanji"
_KANJI_FILES = ("kanji.json", "variants.json")

_SMALL_KANA = "ァアィイゥウェエォオッツャヤュユョヨヮワヵカヶケ"
#: The long vowel mark (half-width ｰ becomes this under NFKC).
LONG_VOWEL_MARK = "ー"


@functools.cache
def kanji_table() -> dict[int, str]:
    """Old or variant kanji → modern form, as a ``str.translate`` table."""
    table: dict[int, str] = {}
    config = resources.files(KANJI_TABLE_PACKAGE) / "config"
    for name in _KANJI_FILES:
        data = json.loads((config / name).read_text(encoding="utf-8"))
        for old, new in data.items():
            if len(old) == 1 and len(new) == 1 and old != new:
                table[ord(old)] = new
    return table


def kana_table() -> dict[int, str]:
    """Small katakana → full-size letters (lengths kept)."""
    pairs = zip(_SMALL_KANA[0::2], _SMALL_KANA[1::2], strict=True)
    return {ord(small): large for small, large in pairs}
