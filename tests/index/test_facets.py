"""Every facet, the year filter and the sorts, checked against brute force over the records.

The records are generated (seeded) so that multi-valued facets, undated
records, deletions and updates all occur; the expected answers are computed
from the record model alone, never from the index.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tsunagu.index import FACETS, Indexer, SearchIndex, SearchQuery
from tsunagu.records import (
    Agent,
    DateValue,
    LangString,
    Media,
    ObjectType,
    Permission,
    Record,
    ReuseLevel,
    Rights,
    RightsSet,
    Sector,
)
from tsunagu.uses import permitted_use_flags

PREFECTURES = ("東京都", "京都府", "秋田県", "千葉県", "大阪府")
PERIODS = ("edo", "meiji", "taisho", "showa")
WORDS = ("北斎", "広重", "桜", "富士山", "浮世絵", "地図", "Thames", "watercolour", "river")
ISO_LANGUAGES = {"jpn": "ja", "eng": "en", "ja": "ja", "en": "en", "ger": "de"}
_RIGHTS = (
    Rights("PDM-1.0", reuse=ReuseLevel.OPEN, commercial=Permission.YES, modify=Permission.YES,
           public_domain=True),
    Rights("CC-BY-4.0", reuse=ReuseLevel.OPEN, commercial=Permission.YES,
           modify=Permission.YES, attribution=True),
    Rights("CC-BY-NC-4.0", reuse=ReuseLevel.CONDITIONAL, commercial=Permission.NO,
           modify=Permission.YES, attribution=True),
    Rights("RS-InC-EDU", reuse=ReuseLevel.EDUCATION, commercial=Permission.NO,
           education=Permission.YES),
    Rights("RS-InC", reuse=ReuseLevel.NO_REUSE, commercial=Permission.NO, modify=Permission.NO),
    Rights(),
)


def generated(count: int, seed: int = 7) -> list[Record]:
    rng = random.Random(seed)
    records = []
    for n in range(count):
        source = rng.choice(("tnm", "ndl", "akita", "tate"))
        start = rng.choice((None, 1603, 1700, 1868, 1900, 1930, -200))
        end = None if start is None else start + rng.choice((0, 5, 60))
        records.append(
            Record(
                id=f"{source}-{n}",
                source_id=source,
                oai_identifier=f"oai:{source}:{n}",
                datestamp="2024-01-01",
                title=LangString(" ".join(rng.sample(WORDS, 2)) + f" {n}"),
                sector=rng.choice((Sector.MUSEUM, Sector.LIBRARY, Sector.ARCHIVE)),
                provider=f"{source} 館",
                agents=(Agent(rng.choice(("葛飾北斎", "歌川広重", "Turner"))),),
                dates=() if start is None else (DateValue(str(start), start, end),),
                object_type=rng.choice((ObjectType.IMAGE, ObjectType.TEXT, ObjectType.OTHER)),
                languages=tuple(rng.sample(("jpn", "eng", "ja", "ger"), rng.randint(0, 2))),
                prefectures=tuple(rng.sample(PREFECTURES, rng.randint(0, 2))),
                periods=tuple(rng.sample(PERIODS, rng.randint(0, 2))),
                thumbnail_url=rng.choice((None, f"https://img.example/{n}.jpg")),
                media=rng.choice(((), (Media(f"https://img.example/{n}.tif"),))),
                rights=RightsSet(content=rng.choice(_RIGHTS)),
            )
        )
    return records


def facet_values(record: Record, facet: str) -> set[str]:
    """What each facet means, straight from the record model and rights.md §3.5."""
    content = record.rights.content
    # Permitted uses are the answers of tsunagu.uses (those of the item page's panel).
    uses = set(permitted_use_flags(content))
    if content.public_domain and not content.attribution:
        uses.add("no_attribution")
    return {
        "sector": {record.sector.value},
        "provider": {record.source_id},
        "prefecture": set(record.prefectures),
        "type": {record.object_type.value},
        "period": set(record.periods),
        "reuse": {content.reuse.value},
        "use": uses,
        "image": {"yes" if record.thumbnail_url or record.media else "no"},
        "language": {ISO_LANGUAGES[code] for code in record.languages},
        "licence": {content.code},
    }[facet]


def overlaps(record: Record, year_from: int | None, year_to: int | None) -> bool:
    span = record.year_range
    if span is None:
        return False
    return (year_to is None or span[0] <= year_to) and (year_from is None or span[1] >= year_from)


@pytest.fixture
def population(tmp_path: Path) -> Iterator[tuple[list[Record], Indexer, SearchIndex]]:
    records = generated(300)
    indexer = Indexer(tmp_path / "index")
    indexer.rebuild(records, seq=1)
    index = SearchIndex(tmp_path / "index")
    yield records, indexer, index
    index.close()


CASES: list[tuple[str, dict[str, tuple[str, ...]], int | None, int | None]] = [
    ("", {}, None, None),
    ("北斎", {}, None, None),
    ("浮世絵 OR river", {"prefecture": ("東京都", "秋田県"), "use": ("commercial",)}, None, None),
    ("", {"period": ("edo",), "language": ("ja",), "image": ("yes",)}, 1600, 1700),
    ("", {"licence": ("CC-BY-4.0", "RS-InC"), "use": ("no_attribution", "education")}, None, 1900),
    ("桜", {"reuse": ("open",), "type": ("image",)}, 1869, None),
    ("", {}, -300, -100),
]


def check(records: list[Record], index: SearchIndex, case: tuple) -> None:  # type: ignore[type-arg]
    text, filters, year_from, year_to = case
    query = SearchQuery(text, page_size=100, filters=tuple(filters.items()),
                        year_from=year_from, year_to=year_to)
    results = index.search(query)
    by_text = {r.id for r in records}
    if text:  # the text's own matches, over every page
        first = index.search(SearchQuery(text, page_size=100))
        by_text = {h.id for page in range(1, first.page_count + 1)
                   for h in index.search(SearchQuery(text, page=page, page_size=100)).hits}
        assert first.total == len(by_text)
    undated_ok = year_from is None and year_to is None
    matching = [r for r in records
                if r.id in by_text and (undated_ok or overlaps(r, year_from, year_to))]

    def passes(record: Record, skip: str | None = None) -> bool:
        return all(facet_values(record, f) & set(v) for f, v in filters.items() if f != skip)

    assert results.total == sum(passes(r) for r in matching)
    for facet in FACETS:
        expected = Counter(
            value for r in matching if passes(r, skip=facet) for value in facet_values(r, facet)
        )
        got = {fv.value: fv.count for fv in results.facet(facet)}
        assert {v: c for v, c in got.items() if c} == dict(expected), facet


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_every_facet_and_the_year_filter_match_brute_force(
    population: tuple[list[Record], Indexer, SearchIndex], case: tuple  # type: ignore[type-arg]
) -> None:
    records, _, index = population
    check(records, index, case)


def test_counts_follow_updates_and_deletions(
    population: tuple[list[Record], Indexer, SearchIndex],
) -> None:
    records, indexer, index = population
    check(records, index, CASES[2])  # opens and caches the bitsets
    changed = [dataclasses.replace(r, prefectures=("秋田県",), periods=("edo",))
               for r in records[:40]]
    deleted = [r.id for r in records[40:70]]
    indexer.update([*((r.id, r) for r in changed), *((i, None) for i in deleted)], seq=2)
    current = changed + records[70:]
    for case in CASES:
        check(current, index, case)
    assert index.search(SearchQuery()).total == len(current)


def test_sorts_follow_the_record_model(
    population: tuple[list[Record], Indexer, SearchIndex],
) -> None:
    records, _, index = population
    by_id = {r.id: r for r in records}

    def ids(sort: str) -> list[str]:
        return [h.id for h in index.search(SearchQuery("北斎", sort=sort, page_size=100)).hits]

    dated = [by_id[i].year_range for i in ids("date") if by_id[i].year_range]
    assert dated == sorted(dated, key=lambda span: span[0])  # type: ignore[index]
    assert all(by_id[i].year_range is None for i in ids("date")[len(dated):])
    newest = [by_id[i].year_range[0] for i in ids("date_desc") if by_id[i].year_range]  # type: ignore[index]
    assert newest == sorted(newest, reverse=True)
    ranks = [by_id[i].rights.content.reuse.rank for i in ids("reuse")]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize("sort", ["relevance", "title", "date", "date_desc", "reuse"])
def test_a_cursor_walks_every_hit_once(
    population: tuple[list[Record], Indexer, SearchIndex], sort: str
) -> None:
    _, _, index = population
    query = SearchQuery("北斎 OR 桜", sort=sort, page_size=100)
    paged = [h.id for page in range(1, 4)
             for h in index.search(dataclasses.replace(query, page=page)).hits]
    walked: list[str] = []
    cursor = None
    while True:
        results = index.search(dataclasses.replace(query, page_size=7, cursor=cursor))
        walked.extend(h.id for h in results.hits)
        cursor = results.next_cursor
        if cursor is None:
            break
    assert len(walked) == len(set(walked)) == results.total
    assert walked == paged[: len(walked)]


def test_a_cursor_survives_an_update(
    population: tuple[list[Record], Indexer, SearchIndex],
) -> None:
    _, indexer, index = population
    first = index.search(SearchQuery("", sort="title", page_size=10))
    indexer.update([(h.id, None) for h in first.hits[:5]], seq=2)  # delete earlier hits
    second = index.search(SearchQuery("", sort="title", page_size=10, cursor=first.next_cursor))
    everything = index.search(SearchQuery("", sort="title", page_size=100))
    assert [h.id for h in second.hits] == [h.id for h in everything.hits[5:15]]
