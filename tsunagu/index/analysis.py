"""Text analysis for Japanese and Latin-script metadata, at index and query time.

One normalization (:func:`normalize_text`) and one tokenizer
(:class:`CjkBigramTokenizer`) serve both sides, so a query is cut into the same
terms as the documents it should find:

* NFKC, then case folding (``ﾎｸｻｲ`` → ``ホクサイ``, ``Ｔｕｒｎｅｒ`` → ``turner``);
* hiragana folded to katakana (``ほくさい`` finds ``ホクサイ``);
* iteration marks spelled out (``佐々木`` = ``佐佐木``, ``いすゞ`` = ``いすず``);
* old and variant kanji to their modern forms (``國`` = ``国``, ``髙`` = ``高``), small
  kana to full size and the long vowel mark dropped (:mod:`tsunagu.index.folding`);
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

:class:`ExactTokenizer` does none of the folding (the "exact" search): it cuts the
text as it is, so ``國`` finds only ``國`` and ``Turner`` only ``Turner``.
:class:`RomajiTokenizer` indexes romanized readings (:mod:`tsunagu.index.romaji`).

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

from tsunagu.index.folding import LONG_VOWEL_MARK, kana_table, kanji_table
from tsunagu.index.romaji import fold_romaji

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
_LATE_FOLD: dict[int, str | None] = {**kanji_table(), **kana_table(), ord(LONG_VOWEL_MARK): None}


def normalize_text(text: str) -> str:
    """The search form of ``text``: NFKC, case-folded, kana- and accent-folded.

    Used for every indexed and queried text and for sort keys. Lengths may
    differ from the input (NFKC, ``ß`` → ``ss``): offsets taken on the result
    refer to the normalized text.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    if not _ITERATION_MARKS.isdisjoint(folded):
        folded = _expand_iteration_marks(folded)
    return folded.translate(_LATE_FOLD)


def to_katakana(text: str) -> str:
    """NFKC, case-folded, hiragana as katakana, nothing else folded (for romanizing:
    small kana and the long vowel mark still count there)."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalize_text`` character by character, with each output character's
    index in ``text`` (for highlighting the original text: NFKC and the long
    vowel mark change lengths)."""
    pieces: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        piece = unicodedata.normalize("NFKC", char).casefold().translate(_FOLD)
        pieces.append(piece)
        origins.extend([index] * len(piece))
    joined = "".join(pieces)
    if not _ITERATION_MARKS.isdisjoint(joined):
        joined = _expand_iteration_marks(joined)  # one character for one: lengths kept
    kept = [(c, o) for c, o in zip(joined, origins, strict=True) if ord(c) not in _LATE_FOLD
            or _LATE_FOLD[ord(c)] is not None]
    return "".join(c.translate(_LATE_FOLD) for c, _ in kept), [o for _, o in kept]


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


def cjk_characters(text: str) -> str:
    """The distinct CJK characters of a normalized text, space-separated (the
    ``chars`` field: one-character queries look them up as terms)."""
    return " ".join(dict.fromkeys(_SINGLE_CJK_RE.findall(text)))


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
        text = self.normalize(value)
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
            for term, term_pos, start, end in _terms(part, indexing, self.word_term):
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


    def index_positions(self, value: str) -> dict[str, list[int]]:
        """Term → its positions, exactly as ``self(value, positions=True,
        mode="index")`` yields them, without a ``Token`` per term (the indexing
        fast path of :class:`~tsunagu.index.postings.PositionsFormat`)."""
        found: dict[str, list[int]] = {}
        pos = 0
        for part_no, part in enumerate(self.normalize(value).split(VALUE_SEPARATOR)):
            if part_no:
                pos += VALUE_POSITION_GAP
            pos = _collect_positions(part, pos, self.word_term, found)
        return found

    @staticmethod
    def normalize(text: str) -> str:
        """The form of ``text`` that is cut into terms."""
        return normalize_text(text)

    @staticmethod
    def word_term(word: str) -> str | None:
        """The term of one non-CJK word (``None`` to drop it)."""
        return _word_term(word)


class ExactTokenizer(CjkBigramTokenizer):
    """Bigrams and words of the text exactly as written: no folding, no stemming."""

    @staticmethod
    def normalize(text: str) -> str:
        return text

    @staticmethod
    def word_term(word: str) -> str | None:
        return word


class RomajiTokenizer(CjkBigramTokenizer):
    """Romanized readings: words folded by :func:`~tsunagu.index.romaji.fold_romaji`."""

    @staticmethod
    def word_term(word: str) -> str | None:
        return romaji_term(word)


def romaji_term(word: str) -> str | None:
    """The romaji-field term of one normalized Latin word (``None`` if it is not one)."""
    if not (word.isascii() and word.replace("'", "").isalpha()) or word in STOP_WORDS:
        return None
    return fold_romaji(word) or None


def _terms(
    text: str, indexing: bool, word_term: Any = _word_term
) -> Iterator[tuple[str, int, int, int]]:
    """``(term, relative position, start char, end char)`` for one value."""
    pos = 0
    for match in _TOKEN_RE.finditer(text):
        run = match.group("cjk")
        start = match.start()
        if run is None:
            term = word_term(match.group("word"))
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


def _collect_positions(
    text: str, pos: int, word_term: Any, found: dict[str, list[int]]
) -> int:
    """Add the index-time terms of one value at ``pos`` onwards to ``found``
    (as :func:`_terms` with ``indexing``); return the position after them."""
    for match in _TOKEN_RE.finditer(text):
        if match.lastgroup == "word":
            term = word_term(match.group("word"))
            if term is not None:
                found.setdefault(term, []).append(pos)
                pos += 1
            continue
        run = match.group("cjk")
        if len(run) == 1:
            found.setdefault(run, []).append(pos)
            pos += 1
            continue
        last = len(run) - 1
        for i in range(last):
            found.setdefault(run[i : i + 2], []).append(pos + i)
        found.setdefault(run[last], []).append(pos + last - 1)
        pos += last
    return pos


def analyze(text: str, kind: str = "text") -> list[str]:
    """The query-time terms of ``text`` (no index-only unigrams), in order.

    ``kind`` is ``text`` (folded), ``exact`` (as written) or ``romaji``.
    """
    tokenizer = _TOKENIZERS[kind]
    normalized = tokenizer.normalize(text)
    terms = [term for term, _, _, _ in _terms(normalized, False, tokenizer.word_term)]
    return [t for t in terms if t.isascii()] if kind == "romaji" else terms


_TOKENIZERS: dict[str, type[CjkBigramTokenizer]] = {
    "text": CjkBigramTokenizer,
    "exact": ExactTokenizer,
    "romaji": RomajiTokenizer,
}


def make_analyzer(kind: str = "text") -> CjkBigramTokenizer:
    """The analyzer of a text field: ``text`` (folded), ``exact`` or ``romaji``."""
    return _TOKENIZERS[kind]()
