"""Ranking with numpy: Whoosh's BM25F scores for every hit, an exact top-k, ties by id."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from opened_index import OpenedIndex
from whoosh import query as wq

from tsunagu.errors import IndexingError
from tsunagu.index import Indexer, SearchIndex, SearchQuery
from tsunagu.index.bitsets import iter_docnums
from tsunagu.index.query import compile_text
from tsunagu.index.ranking import Ranking, rank_query
from tsunagu.records import Record

#: Queries of every kind the query language compiles (words, OR, NOT, one CJK
#: character, romaji prefixes, fielded, exact).
TEXTS = ("富嶽", "富嶽 山水", "富嶽 OR 神奈川", "富嶽 -山水", "嶽", "fugaku", "title:富嶽",
         "description:富嶽", "Thames", "北斎")


def _common_records(make: Callable[..., Record]) -> list[Record]:
    """400 records sharing a word (several posting blocks), in titles of a few
    lengths (so many scores tie) and in some descriptions."""
    return [
        make(
            f"c{n:03d}",
            f"富嶽 {'山水 ' * (n % 4)}図",
            source=("ndl", "tnm", "tate")[n % 3],
            title_alt=("ふがく",) if n % 5 == 0 else (),
            description="富嶽を望む" if n % 3 == 0 else None,
        )
        for n in range(400)
    ]


@pytest.fixture
def segmented(tmp_path: Path, make: Callable[..., Record], records: list[Record]) -> Path:
    """An index in several segments, with deleted and replaced records."""
    index_dir = tmp_path / "index"
    common = _common_records(make)
    indexer = Indexer(index_dir)
    indexer.rebuild([*records, *common[:250]], seq=1)
    indexer.update([(r.id, r) for r in common[250:]], seq=2)
    indexer.update([(r.id, None) for r in common[::7]], seq=3)
    indexer.update([(r.id, r) for r in common[1::9]], seq=4)
    return index_dir


@pytest.fixture
def opened(segmented: Path) -> Iterator[OpenedIndex]:
    found = OpenedIndex(segmented)
    assert len(found.searcher.leaf_searchers()) > 1  # really several segments
    yield found
    found.close()


@pytest.mark.parametrize("exact", [False, True])
def test_every_hit_scores_as_whoosh_scores_it(opened: OpenedIndex, exact: bool) -> None:
    compared = 0
    for text in TEXTS:
        compiled = compile_text(text, exact=exact)
        q = rank_query(compiled)
        assert Ranking.supports(q), text
        hits = opened.bits.query(compiled)
        got = opened.ranking.scores(q, hits)
        expected = opened.whoosh_scores(q, hits)
        assert got.keys() == expected.keys() == set(iter_docnums(hits)), text
        for docnum, score in expected.items():
            assert got[docnum] == pytest.approx(score, rel=1e-12), (text, docnum)
        compared += len(got)
    assert compared > 1000


@pytest.mark.parametrize("text", ["富嶽", "富嶽 OR 神奈川", "嶽", "fugaku"])
def test_the_best_hits_are_whoosh_exhaustive_order(opened: OpenedIndex, text: str) -> None:
    q, hits, expected = opened.ranked(text)
    scores = [key[0] for key, _ in expected]
    assert len(set(scores)) < len(scores) / 4  # many ties, broken by record id
    for count in (1, 7, 20, 100, len(expected), len(expected) + 5):
        assert opened.ranking.best(q, hits, count) == expected[:count], count


def test_paging_after_a_key_continues_the_order(opened: OpenedIndex) -> None:
    q, hits, expected = opened.ranked("富嶽 OR 神奈川")
    for start in (1, 19, 20, 133, len(expected) - 1):
        after = expected[start - 1][0]
        assert opened.ranking.best(q, hits, 20, after) == expected[start : start + 20], start
    assert opened.ranking.best(q, hits, 20, expected[-1][0]) == []


def test_only_the_hits_are_ranked(opened: OpenedIndex) -> None:
    q = compile_text("富嶽")
    hits = opened.bits.query(q) & opened.bits.term("provider_id", "tate")
    best = opened.ranking.best(q, hits, 1000)
    assert 0 < len(best) == hits.bit_count()
    assert all(record_id.startswith("tate-") for (_, record_id), _ in best)
    assert opened.ranking.best(q, 0, 10) == []


def test_queries_it_cannot_rank_are_recognized() -> None:
    assert Ranking.supports(wq.AndNot(wq.Every(), wq.Term("title", "x")))
    assert not Ranking.supports(wq.Phrase("title", ["富嶽", "嶽山"]))
    assert not Ranking.supports(wq.Or([wq.Term("title", "a"), wq.Term("title", "b")], scale=0.5))
    assert not Ranking.supports(wq.Every("title"))


#: Every construct of the query language, phrases included (which ranking
#: scores as their words), alone and combined, folded and exact.
LANGUAGE = ("富嶽", '"富嶽 山水"', "富嶽山水", "東京都", "桜 3月", '北斎 OR "神奈川 沖"',
            '富嶽 -"山水 図"', "-山水", "NOT 富嶽 浮世絵", 'title:"富嶽 山水"', "hokusai",
            "agent:葛飾北斎 OR place:京都", "嶽 -嶽山")


@pytest.mark.parametrize("exact", [False, True])
def test_every_query_the_language_compiles_is_ranked(exact: bool) -> None:
    for text in LANGUAGE:
        compiled = compile_text(text, exact=exact)
        assert Ranking.supports(rank_query(compiled)), text
    assert not Ranking.supports(compile_text('"富嶽 山水"'))  # its phrases, as compiled
    plain = compile_text("富嶽 -山水")
    assert rank_query(plain) is plain  # nothing to change: the same query


def test_a_query_it_cannot_rank_is_refused(opened: OpenedIndex) -> None:
    phrase = compile_text('"富嶽 山水"')
    hits = opened.bits.query(phrase)
    assert hits
    with pytest.raises(IndexingError, match="cannot score"):
        opened.ranking.best(phrase, hits, 10)
    assert opened.ranking.best(rank_query(phrase), hits, 10)


def test_result_pages_and_cursors_walk_every_hit_once_in_order(segmented: Path) -> None:
    opened = OpenedIndex(segmented)
    expected = [record_id for (_, record_id), _ in opened.ranked("富嶽")[2]]
    index = SearchIndex(segmented)
    walked: list[str] = []
    results = index.search(SearchQuery("富嶽", page_size=50))
    assert results.total == len(expected)
    assert [h.id for h in index.search(SearchQuery("富嶽", page=3, page_size=50)).hits] == (
        expected[100:150]
    )
    while True:
        walked += [hit.id for hit in results.hits]
        if results.next_cursor is None:
            break
        results = index.search(SearchQuery("富嶽", page_size=50, cursor=results.next_cursor))
    assert walked == expected
    index.close()
    opened.searcher.close()
    opened.ix.close()
