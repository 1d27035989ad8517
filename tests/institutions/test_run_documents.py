"""A run's printable report names the source in the page's language (the store's rule)."""

from __future__ import annotations

import pytest

from tsunagu.errors import NotFoundError
from tsunagu.feeds import ColumnMapping
from tsunagu.institutions import FeedForm, register_feed, upload_table
from tsunagu.institutions.run_documents import run_report_html
from tsunagu.pipeline import Pipeline
from tsunagu.records import FeedKind, Sector
from tsunagu.store.accounts import User

TABLE = "資料番号,資料名\nA-1,東海道五十三次 日本橋\n".encode()
MAPPING = ColumnMapping.of({"資料番号": "identifier", "資料名": "title"})


def uploaded_run(pipeline: Pipeline, editor: User, feed_id: str, name_en: str | None) -> int:
    register_feed(pipeline, editor, "nijl", FeedForm(
        id=feed_id, name="錦絵コレクション", name_en=name_en, sector=Sector.MUSEUM,
        kind=FeedKind.TABULAR, default_rights=None, languages=("ja",)))
    return upload_table(pipeline, editor, feed_id, TABLE, "prints.csv", MAPPING).id


def test_the_report_page_uses_the_english_name_on_english_pages(
        pipeline: Pipeline, editor: User) -> None:
    run = uploaded_run(pipeline, editor, "prints", "Nishiki-e Collection")
    english = run_report_html(pipeline, editor, "prints", run, language="en")
    assert "Nishiki-e Collection" in english and "錦絵コレクション" not in english
    japanese = run_report_html(pipeline, editor, "prints", run, language="ja")
    assert "錦絵コレクション" in japanese and "Nishiki-e Collection" not in japanese


def test_without_an_english_name_english_pages_use_the_japanese_one(
        pipeline: Pipeline, editor: User) -> None:
    run = uploaded_run(pipeline, editor, "prints", None)
    assert "錦絵コレクション" in run_report_html(pipeline, editor, "prints", run, language="en")


def test_another_institution_gets_no_report(pipeline: Pipeline, editor: User,
                                            outsider: User) -> None:
    run = uploaded_run(pipeline, editor, "prints", "Nishiki-e Collection")
    with pytest.raises(NotFoundError):  # a draft of another institution does not exist
        run_report_html(pipeline, outsider, "prints", run, language="en")
