"""One feed: its page, the validation sandbox, its runs, and what can be done with it.

``GET /sources/{id}`` (twin ``.json``, also ``/api/sources/{id}.json``): settings,
status, runs, held runs, quality tier with hints, the latest run's report.
``GET /sources/{id}/sandbox`` (twins as above): the last stored repository checks
and the sample as item pages, with rights, dates, warnings and tiers (``report``
is ``null`` in JSON before the first check); ``POST /sources/{id}/sandbox`` (also
``/api/sources/{id}/sandbox``) runs the checks again, asking the repository. ``GET
/sources/{id}/runs/{run_id}``: one run's report with its quarantined records (each
linked to the kept page it came from) and the ListRecords pages it kept.
Actions (POST, pages and ``/api/sources/{id}/…``): ``publish``, ``unpublish``,
``harvest``, ``runs/{run_id}/approve|reject``, ``upload`` (a table — the first
upload of a page shows the column mapping form, ``upload/mapping`` stores it —
or a static repository file). A draft source of another institution is 404,
a public one 403.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from tsunagu.errors import ConfigError
from tsunagu.feeds import TARGETS, ColumnMapping
from tsunagu.institutions import (
    SandboxReport,
    approve_run,
    fetch_link,
    harvest_now,
    keep_link,
    last_sandbox,
    link_feed,
    preview_table,
    publish_source,
    quarantined_records,
    reject_run,
    run_report,
    run_sandbox,
    source_quality,
    source_runs,
    unpublish_source,
    upload_static_repository,
    upload_table,
)
from tsunagu.institutions.access import managed_source
from tsunagu.records import FeedKind, Source
from tsunagu.site.account_errors import wants_json
from tsunagu.site.institution_web import (
    answer,
    done,
    fields_of,
    pipeline_of,
    renderer_of,
    text,
    upload_of,
)
from tsunagu.site.run_pages import (
    ID,
    SHOWN_PAGES,
    page_path,
    page_payload,
    quarantine_pages,
    run_pages,
)
from tsunagu.site.sessions import current_actor, require_actor
from tsunagu.site.upload_tickets import discard_upload, keep_upload, read_upload
from tsunagu.store.quarantine import QuarantinedRecord
from tsunagu.store.raw_pages import STORED, StoredPage
from tsunagu.store.source_names import display_name


def source_id_of(request: Request) -> str:
    """The source id in the path (``/sources/{source_id}/…``)."""
    return str(request.path_params["source_id"])


def run_id_of(request: Request) -> int:
    """The run id in the path (``…/runs/{run_id}…``); not a number is a ConfigError."""
    value = str(request.path_params["run_id"])
    if not ID.fullmatch(value):
        raise ConfigError("a run id is a number (up to 18 digits)", field="run")
    return int(value)


def source_page(request: Request) -> Response:
    actor = require_actor(request)
    pipeline = pipeline_of(request)
    source_id = source_id_of(request)
    runs = source_runs(pipeline, actor, source_id)
    source = pipeline.source(source_id)
    quality = source_quality(pipeline, actor, source_id)
    report = run_report(pipeline, actor, source_id) if runs else None
    held = pipeline.store.runs.held(source_id)
    records = pipeline.store.records.counts_by_source().get(source_id, 0)
    return answer(request, "dashboard/source.html", {
        "source": source, "runs": runs, "quality": quality, "report": report, "held": held,
        "records": records, "targets": TARGETS,
    }, {"source": source, "records": records, "runs": runs, "held_run": held,
        "quality": quality, "latest_report": report})


def sandbox(request: Request) -> Response:
    """The last sandbox report, from the store: reloading asks no repository."""
    actor = require_actor(request)
    pipeline = pipeline_of(request)
    source = managed_source(pipeline.store, actor, source_id_of(request))
    return _sandbox_answer(request, source, last_sandbox(pipeline, actor, source.id))


async def check_sandbox(request: Request) -> Response:
    """Run the checks now ("Run the checks"): probe, harvest and map a sample, store it."""
    report = await _act(request, run_sandbox)
    if wants_json(request):
        return _sandbox_answer(request, report.source, report)
    return done(request, f"/sources/{report.source.id}/sandbox", {})


def _sandbox_answer(request: Request, source: Source, report: SandboxReport | None) -> Response:
    renderer = renderer_of(request)
    labels = renderer.labeller(request, {source.id: display_name(
        source.name, source.name_en, renderer.language(request))})
    payload: dict[str, Any] = {"source": source, "report": None if report is None else {
        "ok": report.ok, "checked_at": report.checked_at, "checks": report.checks,
        "quality": report.quality, "records": [_preview_payload(p) for p in report.records]}}
    if report is not None:  # the fields of earlier versions stay where they were
        payload.update(payload["report"])
    return answer(request, "dashboard/sandbox.html", {
        "source": source, "report": report, "labels": labels}, payload)


def _preview_payload(preview: Any) -> dict[str, Any]:
    return {"id": preview.record.id, "title": preview.record.title.value,
            "tier": preview.tier, "rights": preview.rights, "dates": preview.dates,
            "warnings": preview.warnings,
            "unmet": [{"code": r.code, "tier": r.tier, "ja": r.ja, "en": r.en}
                      for r in preview.unmet]}


def run_page(request: Request) -> Response:
    actor = require_actor(request)
    pipeline = pipeline_of(request)
    source_id, run_id = source_id_of(request), run_id_of(request)
    report = run_report(pipeline, actor, source_id, run_id)
    quarantined = quarantined_records(pipeline, actor, source_id, run_id=run_id)
    pages = run_pages(pipeline.store, actor, source_id, run_id)
    found_in = quarantine_pages(pipeline.store, quarantined, pages)
    prefix = "/api" if request.url.path.startswith("/api/") else ""
    return answer(request, "dashboard/run.html", {
        "source": pipeline.source(source_id), "report": report, "quarantined": quarantined,
        "pages": pages, "shown_pages": pages[:SHOWN_PAGES],
        "failed_pages": [page for page in pages if page.status != STORED],
        "found_in": found_in, "page_path": page_path,
    }, {"report": report, "pages": [page_payload(prefix, page) for page in pages],
        "quarantined": [_quarantined_payload(q, found_in.get(q.id), prefix)
                        for q in quarantined]})


def _quarantined_payload(item: QuarantinedRecord, page: StoredPage | None,
                         prefix: str) -> dict[str, Any]:
    """A quarantined record of a run, with the kept page it came from (if known)."""
    return {"oai_identifier": item.oai_identifier, "stage": item.stage, "reason": item.reason,
            "raw": (item.raw or b"").decode("utf-8", errors="replace"),
            "page": None if page is None else {
                "id": page.id, "page": page.request.page, "download": page_path(prefix, page)}}


async def _act(request: Request, action: Any, *args: Any) -> Any:
    return await run_in_threadpool(action, pipeline_of(request), current_actor(request),
                                   source_id_of(request), *args)


async def publish(request: Request) -> Response:
    update = await _act(request, publish_source)
    return done(request, f"/sources/{source_id_of(request)}", {"index": update})


async def unpublish(request: Request) -> Response:
    update = await _act(request, unpublish_source)
    return done(request, f"/sources/{source_id_of(request)}", {"index": update})


async def harvest(request: Request) -> Response:
    run = await _act(request, harvest_now)
    return done(request, f"/sources/{source_id_of(request)}/runs/{run.id}", {"run": run})


async def approve(request: Request) -> Response:
    run = await _act(request, approve_run, run_id_of(request))
    return done(request, f"/sources/{source_id_of(request)}/runs/{run.id}", {"run": run})


async def reject(request: Request) -> Response:
    run = await _act(request, reject_run, run_id_of(request))
    return done(request, f"/sources/{source_id_of(request)}/runs/{run.id}", {"run": run})


async def upload(request: Request) -> Response:
    """Store an uploaded file; a table sent from a page first gets the mapping form.

    API: ``file`` and, for tables, ``mapping`` (a JSON object ``{column: field}``;
    without it the suggested mapping is used).
    """
    pipeline = pipeline_of(request)
    actor = current_actor(request)
    source = await run_in_threadpool(managed_source, pipeline.store, actor,
                                     source_id_of(request))
    fields = await fields_of(request)
    data, filename = await upload_of(fields)
    if source.kind is FeedKind.STATIC:
        run = await run_in_threadpool(upload_static_repository, pipeline, actor, source.id,
                                      data, filename)
        return done(request, f"/sources/{source.id}/runs/{run.id}", {"run": run})
    preview = await run_in_threadpool(preview_table, data, filename)
    if request.url.path.startswith("/api/"):
        mapping = preview.suggested
        if text(fields, "mapping"):
            mapping = _mapping(preview.suggested, json.loads(text(fields, "mapping")))
        run = await run_in_threadpool(upload_table, pipeline, actor, source.id, data,
                                      filename, mapping)
        return done(request, "", {"run": run})
    if len(data) > pipeline.settings.max_upload_bytes:
        raise ConfigError("the file is too large", source_id=source.id)
    ticket = await run_in_threadpool(keep_upload, pipeline.settings, source.id, data)
    return renderer_of(request).html(request, "dashboard/mapping.html", {
        "source": source, "preview": preview, "ticket": ticket, "filename": filename,
        "targets": TARGETS, "suggested": dict(preview.suggested.columns)})


async def link(request: Request) -> Response:
    """Fetch the source's file from a link (``url``) and keep the link for the worker.

    A page gets the column-mapping form for a table (the link is kept when the mapping
    is chosen); the API takes an optional ``mapping`` like ``upload``.
    """
    pipeline = pipeline_of(request)
    actor = current_actor(request)
    source = await run_in_threadpool(managed_source, pipeline.store, actor,
                                     source_id_of(request))
    fields = await fields_of(request)
    url = text(fields, "url")
    if not url:
        raise ConfigError("give the address (URL) of the file", field="url")
    if request.url.path.startswith("/api/") or source.kind is not FeedKind.TABULAR:
        chosen = text(fields, "mapping")
        mapping = ColumnMapping.of(json.loads(chosen)) if chosen else None
        run = await run_in_threadpool(link_feed, pipeline, actor, source.id, url, mapping)
        return done(request, f"/sources/{source.id}/runs/{run.id}", {"run": run})
    fetched = await run_in_threadpool(fetch_link, pipeline, actor, source.id, url)
    preview = await run_in_threadpool(preview_table, fetched.data, fetched.filename)
    ticket = await run_in_threadpool(keep_upload, pipeline.settings, source.id, fetched.data)
    return renderer_of(request).html(request, "dashboard/mapping.html", {
        "source": source, "preview": preview, "ticket": ticket, "filename": fetched.filename,
        "link": fetched.url, "targets": TARGETS,
        "suggested": dict(preview.suggested.columns)})


async def upload_mapping(request: Request) -> Response:
    """Step 2 of a table upload from a page: the column mapping, then the run."""
    pipeline = pipeline_of(request)
    actor = current_actor(request)
    source = await run_in_threadpool(managed_source, pipeline.store, actor,
                                     source_id_of(request))
    fields = await fields_of(request)
    ticket, filename = text(fields, "ticket"), text(fields, "filename")
    data = read_upload(pipeline.settings, source.id, ticket)
    preview = await run_in_threadpool(preview_table, data, filename)
    chosen = {header: text(fields, f"column_{index}")
              for index, header in enumerate(preview.headers)}
    mapping = _mapping(preview.suggested, chosen)
    run = await run_in_threadpool(upload_table, pipeline, actor, source.id, data, filename,
                                  mapping)
    discard_upload(pipeline.settings, source.id, ticket)
    if text(fields, "link"):
        await run_in_threadpool(keep_link, pipeline, actor, source.id, text(fields, "link"),
                                mapping)
    return done(request, f"/sources/{source.id}/runs/{run.id}", {"run": run})


def _mapping(suggested: Any, chosen: Any) -> Any:
    if not isinstance(chosen, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in chosen.items()):
        raise ConfigError("the mapping is an object of column names to fields", field="mapping")
    return type(suggested).of(chosen)
