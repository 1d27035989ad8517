"""The request handlers: parse the request, ask the catalog, render HTML or JSON.

Handlers are plain functions, so Starlette runs them in its thread pool (the
store and the index are blocking). Errors are raised, not rendered here: the
handlers in :mod:`tsunagu.site.error_pages` turn them into 400/404/503 pages
or JSON in the request's language.
"""

from __future__ import annotations

import dataclasses
import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tsunagu.errors import NotFoundError
from tsunagu.index import MAX_YEAR, MIN_YEAR, SORTS
from tsunagu.site.catalog import Catalog, SearchPage
from tsunagu.site.facets import active_filters, facet_views
from tsunagu.site.i18n import LANGUAGE_COOKIE, N_, SUPPORTED_LANGUAGES
from tsunagu.site.payloads import home_payload, item_payload, search_payload
from tsunagu.site.rendering import Renderer
from tsunagu.site.search_state import (
    InvalidSearch,
    page_numbers,
    parse_search,
    reject_unknown_parameters,
)
from tsunagu.site.sessions import current_actor
from tsunagu.site.urls import JSON_SUFFIX, is_web_url, item_path, local_path
from tsunagu.store.activity import ActivityKind

logger = logging.getLogger(__name__)

#: How many values of a facet are listed before "n more".
FACET_LIMIT = 10
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


def catalog_of(request: Request) -> Catalog:
    """The catalog opened by the app's lifespan."""
    catalog: Catalog = request.state.catalog
    return catalog


def renderer_of(request: Request) -> Renderer:
    renderer: Renderer = request.app.state.renderer
    return renderer


def home(request: Request) -> Response:
    return _home(request, as_json=False)


def home_json(request: Request) -> Response:
    return _home(request, as_json=True)


def _home(request: Request, *, as_json: bool) -> Response:
    reject_unknown_parameters(request.query_params.multi_items(), allowed=())
    renderer = renderer_of(request)
    sources = catalog_of(request).sources()
    labels = renderer.labeller(request)
    if as_json:
        return renderer.json(home_payload(sources, labels))
    return renderer.html(
        request,
        "home.html",
        {
            "sources": sources,
            "total": sum(source.count for source in sources),
            "labels": labels,
            "json_url": "/index.json",
        },
    )


def search(request: Request) -> Response:
    return _search(request, as_json=False)


def search_json(request: Request) -> Response:
    return _search(request, as_json=True)


def _search(request: Request, *, as_json: bool) -> Response:
    catalog = catalog_of(request)
    renderer = renderer_of(request)
    state = parse_search(
        request.query_params.multi_items(),
        providers=catalog.provider_ids(),
        known_values=catalog.facet_values(),
    )
    page = catalog.search(state)
    labels = renderer.labeller(request, page.provider_names(renderer.language(request)))
    facets = facet_views(page, labels)
    if as_json:
        return renderer.json(search_payload(page, facets, labels))
    return renderer.html(
        request,
        "search.html",
        {
            "page": page,
            "facets": facets,
            "active_filters": active_filters(page, labels),
            "facet_limit": FACET_LIMIT,
            "page_numbers": page_numbers(state.page, page.pages),
            "labels": labels,
            "search_text": state.text,
            "search_filters": state.filters,
            "sorts": SORTS,
            "min_year": MIN_YEAR,
            "max_year": MAX_YEAR,
            "did_you_mean_url": _did_you_mean_url(page),
            "json_url": state.url("/search.json"),
        },
    )


def _did_you_mean_url(page: SearchPage) -> str | None:
    suggestion = page.results.did_you_mean
    if not suggestion:
        return None
    return dataclasses.replace(page.state, text=suggestion, page=1, cursor=None).url()


def item(request: Request) -> Response:
    """``/item/<id>`` and its twin ``/item/<id>.json``.

    An id may itself end in ``.json``: the path is the JSON twin when the id
    without the suffix exists (or neither exists), else the page of that id.
    """
    reject_unknown_parameters(request.query_params.multi_items(), allowed=())
    catalog = catalog_of(request)
    renderer = renderer_of(request)
    actor = current_actor(request)
    record_id = str(request.path_params["record_id"])
    if record_id.endswith(JSON_SUFFIX):
        base_id = record_id[: -len(JSON_SUFFIX)]
        if catalog.has_record(base_id, actor) or not catalog.has_record(record_id, actor):
            return renderer.json(item_payload(catalog.record(base_id, actor)))
    record = catalog.record(record_id, actor)
    catalog.count_event(ActivityKind.VIEW, record)
    lang = renderer.language(request)
    return renderer.html(
        request,
        "item.html",
        {
            "record": record,
            "labels": renderer.labeller(request, catalog.provider_names(lang)),
            "json_url": item_path(record.id, json=True),
        },
    )


def go_to_institution(request: Request) -> Response:
    """``/go/<id>``: count a click-through to the institution's own page, then go there.

    Only an http(s) landing URL of a record the visitor may see is a target, so
    this is never an open redirect.
    """
    reject_unknown_parameters(request.query_params.multi_items(), allowed=())
    catalog = catalog_of(request)
    record = catalog.record(str(request.path_params["record_id"]), current_actor(request))
    if not is_web_url(record.landing_url) or record.landing_url is None:
        raise NotFoundError("the record has no web page at the institution",
                            record_id=record.id)
    catalog.count_event(ActivityKind.CLICK, record)
    return RedirectResponse(record.landing_url.strip(), status_code=303,
                            headers={"Cache-Control": "no-store"})


def switch_language(request: Request) -> Response:
    """``/lang?to=en&next=/search?q=…``: remember the language, go back (locally only)."""
    items = request.query_params.multi_items()
    reject_unknown_parameters(items, allowed=("to", "next"))
    params = dict(items)
    target = params.get("to", "")
    if target not in SUPPORTED_LANGUAGES:
        raise InvalidSearch(
            N_("Unknown language “%(value)s”. Valid languages: %(allowed)s."),
            field="to", value=target[:20], allowed=", ".join(SUPPORTED_LANGUAGES),
        )
    response = RedirectResponse(local_path(params.get("next")), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        target,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        path="/",
        samesite="lax",
        httponly=True,
        secure=request.url.scheme == "https",
    )
    return response
