"""The facets of a results page as shown: labelled values with their toggle links.

Shared by the HTML sidebar and the JSON twin, so both say the same thing.
A value the user selected stays listed (count 0) even when the index returns
no count for it, so it can always be removed.
"""

from __future__ import annotations

import dataclasses

from tsunagu.site.catalog import SearchPage
from tsunagu.site.labels import Labeller
from tsunagu.site.search_state import FACET_PARAMS


@dataclasses.dataclass(frozen=True)
class FacetValueView:
    """One value of a facet: what it is, how many, and the link that toggles it."""

    value: str
    count: int
    label: str
    selected: bool
    url: str


@dataclasses.dataclass(frozen=True)
class FacetView:
    """One facet: its name, its translated title and its values, largest first."""

    name: str
    title: str
    values: tuple[FacetValueView, ...]


@dataclasses.dataclass(frozen=True)
class ActiveFilter:
    """A chosen facet value with the link that removes it."""

    facet: str
    facet_title: str
    value: str
    label: str
    url: str


def facet_views(page: SearchPage, labels: Labeller) -> list[FacetView]:
    """Every facet of the page, in :data:`FACET_PARAMS` order."""
    state = page.state
    by_name = dict(page.results.facets)
    views = []
    for name in FACET_PARAMS:
        counted = by_name.get(name, ())
        seen = {facet_value.value for facet_value in counted}
        values = [
            FacetValueView(
                value=facet_value.value,
                count=facet_value.count,
                label=labels.facet_value(name, facet_value.value, facet_value.label),
                selected=state.is_selected(name, facet_value.value),
                url=state.toggled(name, facet_value.value).url(),
            )
            for facet_value in counted
            if facet_value.count > 0 or state.is_selected(name, facet_value.value)
        ]
        values.extend(
            FacetValueView(
                value=value,
                count=0,
                label=labels.facet_value(name, value),
                selected=True,
                url=state.toggled(name, value).url(),
            )
            for value in state.selected(name)
            if value not in seen
        )
        views.append(FacetView(name=name, title=labels.facet_name(name), values=tuple(values)))
    return views


def active_filters(page: SearchPage, labels: Labeller) -> list[ActiveFilter]:
    """The chosen values, each with a link that removes just that one."""
    state = page.state
    return [
        ActiveFilter(
            facet=facet,
            facet_title=labels.facet_name(facet),
            value=value,
            label=labels.facet_value(facet, value),
            url=state.toggled(facet, value).url(),
        )
        for facet, values in state.filters
        for value in values
    ]
