"""Data and activity back: an institution's records, raw records and activity counts.

Under ``/dashboard/{institution_id}/`` and ``/api/institutions/{institution_id}/``:
``records.jsonl`` and ``records.csv`` (normalized records), ``raw.jsonl`` (as
received), ``activity`` (a page; twin ``activity.json``: totals, per day, per
record) and ``activity.csv`` (``record_id, source_id, day, kind, count``).
``?from=YYYY-MM-DD&to=YYYY-MM-DD`` limits the activity period (both inclusive).
The files stream; the rules are checked before the first byte.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from tsunagu.errors import ConfigError
from tsunagu.institutions import (
    activity_report,
    export_activity_csv,
    export_raw_records,
    export_records_csv,
    export_records_jsonl,
)
from tsunagu.site.institution_web import answer, pipeline_of, renderer_of
from tsunagu.site.labels import ACTIVITY_LABELS
from tsunagu.site.search_state import reject_unknown_parameters
from tsunagu.site.sessions import require_actor
from tsunagu.store.activity import ActivityKind


def _institution(request: Request) -> str:
    return str(request.path_params["institution_id"])


def download_headers(name: str, *, inline: bool = False) -> dict[str, str]:
    """Headers of a file sent as ``name``: saved (or ``inline``: shown), never cached."""
    disposition = "inline" if inline else "attachment"
    return {"Content-Disposition": f'{disposition}; filename="{name}"',
            "Cache-Control": "no-store"}


def records_jsonl(request: Request) -> Response:
    actor = require_actor(request)
    institution_id = _institution(request)
    chunks = export_records_jsonl(pipeline_of(request), actor, institution_id)
    return StreamingResponse(chunks, media_type="application/x-ndjson",
                             headers=download_headers(f"{institution_id}-records.jsonl"))


def records_csv(request: Request) -> Response:
    actor = require_actor(request)
    institution_id = _institution(request)
    chunks = export_records_csv(pipeline_of(request), actor, institution_id)
    return StreamingResponse((chunk.encode("utf-8") for chunk in chunks),
                             media_type="text/csv; charset=utf-8",
                             headers=download_headers(f"{institution_id}-records.csv"))


def raw_jsonl(request: Request) -> Response:
    actor = require_actor(request)
    institution_id = _institution(request)
    chunks = export_raw_records(pipeline_of(request), actor, institution_id)
    return StreamingResponse(chunks, media_type="application/x-ndjson",
                             headers=download_headers(f"{institution_id}-raw.jsonl"))


def _period(request: Request) -> tuple[dt.date | None, dt.date | None]:
    reject_unknown_parameters(request.query_params.multi_items(), allowed=("from", "to"))
    found: list[dt.date | None] = []
    for name in ("from", "to"):
        value = request.query_params.get(name, "").strip()
        try:
            found.append(dt.date.fromisoformat(value) if value else None)
        except ValueError:
            raise ConfigError(f"{name} must be a date YYYY-MM-DD, not {value[:20]!r}",
                              field=name) from None
    return found[0], found[1]


def activity(request: Request) -> Response:
    actor = require_actor(request)
    institution_id = _institution(request)
    start, end = _period(request)
    pipeline = pipeline_of(request)
    report = activity_report(pipeline, actor, institution_id, start=start, end=end)
    kinds = list(ActivityKind)
    payload: dict[str, Any] = {
        "institution_id": institution_id,
        "from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
        "totals": {kind.value: report.totals.get(kind, 0) for kind in kinds},
        "per_day": [{"day": day.day, **{kind.value: day.counts.get(kind, 0) for kind in kinds}}
                    for day in report.per_day],
        "per_record": [{"record_id": record_id,
                        **{kind.value: counts.get(kind, 0) for kind in kinds}}
                       for record_id, counts in report.per_record.items()],
    }
    return answer(request, "dashboard/activity.html", {
        "institution": pipeline.store.institutions.get(institution_id),
        "activity": payload, "kinds": [kind.value for kind in kinds],
        "kind_labels": {kind.value: renderer_of(request).gettext(
            request, ACTIVITY_LABELS.get(kind.value, kind.value)) for kind in kinds},
    }, payload)


def activity_csv(request: Request) -> Response:
    actor = require_actor(request)
    institution_id = _institution(request)
    start, end = _period(request)
    chunks = export_activity_csv(pipeline_of(request), actor, institution_id,
                                 start=start, end=end)
    return StreamingResponse((chunk.encode("utf-8") for chunk in chunks),
                             media_type="text/csv; charset=utf-8",
                             headers=download_headers(f"{institution_id}-activity.csv"))
