"""A search request and its small query language, compiled to a Whoosh query.

The language (forgiving: stray punctuation never fails a search)::

    北斎 富嶽            both words (AND is the default)
    北斎 OR 広重         either word (OR binds its two neighbours)
    "view of fuji"       a phrase (an unclosed quote runs to the end)
    -浮世絵  NOT 浮世絵   without this word or phrase
    title:北斎           in one field: title, agent, subject, place, provider,
                         description (creator = agent); unknown prefixes are text

Each word is cut by :func:`~tsunagu.index.analysis.analyze`: one term is a term
query (a single CJK character becomes a prefix query over the bigrams, so
``桜`` finds ``桜の花``), several terms from one word (``東京都`` → ``東京 京都``)
must be adjacent (a phrase). A word matches if any searched field matches it,
fields weighted by :data:`~tsunagu.index.schema.SEARCH_FIELDS`.

With ``exact`` the words are searched as written (no folding, no stemming) in
the ``exact`` field, which holds the title, alternative titles, agents, subjects
and places. Latin words are also looked up among the romanized readings
(``hokusai`` finds ほくさい), folded by :func:`~tsunagu.index.romaji.fold_romaji`.

Only a query with nothing searchable left (``"!!"``, ``title:(``) or one that is
too long raises :class:`~tsunagu.errors.QueryError`.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Any

from whoosh import query as wq

from tsunagu.errors import QueryError
from tsunagu.index.analysis import analyze, is_single_cjk
from tsunagu.index.schema import CHARS_FIELD, EXACT_FIELD, FACETS, SEARCH_FIELDS

#: The most results one page may hold.
MAX_PAGE_SIZE = 100
#: The longest query text accepted, in characters.
MAX_QUERY_LENGTH = 500
#: Result orders: relevance, oldest first, newest first, title, most reusable first.
SORTS = ("relevance", "date", "date_desc", "title", "reuse")
#: Years a year filter may name.
MIN_YEAR, MAX_YEAR = -9999, 9999

_BOOSTS = {**dict(SEARCH_FIELDS), EXACT_FIELD: 1.0}
_FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "title_alt", "reading", "romaji"),
    "agent": ("agents", "reading", "romaji"),
    "creator": ("agents", "reading", "romaji"),
    "subject": ("subjects",),
    "place": ("places",),
    "provider": ("provider",),
    "description": ("description",),
}
_FIELD_RE = re.compile(r"([A-Za-z]+):")


@dataclasses.dataclass(frozen=True)
class SearchQuery:
    """One search request: text, 1-based page, and selected facet values.

    ``filters`` pairs a facet name (one of :data:`FACETS`) with the values
    selected in it: values of one facet are OR-ed, facets are AND-ed.
    ``year_from``/``year_to`` keep the records whose year range overlaps them;
    ``exact`` searches without folding; ``sort`` is one of :data:`SORTS`;
    ``cursor`` (from :attr:`~tsunagu.index.results.SearchResults.next_cursor`)
    continues a result list after its last hit, whatever ``page`` says. Invalid
    values raise :class:`QueryError`.
    """

    text: str = ""
    page: int = 1
    page_size: int = 20
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    exact: bool = False
    sort: str = "relevance"
    cursor: str | None = None

    def __post_init__(self) -> None:
        if self.page < 1:
            raise QueryError(f"page must be 1 or more, not {self.page}", field="page")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise QueryError(
                f"page size must be between 1 and {MAX_PAGE_SIZE}, not {self.page_size}",
                field="page_size",
            )
        for facet, _ in self.filters:
            if facet not in FACETS:
                raise QueryError(
                    f"unknown facet {facet!r}; facets are {', '.join(FACETS)}", field=facet
                )
        if self.sort not in SORTS:
            raise QueryError(f"unknown sort {self.sort!r}; sorts are {', '.join(SORTS)}",
                             field="sort")
        for name in ("year_from", "year_to"):
            year = getattr(self, name)
            if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
                raise QueryError(f"{name} must be a year from {MIN_YEAR} to {MAX_YEAR}",
                                 field=name)
        if None not in (self.year_from, self.year_to) and self.year_from > self.year_to:  # type: ignore[operator]
            raise QueryError("year_from is after year_to", field="year_from")

    @property
    def has_years(self) -> bool:
        return self.year_from is not None or self.year_to is not None

    def selected(self, facet: str) -> tuple[str, ...]:
        """The values selected in ``facet`` (sorted, without repeats)."""
        return tuple(sorted({v for name, values in self.filters if name == facet for v in values}))


@dataclasses.dataclass(frozen=True)
class _Clause:
    text: str
    fields: tuple[str, ...]
    negated: bool = False
    phrase: bool = False


_OR = "OR"


def compile_text(text: str, *, exact: bool = False) -> Any | None:
    """The Whoosh query for ``text``, or ``None`` for a blank text (browse all)."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"the query is too long ({len(text)} characters; at most {MAX_QUERY_LENGTH})",
            field="q",
        )
    if not text.strip():
        return None
    items = _scan(text if exact else unicodedata.normalize("NFKC", text), exact)
    groups: list[list[Any]] = []
    excluded: list[Any] = []
    join_next = False
    for item in items:
        if not isinstance(item, _Clause):  # the OR marker
            join_next = bool(groups)
            continue
        compiled = _compile_clause(item, exact)
        if compiled is None:
            continue
        if item.negated:
            excluded.append(compiled)
        elif join_next:
            groups[-1].append(compiled)
        else:
            groups.append([compiled])
        join_next = False
    if not groups and not excluded:
        raise QueryError(f"the query {text.strip()!r} has no searchable words", field="q")
    required = [wq.Or(group) if len(group) > 1 else group[0] for group in groups]
    matched = (wq.And(required) if len(required) > 1 else required[0]) if required else wq.Every()
    return wq.AndNot(matched, wq.Or(excluded)) if excluded else matched


