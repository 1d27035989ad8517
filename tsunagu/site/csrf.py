"""CSRF protection for every state-changing request (POST, PUT, PATCH, DELETE).

The contract, for every form and JSON client of the site:

* **Forms** put ``{{ csrf_field() }}`` inside every ``<form method="post">`` (a
  template global; it renders ``<input type="hidden" name="csrf_token" …>``).
  Forms may be ``application/x-www-form-urlencoded`` or ``multipart/form-data``.
* **JSON clients with a session cookie** send the token in the ``X-CSRF-Token``
  header; they read it from ``GET /account.json`` (``csrf_token``) or from
  :func:`csrf_token` in a view.
* **API calls with ``Authorization: Bearer``** are exempt: no cookie is involved,
  and a browser cannot add that header to a cross-site request.
* Anything else is refused with **403** and a message (JSON for ``.json`` and
  ``/api/`` paths, a page otherwise) before any handler runs, so a route cannot
  forget the check. New routes need nothing beyond the field or header.

The token is an HMAC (:func:`tsunagu.site.sessions.sign`) of the session id, so it
is per session and changes at login; before login (the login and invitation
forms) it is bound to a random ``tsunagu_csrf`` cookie that the first form sets.
Tokens are compared with :func:`hmac.compare_digest`. The middleware must come
after :class:`~tsunagu.site.sessions.SessionMiddleware`.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import jinja2
from markupsafe import Markup
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tsunagu.site.i18n import N_
from tsunagu.site.sessions import sign

if TYPE_CHECKING:
    from tsunagu.site.rendering import Renderer

CSRF_COOKIE = "tsunagu_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Bodies larger than the largest upload (plus room for the other fields) are refused.
BODY_MARGIN = 1024 * 1024

REFUSED = N_("This form has expired or was not sent from this site (CSRF check failed)."
             " Go back, reload the page and try again.")


def csrf_token(request: HTTPConnection) -> str:
    """The token the request's forms must send back."""
    key: bytes = request.app.state.signing_key
    session_id: str | None = request.state.session_id
    if session_id is not None:
        return sign(key, "csrf", session_id)
    anonymous = request.cookies.get(CSRF_COOKIE, "")
    if not _well_formed(anonymous):
        anonymous = getattr(request.state, "csrf_cookie", None) or secrets.token_urlsafe(32)
        request.state.csrf_cookie = anonymous  # the middleware sets the cookie
    return sign(key, "csrf-anonymous", anonymous)


@jinja2.pass_context
def csrf_field(context: jinja2.runtime.Context) -> Markup:
    """``{{ csrf_field() }}``: the hidden input every POST form carries."""
    token = csrf_token(context["request"])
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


def _well_formed(value: str) -> bool:
    return 32 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum()


def _expected(connection: HTTPConnection) -> str | None:
    key: bytes = connection.app.state.signing_key
    session_id: str | None = connection.state.session_id
    if session_id is not None:
        return sign(key, "csrf", session_id)
    anonymous = connection.cookies.get(CSRF_COOKIE, "")
    return sign(key, "csrf-anonymous", anonymous) if _well_formed(anonymous) else None


class CsrfMiddleware:
    """Check the token of unsafe requests; set the anonymous token's cookie when issued."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        if scope["method"] in UNSAFE_METHODS and not scope["state"].get("bearer"):
            limit = connection.app.state.settings.max_upload_bytes + BODY_MARGIN
            body = await _read_body(receive, limit)
            if body is None:
                await _refuse(scope, send, 413, N_("The request is too large."))
                return
            given = connection.headers.get(CSRF_HEADER) or await _form_token(scope, body)
            expected = _expected(connection)
            if not given or expected is None or not hmac.compare_digest(
                    given.encode("utf-8", "replace"), expected.encode("ascii")):
                await _refuse(scope, send, 403, REFUSED)
                return
            receive = _replay(body)

        async def send_with_cookie(message: Message) -> None:
            anonymous = scope["state"].get("csrf_cookie")
            if message["type"] == "http.response.start" and anonymous:
                response = Response()
                response.set_cookie(CSRF_COOKIE, anonymous, path="/", httponly=True,
                                    samesite="lax", secure=connection.url.scheme == "https")
                headers = MutableHeaders(scope=message)
                headers.append("set-cookie", response.headers["set-cookie"])
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}
    return receive


async def _form_token(scope: Scope, body: bytes) -> str | None:
    content_type = HTTPConnection(scope).headers.get("content-type", "").lower()
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), max_num_fields=1000).get(CSRF_FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        request = Request(scope, _replay(body))
        try:
            async with request.form() as form:
                value = form.get(CSRF_FIELD)
        except Exception:  # a broken multipart body has no token
            return None
        return value if isinstance(value, str) else None
    return None


async def _refuse(scope: Scope, send: Send, status_code: int, message: str) -> None:
    request = Request(scope, _replay(b""))
    renderer: Renderer = request.app.state.renderer
    text = renderer.gettext(request, message)
    path = request.url.path
    response: Response
    if path.endswith(".json") or path.startswith("/api/") or "json" in request.headers.get(
            "accept", ""):
        response = JSONResponse({"error": text}, status_code=status_code)
    else:
        heading = renderer.gettext(request, N_("Not allowed"))
        response = renderer.html(request, "error.html", {
            "heading": heading, "message": text, "show_search": False},
            status_code=status_code)
    await response(scope, _replay(b""), send)
