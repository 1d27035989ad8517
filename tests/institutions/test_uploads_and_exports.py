"""Uploaded tables and static repositories become runs; exports give everything back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from tsunagu.demo.catalog import demo_feed
from tsunagu.demo.feedfile import load_feed
from tsunagu.errors import ConfigError, NotFoundError, PermissionDeniedError, UploadError
from tsunagu.feeds import ColumnMapping, template_csv, template_xlsx
from tsunagu.institutions import (
    FeedForm,
    activity_report,
    approve_run,
    export_activity_csv,
    export_raw_records,
    export_records_csv,
    export_records_jsonl,
    preview_table,
    register_feed,
    run_report,
    run_sandbox,
    upload_static_repository,
    upload_table,
)
from tsunagu.pipeline import Pipeline
from tsunagu.records import FeedKind, Sector
from tsunagu.store.activity import ActivityKind

HEADER = "資料番号,資料名,作者,年代,利用条件,URL,備考\n"
ROWS = [
    "A-1,東海道五十三次 日本橋,歌川広重,天保4年,https://creativecommons.org/publicdomain/zero/1.0/,"
    "https://museum.example.jp/A-1,展示中\n",
    "A-2,富嶽三十六景 神奈川沖浪裏,葛飾北斎,1831,教育目的に限り利用可,https://museum.example.jp/A-2,\n",
    "A-3,無題,,不明,,,\n",
]
MAPPING = ColumnMapping.of({"資料番号": "identifier", "資料名": "title", "作者": "creator",
                            "年代": "date", "利用条件": "rights", "URL": "url"})


def table(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode("utf-8")


@pytest.fixture
def tabular(pipeline: Pipeline, editor) -> str:
    register_feed(pipeline, editor, "nijl", FeedForm(
        id="prints", name="錦絵コレクション", sector=Sector.MUSEUM, kind=FeedKind.TABULAR,
        default_rights=None, languages=("ja",)))
    return "prints"


def test_table_upload_then_reupload_reports_what_changed(pipeline: Pipeline, editor,
                                                         tabular: str) -> None:
    preview = preview_table(table(*ROWS), "prints.csv")
    assert preview.row_count == 3 and preview.headers[0] == "資料番号"
    assert preview.suggested.target_of("資料番号") == "identifier"
    assert preview.suggested.target_of("資料名") == "title"

    first = upload_table(pipeline, editor, tabular, table(*ROWS), "prints.csv", MAPPING)
    assert (first.status, first.new, first.updated, first.deleted) == ("ok", 3, 0, 0)
    record = pipeline.store.records.get("prints:oai:tsunagu:prints:A-1")
    assert record is not None and record.title.value == "東海道五十三次 日本橋"
    assert record.agents[0].name == "歌川広重" and record.dates[0].year_start == 1833
    assert record.rights.content.code == "CC0-1.0"
    assert record.landing_url == "https://museum.example.jp/A-1"

    changed = ROWS[1].replace("1831", "1830-1832")
    dropped = [ROWS[0], changed] + [f"B-{n},追加資料{n},,,,,\n" for n in range(1, 20)]
    second = upload_table(pipeline, editor, tabular, table(*dropped), "prints.csv", MAPPING)
    assert (second.new, second.updated, second.unchanged, second.deleted) == (19, 1, 1, 1)
    diff = run_report(pipeline, editor, tabular, second.id)["diff"]
    assert diff["updated"]["identifiers"] == ["oai:tsunagu:prints:A-2"]
    assert diff["deleted"]["identifiers"] == ["oai:tsunagu:prints:A-3"]
    assert pipeline.store.records.get("prints:oai:tsunagu:prints:A-3") is None

    # Rows without an identifier or with a repeated one are quarantined, not lost.
    bad = upload_table(pipeline, editor, tabular, table(*dropped, ",名無し,,,,,\n", ROWS[0]),
                       "prints.csv", MAPPING)
    assert bad.quarantined == 2 and bad.status == "ok"
    reasons = [q.reason for q in pipeline.store.quarantine.list(tabular, run_id=bad.id)]
    assert any("empty" in r for r in reasons) and any("also in row" in r for r in reasons)

    # A file that drops most rows is held until a person approves the deletions.
    held = upload_table(pipeline, editor, tabular, table(ROWS[0]), "prints.csv", MAPPING)
    assert held.status == "held" and held.deleted == 0
    assert pipeline.store.records.counts_by_source()[tabular] == 21
    approved = approve_run(pipeline, editor, tabular, held.id)
    assert approved.status == "ok" and pipeline.store.records.counts_by_source()[tabular] == 1


def test_upload_errors_are_clear(pipeline: Pipeline, editor, outsider, tabular: str) -> None:
    with pytest.raises(ConfigError, match="exactly one column"):
        upload_table(pipeline, editor, tabular, table(*ROWS), "p.csv",
                     ColumnMapping.of({"資料名": "title"}))
    with pytest.raises(ConfigError, match="no column"):
        upload_table(pipeline, editor, tabular, table(*ROWS), "p.csv",
                     ColumnMapping.of({"ID": "identifier"}))
    with pytest.raises(UploadError):
        upload_table(pipeline, editor, tabular, b"", "p.csv", MAPPING)
    with pytest.raises(ConfigError, match="fed by tabular"):
        upload_static_repository(pipeline, editor, tabular, b"<x/>")  # wrong kind
    with pytest.raises(NotFoundError):
        upload_table(pipeline, outsider, tabular, table(*ROWS), "p.csv", MAPPING)


def test_shift_jis_tsv_and_excel_uploads(pipeline: Pipeline, editor, tabular: str) -> None:
    tsv = (HEADER + ROWS[0]).replace(",", "\t").encode("cp932")
    run = upload_table(pipeline, editor, tabular, tsv, "prints.tsv", MAPPING)
    assert run.new == 1
    workbook = template_xlsx()
    sheet = load_workbook(io.BytesIO(workbook)).worksheets[0]
    assert [c.value for c in sheet[1]][:2] == ["identifier", "title"]
    guessed = preview_table(workbook, "template.xlsx").suggested
    run = upload_table(pipeline, editor, tabular, workbook, "template.xlsx", guessed)
    assert (run.status, run.new, run.deleted) == ("ok", 1, 1)  # A-1 is gone from this file
    record = pipeline.store.records.get("prints:oai:tsunagu:prints:A-0001")
    assert record is not None and record.thumbnail_url and record.subjects == ("浮世絵", "風景")
    assert template_csv().startswith("\ufeffidentifier,title".encode())


def test_static_repository_upload(pipeline: Pipeline, editor) -> None:
    register_feed(pipeline, editor, "nijl", FeedForm(
        id="static", name="静的リポジトリ", sector=Sector.LIBRARY, kind=FeedKind.STATIC))
    feed = load_feed(demo_feed("nijl").path)
    records = "".join(
        f"<oai:record><oai:header><oai:identifier>{r.identifier}</oai:identifier>"
        f"<oai:datestamp>2026-01-01</oai:datestamp></oai:header><oai:metadata>"
        f"{r.metadata_xml.decode()}</oai:metadata></oai:record>"
        for r in feed.records[:5] if r.metadata_xml)
    data = (
        '<Repository xmlns="http://www.openarchives.org/OAI/2.0/static-repository" '
        'xmlns:oai="http://www.openarchives.org/OAI/2.0/"><Identify>'
        "<oai:repositoryName>国書</oai:repositoryName><oai:baseURL>http://x/</oai:baseURL>"
        "</Identify><ListMetadataFormats><oai:metadataFormat><oai:metadataPrefix>oai_dc"
        "</oai:metadataPrefix></oai:metadataFormat></ListMetadataFormats>"
        f'<ListRecords metadataPrefix="oai_dc">{records}</ListRecords></Repository>'
    ).encode()
    run = upload_static_repository(pipeline, editor, "static", data, "repo.xml")
    assert run.status == "ok" and run.new == 5 and run.quarantined == 0
    report = run_sandbox(pipeline, editor, "static")
    assert report.ok and len(report.records) == 5


def test_exports_and_activity(pipeline: Pipeline, editor, outsider, tabular: str) -> None:
    upload_table(pipeline, editor, tabular, table(*ROWS), "prints.csv", MAPPING)
    with pytest.raises(PermissionDeniedError):  # refused before the first byte
        export_records_jsonl(pipeline, outsider, "nijl")
    with pytest.raises(PermissionDeniedError):
        export_records_csv(pipeline, None, "nijl")
    with pytest.raises(PermissionDeniedError):
        export_raw_records(pipeline, outsider, "nijl")
    with pytest.raises(PermissionDeniedError):
        activity_report(pipeline, outsider, "nijl")

    lines = b"".join(export_records_jsonl(pipeline, editor, "nijl")).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [
        f"prints:oai:tsunagu:prints:A-{n}" for n in (1, 2, 3)]
    rows = list(csv.DictReader(io.StringIO("".join(export_records_csv(pipeline, editor,
                                                                        "nijl")))))
    assert rows[0]["title"] == "東海道五十三次 日本橋" and rows[0]["rights_code"] == "CC0-1.0"
    assert rows[1]["rights_raw"] == "教育目的に限り利用可"
    raw = [json.loads(line) for line in b"".join(
        export_raw_records(pipeline, editor, "nijl")).decode().splitlines()]
    assert raw[0]["metadata_prefix"] == "tsunagu_row" and "歌川広重" in raw[0]["xml"]

    day = dt.date(2026, 4, 1)
    store = pipeline.store
    store.activity.record_event(ActivityKind.VIEW, ["prints:oai:tsunagu:prints:A-1"], day)
    store.activity.record_event(ActivityKind.SEARCH, [r["id"] for r in rows], day)
    report = activity_report(pipeline, editor, "nijl")
    assert report.totals[ActivityKind.SEARCH] == 3 and report.totals[ActivityKind.VIEW] == 1
    assert report.per_record["prints:oai:tsunagu:prints:A-1"][ActivityKind.VIEW] == 1
    assert activity_report(pipeline, editor, "nijl", start=dt.date(2026, 4, 2)).per_day == ()
    lines_csv = "".join(export_activity_csv(pipeline, editor, "nijl")).splitlines()
    assert lines_csv[0] == "record_id,source_id,day,kind,count" and len(lines_csv) == 5
    assert activity_report(pipeline, outsider, "other").totals[ActivityKind.VIEW] == 0
