"""The collections' forms and actions: sign-up, create, edit, add, move, swap, copy.

Every action is a POST form (CSRF-protected by :mod:`tsunagu.site.csrf`) that
redirects to where its result shows (303), or, for a ``.json`` path or a JSON
body, answers JSON. Moving entries up and down works without script (the
keyboard alternative to drag and drop, which posts the whole order to
``/collections/<id>/order`` with the ``X-CSRF-Token`` header).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tsunagu import collections as coll
from tsunagu.accounts import register_educator
from tsunagu.collections import CollectionFields, TextStyle, Visibility
from tsunagu.errors import ConfigError, NotFoundError
from tsunagu.site.collection_labels import CollectionLabels
from tsunagu.site.collection_share import owner_base
from tsunagu.site.collection_views import store_of
from tsunagu.site.institution_web import answer, fields_of, plain, renderer_of, text
from tsunagu.site.sessions import current_user, require_user
from tsunagu.site.urls import local_path
from tsunagu.uses import IntendedUse


def _enum(kind: type[Any], value: str, field: str) -> Any:
    try:
        return kind(value)
    except ValueError as exc:
        allowed = ", ".join(member.value for member in kind)
        raise ConfigError(f"{field} must be one of {allowed}", field=field) from exc


def _int(value: str, field: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{field} must be a whole number", field=field) from exc


def _ids(request: Request) -> tuple[int, int | None]:
    entry = request.path_params.get("entry_id")
    return int(request.path_params["collection_id"]), None if entry is None else int(entry)


def _finish(request: Request, location: str, payload: Any, fields: dict[str, Any]
            ) -> Response:
    """A redirect after a form; JSON for a JSON body or a ``.json`` path."""
    wants = (request.url.path.endswith(".json")
             or request.headers.get("content-type", "").startswith("application/json"))
    if wants:
        return renderer_of(request).json(plain(payload))
    return RedirectResponse(local_path(text(fields, "next"), location), status_code=303)


def _collection_fields(fields: dict[str, Any]) -> CollectionFields:
    return CollectionFields(
        title=text(fields, "title"),
        intended_use=_enum(IntendedUse, text(fields, "intended_use", "class_handout"),
                           "intended_use"),
        language=text(fields, "language", "ja"),
        visibility=_enum(Visibility, text(fields, "visibility", "private"), "visibility"),
        description=text(fields, "description"))


# -- sign-up -------------------------------------------------------------------------
def signup_form(request: Request) -> Response:
    return renderer_of(request).html(request, "collections/signup.html",
                                     {"done": False, "email": "", "error": None})


async def signup(request: Request) -> Response:
    """Register an educator: pending until an administrator approves (no e-mail is sent)."""
    fields = await fields_of(request)
    email, name = text(fields, "email"), text(fields, "name") or None
    try:
        user = await run_in_threadpool(register_educator, store_of(request), email,
                                       text(fields, "password"), name=name)
    except ConfigError as exc:
        if request.url.path.endswith(".json"):
            raise
        return renderer_of(request).html(request, "collections/signup.html", {
            "done": False, "email": email, "error": exc.message}, status_code=400)
    payload = {"id": user.id, "email": user.email, "status": user.status.value}
    return answer(request, "collections/signup.html",
                  {"done": True, "email": user.email, "error": None}, payload,
                  status_code=201 if request.url.path.endswith(".json") else 200)


# -- creating ------------------------------------------------------------------------
def new_form(request: Request) -> Response:
    require_user(request)
    record_id = request.query_params.get("record", "")
    return renderer_of(request).html(request, "collections/new.html", {
        "record_id": record_id, "uses": list(IntendedUse), "visibilities": list(Visibility),
        "languages": coll.LANGUAGES,
        "clabels": CollectionLabels(renderer_of(request).labeller(request))})


def add_form(request: Request) -> Response:
    """``/collections/add?record=<id>``: pick one of my collections for an item."""
    store = store_of(request)
    user = require_user(request)
    record_id = request.query_params.get("record", "")
    record = store.records.get(record_id)
    if record is None:
        raise NotFoundError("no such record", record_id=record_id or "-")
    return renderer_of(request).html(request, "collections/add.html", {
        "record": record, "collections": coll.my_collections(store, user)})


async def create(request: Request) -> Response:
    """POST ``/collections``: a new collection (with a first item when ``record_id`` is given)."""
    fields = await fields_of(request)
    store = store_of(request)
    user = current_user(request)
    created = await run_in_threadpool(coll.create_collection, store, user,
                                      _collection_fields(fields))
    record_id = text(fields, "record_id")
    if record_id:
        await run_in_threadpool(coll.add_item, store, user, created.id, record_id)
    return _finish(request, owner_base(created), created, fields)


async def update(request: Request) -> Response:
    """POST ``/collections/<id>``: title, description, intended use, language, visibility."""
    fields = await fields_of(request)
    collection_id, _ = _ids(request)
    changed = await run_in_threadpool(coll.update_collection, store_of(request),
                                      current_user(request), collection_id,
                                      _collection_fields(fields))
    return _finish(request, owner_base(changed), changed, fields)


async def delete(request: Request) -> Response:
    fields = await fields_of(request)
    collection_id, _ = _ids(request)
    await run_in_threadpool(coll.delete_collection, store_of(request), current_user(request),
                            collection_id)
    return _finish(request, "/collections", {"deleted": collection_id}, fields)


async def copy(request: Request) -> Response:
    fields = await fields_of(request)
    collection_id, _ = _ids(request)
    copied = await run_in_threadpool(coll.copy_collection, store_of(request),
                                     current_user(request), collection_id)
    return _finish(request, owner_base(copied), copied, fields)


async def renew_link(request: Request) -> Response:
    fields = await fields_of(request)
    collection_id, _ = _ids(request)
    renewed = await run_in_threadpool(coll.renew_share_link, store_of(request),
                                      current_user(request), collection_id)
    return _finish(request, owner_base(renewed) + "/share", {"renewed": True}, fields)


# -- entries -------------------------------------------------------------------------
async def add_item(request: Request) -> Response:
    fields = await fields_of(request)
    collection_id, _ = _ids(request)
    entry = await run_in_threadpool(coll.add_item, store_of(request), current_user(request),
                                    collection_id, text(fields, "record_id"),
                                    text(fields, "note"))
    return _finish(request, f"/collections/{collection_id}#entry-{entry.id}", entry, fields)


async def add_text(request: Request) -> Response:
    fields = await fields_of(request)
    collection_id, _ = _ids(request)
    position = text(fields, "position")
    entry = await run_in_threadpool(
        lambda: coll.add_text(store_of(request), current_user(request), collection_id,
                              text(fields, "text"),
                              _enum(TextStyle, text(fields, "style", "paragraph"), "style"),
                              position=_int(position, "position") if position else None))
    return _finish(request, f"/collections/{collection_id}#entry-{entry.id}", entry, fields)


async def edit_entry(request: Request) -> Response:
    """POST ``…/entries/<entry>``: an item's note, or a text block's text and style."""
    fields = await fields_of(request)
    collection_id, entry_id = _ids(request)
    assert entry_id is not None
    style = text(fields, "style")
    entry = await run_in_threadpool(
        lambda: coll.edit_entry(
            store_of(request), current_user(request), collection_id, entry_id,
            note=text(fields, "note") if "note" in fields else None,
            text=text(fields, "text") if "text" in fields else None,
            style=_enum(TextStyle, style, "style") if style else None))
    return _finish(request, f"/collections/{collection_id}#entry-{entry.id}", entry, fields)


async def remove_entry(request: Request) -> Response:
    fields = await fields_of(request)
    collection_id, entry_id = _ids(request)
    assert entry_id is not None
    await run_in_threadpool(coll.remove_entry, store_of(request), current_user(request),
                            collection_id, entry_id)
    return _finish(request, f"/collections/{collection_id}#entries", {"removed": entry_id},
                   fields)


async def move_entry(request: Request) -> Response:
    """POST ``…/entries/<entry>/move`` with ``direction`` (up/down) or ``position`` (1-based)."""
    fields = await fields_of(request)
    collection_id, entry_id = _ids(request)
    assert entry_id is not None
    store, user = store_of(request), current_user(request)
    direction, position = text(fields, "direction"), text(fields, "position")
    if direction in {"up", "down"}:
        order = await run_in_threadpool(coll.move_entry_by, store, user, collection_id,
                                        entry_id, -1 if direction == "up" else 1)
    elif position:
        order = await run_in_threadpool(coll.move_entry, store, user, collection_id, entry_id,
                                        _int(position, "position") - 1)
    else:
        raise ConfigError("give a direction (up or down) or a position", field="direction")
    return _finish(request, f"/collections/{collection_id}#entry-{entry_id}",
                   {"order": [e.id for e in order]}, fields)


async def reorder(request: Request) -> Response:
    """POST ``/collections/<id>/order``: ``{"order": [entry ids]}`` (drag and drop)."""
    fields = await fields_of(request)
    collection_id, _ = _ids(request)
    raw = fields.get("order")
    if isinstance(raw, str):
        raw = [part for part in raw.replace(" ", "").split(",") if part]
    if not isinstance(raw, list):
        raise ConfigError("order must be a list of entry ids", field="order")
    ids = [_int(str(value), "order") for value in raw]
    order = await run_in_threadpool(coll.reorder, store_of(request), current_user(request),
                                    collection_id, ids)
    return _finish(request, f"/collections/{collection_id}#entries",
                   {"order": [e.id for e in order]}, fields)


async def swap(request: Request) -> Response:
    """POST ``…/entries/<entry>/swap`` with ``record_id``: use another record instead."""
    fields = await fields_of(request)
    collection_id, entry_id = _ids(request)
    assert entry_id is not None
    entry = await run_in_threadpool(coll.replace_item, store_of(request), current_user(request),
                                    collection_id, entry_id, text(fields, "record_id"))
    return _finish(request, f"/collections/{collection_id}#entry-{entry.id}", entry, fields)
