"""Data and activity back: everything tsunagu holds about an institution, downloadable.

Normalized records as JSON Lines (lossless, :func:`record_to_dict`) and CSV (one
row per record, multiple values joined with `` | ``), raw records exactly as
received as JSON Lines, and the activity counts of its records. Each export
checks the rule first, then streams (an iterator of ``bytes`` or ``str`` chunks
for a streaming response), so a large institution never sits in memory.

The CSV files are opened in spreadsheets, and their text comes from feeds: every
text cell goes through :func:`tsunagu.store.cells.defuse_formula`, so a title such
as ``=HYPERLINK(...)`` shows as written instead of running (the JSON Lines files
stay exact).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from collections.abc import Iterator, Sequence

from tsunagu.accounts.rules import Actor, can_export_institution, can_read_activity, require
from tsunagu.pipeline import Pipeline
from tsunagu.records import Record, record_to_dict
from tsunagu.store import Store
from tsunagu.store.activity import ActivityKind, DayTotals
from tsunagu.store.cells import defuse_formula

JOIN = " | "
CSV_COLUMNS = (
    "id", "source_id", "oai_identifier", "datestamp", "title", "title_lang", "title_alt",
    "creators", "dates", "year_start", "year_end", "object_type", "subjects", "places",
    "description", "languages", "identifiers", "landing_url", "thumbnail_url",
    "iiif_manifest", "rights_code", "rights_uri", "rights_reuse", "rights_raw",
    "metadata_rights_code", "warnings",
)
#: Columns of numbers tsunagu computes (a year BCE is ``-500``), the only cells not defused.
NUMBER_COLUMNS = frozenset({"year_start", "year_end"})


@dataclasses.dataclass(frozen=True)
class ActivityReport:
    """Activity of an institution's records over a period."""

    institution_id: str
    start: dt.date | None
    end: dt.date | None
    per_day: tuple[DayTotals, ...]
    per_record: dict[str, dict[ActivityKind, int]]
    totals: dict[ActivityKind, int]


def export_records_jsonl(pipeline: Pipeline, actor: Actor | None,
                         institution_id: str) -> Iterator[bytes]:
    """Every live normalized record of the institution, one JSON object per line."""
    sources = _sources(pipeline.store, actor, institution_id)

    def lines() -> Iterator[bytes]:
        for record in _records(pipeline.store, sources):
            yield (json.dumps(record_to_dict(record), ensure_ascii=False,
                              separators=(",", ":")) + "\n").encode("utf-8")
    return lines()


def export_records_csv(pipeline: Pipeline, actor: Actor | None,
                       institution_id: str) -> Iterator[str]:
    """Every live normalized record of the institution as CSV (header first)."""
    sources = _sources(pipeline.store, actor, institution_id)

    def rows() -> Iterator[str]:
        yield _csv_line(CSV_COLUMNS)
        for record in _records(pipeline.store, sources):
            yield _csv_line(_csv_row(record))
    return rows()


