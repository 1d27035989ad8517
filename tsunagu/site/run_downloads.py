"""A run's report as downloads: ``GET /sources/{id}/runs/{run_id}/report.csv`` and
``…/report.html`` (also under ``/api/sources/{id}/…``).

The CSV holds the run's counts, diff, issues and quarantined records; the HTML is
a self-contained page to print or send on, in the visitor's language. Only for
those who manage the source: another institution's draft is a 404, its published
source a 403. Nothing is cached.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from tsunagu.errors import ConfigError
from tsunagu.institutions.run_documents import (
    REPORT_PAGE_POLICY,
    run_report_csv,
    run_report_html,
)
from tsunagu.site.institution_web import pipeline_of, renderer_of
from tsunagu.site.sessions import require_actor


def _ids(request: Request) -> tuple[str, int]:
    run = str(request.path_params["run_id"])
    if not run.isdigit():
        raise ConfigError("a run id is a number", field="run")
    return str(request.path_params["source_id"]), int(run)


def _headers(name: str, *, attachment: bool) -> dict[str, str]:
    disposition = "attachment" if attachment else "inline"
    return {"Content-Disposition": f'{disposition}; filename="{name}"',
            "Cache-Control": "no-store"}


def report_csv(request: Request) -> Response:
    actor = require_actor(request)
    source_id, run_id = _ids(request)
    body = run_report_csv(pipeline_of(request), actor, source_id, run_id)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers=_headers(f"{source_id}-run-{run_id}.csv", attachment=True))


def report_html(request: Request) -> Response:
    actor = require_actor(request)
    source_id, run_id = _ids(request)
    language = renderer_of(request).language(request)
    body = run_report_html(pipeline_of(request), actor, source_id, run_id, language=language)
    headers = _headers(f"{source_id}-run-{run_id}.html", attachment=False)
    headers["Content-Security-Policy"] = REPORT_PAGE_POLICY
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)
