"""The collections' read pages: mine, the gallery, one collection, credits, print, exports.

A collection is read at ``/collections/<id>`` (its owner, or anyone when public)
or at ``/c/<token>`` (the share link of an unlisted or public one); the credits,
print view and exports hang under either address. Every page's JSON twin is the
same path plus ``.json``. The service (:mod:`tsunagu.collections`) checks who
may read what: a collection someone may not read is a 404.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from tsunagu import collections as coll
from tsunagu.collections import Collection, TextStyle, Visibility
from tsunagu.collections.exports import ItemUrl
from tsunagu.errors import NotFoundError
from tsunagu.index import MAX_QUERY_LENGTH
from tsunagu.site.catalog import Catalog
from tsunagu.site.collection_labels import CollectionLabels
from tsunagu.site.collection_share import (
    EMBED_CSP,
    absolute,
    embed_snippet,
    owner_base,
    qr_svg,
    shared_base,
)
from tsunagu.site.csrf import csrf_token
from tsunagu.site.institution_web import answer, pipeline_of, renderer_of
from tsunagu.site.search_state import SearchState
from tsunagu.site.sessions import current_user, require_user
from tsunagu.site.urls import item_path
from tsunagu.store import Store
from tsunagu.uses import IntendedUse

GALLERY_PAGE_SIZE = 24
IIIF_MEDIA_TYPE = f'application/ld+json;profile="{coll.IIIF_CONTEXT}"'


def store_of(request: Request) -> Store:
    return pipeline_of(request).store


def opened(request: Request) -> tuple[Collection, str]:
    """The collection of the path (by id, or by share token) and its base address."""
    store = store_of(request)
    token = request.path_params.get("token")
    if token is not None:
        collection = coll.open_shared(store, str(token))
        return collection, shared_base(collection)
    collection = coll.open_collection(store, current_user(request),
                                      int(request.path_params["collection_id"]))
    return collection, owner_base(collection)


def item_url_of(request: Request) -> ItemUrl:
    return lambda record_id: absolute(request, item_path(record_id))


def _context(request: Request, collection: Collection, base: str, **extra: Any
             ) -> dict[str, Any]:
    user = current_user(request)
    renderer = renderer_of(request)
    return {
        "collection": collection,
        "base": base,
        "clabels": CollectionLabels(renderer.labeller(request)),
        "is_owner": coll.can_edit(user, collection),
        "can_copy": coll.can_copy(user, collection),
        "share_url": (absolute(request, shared_base(collection))
                      if collection.visibility is not Visibility.PRIVATE else None),
        **extra,
    }


# -- lists ---------------------------------------------------------------------------
def mine(request: Request) -> Response:
    """``/collections``: the logged-in educator's collections."""
    store = store_of(request)
    collections = coll.my_collections(store, require_user(request))
    counts = store.collections.counts_of([c.id for c in collections])
    payload = {"collections": [_summary_data(c, counts.get(c.id, 0)) for c in collections]}
    return answer(request, "collections/mine.html", {
        "collections": collections, "counts": counts, "json_url": "/collections.json",
        "clabels": CollectionLabels(renderer_of(request).labeller(request))}, payload)


def gallery(request: Request) -> Response:
    """``/gallery``: public collections, newest change first (``?page=N``)."""
    store = store_of(request)
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    collections = coll.public_collections(store, limit=GALLERY_PAGE_SIZE,
                                          offset=(page - 1) * GALLERY_PAGE_SIZE)
    counts = store.collections.counts_of([c.id for c in collections])
    total = store.collections.count_public()
    payload = {"total": total, "page": page,
               "collections": [_summary_data(c, counts.get(c.id, 0)) for c in collections]}
    return answer(request, "collections/gallery.html", {
        "collections": collections, "counts": counts, "page": page, "total": total,
        "has_next": page * GALLERY_PAGE_SIZE < total, "json_url": "/gallery.json",
        "clabels": CollectionLabels(renderer_of(request).labeller(request))}, payload)


def _summary_data(collection: Collection, items: int) -> dict[str, Any]:
    return {"id": collection.id, "title": collection.title,
            "description": collection.description,
            "intended_use": collection.intended_use.value, "language": collection.language,
            "visibility": collection.visibility.value, "items": items,
            "url": owner_base(collection), "updated_at": collection.updated_at}


# -- one collection ------------------------------------------------------------------
def collection_page(request: Request) -> Response:
    """``/collections/<id>`` and ``/c/<token>`` (twins ``.json``)."""
    collection, base = opened(request)
    reviewed = coll.review(store_of(request), collection)
    payload = coll.collection_data(reviewed, item_url_of(request))
    context = _context(request, collection, base, reviewed=reviewed,
                       json_url=base + ".json", uses=list(IntendedUse),
                       visibilities=list(Visibility), styles=list(TextStyle),
                       languages=coll.LANGUAGES, csrf=csrf_token(request),
                       owner_view=base == owner_base(collection))
    if context["is_owner"]:
        payload["share_url"] = context["share_url"]
    return answer(request, "collections/view.html", context, payload)


