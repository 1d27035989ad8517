"""A run's report as downloads: ``GET /sources/{id}/runs/{run_id}/report.csv`` and
``…/report.html``, and its kept pages: ``…/pages/{page_id}.xml`` (all also under
``/api/sources/{id}/…``).

The CSV holds the run's counts, diff, issues and quarantined records; the HTML is
a self-contained page to print or send on, in the visitor's language. A page is
sent as the feed sent it, as an attachment: those bytes are the feed's, so they
are never shown in the site's origin (an XML page can carry XHTML with script):
``application/octet-stream``, ``nosniff`` and a sandboxing policy. Only for those
who manage the source: another institution's draft is a 404, its published source
a 403. Nothing is cached.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from tsunagu.institutions.run_documents import (
    REPORT_PAGE_POLICY,
    run_report_csv,
    run_report_html,
)
from tsunagu.site.export_views import download_headers
from tsunagu.site.institution_web import pipeline_of, renderer_of
from tsunagu.site.run_pages import PAGE_POLICY, page_body, page_id_of
from tsunagu.site.sessions import require_actor
from tsunagu.site.source_views import run_id_of, source_id_of


def report_csv(request: Request) -> Response:
    actor = require_actor(request)
    source_id, run_id = source_id_of(request), run_id_of(request)
    body = run_report_csv(pipeline_of(request), actor, source_id, run_id)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers=download_headers(f"{source_id}-run-{run_id}.csv"))


def report_html(request: Request) -> Response:
    actor = require_actor(request)
    source_id, run_id = source_id_of(request), run_id_of(request)
    language = renderer_of(request).language(request)
    body = run_report_html(pipeline_of(request), actor, source_id, run_id, language=language)
    headers = download_headers(f"{source_id}-run-{run_id}.html", inline=True)
    headers["Content-Security-Policy"] = REPORT_PAGE_POLICY
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)


def page_xml(request: Request) -> Response:
    actor = require_actor(request)
    source_id, run_id = source_id_of(request), run_id_of(request)
    page, body = page_body(pipeline_of(request).store, actor, source_id, run_id,
                           page_id_of(request))
    headers = download_headers(f"{source_id}-run{run_id}-page{page.request.page}.xml")
    headers["Content-Security-Policy"] = PAGE_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    return Response(body, media_type="application/octet-stream", headers=headers)
