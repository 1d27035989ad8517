"""Error answers: 400, 404, 405, 503 and 500 as a page or as ``{"error": …}``.

A path ending in ``.json`` gets JSON, anything else an HTML page; both in the
request's language. Messages never include a traceback or internal detail
beyond what the user sent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ExceptionHandler

from tsunagu.errors import IndexingError, NotFoundError, QueryError, StoreError
from tsunagu.site.i18n import N_
from tsunagu.site.payloads import error_payload
from tsunagu.site.rendering import Renderer
from tsunagu.site.search_state import MAX_TEXT_LENGTH, InvalidSearch
from tsunagu.site.urls import JSON_SUFFIX

logger = logging.getLogger(__name__)

_HEADINGS = {
    400: N_("This request cannot be answered"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    500: N_("Something went wrong"),
    503: N_("Search is not available right now"),
}


def _renderer(request: Request) -> Renderer:
    renderer: Renderer = request.app.state.renderer
    return renderer


def error_response(
    request: Request,
    status_code: int,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The error as JSON (``.json`` paths) or as a page with a search box."""
    renderer = _renderer(request)
    if request.url.path.endswith(JSON_SUFFIX):
        response = renderer.json(error_payload(message), status_code=status_code)
    else:
        heading = renderer.gettext(request, _HEADINGS.get(status_code, _HEADINGS[500]))
        search_text = request.query_params.get("q", "")[:MAX_TEXT_LENGTH]
        response = renderer.html(
            request,
            "error.html",
            {
                "heading": heading,
                "message": message,
                "show_search": status_code in (400, 404),
                "search_text": search_text if request.url.path == "/search" else "",
            },
            status_code=status_code,
        )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def bad_request(request: Request, exc: Exception) -> Response:
    """400 for :class:`QueryError`: bad parameters or query text the index refused."""
    renderer = _renderer(request)
    if isinstance(exc, InvalidSearch):
        message = exc.translated(lambda text: renderer.gettext(request, text))
    else:
        detail = exc.message if isinstance(exc, QueryError) else str(exc)
        message = renderer.gettext(
            request, N_(
                "The search text could not be understood; use words, not only symbols."
                " (%(detail)s)"
            )
        ) % {"detail": detail}
    logger.info("400 %s: %s", request.url.path, exc)
    return error_response(request, 400, message)


def not_found(request: Request, exc: Exception) -> Response:
    """404 for an unknown record (:class:`NotFoundError`)."""
    message = _renderer(request).gettext(request, N_("There is no record with this identifier."))
    return error_response(request, 404, message)


def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors: unknown routes (404) and wrong methods (405)."""
    status_code = exc.status_code if isinstance(exc, HTTPException) else 500
    headers = exc.headers if isinstance(exc, HTTPException) else None
    messages = {
        404: N_("There is no page at this address."),
        405: N_("This address only answers GET requests."),
    }
    message = _renderer(request).gettext(request, messages.get(status_code, _HEADINGS[500]))
    return error_response(request, status_code, message, headers=headers)


def unavailable(request: Request, exc: Exception) -> Response:
    """503 when the index or the store cannot be read (e.g. no index built yet)."""
    logger.error("503 %s: %s", request.url.path, exc)
    message = _renderer(request).gettext(
        request, N_("The search index cannot be read at the moment. Please try again later.")
    )
    return error_response(request, 503, message)


def server_error(request: Request, exc: Exception) -> Response:
    """500: logged with its traceback, shown without one."""
    logger.exception("500 %s", request.url.path, exc_info=exc)
    try:
        message = _renderer(request).gettext(
            request, N_("An unexpected error occurred. It has been logged.")
        )
        return error_response(request, 500, message)
    except Exception:  # the error page itself failed: say so plainly
        logger.exception("the error page failed too")
        return PlainTextResponse("Internal Server Error", status_code=500)


EXCEPTION_HANDLERS: dict[object, ExceptionHandler] = {
    QueryError: bad_request,
    NotFoundError: not_found,
    HTTPException: http_error,
    IndexingError: unavailable,
    StoreError: unavailable,
    Exception: server_error,
}
