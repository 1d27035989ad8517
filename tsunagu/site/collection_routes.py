"""The routes of educators' collections (issue #8), added to the app's route list.

The read pages exist at two addresses — ``/collections/<id>`` (owner, or anyone
when public) and ``/c/<token>`` (the share link) — so they are declared for
both. ``.json`` routes come before the pages they twin.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from tsunagu.site import collection_actions as act
from tsunagu.site import collection_views as view

_BY_ID = "/collections/{collection_id:int}"
_SHARED = "/c/{token:str}"
_ENTRY = _BY_ID + "/entries/{entry_id:int}"


def _readable(base: str, prefix: str) -> list[BaseRoute]:
    """The read-only pages under one address of a collection."""
    return [
        Route(base + ".json", view.collection_page, name=f"{prefix}_json"),
        Route(base, view.collection_page, name=prefix),
        Route(base + "/credits.json", view.credits_page, name=f"{prefix}_credits_json"),
        Route(base + "/credits", view.credits_page, name=f"{prefix}_credits"),
        Route(base + "/print", view.print_page, name=f"{prefix}_print"),
        Route(base + "/export.csv", view.export_csv, name=f"{prefix}_csv"),
        Route(base + "/export.json", view.export_json, name=f"{prefix}_export_json"),
        Route(base + "/iiif.json", view.export_iiif, name=f"{prefix}_iiif"),
    ]


def collection_routes() -> list[BaseRoute]:
    return [
        Route("/educators/signup.json", act.signup, methods=["POST"], name="signup_json"),
        Route("/educators/signup", act.signup_form, methods=["GET"], name="signup_form"),
        Route("/educators/signup", act.signup, methods=["POST"], name="signup"),
        Route("/gallery.json", view.gallery, name="gallery_json"),
        Route("/gallery", view.gallery, name="gallery"),
        Route("/collections.json", view.mine, methods=["GET"], name="collections_json"),
        Route("/collections.json", act.create, methods=["POST"], name="collection_create_json"),
        Route("/collections", view.mine, methods=["GET"], name="collections"),
        Route("/collections", act.create, methods=["POST"], name="collection_create"),
        Route("/collections/new", act.new_form, name="collection_new"),
        Route("/collections/add", act.add_form, name="collection_add"),
        Route(_BY_ID, act.update, methods=["POST"], name="collection_update"),
        Route(_BY_ID + "/delete", act.delete, methods=["POST"], name="collection_delete"),
        Route(_BY_ID + "/copy", act.copy, methods=["POST"], name="collection_copy"),
        Route(_BY_ID + "/items", act.add_item, methods=["POST"], name="collection_add_item"),
        Route(_BY_ID + "/texts", act.add_text, methods=["POST"], name="collection_add_text"),
        Route(_BY_ID + "/order", act.reorder, methods=["POST"], name="collection_order"),
        Route(_BY_ID + "/share.json", view.share_page, name="collection_share_json"),
        Route(_BY_ID + "/share", view.share_page, methods=["GET"], name="collection_share"),
        Route(_BY_ID + "/share", act.renew_link, methods=["POST"], name="collection_renew"),
        Route(_BY_ID + "/qr.svg", view.qr_code, name="collection_qr"),
        Route(_ENTRY, act.edit_entry, methods=["POST"], name="entry_edit"),
        Route(_ENTRY + "/move", act.move_entry, methods=["POST"], name="entry_move"),
        Route(_ENTRY + "/delete", act.remove_entry, methods=["POST"], name="entry_delete"),
        Route(_ENTRY + "/swap.json", view.swap_page, name="entry_swap_json"),
        Route(_ENTRY + "/swap", view.swap_page, methods=["GET"], name="entry_swap"),
        Route(_ENTRY + "/swap", act.swap, methods=["POST"], name="entry_swap_do"),
        *_readable(_BY_ID, "collection"),
        Route(_SHARED + "/embed", view.embed_page, name="shared_embed"),
        *_readable(_SHARED, "shared"),
    ]
