"""Site administration: institutions, invitations of editors, educators, users.

``GET /admin`` (twin ``/admin.json``: ``{"institutions", "users", "pending_educators"}``),
``POST /admin/institutions`` (``id``, ``name``, ``name_en``),
``POST /institutions/{institution_id}/invitations`` (``email``; administrators and
the institution's editors; the answer shows the invitation link once — tsunagu
sends no e-mail), ``POST /admin/users/{user_id}/approve`` (a pending educator),
``POST /admin/users/{user_id}/disable``. Only administrators pass
:func:`tsunagu.accounts.rules.can_manage_users`; everyone else gets 403.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from tsunagu.accounts import (
    Role,
    UserStatus,
    approve_educator,
    create_institution,
    disable_user,
    invite_editor,
    list_users,
)
from tsunagu.errors import ConfigError
from tsunagu.site.institution_web import (
    answer,
    done,
    fields_of,
    pipeline_of,
    plain,
    text,
)
from tsunagu.site.sessions import current_actor, require_user


def admin(request: Request) -> Response:
    actor = require_user(request)
    store = pipeline_of(request).store
    users = list_users(store, actor)
    institutions = store.institutions.list()
    pending = [u for u in users if u.role is Role.EDUCATOR and u.status is UserStatus.PENDING]
    return answer(request, "admin/admin.html", {
        "institutions": institutions, "users": users, "pending": pending,
    }, {"institutions": institutions, "users": users, "pending_educators": pending})


async def add_institution(request: Request) -> Response:
    actor = current_actor(request)
    fields = await fields_of(request)
    institution = await run_in_threadpool(
        create_institution, pipeline_of(request).store, actor, text(fields, "id"),
        text(fields, "name"), name_en=text(fields, "name_en") or None)
    return done(request, "/admin", {"institution": institution}, status_code=201)


async def invite(request: Request) -> Response:
    institution_id = str(request.path_params["institution_id"])
    fields = await fields_of(request)
    pipeline = pipeline_of(request)
    issued = await run_in_threadpool(invite_editor, pipeline.store, pipeline.settings,
                                     current_actor(request), institution_id,
                                     text(fields, "email"))
    link = str(request.url_for("invitation", token=issued.token))
    return answer(request, "admin/invited.html", {
        "invitation": issued.invitation, "link": link,
    }, {"invitation": plain(issued.invitation), "url": link}, status_code=201)


async def approve(request: Request) -> Response:
    user = await run_in_threadpool(approve_educator, pipeline_of(request).store,
                                   current_actor(request), _user_id(request))
    return done(request, "/admin", {"user": user})


async def disable(request: Request) -> Response:
    user = await run_in_threadpool(disable_user, pipeline_of(request).store,
                                   current_actor(request), _user_id(request))
    return done(request, "/admin", {"user": user})


def _user_id(request: Request) -> int:
    value = str(request.path_params["user_id"])
    if not value.isdigit():
        raise ConfigError("a user id is a number", field="user")
    return int(value)
