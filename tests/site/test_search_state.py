"""Parsing a search URL into one frozen SearchState, and building links back."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qsl, urlsplit

import pytest

from tsunagu.errors import QueryError
from tsunagu.site.search_state import (
    MAX_PAGE,
    MAX_TEXT_LENGTH,
    InvalidSearch,
    SearchState,
    check_page_in_range,
    page_numbers,
    parse_search,
    reject_unknown_parameters,
)

PROVIDERS = ("tnm", "ndl")


def parse(query: str) -> SearchState:
    return parse_search(parse_qsl(query, keep_blank_values=True), providers=PROVIDERS)


def test_empty_query_browses_everything() -> None:
    assert parse("") == SearchState(text="", page=1, filters=())
    assert parse("q=") == SearchState()
    assert parse("q=++") == SearchState()


def test_full_state_is_canonical_and_frozen() -> None:
    state = parse("reuse=open&q=浮世絵&sector=museum&page=2&sector=library&provider=tnm")
    assert state.text == "浮世絵"
    assert state.page == 2
    # facets in display order, values in the order given
    assert state.filters == (
        ("sector", ("museum", "library")),
        ("provider", ("tnm",)),
        ("reuse", ("open",)),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.page = 3  # type: ignore[misc]


def test_repeated_value_is_kept_once() -> None:
    assert parse("type=image&type=image").filters == (("type", ("image",)),)


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("sector=zoo", "“zoo” is not a valid value for “sector”"),
        ("reuse=free", "“free” is not a valid value for “reuse”"),
        ("type=painting", "“painting” is not a valid value for “type”"),
        ("provider=tate", "“tate” is not a valid value for “provider”"),
        ("sector=", "“” is not a valid value for “sector”"),
        ("Sector=museum", "Unknown parameter “Sector”"),
        ("lang=en", "Unknown parameter “lang”"),
        ("page=abc", "whole number of 1 or more, not “abc”"),
        ("page=0", "whole number of 1 or more, not “0”"),
        ("page=-1", "whole number of 1 or more, not “-1”"),
        ("page=1.5", "whole number of 1 or more, not “1.5”"),
        ("page=", "whole number of 1 or more, not “”"),
        ("page=%EF%BC%92", "whole number of 1 or more"),  # full-width ２
        ("page=%00", "not “\ufffd”"),  # control characters never reach a message
        ("page=501", f"at most {MAX_PAGE} pages"),
        ("page=99999999999999999999999", f"at most {MAX_PAGE} pages"),
        ("q=a&q=b", "“q” may be given only once"),
        ("page=1&page=2", "“page” may be given only once"),
    ],
)
def test_bad_input_is_refused_with_a_message(query: str, fragment: str) -> None:
    with pytest.raises(InvalidSearch) as caught:
        parse(query)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, QueryError)


def test_too_long_text_is_refused() -> None:
    with pytest.raises(InvalidSearch, match="too long"):
        parse("q=" + "あ" * (MAX_TEXT_LENGTH + 1))


def test_leading_zeros_are_a_page_number() -> None:
    assert parse("page=007").page == 7


def test_unknown_values_are_listed() -> None:
    with pytest.raises(InvalidSearch) as caught:
        parse("reuse=free")
    assert "conditional, education, no-reuse, open, unknown" in str(caught.value)


def test_message_is_translatable() -> None:
    with pytest.raises(InvalidSearch) as caught:
        parse("sector=zoo")
    translated = caught.value.translated(lambda text: text.replace("is not a valid value", "X"))
    assert translated.startswith("“zoo” X for “sector”")


def test_toggle_adds_and_removes_and_resets_the_page() -> None:
    state = parse("q=北斎&sector=museum&page=3")
    added = state.toggled("reuse", "open")
    assert added.filters == (("sector", ("museum",)), ("reuse", ("open",)))
    assert added.page == 1
    removed = added.toggled("sector", "museum")
    assert removed.filters == (("reuse", ("open",)),)
    assert removed.toggled("reuse", "open").filters == ()


def test_url_round_trips() -> None:
    state = parse("q=富士 山&sector=museum&sector=library&type=image&page=2")
    url = state.url()
    parts = urlsplit(url)
    assert parts.path == "/search"
    assert parse(parts.query) == state
    assert state.url("/search.json").startswith("/search.json?q=")
    assert SearchState().url() == "/search"
    assert "page" not in state.on_page(1).url()


def test_without_filters_keeps_the_text() -> None:
    state = parse("q=x&reuse=open&page=2")
    assert state.without_filters() == SearchState(text="x")


def test_page_past_the_last_one() -> None:
    state = SearchState(page=3)
    assert check_page_in_range(SearchState(page=2), total=10, page_size=5) == 2
    with pytest.raises(InvalidSearch, match="beyond the last page of results \\(2\\)"):
        check_page_in_range(state, total=10, page_size=5)
    # no results: there is one (empty) page
    assert check_page_in_range(SearchState(), total=0, page_size=5) == 1
    with pytest.raises(InvalidSearch):
        check_page_in_range(SearchState(page=2), total=0, page_size=5)


def test_page_numbers_window() -> None:
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 4) == [1, 2, 3, 4]
    assert page_numbers(7, 20) == [1, None, 5, 6, 7, 8, 9, None, 20]
    assert page_numbers(4, 20) == [1, 2, 3, 4, 5, 6, None, 20]
    assert page_numbers(1, 10_000)[-1] == MAX_PAGE


def test_other_pages_take_no_parameters() -> None:
    reject_unknown_parameters([("to", "en")], allowed=("to", "next"))
    with pytest.raises(InvalidSearch, match="Unknown parameter “utm_source”"):
        reject_unknown_parameters([("utm_source", "x")], allowed=())


# --- years, exact, sort, cursor (issue 6) ----------------------------------------------


def test_new_parameters_parse_into_the_state() -> None:
    state = parse("q=北斎&from=-200&to=1868&exact=1&sort=date_desc")
    assert (state.year_from, state.year_to) == (-200, 1868)
    assert (state.exact, state.sort) == (True, "date_desc")
    assert state.is_filtered
    assert parse("exact=&sort=&from=&to=") == SearchState()  # empty form fields are defaults


def test_new_parameters_round_trip_and_links_drop_the_cursor() -> None:
    state = parse("q=北斎&from=1800&exact=on&sort=title&cursor=abc")
    assert parse(urlsplit(state.url()).query) == dataclasses.replace(state)
    assert state.url() == "/search?q=%E5%8C%97%E6%96%8E&from=1800&exact=1&sort=title&cursor=abc"
    toggled = state.toggled("reuse", "open")
    assert toggled.cursor is None and toggled.sort == "title" and toggled.exact
    assert state.on_page(2).cursor is None
    assert state.sorted_by("date").sort == "date"
    assert state.without_years().year_from is None
    assert state.without_filters() == SearchState(text="北斎", exact=True, sort="title")
    assert state.after("xyz").cursor == "xyz"


def test_index_valued_facets_are_checked_against_known_values() -> None:
    known = {"prefecture": ["東京都"], "period": ["edo"], "language": ["ja"],
             "licence": ["PDM-1.0"]}
    state = parse_search(
        parse_qsl("prefecture=東京都&period=edo&language=ja&licence=PDM-1.0&use=commercial"
                  "&image=yes"),
        providers=PROVIDERS, known_values=known,
    )
    assert dict(state.filters)["prefecture"] == ("東京都",)
    with pytest.raises(InvalidSearch, match="“大阪府” is not a valid value for “prefecture”"):
        parse_search([("prefecture", "大阪府")], providers=PROVIDERS, known_values=known)
    with pytest.raises(InvalidSearch, match="for “period”"):
        parse("period=edo")  # nothing known: nothing accepted


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("from=x", "is not a year for “from”"),
        ("to=-", "is not a year for “to”"),
        ("from=１８００", "is not a year"),  # full-width digits
        ("from=10000", "is not a year"),
        ("from=5&to=4", "runs backwards"),
        ("exact=2", "not a valid value for “exact”"),
        ("sort=score", "not a valid value for “sort”"),
        ("cursor=", "cursor is not valid"),
        ("cursor=%E5%8C%97", "cursor is not valid"),
        ("cursor=a&page=1", "either “page” or “cursor”"),
        ("cursor=a&cursor=b", "may be given only once"),
    ],
)
def test_bad_new_parameters_are_refused(query: str, fragment: str) -> None:
    with pytest.raises(InvalidSearch) as caught:
        parse(query)
    assert fragment in str(caught.value)
