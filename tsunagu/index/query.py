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
from tsunagu.index.schema import FACETS, SEARCH_FIELDS

#: The most results one page may hold.
MAX_PAGE_SIZE = 100
#: The longest query text accepted, in characters.
MAX_QUERY_LENGTH = 500

_BOOSTS = dict(SEARCH_FIELDS)
_FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "title_alt"),
    "agent": ("agents",),
    "creator": ("agents",),
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
    selected in it: values of one facet are OR-ed, facets are AND-ed. Invalid
    paging or an unknown facet name raises :class:`QueryError`.
    """

    text: str = ""
    page: int = 1
    page_size: int = 20
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

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


def compile_text(text: str) -> Any | None:
    """The Whoosh query for ``text``, or ``None`` for a blank text (browse all)."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"the query is too long ({len(text)} characters; at most {MAX_QUERY_LENGTH})",
            field="q",
        )
    if not text.strip():
        return None
    items = _scan(unicodedata.normalize("NFKC", text))
    groups: list[list[Any]] = []
    excluded: list[Any] = []
    join_next = False
    for item in items:
        if not isinstance(item, _Clause):  # the OR marker
            join_next = bool(groups)
            continue
        compiled = _compile_clause(item)
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


def _scan(text: str) -> list[_Clause | str]:
    """Split a query into clauses and ``OR`` markers (never fails)."""
    items: list[_Clause | str] = []
    negate_next = False
    pos, end = 0, len(text)
    while pos < end:
        if text[pos].isspace():
            pos += 1
            continue
        negated, fields, fielded = negate_next, tuple(_BOOSTS), False
        negate_next = False
        if text[pos] == "-" and pos + 1 < end and not text[pos + 1].isspace():
            negated, pos = True, pos + 1
        match = _FIELD_RE.match(text, pos)
        if match and match.group(1).lower() in _FIELD_ALIASES:
            fields, pos = _FIELD_ALIASES[match.group(1).lower()], match.end()
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


def _compile_clause(clause: _Clause) -> Any | None:
    terms = analyze(clause.text)
    if not terms:
        return None
    queries = [_field_query(field, terms, clause.phrase) for field in clause.fields]
    return wq.Or(queries) if len(queries) > 1 else queries[0]


def _field_query(field: str, terms: list[str], phrase: bool) -> Any:
    boost = _BOOSTS[field]
    if len(terms) == 1:
        return _term_query(field, terms[0], boost)
    if not phrase and any(is_single_cjk(term) for term in terms):
        return wq.And([_term_query(field, term, 1.0) for term in terms], boost=boost)
    return wq.Phrase(field, terms, boost=boost)


def _term_query(field: str, term: str, boost: float) -> Any:
    if is_single_cjk(term):
        return wq.Prefix(field, term, boost=boost)
    return wq.Term(field, term, boost=boost)
