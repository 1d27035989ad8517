"""Who is asking: the logged-in user (signed session cookie) or an API token (bearer).

The contract for views (and for other features built on accounts, e.g. educators'
collections):

* :class:`SessionMiddleware` runs before every handler and sets
  ``request.state.user`` (:class:`~tsunagu.store.accounts.User` or ``None``),
  ``request.state.actor`` (the user, or the institution's
  :class:`~tsunagu.store.credentials.ApiToken`, or ``None``) and
  ``request.state.session_id`` (the raw session id or ``None``; :mod:`csrf` binds
  its token to it). Read them with :func:`current_user` / :func:`current_actor`,
  or demand them with :func:`require_user` / :func:`require_actor` (they raise
  :class:`~tsunagu.errors.AuthError`, which the site answers with 401 for JSON
  and a redirect to ``/login?next=…`` for pages).
* The cookie ``tsunagu_session`` carries only the random server-side session id
  and an HMAC-SHA256 signature over it (key: :func:`signing_key`); it is
  ``HttpOnly``, ``SameSite=Lax``, ``Path=/`` and ``Secure`` over https. The
  session itself (user, expiry, revocation) lives in the store as a hash
  (:mod:`tsunagu.accounts.credentials`). Log in with :func:`log_in` (sets the
  cookie on a response), out with :func:`log_out`.
* ``Authorization: Bearer tsu_…`` makes the request an API call of the token's
  institution; cookies are then ignored. An unknown or revoked token is answered
  401 at once, so no handler ever sees it.

The middleware needs the lifespan state ``pipeline`` (``scope["state"]``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tsunagu.accounts import (
    ApiToken,
    IssuedSession,
    User,
    end_session,
    session_user,
    token_actor,
)
from tsunagu.accounts.rules import Actor
from tsunagu.config import Settings
from tsunagu.errors import AuthError
from tsunagu.store import Store

logger = logging.getLogger(__name__)

SESSION_COOKIE = "tsunagu_session"
KEY_FILE = "secret_key"
_BEARER = "bearer "


def signing_key(settings: Settings) -> bytes:
    """``Settings.secret_key``, else the key kept in the data directory (made once, 0600)."""
    if settings.secret_key:
        return settings.secret_key.encode("utf-8")
    path = settings.data_dir / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(base64.urlsafe_b64encode(os.urandom(32)).decode("ascii"))
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise AuthError(f"the secret key in {path} is too short")
    return key.encode("ascii")


def sign(key: bytes, purpose: str, value: str) -> str:
    """An HMAC-SHA256 of ``value`` for one ``purpose`` (base64url, no padding)."""
    digest = hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def cookie_value(key: bytes, session_id: str) -> str:
    return f"{session_id}.{sign(key, 'session', session_id)}"


def session_id_of(key: bytes, cookie: str | None) -> str | None:
    """The session id in a cookie whose signature is right, else ``None``."""
    if not cookie or "." not in cookie:
        return None
    session_id, _, signature = cookie.rpartition(".")
    if not session_id or not hmac.compare_digest(signature, sign(key, "session", session_id)):
        return None
    return session_id


class SessionMiddleware:
    """Resolve the cookie or bearer token into ``request.state`` (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        state = scope.setdefault("state", {})
        state.update(user=None, actor=None, session_id=None, bearer=False)
        store: Store = state["pipeline"].store
        authorization = connection.headers.get("authorization", "")
        if authorization.lower().startswith(_BEARER):
            try:
                token = await run_in_threadpool(
                    token_actor, store, authorization[len(_BEARER):].strip())
            except AuthError as exc:
                response = JSONResponse({"error": exc.message}, status_code=401,
                                        headers={"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
            state.update(actor=token, bearer=True)
        else:
            key: bytes = connection.app.state.signing_key
            session_id = session_id_of(key, connection.cookies.get(SESSION_COOKIE))
            if session_id is not None:
                try:
                    user = await run_in_threadpool(session_user, store, session_id)
                except AuthError:
                    user = None
                if user is not None:
                    state.update(user=user, actor=user, session_id=session_id)
        await self.app(scope, receive, send)


def current_user(request: HTTPConnection) -> User | None:
    user: User | None = request.state.user
    return user


def current_actor(request: HTTPConnection) -> Actor | None:
    actor: User | ApiToken | None = request.state.actor
    return actor


def require_user(request: HTTPConnection) -> User:
    """The logged-in person (not an API token), or :class:`AuthError`."""
    user = current_user(request)
    if user is None:
        raise AuthError("log in to see this page")
    return user


def require_actor(request: HTTPConnection) -> Actor:
    """The logged-in person or the API token, or :class:`AuthError`."""
    actor = current_actor(request)
    if actor is None:
        raise AuthError("log in, or send an API token (Authorization: Bearer …)")
    return actor


def log_in(request: Request, response: Response, issued: IssuedSession,
           settings: Settings) -> None:
    """Put the new session's signed id in the cookie of ``response``."""
    key: bytes = request.app.state.signing_key
    response.set_cookie(
        SESSION_COOKIE, cookie_value(key, issued.session_id),
        max_age=int(settings.session_lifetime), path="/", httponly=True, samesite="lax",
        secure=request.url.scheme == "https")


def log_out(request: Request, response: Response, store: Store) -> None:
    """End the request's session in the store and clear the cookie."""
    session_id: str | None = request.state.session_id
    if session_id is not None:
        end_session(store, session_id)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=request.url.scheme == "https")
