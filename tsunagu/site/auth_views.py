"""Logging in and out, accepting an invitation, and "who am I" (``/account``).

Pages: ``GET/POST /login`` (``next`` is a local path to return to),
``POST /logout``, ``GET/POST /invitation/{token}`` (an invited editor sets a
password and is logged in), ``GET /account`` (twin ``/account.json``:
``{"user": {...} | null, "csrf_token"}`` — JSON clients with a session read the
``X-CSRF-Token`` value here), ``GET/POST /account/password`` (twin ``POST
/account/password.json``: change one's own password; the current one is required,
every other session ends and this one gets a new id and CSRF token).

Failed logins are counted per account and per client address
(:mod:`tsunagu.site.throttle`); past the limit the login answers 429.
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
    change_password,
    find_invitation,
    start_session,
)
from tsunagu.errors import AuthError, ConfigError
from tsunagu.site.account_errors import wants_json
from tsunagu.site.csrf import csrf_token
from tsunagu.site.i18n import N_
from tsunagu.site.institution_web import (
    answer,
    fields_of,
    pipeline_of,
    plain,
    renderer_of,
    text,
)
from tsunagu.site.sessions import (
    current_actor,
    current_user,
    log_in,
    log_out,
    require_user,
    sign,
)
from tsunagu.site.throttle import LoginThrottle
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


TOO_MANY = N_("Too many failed attempts. Try again in %(minutes)s minutes.")


def throttle_of(request: Request) -> LoginThrottle:
    """The app's login throttle (made on first use from the settings)."""
    throttle: LoginThrottle | None = getattr(request.app.state, "login_throttle", None)
    if throttle is None:
        throttle = LoginThrottle.from_settings(pipeline_of(request).settings)
        request.app.state.login_throttle = throttle
    return throttle


def _too_many(request: Request, wait: int, template: str,
              context: dict[str, Any]) -> Response:
    renderer = renderer_of(request)
    message = renderer.gettext(request, TOO_MANY) % {"minutes": max(1, -(-wait // 60))}
    if wants_json(request):
        response = renderer.json({"error": message}, status_code=429)
    else:
        response = renderer.html(request, template, {**context, "error": message},
                                 status_code=429)
    response.headers["Retry-After"] = str(wait)
    return response


async def login(request: Request) -> Response:
    fields = await fields_of(request)
    email, password = text(fields, "email"), text(fields, "password")
    target = local_path(text(fields, "next"), "")
    pipeline = pipeline_of(request)
    throttle = throttle_of(request)
    address = request.client.host if request.client else None
    context = {"next": target, "email": email}
    wait = throttle.wait(email, address)
    if wait:
        return _too_many(request, wait, "account/login.html", context)
    try:
        user = await run_in_threadpool(authenticate, pipeline.store, email, password)
    except AuthError as exc:
        throttle.failed(email, address)
        return renderer_of(request).html(
            request, "account/login.html",
            {**context, "error": exc.message}, status_code=401)
    throttle.succeeded(email)
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


def password_form(request: Request) -> Response:
    user = require_user(request)
    return renderer_of(request).html(request, "account/password.html",
                                     {"user": user, "error": None})


async def new_password(request: Request) -> Response:
    """Change one's own password: the other sessions end, this one is renewed.

    Wrong current passwords count as failed logins of the account (429 past the limit).
    """
    user = require_user(request)
    fields = await fields_of(request)
    pipeline = pipeline_of(request)
    throttle = throttle_of(request)
    address = request.client.host if request.client else None
    wait = throttle.wait(user.email, address)
    if wait:
        return _too_many(request, wait, "account/password.html", {"user": user})
    current, new = text(fields, "current_password"), text(fields, "new_password")
    try:
        if new != text(fields, "new_password_again", new if wants_json(request) else ""):
            raise ConfigError("the two new passwords differ", field="new_password")
        await run_in_threadpool(change_password, pipeline.store, user, current, new)
    except AuthError as exc:
        throttle.failed(user.email, address)
        return _refused(request, user, exc.message)
    except ConfigError as exc:
        return _refused(request, user, exc.message)
    issued = await run_in_threadpool(start_session, pipeline.store, pipeline.settings, user)
    if wants_json(request):
        key: bytes = request.app.state.signing_key
        response: Response = renderer_of(request).json({
            "user": plain(user), "changed": True,
            "csrf_token": sign(key, "csrf", issued.session_id)})
    else:
        response = RedirectResponse("/account?password=changed", status_code=303)
    log_in(request, response, issued, pipeline.settings)
    return response


def _refused(request: Request, user: User, message: str) -> Response:
    if wants_json(request):
        return renderer_of(request).json({"error": message}, status_code=400)
    return renderer_of(request).html(request, "account/password.html",
                                     {"user": user, "error": message}, status_code=400)
