"""Editing a feed's settings: the page, and the same action in the JSON API.

``GET /sources/{id}/edit`` (twin ``/sources/{id}/edit.json`` and
``/api/sources/{id}/edit.json``: the current settings and the allowed values)
and ``POST /sources/{id}/settings`` (also ``/api/sources/{id}/settings`` with a
JSON object). The API may send only the fields it changes; the others keep their
values. For an OAI-PMH feed a changed base URL, metadata prefix or set list is
probed again (through the SSRF guard) before it is stored
(:func:`tsunagu.institutions.update_feed`).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from tsunagu.errors import ConfigError, HarvestError
from tsunagu.institutions import update_feed
from tsunagu.institutions.access import managed_source
from tsunagu.records import FeedKind, Schedule, Sector, Source
from tsunagu.site.account_errors import wants_json
from tsunagu.site.dashboard_views import feed_form
from tsunagu.site.institution_web import answer, done, fields_of, pipeline_of, renderer_of
from tsunagu.site.sessions import current_actor, require_actor

TEMPLATE = "dashboard/feed_edit.html"


def settings_fields(source: Source) -> dict[str, str]:
    """A source's settings as the form's fields (lists joined with commas)."""
    return {
        "id": source.id, "name": source.name, "name_en": source.name_en or "",
        "kind": source.kind.value, "sector": source.sector.value,
        "base_url": source.base_url, "metadata_prefix": source.metadata_prefix,
        "set_specs": ", ".join(source.set_specs), "prefecture": source.prefecture or "",
        "default_rights": source.default_rights or "",
        "metadata_rights": source.metadata_rights or "",
        "languages": ", ".join(source.languages), "schedule": source.schedule.value,
    }


def _context(source: Source, form: dict[str, Any], error: str | None) -> dict[str, Any]:
    return {"source": source, "form": form, "error": error,
            "sectors": list(Sector), "schedules": list(Schedule),
            "oai": source.kind is FeedKind.OAI_PMH}


def edit_form(request: Request) -> Response:
    actor = require_actor(request)
    source = managed_source(pipeline_of(request).store, actor,
                            str(request.path_params["source_id"]))
    form = settings_fields(source)
    return answer(request, TEMPLATE, _context(source, form, None), {
        "source": source, "settings": form,
        "sectors": [s.value for s in Sector], "schedules": [s.value for s in Schedule]})


async def save(request: Request) -> Response:
    """Store the new settings; a page with a mistake shows the form again (400)."""
    actor = require_actor(request)
    pipeline = pipeline_of(request)
    source = await run_in_threadpool(managed_source, pipeline.store, actor,
                                     str(request.path_params["source_id"]))
    given = await fields_of(request)
    given.pop("csrf_token", None)
    fields: dict[str, Any] = {**settings_fields(source), **given, "id": source.id}
    try:
        updated = await run_in_threadpool(update_feed, pipeline, current_actor(request),
                                          feed_form(fields))
    except (ConfigError, HarvestError) as exc:
        if wants_json(request):
            raise
        return renderer_of(request).html(request, TEMPLATE, _context(source, fields, str(exc)),
                                         status_code=400)
    return done(request, f"/sources/{updated.id}", {"source": updated})
