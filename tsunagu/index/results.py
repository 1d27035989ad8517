"""What a search returns: frozen dataclasses free of Whoosh types."""

from __future__ import annotations

import dataclasses

from tsunagu.records import ObjectType, ReuseLevel, Sector


@dataclasses.dataclass(frozen=True)
class Snippet:
    """A passage of a hit's text (as written) with the spans that matched the query.

    ``highlights`` are ``(start, end)`` character offsets into ``text``, sorted
    and not overlapping; :meth:`parts` cuts the text at them for rendering.
    """

    text: str
    highlights: tuple[tuple[int, int], ...] = ()

    def parts(self) -> list[tuple[str, bool]]:
        """``(text, highlighted)`` pieces in order."""
        pieces: list[tuple[str, bool]] = []
        pos = 0
        for start, end in self.highlights:
            if start > pos:
                pieces.append((self.text[pos:start], False))
            pieces.append((self.text[start:end], True))
            pos = end
        if pos < len(self.text):
            pieces.append((self.text[pos:], False))
        return pieces


@dataclasses.dataclass(frozen=True)
class Hit:
    """One record in a result list, with what a result row shows."""

    id: str
    title: str
    provider_id: str
    provider: str
    sector: Sector
    object_type: ObjectType
    date: str | None
    rights_code: str
    reuse: ReuseLevel
    rights_raw: str
    landing_url: str | None
    thumbnail_url: str | None
    snippet: Snippet | None = None
    #: The permitted uses (``commercial``, ``modify``, ``education``, ``online``,
    #: ``no_attribution``) — the values of the "use" filter, from :mod:`tsunagu.uses`.
    uses: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class FacetValue:
    """One value of a facet: the filter value, its count, and a display label.

    ``label`` is the provider's name for the ``provider`` facet and the value
    itself for the others (the site translates enum values).
    """

    value: str
    count: int
    label: str
    selected: bool = False


@dataclasses.dataclass(frozen=True)
class SearchResults:
    """One page of hits, the total hit count and the facet counts.

    A page past the last one has no hits but the true ``total``; see
    :attr:`page_count` and :attr:`page_out_of_range`.
    """

    total: int
    page: int
    page_size: int
    hits: tuple[Hit, ...]
    facets: tuple[tuple[str, tuple[FacetValue, ...]], ...]
    #: Continues the list after its last hit (``None`` on the last page).
    next_cursor: str | None = None
    #: A query made of the index's own words, offered when few hits were found.
    did_you_mean: str | None = None

    def facet(self, name: str) -> tuple[FacetValue, ...]:
        """The values of facet ``name`` (empty when nothing was counted)."""
        for facet_name, values in self.facets:
            if facet_name == name:
                return values
        return ()

    @property
    def page_count(self) -> int:
        """How many pages the hits fill (0 when there are none)."""
        return -(-self.total // self.page_size)

    @property
    def page_out_of_range(self) -> bool:
        """Whether the page asked for lies past the last page (page 1 never does)."""
        return self.page > max(1, self.page_count)

    @property
    def first_position(self) -> int:
        """The 1-based rank of the first hit on this page (0 when it is empty)."""
        return (self.page - 1) * self.page_size + 1 if self.hits else 0
