"""Real records and a real on-disk index for the index-stage tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tsunagu.index import Indexer, SearchIndex, SearchQuery
from tsunagu.records import (
    Agent,
    DateValue,
    LangString,
    ObjectType,
    Record,
    ReuseLevel,
    Rights,
    RightsSet,
    Sector,
)

PROVIDERS = {
    "ndl": ("国立国会図書館", Sector.LIBRARY),
    "tnm": ("東京国立博物館", Sector.MUSEUM),
    "tate": ("Tate", Sector.MUSEUM),
    "archives": ("国立公文書館", Sector.ARCHIVE),
}


def make_record(
    record_id: str,
    title: str,
    *,
    source: str = "ndl",
    object_type: ObjectType = ObjectType.IMAGE,
    reuse: ReuseLevel = ReuseLevel.OPEN,
    code: str = "PDM-1.0",
    title_alt: tuple[str, ...] = (),
    agents: tuple[str, ...] = (),
    subjects: tuple[str, ...] = (),
    places: tuple[str, ...] = (),
    description: str | None = None,
    date: str | None = None,
    provider: str | None = None,
) -> Record:
    """A normalized record as the mappings would produce it."""
    name, sector = PROVIDERS[source]
    return Record(
        id=f"{source}-{record_id}",
        source_id=source,
        oai_identifier=f"oai:{source}:{record_id}",
        datestamp="2024-01-01",
        title=LangString(title, "ja"),
        sector=sector,
        provider=provider or name,
        title_alt=tuple(LangString(t, "ja-Kana") for t in title_alt),
        agents=tuple(Agent(a) for a in agents),
        dates=(DateValue(date, 1831, 1831),) if date else (),
        object_type=object_type,
        subjects=subjects,
        places=places,
        description=(LangString(description),) if description else (),
        landing_url=f"https://example.org/{source}/{record_id}",
        thumbnail_url=None,
        rights=RightsSet(content=Rights(code=code, reuse=reuse, raw=f"raw {code}")),
    )


def sample_records() -> list[Record]:
    """Japanese and English records covering the analysis and facet cases."""
    r = make_record
    return [
        r(
            "1",
            "葛飾北斎 富嶽三十六景 神奈川沖浪裏",
            source="tnm",
            agents=("葛飾北斎",),
            title_alt=("かつしかほくさい ふがくさんじゅうろっけい",),
            date="天保2年",
            subjects=("浮世絵", "風景"),
            places=("神奈川",),
        ),
        r(
            "2",
            "東京都庁舎",
            source="archives",
            object_type=ObjectType.TEXT,
            reuse=ReuseLevel.CONDITIONAL,
            code="PDL-1.0",
            places=("東京都",),
        ),
        r(
            "3",
            "京都の町並み",
            object_type=ObjectType.IMAGE,
            reuse=ReuseLevel.UNKNOWN,
            code="UNKNOWN",
            places=("京都",),
        ),
        r(
            "4",
            "ホクサイ漫画",
            source="tnm",
            object_type=ObjectType.TEXT,
            reuse=ReuseLevel.EDUCATION,
            code="EDU",
        ),
        r(
            "5",
            "Turner, Watercolour study of the Thames",
            source="tate",
            agents=("Joseph Mallord William Turner",),
            reuse=ReuseLevel.NO_REUSE,
            code="RS-InC",
            description="A study in watercolours, painted on the river bank.",
        ),
        r("6", "桜の花", object_type=ObjectType.IMAGE, subjects=("植物",)),
        r(
            "7",
            "Paintings of Mount Fuji",
            source="tate",
            agents=("Unknown artist",),
            reuse=ReuseLevel.CONDITIONAL,
            code="CC-BY-4.0",
            places=("Japan",),
        ),
        r(
            "8",
            "河北斎藤家文書",
            source="archives",
            object_type=ObjectType.TEXT,
            reuse=ReuseLevel.OPEN,
        ),
        r(
            "9",
            "夜桜",
            source="tnm",
            object_type=ObjectType.PHYSICAL_OBJECT,
            description="上野の桜を描いた屏風",
        ),
        r(
            "10",
            "東海道五十三次 日本橋",
            source="tnm",
            agents=("歌川広重",),
            subjects=("浮世絵",),
            places=("東京",),
        ),
        r(
            "11",
            "Watercolour landscape",
            source="tate",
            agents=("Thomas Girtin",),
            reuse=ReuseLevel.OPEN,
            code="CC0-1.0",
        ),
        r(
            "12",
            "ﾎｸｻｲ展 図録",
            source="ndl",
            object_type=ObjectType.TEXT,
            reuse=ReuseLevel.CONDITIONAL,
            code="CC-BY-4.0",
        ),
    ]


@pytest.fixture
def records() -> list[Record]:
    return sample_records()


@pytest.fixture
def make() -> Callable[..., Record]:
    """The record factory, for tests that need records of their own."""
    return make_record


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def built(index_dir: Path, records: list[Record]) -> Indexer:
    """An index holding :func:`sample_records`, at sequence 12."""
    indexer = Indexer(index_dir)
    indexer.rebuild(records, seq=12)
    return indexer


@pytest.fixture
def search_index(built: Indexer, index_dir: Path) -> Iterator[SearchIndex]:
    index = SearchIndex(index_dir)
    yield index
    index.close()


@pytest.fixture
def ids(search_index: SearchIndex) -> Callable[..., set[str]]:
    """Record ids found for a query text (every hit, one page)."""

    def run(text: str, **filters: tuple[str, ...]) -> set[str]:
        query = SearchQuery(text, page_size=100, filters=tuple(filters.items()))
        return {hit.id for hit in search_index.search(query).hits}

    return run
