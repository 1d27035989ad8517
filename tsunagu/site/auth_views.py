"""Logging in and out, accepting an invitation, and "who am I" (``/account``).

Pages: ``GET/POST /login`` (``next`` is a local path to return to),
``POST /logout``, ``GET/POST /invitation/{token}`` (an invited editor sets a
password and is logged in), ``GET /account`` (twin ``/account.json``:
``{"user": {...} | null, "csrf_token"}`` — JSON clients with a session read the
``X-CSRF-Token`` value here).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tsunagu.accounts import (
    User,
    accept_invitation,
    authenticate,
    find_invitation,
    start_session,
)
from tsunagu.errors import AuthError, ConfigError
from tsunagu.site.csrf import csrf_token
from tsunagu.site.institution_web import (
    answer,
    fields_of,
    pipeline_of,
    plain,
    renderer_of,
    text,
)
from tsunagu.site.sessions import current_actor, current_user, log_in, log_out
from tsunagu.site.urls import local_path


def home_of(user: User) -> str:
    """Where a person lands after logging in."""
    if user.role.value == "admin":
        return "/admin"
    if user.institution_id:
        return f"/dashboard/{user.institution_id}"
    return "/account"


def login_form(request: Request) -> Response:
    user = current_user(request)
    target = local_path(request.query_params.get("next"), "")
    if user is not None:
        return RedirectResponse(target or home_of(user), status_code=303)
    return renderer_of(request).html(request, "account/login.html",
                                     {"next": target, "error": None, "email": ""})


async def login(request: Request) -> Response:
    fields = await fields_of(request)
    email, password = text(fields, "email"), text(fields, "password")
    target = local_path(text(fields, "next"), "")
    pipeline = pipeline_of(request)
    try:
        user = await run_in_threadpool(authenticate, pipeline.store, email, password)
    except AuthError as exc:
        return renderer_of(request).html(
            request, "account/login.html",
            {"next": target, "error": exc.message, "email": email}, status_code=401)
    issued = await run_in_threadpool(start_session, pipeline.store, pipeline.settings, user)
    response = RedirectResponse(target or home_of(user), status_code=303)
    log_in(request, response, issued, pipeline.settings)
    return response


def logout(request: Request) -> Response:
    response = RedirectResponse("/", status_code=303)
    log_out(request, response, pipeline_of(request).store)
    return response


def invitation_form(request: Request) -> Response:
    token = str(request.path_params["token"])
    invitation = find_invitation(pipeline_of(request).store, token)
    institution = pipeline_of(request).store.institutions.get(invitation.institution_id)
    return renderer_of(request).html(request, "account/invitation.html", {
        "invitation": invitation, "institution": institution, "error": None})


async def accept(request: Request) -> Response:
    token = str(request.path_params["token"])
    fields = await fields_of(request)
    pipeline = pipeline_of(request)
    password = text(fields, "password")
    try:
        if password != text(fields, "password_again"):
            raise ConfigError("the two passwords differ", field="password")
        user = await run_in_threadpool(
            lambda: accept_invitation(pipeline.store, token, password,
                                      name=text(fields, "name") or None))
    except ConfigError as exc:
        invitation = find_invitation(pipeline.store, token)
        institution = pipeline.store.institutions.get(invitation.institution_id)
        return renderer_of(request).html(request, "account/invitation.html", {
            "invitation": invitation, "institution": institution, "error": exc.message},
            status_code=400)
    issued = await run_in_threadpool(start_session, pipeline.store, pipeline.settings, user)
    response = RedirectResponse(home_of(user), status_code=303)
    log_in(request, response, issued, pipeline.settings)
    return response


def account(request: Request) -> Response:
    """The logged-in person (or the API token), and the CSRF token for JSON clients."""
    user = current_user(request)
    actor = current_actor(request)
    payload: dict[str, Any] = {
        "user": None if user is None else plain(user),
        "api_token": None if actor is None or user is not None else plain(actor),
        "csrf_token": csrf_token(request) if user is not None else None,
    }
    if user is None and actor is None and not request.url.path.endswith(".json"):
        raise AuthError("log in to see this page")
    return answer(request, "account/account.html", {"user": user}, payload)
