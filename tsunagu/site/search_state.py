"""The state of a search, parsed from the URL into one frozen, validated value.

``/search?q=浮世絵&sector=museum&sector=library&reuse=open&page=2`` becomes::

    SearchState(text="浮世絵", page=2,
                filters=(("sector", ("museum", "library")), ("reuse", ("open",))))

The parameters are ``q`` (free text, empty browses everything), ``page`` (1 or
more), one repeatable parameter per facet (values OR-ed within a facet, AND-ed
across facets), ``from``/``to`` (years: records whose year range overlaps),
``exact=1`` (search the words as written, no folding), ``sort`` (relevance,
date, date_desc, title, reuse) and ``cursor`` (the API's deep paging: the
``next_cursor`` of the previous page, instead of ``page``). Anything else is
refused: an unknown parameter, an unknown facet value, a repeated single-valued
parameter, a bad page number or year, a page together with a cursor. Nothing is
silently ignored. The same value builds the links back (toggle a facet value,
go to a page), so URLs are canonical.

Errors are :class:`InvalidSearch` with an English message id and its
parameters, translated where they are shown.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from tsunagu.errors import QueryError
from tsunagu.index import FACETS, MAX_QUERY_LENGTH, MAX_YEAR, MIN_YEAR, SORTS, USE_VALUES
from tsunagu.records import ObjectType, ReuseLevel, Sector
from tsunagu.site.i18n import N_

#: The facets in display order (the index's ``FACETS``), each also a URL parameter.
FACET_PARAMS: tuple[str, ...] = FACETS
TEXT_PARAM = "q"
PAGE_PARAM = "page"
FROM_PARAM, TO_PARAM = "from", "to"
EXACT_PARAM = "exact"
SORT_PARAM = "sort"
CURSOR_PARAM = "cursor"
_SINGLE_PARAMS = (TEXT_PARAM, PAGE_PARAM, FROM_PARAM, TO_PARAM, EXACT_PARAM, SORT_PARAM,
                  CURSOR_PARAM)
ALLOWED_PARAMS = (TEXT_PARAM, PAGE_PARAM, *FACET_PARAMS, FROM_PARAM, TO_PARAM, EXACT_PARAM,
                  SORT_PARAM, CURSOR_PARAM)
DEFAULT_SORT = "relevance"
#: What ``exact=…`` may say (an HTML checkbox sends "1").
_TRUE_VALUES = ("1", "true", "on")
_MAX_CURSOR_LENGTH = 2000

#: Deep paging is refused past this page (10,000 results at 20 a page), like the
#: 10k caps of the anchors; bulk access belongs to dumps, not to offsets.
MAX_PAGE = 500
MAX_TEXT_LENGTH = MAX_QUERY_LENGTH
MAX_VALUES_PER_FACET = 50
_MAX_LISTED = 12
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

CONTROLLED_VALUES: Mapping[str, frozenset[str]] = {
    "sector": frozenset(s.value for s in Sector),
    "type": frozenset(t.value for t in ObjectType),
    "reuse": frozenset(r.value for r in ReuseLevel),
    "use": frozenset(USE_VALUES),
    "image": frozenset(("yes", "no")),
}

Filters = tuple[tuple[str, tuple[str, ...]], ...]


class InvalidSearch(QueryError):
    """A request URL that cannot be answered; ``template % params`` is the message.

    Raised for search parameters and, through :func:`reject_unknown_parameters`,
    for the parameters of the other pages.
    """

    def __init__(self, template: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(template % params, field=field)
        self.template = template
        self.params = params

    def translated(self, gettext: Any) -> str:
        """The message in a language (``gettext`` is a ``str -> str`` callable)."""
        return str(gettext(self.template)) % self.params


@dataclasses.dataclass(frozen=True)
class SearchState:
    """What the user asked for: text, page, facet filters, years, exactness, order.

    ``cursor`` (API deep paging) replaces ``page``; links built from a state
    drop it (a toggled filter starts a new list).
    """

    text: str = ""
    page: int = 1
    filters: Filters = ()
    year_from: int | None = None
    year_to: int | None = None
    exact: bool = False
    sort: str = DEFAULT_SORT
    cursor: str | None = None

    def selected(self, facet: str) -> tuple[str, ...]:
        """The chosen values of one facet."""
        for name, values in self.filters:
            if name == facet:
                return values
        return ()

    def is_selected(self, facet: str, value: str) -> bool:
        return value in self.selected(facet)

    @property
    def is_filtered(self) -> bool:
        return bool(self.filters) or self.year_from is not None or self.year_to is not None

    def toggled(self, facet: str, value: str) -> SearchState:
        """This search with ``value`` added to or removed from ``facet``, on page 1."""
        current = self.selected(facet)
        values = tuple(v for v in current if v != value)
        if value not in current:
            values = (*current, value)
        return dataclasses.replace(
            self, page=1, cursor=None, filters=_with_facet(self.filters, facet, values)
        )

    def on_page(self, page: int) -> SearchState:
        return dataclasses.replace(self, page=page, cursor=None)

    def after(self, cursor: str) -> SearchState:
        """The next slice of this list through a cursor (the API's deep paging)."""
        return dataclasses.replace(self, page=1, cursor=cursor)

    def sorted_by(self, sort: str) -> SearchState:
        return dataclasses.replace(self, page=1, cursor=None, sort=sort)

    def without_years(self) -> SearchState:
        return dataclasses.replace(self, page=1, cursor=None, year_from=None, year_to=None)

    def without_filters(self) -> SearchState:
        return dataclasses.replace(
            self, page=1, cursor=None, filters=(), year_from=None, year_to=None
        )

    def query_items(self) -> list[tuple[str, str]]:
        """The URL parameters of this state, in canonical order (defaults left out)."""
        items: list[tuple[str, str]] = []
        if self.text:
            items.append((TEXT_PARAM, self.text))
        for facet, values in self.filters:
            items.extend((facet, value) for value in values)
        if self.year_from is not None:
            items.append((FROM_PARAM, str(self.year_from)))
        if self.year_to is not None:
            items.append((TO_PARAM, str(self.year_to)))
        if self.exact:
            items.append((EXACT_PARAM, "1"))
        if self.sort != DEFAULT_SORT:
            items.append((SORT_PARAM, self.sort))
        if self.page != 1:
            items.append((PAGE_PARAM, str(self.page)))
        if self.cursor is not None:
            items.append((CURSOR_PARAM, self.cursor))
        return items

    def url(self, path: str = "/search") -> str:
        """The path and query string of this state (``/search?q=…``)."""
        query = urlencode(self.query_items())
        return f"{path}?{query}" if query else path


def _with_facet(filters: Filters, facet: str, values: tuple[str, ...]) -> Filters:
    by_facet = dict(filters)
    by_facet[facet] = values
    return tuple(
        (name, by_facet[name]) for name in FACET_PARAMS if by_facet.get(name)
    )


def parse_search(
    items: Iterable[tuple[str, str]],
    *,
    providers: Iterable[str],
    known_values: Mapping[str, Iterable[str]] | None = None,
) -> SearchState:
    """Parse and validate the query parameters of a search URL.

    ``items`` are the ``(name, value)`` pairs in URL order (repeated names kept);
    ``providers`` are the known source ids; ``known_values`` the values the
    other data-driven facets (prefecture, period, language, licence) may take —
    a facet missing from it accepts no value. Raises :class:`InvalidSearch`.
    """
    single: dict[str, str] = {}
    chosen: dict[str, list[str]] = {}
    known = {name: frozenset(values) for name, values in (known_values or {}).items()}
    known["provider"] = frozenset(providers)
    for name, value in items:
        if name in _SINGLE_PARAMS:
            if name in single:
                raise InvalidSearch(
                    N_("The parameter “%(name)s” may be given only once."),
                    field=name, name=name,
                )
            single[name] = value
        elif name in FACET_PARAMS:
            allowed = CONTROLLED_VALUES.get(name) or known.get(name, frozenset())
            if value not in allowed:
                raise InvalidSearch(
                    N_("“%(value)s” is not a valid value for “%(name)s”."
                       " Valid values: %(allowed)s."),
                    field=name, name=name, value=_shorten(value), allowed=_listing(allowed),
                )
            values = chosen.setdefault(name, [])
            if value not in values:
                values.append(value)
            if len(values) > MAX_VALUES_PER_FACET:
                raise InvalidSearch(
                    N_("Too many values for “%(name)s” (at most %(max)s)."),
                    field=name, name=name, max=MAX_VALUES_PER_FACET,
                )
        else:
            raise InvalidSearch(
                N_("Unknown parameter “%(name)s”. Valid parameters: %(allowed)s."),
                field="parameters", name=_shorten(name), allowed=", ".join(ALLOWED_PARAMS),
            )
    text = single.get(TEXT_PARAM, "").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidSearch(
            N_("The search text is too long (at most %(max)s characters)."),
            field=TEXT_PARAM, max=MAX_TEXT_LENGTH,
        )
    page = parse_page(single.get(PAGE_PARAM))
    filters = tuple(
        (name, tuple(chosen[name])) for name in FACET_PARAMS if chosen.get(name)
    )
    year_from = parse_year(FROM_PARAM, single.get(FROM_PARAM))
    year_to = parse_year(TO_PARAM, single.get(TO_PARAM))
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidSearch(
            N_("The year range runs backwards: “from” (%(start)s) is after “to” (%(end)s)."),
            field=FROM_PARAM, start=year_from, end=year_to,
        )
    return SearchState(
        text=text, page=page, filters=filters, year_from=year_from, year_to=year_to,
        exact=_parse_flag(EXACT_PARAM, single.get(EXACT_PARAM)),
        sort=_parse_sort(single.get(SORT_PARAM)),
        cursor=_parse_cursor(single.get(CURSOR_PARAM), PAGE_PARAM in single),
    )


def parse_year(name: str, raw: str | None) -> int | None:
    """A year: an optional minus sign and ASCII digits, within the index's range."""
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    digits = value[1:] if value.startswith("-") else value
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 5 or not (
        MIN_YEAR <= int(value) <= MAX_YEAR
    ):
        raise InvalidSearch(
            N_("“%(value)s” is not a year for “%(name)s”; give a whole number from"
               " %(min)s to %(max)s."),
            field=name, name=name, value=_shorten(raw), min=MIN_YEAR, max=MAX_YEAR,
        )
    return int(value)


def _parse_flag(name: str, raw: str | None) -> bool:
    if raw is None or raw == "":
        return False
    if raw.lower() not in _TRUE_VALUES:
        raise InvalidSearch(
            N_("“%(value)s” is not a valid value for “%(name)s”. Valid values: %(allowed)s."),
            field=name, name=name, value=_shorten(raw), allowed="1",
        )
    return True


def _parse_sort(raw: str | None) -> str:
    if raw is None or raw == "":
        return DEFAULT_SORT
    if raw not in SORTS:
        raise InvalidSearch(
            N_("“%(value)s” is not a valid value for “%(name)s”. Valid values: %(allowed)s."),
            field=SORT_PARAM, name=SORT_PARAM, value=_shorten(raw), allowed=", ".join(SORTS),
        )
    return raw


def _parse_cursor(raw: str | None, with_page: bool) -> str | None:
    if raw is None:
        return None
    if with_page:
        raise InvalidSearch(
            N_("Give either “page” or “cursor”, not both."), field=CURSOR_PARAM,
        )
    if not raw or len(raw) > _MAX_CURSOR_LENGTH or not raw.isascii():
        raise InvalidSearch(
            N_("The cursor is not valid for this search; start again from the first page."),
            field=CURSOR_PARAM,
        )
    return raw


def reject_unknown_parameters(
    items: Iterable[tuple[str, str]], *, allowed: Sequence[str]
) -> None:
    """Refuse any parameter not in ``allowed`` (pages other than the search use this)."""
    for name, _ in items:
        if name not in allowed:
            raise InvalidSearch(
                N_("Unknown parameter “%(name)s”. Valid parameters: %(allowed)s."),
                field="parameters", name=_shorten(name),
                allowed=", ".join(allowed) if allowed else "—",
            )


def parse_page(raw: str | None) -> int:
    """A page number: ASCII digits only, 1 to :data:`MAX_PAGE`; absent means 1."""
    if raw is None:
        return 1
    digits = raw.strip().lstrip("0")
    if not (raw.strip().isascii() and raw.strip().isdigit()) or not digits:
        raise InvalidSearch(
            N_("The page number must be a whole number of 1 or more, not “%(value)s”."),
            field=PAGE_PARAM, value=_shorten(raw),
        )
    if len(digits) > 9 or int(digits) > MAX_PAGE:
        raise InvalidSearch(
            N_("Page %(page)s is too far; at most %(max)s pages can be shown."
               " Narrow the search with the filters."),
            field=PAGE_PARAM, page=_shorten(digits), max=MAX_PAGE,
        )
    return int(digits)


def check_page_in_range(state: SearchState, total: int, page_size: int) -> int:
    """The number of pages; raises when ``state.page`` is past the last one."""
    pages = max(1, -(-total // page_size))
    if state.page > pages:
        raise InvalidSearch(
            N_("Page %(page)s is beyond the last page of results (%(last)s)."),
            field=PAGE_PARAM, page=state.page, last=pages,
        )
    return pages


def _listing(values: Iterable[str]) -> str:
    ordered: Sequence[str] = sorted(values)
    shown = ", ".join(ordered[:_MAX_LISTED])
    return shown + (", …" if len(ordered) > _MAX_LISTED else "")


def _shorten(value: str, limit: int = 60) -> str:
    """``value`` fit for a message: control characters replaced, long values cut."""
    printable = _CONTROL.sub("\ufffd", value)
    return printable if len(printable) <= limit else printable[: limit - 1] + "…"


def page_numbers(current: int, last: int, *, around: int = 2) -> list[int | None]:
    """Page links to show: first, last and ``around`` either side; ``None`` is a gap.

    ``page_numbers(7, 20)`` → ``[1, None, 5, 6, 7, 8, 9, None, 20]``.
    """
    last = min(last, MAX_PAGE)
    wanted = {1, last, *range(current - around, current + around + 1)}
    shown = sorted(n for n in wanted if 1 <= n <= last)
    numbers: list[int | None] = []
    previous = 0
    for number in shown:
        if number - previous == 2:
            numbers.append(number - 1)
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers
