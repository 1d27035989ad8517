"""The ranking model scores exactly as Whoosh's BM25F with the same parameters."""

from __future__ import annotations

from pathlib import Path

from whoosh import scoring

from tsunagu.index.directory import IndexDirectory
from tsunagu.index.query import compile_text
from tsunagu.index.weighting import SHORT_FIELD_B, Weighting


def test_scores_equal_whoosh_bm25f(built: object, index_dir: Path) -> None:
    directory = IndexDirectory(index_dir)
    generation = directory.current()
    assert generation is not None
    ix = directory.open(generation)
    whoosh_model = scoring.BM25F(
        **{f"{f}_B": SHORT_FIELD_B for f in ("title", "title_alt", "agents", "reading")}
    )
    compared = 0
    with ix.searcher(weighting=Weighting()) as ours, ix.searcher(weighting=whoosh_model) as base:
        for text in ("北斎", "東京", "hokusai", "Turner", "富嶽 OR 浮世絵", '"神奈川沖"', "桜"):
            query = compile_text(text)
            expected = base.search(query, limit=None).top_n
            got = ours.search(query, limit=None).top_n
            assert got == expected, text
            compared += len(got)
    ix.close()
    assert compared > 5