def export_raw_records(pipeline: Pipeline, actor: Actor | None,
                       institution_id: str) -> Iterator[bytes]:
    """Every raw record as received (deleted ones as tombstones), one JSON object per line:
    ``source_id``, ``oai_identifier``, ``datestamp``, ``metadata_prefix``, ``deleted``,
    ``sets``, ``xml`` (the metadata element as text) and ``harvested_from`` (the
    request that brought it last: ``url``, ``token``, ``response_date``, ``run``,
    ``page``, ``page_id``; null for records no kept page holds). For a tombstone that is
    the page whose deleted header (or excluded set) removed it; for one missing from a
    full harvest, the page it was last seen in, live."""
    sources = _sources(pipeline.store, actor, institution_id)

    def lines() -> Iterator[bytes]:
        for source_id in sources:
            origins = pipeline.store.pages.of_records(source_id)
            for raw in pipeline.store.raw.iter(source_id):
                kept = origins.get(raw.oai_identifier)
                item = {"source_id": raw.source_id, "oai_identifier": raw.oai_identifier,
                        "datestamp": raw.datestamp, "metadata_prefix": raw.metadata_prefix,
                        "deleted": raw.deleted, "sets": list(raw.set_specs),
                        "xml": raw.xml.decode("utf-8", errors="replace"),
                        "harvested_from": None if kept is None else {
                            "url": kept.request.url, "token": kept.request.token_sent,
                            "response_date": kept.request.response_date,
                            "run": kept.request.run_id, "page": kept.request.page,
                            "page_id": kept.id}}
                yield (json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8")
    return lines()


def activity_report(pipeline: Pipeline, actor: Actor | None, institution_id: str, *,
                    start: dt.date | None = None, end: dt.date | None = None) -> ActivityReport:
    """Counts per day and per record of the institution's records (``end`` inclusive)."""
    require(can_read_activity(actor, institution_id), "read this institution's activity",
            field="institution_id")
    pipeline.store.institutions.get(institution_id)
    source_ids = [s.id for s in pipeline.store.sources.list(institution_id=institution_id)]
    activity = pipeline.store.activity
    per_day = tuple(activity.per_day(source_ids, start=start, end=end))
    totals = {kind: sum(day.counts.get(kind, 0) for day in per_day) for kind in ActivityKind}
    return ActivityReport(institution_id, start, end, per_day,
                          activity.per_record(source_ids, start=start, end=end), totals)


def export_activity_csv(pipeline: Pipeline, actor: Actor | None, institution_id: str, *,
                        start: dt.date | None = None,
                        end: dt.date | None = None) -> Iterator[str]:
    """``record_id, source_id, day, kind, count`` rows of the institution's records."""
    require(can_read_activity(actor, institution_id), "read this institution's activity",
            field="institution_id")
    pipeline.store.institutions.get(institution_id)
    source_ids = [s.id for s in pipeline.store.sources.list(institution_id=institution_id)]

    def rows() -> Iterator[str]:
        yield _csv_line(("record_id", "source_id", "day", "kind", "count"))
        for count in pipeline.store.activity.counts(source_ids, start=start, end=end):
            yield _csv_line((defuse_formula(count.record_id), defuse_formula(count.source_id),
                             count.day, count.kind.value, str(count.count)))
    return rows()


def _sources(store: Store, actor: Actor | None, institution_id: str) -> list[str]:
    require(can_export_institution(actor, institution_id), "export this institution's data",
            field="institution_id")
    store.institutions.get(institution_id)
    return [source.id for source in store.sources.list(institution_id=institution_id)]


def _records(store: Store, source_ids: Sequence[str]) -> Iterator[Record]:
    for source_id in source_ids:
        yield from store.records.iter(source_id)


def _csv_line(values: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def _csv_row(record: Record) -> tuple[str, ...]:
    """The record's cells in :data:`CSV_COLUMNS` order, text cells defused."""
    return tuple(value if column in NUMBER_COLUMNS else defuse_formula(value)
                 for column, value in zip(CSV_COLUMNS, _csv_values(record), strict=True))


def _csv_values(record: Record) -> tuple[str, ...]:
    years = record.year_range
    content = record.rights.content
    return (
        record.id, record.source_id, record.oai_identifier, record.datestamp,
        record.title.value, record.title.lang or "",
        JOIN.join(t.value for t in record.title_alt),
        JOIN.join(a.name for a in record.agents),
        JOIN.join(d.original for d in record.dates),
        "" if years is None else str(years[0]), "" if years is None else str(years[1]),
        record.object_type.value, JOIN.join(record.subjects), JOIN.join(record.places),
        JOIN.join(d.value for d in record.description), JOIN.join(record.languages),
        JOIN.join(i.value for i in record.identifiers), record.landing_url or "",
        record.thumbnail_url or "", record.iiif_manifest or "", content.code,
        content.uri or "", content.reuse.value, content.raw, record.rights.metadata.code,
        JOIN.join(record.warnings),
    )
