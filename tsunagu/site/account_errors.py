"""Error answers of the pages behind a login: 401/redirect, 403, 400, and a plain 404.

* :class:`~tsunagu.errors.AuthError` (not logged in, bad token): JSON and API
  paths get **401**; a page redirects to ``/login?next=<path>`` (GET) or answers
  401 (other methods).
* :class:`~tsunagu.errors.PermissionDeniedError`: **403**.
* :class:`~tsunagu.errors.ConfigError` / :class:`~tsunagu.errors.UploadError` /
  :class:`~tsunagu.errors.HarvestError` from a form or API call: **400** with the
  message (it names the field or source).
* :class:`~tsunagu.errors.NotFoundError` without a record id (a source, an
  institution, a run): **404** "not found" rather than "no record".

JSON paths are those ending in ``.json``/``.jsonl``/``.csv`` or under ``/api/``.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ExceptionHandler

from tsunagu.errors import (
    AuthError,
    ConfigError,
    HarvestError,
    NotFoundError,
    PermissionDeniedError,
    TsunaguError,
    UploadError,
)
from tsunagu.site.error_pages import not_found
from tsunagu.site.i18n import N_
from tsunagu.site.rendering import Renderer

logger = logging.getLogger(__name__)

_DATA_SUFFIXES = (".json", ".jsonl", ".csv")


def wants_json(request: Request) -> bool:
    """Whether the answer to ``request`` is data (JSON/API) rather than a page."""
    path = request.url.path
    return path.startswith("/api/") or path.endswith(_DATA_SUFFIXES)


def _answer(request: Request, status_code: int, heading: str, message: str) -> Response:
    renderer: Renderer = request.app.state.renderer
    if wants_json(request):
        return renderer.json({"error": message}, status_code=status_code)
    return renderer.html(request, "error.html", {
        "heading": renderer.gettext(request, heading), "message": message,
        "show_search": False}, status_code=status_code)


def unauthenticated(request: Request, exc: Exception) -> Response:
    if not wants_json(request) and request.method == "GET":
        query = request.url.query
        target = request.url.path + (f"?{query}" if query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
    renderer: Renderer = request.app.state.renderer
    message = renderer.gettext(request, N_("Log in first (or send a valid API token)."))
    response = _answer(request, 401, N_("Log in first"), message)
    if wants_json(request):
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def forbidden(request: Request, exc: Exception) -> Response:
    renderer: Renderer = request.app.state.renderer
    logger.info("403 %s %s: %s", request.method, request.url.path, exc)
    message = renderer.gettext(request, N_("You are not allowed to do this."))
    return _answer(request, 403, N_("Not allowed"), message)


def invalid(request: Request, exc: Exception) -> Response:
    """400 with the error's own message (it says what is wrong and where)."""
    detail = str(exc) if isinstance(exc, TsunaguError) else ""
    return _answer(request, 400, N_("This request cannot be answered"), detail)


def missing(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotFoundError) and exc.record_id:
        return not_found(request, exc)
    renderer: Renderer = request.app.state.renderer
    message = renderer.gettext(request, N_("There is nothing at this address."))
    return _answer(request, 404, N_("Not found"), message)


ACCOUNT_EXCEPTION_HANDLERS: dict[object, ExceptionHandler] = {
    AuthError: unauthenticated,
    PermissionDeniedError: forbidden,
    ConfigError: invalid,
    UploadError: invalid,
    HarvestError: invalid,
    NotFoundError: missing,
}
