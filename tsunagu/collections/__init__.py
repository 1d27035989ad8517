"""Educators' collections: licence-aware, shareable sets of items with notes and text.

A service for the site: creating and editing collections (only the owner edits;
:mod:`tsunagu.collections.service` holds the rules), reading them with each
item's current record and the answer for the collection's intended use
(:mod:`tsunagu.collections.review`), and their credits and exports
(:mod:`tsunagu.collections.exports`). Depends on the foundation, ``tsunagu.store``
and ``tsunagu.accounts`` (issue #8).
"""

from tsunagu.collections.exports import (
    CSV_COLUMNS,
    IIIF_CONTEXT,
    ItemCredit,
    collection_credits,
    collection_csv,
    collection_data,
    iiif_collection,
)
from tsunagu.collections.review import (
    CollectionReview,
    Finder,
    ItemState,
    ReviewedEntry,
    Summary,
    review,
    similar_query,
    suggest_alternatives,
)
from tsunagu.collections.service import (
    LANGUAGES,
    add_item,
    add_text,
    can_copy,
    can_create,
    can_edit,
    can_read,
    copy_collection,
    create_collection,
    delete_collection,
    edit_entry,
    editable,
    move_entry,
    move_entry_by,
    my_collections,
    open_collection,
    open_shared,
    public_collections,
    remove_entry,
    renew_share_link,
    reorder,
    replace_item,
    update_collection,
)
from tsunagu.store.collections import (
    Collection,
    CollectionFields,
    Entry,
    EntryKind,
    TextStyle,
    Visibility,
)

__all__ = [
    "CSV_COLUMNS",
    "IIIF_CONTEXT",
    "LANGUAGES",
    "Collection",
    "CollectionFields",
    "CollectionReview",
    "Entry",
    "EntryKind",
    "Finder",
    "ItemCredit",
    "ItemState",
    "ReviewedEntry",
    "Summary",
    "TextStyle",
    "Visibility",
    "add_item",
    "add_text",
    "can_copy",
    "can_create",
    "can_edit",
    "can_read",
    "collection_credits",
    "collection_csv",
    "collection_data",
    "copy_collection",
    "create_collection",
    "delete_collection",
    "edit_entry",
    "editable",
    "iiif_collection",
    "move_entry",
    "move_entry_by",
    "my_collections",
    "open_collection",
    "open_shared",
    "public_collections",
    "remove_entry",
    "renew_share_link",
    "reorder",
    "replace_item",
    "review",
    "similar_query",
    "suggest_alternatives",
    "update_collection",
]
