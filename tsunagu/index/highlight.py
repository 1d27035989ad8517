"""Snippets: the passage of a hit that matched, with the matches marked.

Matching is done on the *normalized* text (so ``ほくさい`` marks ``ホクサイ`` and
``國`` marks ``国``), and the spans are mapped back to the text as written
through :func:`~tsunagu.index.analysis.normalize_with_offsets`: NFKC and the
long vowel mark change lengths, so offsets taken on one text are wrong on the other.
"""

from __future__ import annotations

from collections.abc import Iterable

from tsunagu.index.analysis import analyze, normalize_with_offsets
from tsunagu.index.results import Snippet

#: Characters of context shown around the first match.
SNIPPET_LENGTH = 120


def make_snippet(text: str, words: Iterable[str], length: int = SNIPPET_LENGTH) -> Snippet | None:
    """A window of ``text`` around its first match of ``words`` (``None`` if none)."""
    if not text:
        return None
    normalized, origins = normalize_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for term in {t for word in words for t in analyze(word)}:
        start = normalized.find(term)
        while start >= 0:
            end = start + len(term)
            spans.append((origins[start], origins[end - 1] + 1))
            start = normalized.find(term, end)
    if not spans:
        return None
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    first = merged[0][0]
    begin = max(0, min(first - length // 3, len(text) - length))
    finish = min(len(text), begin + length)
    shown = tuple(
        (max(start, begin) - begin, min(end, finish) - begin)
        for start, end in merged
        if start < finish and end > begin
    )
    prefix = "…" if begin else ""
    suffix = "…" if finish < len(text) else ""
    offset = len(prefix)
    return Snippet(
        text=prefix + text[begin:finish] + suffix,
        highlights=tuple((start + offset, end + offset) for start, end in shown),
    )
