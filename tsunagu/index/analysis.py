"""Text analysis for Japanese and Latin-script metadata, at index and query time.

One normalization (:func:`normalize_text`) and one tokenizer
(:class:`CjkBigramTokenizer`) serve both sides, so a query is cut into the same
terms as the documents it should find:

* NFKC, then case folding (``ﾎｸｻｲ`` → ``ホクサイ``, ``Ｔｕｒｎｅｒ`` → ``turner``);
* hiragana folded to katakana (``ほくさい`` finds ``ホクサイ``);
* iteration marks spelled out (``佐々木`` = ``佐佐木``, ``いすゞ`` = ``いすず``);
* diacritics stripped from Latin letters (``Tōkyō`` = ``tokyo``);
* runs of CJK characters (kanji and kana) become overlapping bigrams
  (``葛飾北斎`` → ``葛飾 飾北 北斎``), so ``北斎`` finds ``葛飾北斎`` and ``東京``
  finds ``東京都`` without a dictionary;
* at index time the last character of every run is also indexed on its own. Every
  character is then the first character of some term, so a one-character query
  becomes a prefix query (``桜`` finds ``桜の花`` and ``夜桜``); see
  :func:`is_single_cjk`;
* other words (Latin, digits, other scripts) are kept whole; English stop words
  are dropped *without* a position gap (phrases still match) and words are
  Porter-stemmed (``watercolours`` = ``watercolour``, ``studies`` = ``study``).

Whoosh pickles the schema, analyzer included, into the index: the tokenizer is a
stateless top-level class, so an index opens wherever ``tsunagu`` is importable.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

#: Separates the values of a multi-valued field; no phrase spans it.
VALUE_SEPARATOR = "\x1e"
#: Positions left between two values of one field.
VALUE_POSITION_GAP = 100

_CJK_CLASS = (
    "\u3005\u3006\u3007\u303b"  # 々 〆 〇 〻
    "\u3041-\u3096\u309d-\u309f"  # hiragana (folded away, kept for safety)
    "\u30a1-\u30fa\u30fc-\u30ff"  # katakana without the middle dot ・
    "\u31f0-\u31ff"  # katakana phonetic extensions
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs (+ ext. A, compat.)
    "\U00020000-\U0003134f"  # CJK ideographs ext. B–G
)
_TOKEN_RE = re.compile(
    rf"(?P<cjk>[{_CJK_CLASS}]+)|(?P<word>[^\W_{_CJK_CLASS}]+(?:['’][^\W_{_CJK_CLASS}]+)*)"
)
_SINGLE_CJK_RE = re.compile(rf"[{_CJK_CLASS}]")

#: English function words never indexed nor searched (dropped without a gap).
_STOP_WORDS_TEXT = "a an and are as at be by for from in is it of on or the to with"
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_ITERATION_MARKS = frozenset("々〻ヽヾ")


def _fold_table() -> dict[int, str]:
    """Hiragana → katakana and accented Latin letters → plain letters."""
    table: dict[int, str] = {code: chr(code + 0x60) for code in range(0x3041, 0x3097)}
    table.update({0x309D: "ヽ", 0x309E: "ヾ"})
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base and base != chr(code):
            table[code] = base
    return table


_FOLD = _fold_table()


def normalize_text(text: str) -> str:
    """The search form of ``text``: NFKC, case-folded, kana- and accent-folded.

    Used for every indexed and queried text and for sort keys. Lengths may
    differ from the input (NFKC, ``ß`` → ``ss``): offsets taken on the result
    refer to the normalized text.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    if _ITERATION_MARKS.isdisjoint(folded):
        return folded
    return _expand_iteration_marks(folded)


def _expand_iteration_marks(text: str) -> str:
    out: list[str] = []
    for char in text:
        previous = out[-1] if out else ""
        if not (char in _ITERATION_MARKS and previous and _SINGLE_CJK_RE.fullmatch(previous)):
            out.append(char)
        elif char == "ヾ":  # voiced repeat: ス + ヾ = スズ
            out.append(unicodedata.normalize("NFC", previous + "\u3099")[0])
        else:
            out.append(previous)
    return "".join(out)


def is_single_cjk(term: str) -> bool:
    """Whether ``term`` is one CJK character (searched as a prefix of bigrams)."""
    return len(term) == 1 and _SINGLE_CJK_RE.match(term) is not None


@functools.lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return str(porter_stem(word))


def _word_term(word: str) -> str | None:
    """The index term for one non-CJK word, or ``None`` for a stop word."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    word = word.replace("'", "").replace("’", "")
    if not word or word in STOP_WORDS:
        return None
    if word.isascii() and word.isalpha():
        return _stem(word)
    return word


class CjkBigramTokenizer(Tokenizer):  # type: ignore[misc]
    """Whoosh tokenizer: normalizes, then emits CJK bigrams and whole words.

    Positions: the bigrams of a run take consecutive positions; the extra
    index-time unigram for the last character shares the last bigram's
    position, so phrase queries over bigrams still line up across runs.
    """

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        text = normalize_text(value)
        if not tokenize:
            token.text = token.original = text
            token.pos = start_pos
            token.startchar, token.endchar = start_char, start_char + len(text)
            yield token
            return
        indexing = mode == "index"
        pos = start_pos
        offset = start_char
        for part_no, part in enumerate(text.split(VALUE_SEPARATOR)):
            if part_no:
                pos += VALUE_POSITION_GAP
            width = 0
            for term, term_pos, start, end in _terms(part, indexing):
                width = term_pos + 1
                token.text = term
                if keeporiginal:
                    token.original = term
                if positions:
                    token.pos = pos + term_pos
                if chars:
                    token.startchar, token.endchar = offset + start, offset + end
                yield token
            pos += width
            offset += len(part) + 1


def _terms(text: str, indexing: bool) -> Iterator[tuple[str, int, int, int]]:
    """``(term, relative position, start char, end char)`` for one value."""
    pos = 0
    for match in _TOKEN_RE.finditer(text):
        run = match.group("cjk")
        start = match.start()
        if run is None:
            term = _word_term(match.group("word"))
            if term is not None:
                yield term, pos, start, match.end()
                pos += 1
            continue
        if len(run) == 1:
            yield run, pos, start, start + 1
            pos += 1
            continue
        for i in range(len(run) - 1):
            yield run[i : i + 2], pos + i, start + i, start + i + 2
        if indexing:
            last = len(run) - 1
            yield run[last], pos + last - 1, start + last, start + last + 1
        pos += len(run) - 1


def analyze(text: str) -> list[str]:
    """The query-time terms of ``text`` (no index-only unigrams), in order."""
    return [term for term, _, _, _ in _terms(normalize_text(text), indexing=False)]


def make_analyzer() -> CjkBigramTokenizer:
    """The analyzer of every text field."""
    return CjkBigramTokenizer()
