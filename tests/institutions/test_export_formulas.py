"""The institution's CSV exports never hand a spreadsheet a formula from a feed.

Records come in through the real table upload (and, for the leading tab and
carriage return the upload strips, are stored as records with such text), then
leave through the real exports over the real SQLite store.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json

import pytest

from tsunagu.feeds import ColumnMapping
from tsunagu.institutions import (
    FeedForm,
    export_activity_csv,
    export_records_csv,
    export_records_jsonl,
    register_feed,
    upload_table,
)
from tsunagu.pipeline import Pipeline
from tsunagu.records import Agent, DateValue, FeedKind, LangString, Sector
from tsunagu.store.accounts import User
from tsunagu.store.activity import ActivityKind

#: The characters a spreadsheet reads as the start of a formula.
LEADS = ("=", "+", "-", "@", "\t", "\r")
PAYLOAD = 'HYPERLINK("http://x")'
MAPPING = ColumnMapping.of({"資料番号": "identifier", "資料名": "title", "作者": "creator",
                            "年代": "date", "利用条件": "rights", "備考": "description"})
#: Columns whose text came straight from the uploaded table.
FEED_COLUMNS = ("title", "creators", "dates", "description", "rights_raw", "identifiers")


def upload(pipeline: Pipeline, editor: User, rows: list[list[str]]) -> None:
    register_feed(pipeline, editor, "nijl", FeedForm(
        id="prints", name="錦絵コレクション", sector=Sector.MUSEUM, kind=FeedKind.TABULAR,
        default_rights=None, languages=("ja",)))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["資料番号", "資料名", "作者", "年代", "利用条件", "備考"])
    writer.writerows(rows)
    run = upload_table(pipeline, editor, "prints", buffer.getvalue().encode("utf-8"),
                       "prints.csv", MAPPING)
    assert run.status == "ok" and run.new == len(rows)


def records_csv(pipeline: Pipeline, editor: User) -> list[dict[str, str]]:
    text = "".join(export_records_csv(pipeline, editor, "nijl"))
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_formulas_typed_into_an_uploaded_table_come_out_as_text(
        pipeline: Pipeline, editor: User) -> None:
    leads = ("=", "+", "-", "@")
    upload(pipeline, editor, [
        [f"{lead}A{n}", lead + PAYLOAD, f"{lead}歌川広重", f"{lead}1833",
         f"{lead}cmd|' /C calc'!A0", f"{lead}1+1"]
        for n, lead in enumerate(leads)]
        + [["B-1", "東海道五十三次 日本橋", "歌川広重", "天保4年", "CC0", "展示中 - 2F"]])

    rows = {row["identifiers"]: row for row in records_csv(pipeline, editor)}
    for n, lead in enumerate(leads):
        row = rows[f"'{lead}A{n}"]
        assert row["title"] == "'" + lead + PAYLOAD
        assert row["creators"] == f"'{lead}歌川広重"
        assert row["dates"] == f"'{lead}1833"
        assert row["rights_raw"] == f"'{lead}cmd|' /C calc'!A0"
        assert row["description"] == f"'{lead}1+1"
        assert all(row[column].startswith("'") for column in FEED_COLUMNS)
    plain = rows["B-1"]  # text that is no formula is left exactly as it came
    assert [plain[column] for column in FEED_COLUMNS] == [
        "東海道五十三次 日本橋", "歌川広重", "天保4年", "展示中 - 2F", "CC0", "B-1"]
    assert plain["year_start"] == "1833"

    # the JSON Lines export is the exact copy: no apostrophes there
    exact = [json.loads(line) for line in b"".join(
        export_records_jsonl(pipeline, editor, "nijl")).decode("utf-8").splitlines()]
    assert {record["title"]["value"] for record in exact} >= {lead + PAYLOAD for lead in leads}


@pytest.mark.parametrize("lead", LEADS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_every_formula_start_is_defused_in_both_csvs(pipeline: Pipeline, editor: User,
                                                    lead: str) -> None:
    upload(pipeline, editor, [["A-1", "東海道五十三次 日本橋", "歌川広重", "天保4年", "CC0", ""]])
    stored = pipeline.store.records.get("prints:oai:tsunagu:prints:A-1")
    assert stored is not None
    # a stored record whose id, title and creator start with the character
    # (the table upload trims a leading tab or CR; other formats and sources may not)
    planted = dataclasses.replace(
        stored, id=lead + PAYLOAD, oai_identifier=lead + "oai",
        title=LangString(lead + PAYLOAD, "ja"), agents=(Agent(name=lead + "SUM(1,2)"),),
        dates=(DateValue(lead + "500 BC", year_start=-500, year_end=-500),))
    pipeline.store.records.put(planted)

    rows = {row["oai_identifier"]: row for row in records_csv(pipeline, editor)}
    row = rows["'" + lead + "oai"]
    assert row["id"] == "'" + lead + PAYLOAD
    assert row["title"] == "'" + lead + PAYLOAD
    assert row["creators"] == "'" + lead + "SUM(1,2)"
    assert row["dates"] == "'" + lead + "500 BC"
    # the years tsunagu computed stay numbers, a year BCE too
    assert (row["year_start"], row["year_end"]) == ("-500", "-500")

    day = dt.date(2026, 4, 1)
    assert pipeline.store.activity.record_event(ActivityKind.VIEW, [planted.id], day) == 1
    text = "".join(export_activity_csv(pipeline, editor, "nijl"))
    activity = list(csv.DictReader(io.StringIO(text, newline="")))
    assert activity == [{"record_id": "'" + lead + PAYLOAD, "source_id": "prints",
                         "day": "2026-04-01", "kind": "view", "count": "1"}]