def query_words(text: str) -> list[str]:
    """The positive words and phrases of a query (for snippets and did-you-mean)."""
    return [item.text for item in _scan(text) if isinstance(item, _Clause) and not item.negated]


def _scan(text: str, exact: bool = False) -> list[_Clause | str]:
    """Split a query into clauses and ``OR`` markers (never fails)."""
    items: list[_Clause | str] = []
    negate_next = False
    pos, end = 0, len(text)
    while pos < end:
        if text[pos].isspace():
            pos += 1
            continue
        all_fields = (EXACT_FIELD,) if exact else tuple(dict(SEARCH_FIELDS))
        negated, fields, fielded = negate_next, all_fields, False
        negate_next = False
        if text[pos] == "-" and pos + 1 < end and not text[pos + 1].isspace():
            negated, pos = True, pos + 1
        match = _FIELD_RE.match(text, pos)
        if match and match.group(1).lower() in _FIELD_ALIASES:
            fields, pos = _FIELD_ALIASES[match.group(1).lower()], match.end()
            fields = (EXACT_FIELD,) if exact else fields
            fielded = True
        if pos < end and text[pos] == '"':
            close = text.find('"', pos + 1)
            close = end if close < 0 else close
            items.append(_Clause(text[pos + 1 : close], fields, negated, phrase=True))
            pos = close + 1
            continue
        stop = pos
        while stop < end and not text[stop].isspace() and text[stop] != '"':
            stop += 1
        word = text[pos:stop]
        pos = stop
        if word in (_OR, "AND", "NOT") and not negated and not fielded:
            if word == _OR:
                items.append(_OR)
            negate_next = word == "NOT"
            continue
        items.append(_Clause(word, fields, negated))
    return items


#: The boost of a one-character CJK word (looked up in the ``chars`` field, which
#: holds the characters of the titles, names, subjects and places).
SINGLE_CHARACTER_BOOST = 4.0


def _compile_clause(clause: _Clause, exact: bool) -> Any | None:
    if not exact and not clause.phrase:
        terms = analyze(clause.text)
        singles = [t for t in terms if is_single_cjk(t)]
        if singles:  # 桜, 3月: the characters in the chars field, other words anywhere
            others = [t for t in terms if not is_single_cjk(t)]
            parts = [wq.Term(CHARS_FIELD, t, boost=SINGLE_CHARACTER_BOOST) for t in singles]
            for term in others:
                parts.append(_compile_clause(dataclasses.replace(clause, text=term), exact))
            return wq.And(parts) if len(parts) > 1 else parts[0]
    queries = []
    for field in clause.fields:
        kind = "exact" if exact else "romaji" if field == "romaji" else "text"
        terms = analyze(clause.text, kind)
        if terms:
            queries.append(_field_query(field, terms, clause.phrase))
    if not queries:
        return None
    return wq.Or(queries) if len(queries) > 1 else queries[0]


def _field_query(field: str, terms: list[str], phrase: bool) -> Any:
    boost = _BOOSTS[field]
    if len(terms) == 1:
        return _term_query(field, terms[0], boost)
    if not phrase and any(is_single_cjk(term) for term in terms):
        return wq.And([_term_query(field, term, 1.0) for term in terms], boost=boost)
    return wq.Phrase(field, terms, boost=boost)


#: Romaji words at least this long are prefixes of the indexed reading suffixes.
ROMAJI_PREFIX_MIN = 3


def _term_query(field: str, term: str, boost: float) -> Any:
    if is_single_cjk(term) or (field == "romaji" and len(term) >= ROMAJI_PREFIX_MIN):
        return wq.Prefix(field, term, boost=boost)
    return wq.Term(field, term, boost=boost)
