"""An institution's dashboard: its feeds, registering new ones, API tokens.

``GET /dashboard`` (to one's own institution), ``GET /dashboard/{institution_id}``
(twin ``.json`` and ``/api/institutions/{institution_id}.json``: the sources
with status, records, latest and held run, quality tier; the API tokens),
``GET /dashboard/{id}/feeds/new`` → ``POST /dashboard/{id}/feeds/probe``
(Identify, formats and sets of a base URL; also ``POST
/api/institutions/{id}/probe``) → ``POST /dashboard/{id}/feeds`` (register a
draft; also ``POST /api/sources`` with ``institution_id``),
``GET /dashboard/{id}/uploads/new`` (a feed fed by file uploads),
``POST /dashboard/{id}/tokens`` and ``POST /dashboard/{id}/tokens/{token_id}/revoke``,
``GET /feeds/template.csv|xlsx`` (the table template).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tsunagu.accounts import create_api_token, list_api_tokens, revoke_api_token
from tsunagu.accounts.rules import Actor, can_manage_api_tokens, can_register_source, require
from tsunagu.errors import ConfigError, HarvestError
from tsunagu.feeds import template_csv, template_xlsx
from tsunagu.institutions import (
    FeedForm,
    institution_sources,
    probe_oai,
    register_feed,
    run_sandbox,
    source_tier,
)
from tsunagu.records import FeedKind, Schedule, Sector
from tsunagu.site.account_errors import wants_json
from tsunagu.site.institution_web import (
    answer,
    done,
    fields_of,
    pipeline_of,
    plain,
    renderer_of,
    text,
    texts,
)
from tsunagu.site.sessions import current_actor, require_actor, require_user
from tsunagu.store.health import SourceHealth, source_health


def my_dashboard(request: Request) -> Response:
    user = require_user(request)
    if user.institution_id:
        return RedirectResponse(f"/dashboard/{user.institution_id}", status_code=303)
    return RedirectResponse("/admin" if user.role.value == "admin" else "/account",
                            status_code=303)


def dashboard(request: Request) -> Response:
    actor = require_actor(request)
    institution_id = str(request.path_params["institution_id"])
    pipeline = pipeline_of(request)
    summaries = institution_sources(pipeline, actor, institution_id)
    institution = pipeline.store.institutions.get(institution_id)
    tiers = {s.source.id: source_tier(pipeline, actor, s.source.id) for s in summaries}
    tokens = (list_api_tokens(pipeline.store, actor, institution_id)
              if can_manage_api_tokens(actor, institution_id) else [])
    health = {h.source_id: h for h in source_health(pipeline.store.db,
                                                     [s.source for s in summaries])}
    rows = [{"source": s.source, "records": s.records, "latest_run": s.latest_run,
             "held_run": s.held_run, "tier": tiers[s.source.id],
             "attention": _attention(health[s.source.id])} for s in summaries]
    return answer(request, "dashboard/dashboard.html", {
        "institution": institution, "rows": rows, "tokens": tokens, "new_token": None,
    }, {"institution": institution, "sources": rows, "api_tokens": tokens})


def _attention(health: SourceHealth) -> str | None:
    """Why a published feed that fails needs attention (held runs have their own badge)."""
    if health.healthy or health.state == "held" or not health.active:
        return None
    return health.error or health.state


def new_feed(request: Request) -> Response:
    actor = require_actor(request)
    institution_id = str(request.path_params["institution_id"])
    require(can_register_source(actor, institution_id), "register feeds")
    return renderer_of(request).html(request, "dashboard/feed_new.html", {
        "institution_id": institution_id, "base_url": "", "error": None})


async def probe(request: Request) -> Response:
    """Step 2 of registering an OAI-PMH feed: what the repository offers."""
    actor = require_actor(request)
    institution_id = str(request.path_params["institution_id"])
    fields = await fields_of(request)
    base_url = text(fields, "base_url")
    pipeline = pipeline_of(request)
    try:
        found = await run_in_threadpool(probe_oai, pipeline, actor, institution_id, base_url)
    except (ConfigError, HarvestError) as exc:
        if request.url.path.startswith("/api/"):
            raise
        return renderer_of(request).html(request, "dashboard/feed_new.html", {
            "institution_id": institution_id, "base_url": base_url, "error": str(exc)},
            status_code=400)
    return answer(request, "dashboard/feed_form.html", {
        "institution_id": institution_id, "probe": found,
        "form": _defaults(base_url, found.formats), "error": None, **_choices(),
    }, {"probe": found})


async def register(request: Request) -> Response:
    """Register a draft feed from the form (pages) or a JSON object (``POST /api/sources``)."""
    actor = require_actor(request)
    fields = await fields_of(request)
    institution_id = str(request.path_params.get("institution_id")
                         or text(fields, "institution_id") or _own_institution(actor))
    pipeline = pipeline_of(request)
    try:
        form = feed_form(fields)
        source = await run_in_threadpool(register_feed, pipeline, actor, institution_id, form)
    except ConfigError as exc:
        if request.url.path.startswith("/api/") or text(fields, "kind") != "oai_pmh":
            raise
        return renderer_of(request).html(request, "dashboard/feed_form.html", {
            "institution_id": institution_id, "probe": None, "form": fields,
            "error": str(exc), **_choices()}, status_code=400)
    location = (f"/sources/{source.id}/sandbox" if source.kind is FeedKind.OAI_PMH
                else f"/sources/{source.id}")
    if source.kind is FeedKind.OAI_PMH and not wants_json(request):
        # the page goes on to the sandbox: its first checks run with the registration
        await run_in_threadpool(run_sandbox, pipeline, actor, source.id)
    return done(request, location, {"source": source, "url": f"/sources/{source.id}"},
                status_code=201)


def new_upload_feed(request: Request) -> Response:
    actor = require_actor(request)
    institution_id = str(request.path_params["institution_id"])
    require(can_register_source(actor, institution_id), "register feeds")
    return renderer_of(request).html(request, "dashboard/upload_new.html", {
        "institution_id": institution_id, **_choices()})


def feed_form(fields: Mapping[str, Any]) -> FeedForm:
    """A :class:`FeedForm` from form fields or a JSON object (clear 400s on bad values)."""
    return FeedForm(
        id=text(fields, "id"), name=text(fields, "name"),
        sector=_choice(Sector, text(fields, "sector", "other"), "sector"),
        kind=_choice(FeedKind, text(fields, "kind", "oai_pmh"), "kind"),
        base_url=text(fields, "base_url"),
        metadata_prefix=text(fields, "metadata_prefix", "oai_dc") or "oai_dc",
        set_specs=texts(fields, "set_specs"),
        name_en=text(fields, "name_en") or None,
        prefecture=text(fields, "prefecture") or None,
        default_rights=text(fields, "default_rights") or None,
        metadata_rights=text(fields, "metadata_rights") or None,
        languages=texts(fields, "languages"),
        schedule=_choice(Schedule, text(fields, "schedule", "weekly"), "schedule"))


def _choice(kind: Any, value: str, name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ConfigError(f"{value!r} is not one of {allowed}", field=name) from None


def _choices() -> dict[str, Any]:
    return {"sectors": list(Sector), "schedules": list(Schedule)}


def _defaults(base_url: str, formats: Any) -> dict[str, Any]:
    prefixes = [fmt.prefix for fmt in formats]
    return {"base_url": base_url, "schedule": "weekly", "sector": "museum",
            "metadata_prefix": "oai_dc" if "oai_dc" in prefixes or not prefixes
            else prefixes[0]}


def _own_institution(actor: Actor) -> str:
    institution_id = getattr(actor, "institution_id", None)
    if not institution_id:
        raise ConfigError("say which institution the feed belongs to", field="institution_id")
    return str(institution_id)


async def add_token(request: Request) -> Response:
    institution_id = str(request.path_params["institution_id"])
    fields = await fields_of(request)
    actor = current_actor(request)
    pipeline = pipeline_of(request)
    issued = await run_in_threadpool(create_api_token, pipeline.store, actor, institution_id,
                                     text(fields, "name"))
    return answer(request, "dashboard/token_created.html", {
        "institution_id": institution_id, "issued": issued,
    }, {"token": issued.token, "api_token": plain(issued.api_token)}, status_code=201)


async def revoke_token(request: Request) -> Response:
    institution_id = str(request.path_params["institution_id"])
    token_id = str(request.path_params["token_id"])
    if not token_id.isdigit():
        raise ConfigError("a token id is a number", field="token")
    pipeline = pipeline_of(request)
    actor = current_actor(request)
    revoked = await run_in_threadpool(revoke_api_token, pipeline.store, actor, int(token_id))
    return done(request, f"/dashboard/{institution_id}", {"api_token": revoked})


def table_template(request: Request) -> Response:
    """The CSV or Excel template with one column per field and an example row."""
    if request.url.path.endswith(".xlsx"):
        return Response(template_xlsx(), media_type="application/vnd.openxmlformats-"
                        "officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition":
                                 'attachment; filename="tsunagu-template.xlsx"'})
    return Response(template_csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="tsunagu-template.csv"'})