def credits_page(request: Request) -> Response:
    """``…/credits``: every item's credit line in Japanese and English."""
    collection, base = opened(request)
    reviewed = coll.review(store_of(request), collection)
    credits = coll.collection_credits(reviewed)
    payload = {"id": collection.id, "title": collection.title,
               "credits": [{"record_id": c.record.id, "title": c.record.title.value,
                            "rights_code": c.record.rights.content.code,
                            "ja": c.credit.ja, "en": c.credit.en} for c in credits]}
    return answer(request, "collections/credits.html", _context(
        request, collection, base, credits=credits, json_url=base + "/credits.json",
        all_ja="\n".join(c.credit.ja for c in credits),
        all_en="\n".join(c.credit.en for c in credits)), payload)


def print_page(request: Request) -> Response:
    """``…/print``: the handout (title, thumbnails, captions, notes, credits)."""
    collection, base = opened(request)
    reviewed = coll.review(store_of(request), collection)
    return renderer_of(request).html(request, "collections/print.html", _context(
        request, collection, base, reviewed=reviewed,
        credits=coll.collection_credits(reviewed)))


def embed_page(request: Request) -> Response:
    """``/c/<token>/embed``: the minimal view other sites may put in an ``<iframe>``."""
    collection, base = opened(request)
    reviewed = coll.review(store_of(request), collection)
    response = renderer_of(request).html(request, "collections/embed.html", _context(
        request, collection, base, reviewed=reviewed,
        site_url=absolute(request, shared_base(collection)), site_root=absolute(request, "")))
    response.headers["Content-Security-Policy"] = EMBED_CSP
    return response


def export_csv(request: Request) -> Response:
    collection, _ = opened(request)
    text = coll.collection_csv(coll.review(store_of(request), collection),
                               item_url_of(request))
    # The byte order mark lets spreadsheet programs read the Japanese text as UTF-8.
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="collection-{collection.id}.csv"'})


def export_json(request: Request) -> Response:
    collection, _ = opened(request)
    data = coll.collection_data(coll.review(store_of(request), collection),
                                item_url_of(request))
    return Response(json.dumps(data, ensure_ascii=False, indent=2),
                    media_type="application/json", headers={
                        "Content-Disposition":
                            f'attachment; filename="collection-{collection.id}.json"'})


def export_iiif(request: Request) -> Response:
    """``…/iiif.json``: a IIIF Presentation 3 Collection of the items' manifests."""
    collection, _ = opened(request)
    public_base = (owner_base(collection) if collection.visibility is Visibility.PRIVATE
                   else shared_base(collection))
    data = coll.iiif_collection(coll.review(store_of(request), collection),
                                absolute(request, public_base + "/iiif.json"))
    headers = {} if collection.visibility is Visibility.PRIVATE else {
        "Access-Control-Allow-Origin": "*"}  # IIIF viewers on other sites read it
    return Response(json.dumps(data, ensure_ascii=False), headers=headers,
                    media_type=IIIF_MEDIA_TYPE)


def share_page(request: Request) -> Response:
    """``/collections/<id>/share``: the link, its QR code and the embed snippet (owner)."""
    collection = coll.editable(store_of(request), require_user(request),
                               int(request.path_params["collection_id"]))
    base = owner_base(collection)
    context = _context(request, collection, base, json_url=base + "/share.json")
    embed = (embed_snippet(absolute(request, shared_base(collection) + "/embed"),
                           collection.title) if context["share_url"] else None)
    payload = {"visibility": collection.visibility.value, "share_url": context["share_url"],
               "qr_url": base + "/qr.svg" if context["share_url"] else None,
               "embed": embed}
    return answer(request, "collections/share.html", {**context, "embed": embed}, payload)


def qr_code(request: Request) -> Response:
    """``/collections/<id>/qr.svg``: the QR code of the share link (owner)."""
    collection = coll.editable(store_of(request), require_user(request),
                               int(request.path_params["collection_id"]))
    if collection.visibility is Visibility.PRIVATE:
        raise NotFoundError(f"collection {collection.id} is private: it has no share link",
                            field="collection")
    return Response(qr_svg(absolute(request, shared_base(collection))),
                    media_type="image/svg+xml", headers={"Cache-Control": "private, no-store"})


def swap_page(request: Request) -> Response:
    """``/collections/<id>/entries/<entry>/swap``: usable alternatives for an item (owner)."""
    store = store_of(request)
    collection = coll.editable(store, require_user(request),
                               int(request.path_params["collection_id"]))
    reviewed = coll.review(store, collection)
    entry_id = int(request.path_params["entry_id"])
    catalog: Catalog = request.state.catalog
    suggestions = coll.suggest_alternatives(store, reviewed, entry_id, _finder(catalog))
    target = next(e for e in reviewed.items if e.entry.id == entry_id)
    base = owner_base(collection)
    payload = {"entry": entry_id, "suggestions": [
        {"record_id": record.id, "title": record.title.value, "url": item_path(record.id),
         "answer": answer_.answer.value, "conditions": list(answer_.conditions)}
        for record, answer_ in suggestions]}
    return answer(request, "collections/swap.html", _context(
        request, collection, base, target=target, suggestions=suggestions,
        json_url=f"{base}/entries/{entry_id}/swap.json"), payload)


def _finder(catalog: Catalog) -> coll.Finder:
    def find(text: str) -> list[str]:
        page = catalog.search(SearchState(text=text[:MAX_QUERY_LENGTH]))
        return [hit.id for hit in page.results.hits]
    return find

