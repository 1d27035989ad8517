"""A reviewed collection out: credits, JSON data, CSV and a IIIF Presentation 3 Collection.

Everything is built from a :class:`~tsunagu.collections.review.CollectionReview`,
so exports show the current records and answers, like the pages. Links to the
site's item pages come from the caller (``item_url``): this module does not
know the site's addresses.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from tsunagu.collections.review import CollectionReview, ReviewedEntry
from tsunagu.credits import Credit, credit_lines
from tsunagu.records import Record
from tsunagu.store.cells import defuse_formula
from tsunagu.uses import IntendedUse

IIIF_CONTEXT = "http://iiif.io/api/presentation/3/context.json"

#: The CSV columns, in order.
CSV_COLUMNS = ("position", "kind", "record_id", "title", "provider", "url", "source_url",
               "rights_code", "reuse", "answer", "reasons", "conditions", "note", "text",
               "credit_ja", "credit_en")

ItemUrl = Callable[[str], str]


@dataclasses.dataclass(frozen=True)
class ItemCredit:
    """The credit lines one item of the collection requires."""

    entry: ReviewedEntry
    record: Record
    credit: Credit


def collection_credits(reviewed: CollectionReview) -> list[ItemCredit]:
    """One credit per available item, in the collection's order.

    For the use "modified work" the lines say the item was changed (加工して作成).
    """
    modified = _modified(reviewed)
    return [ItemCredit(entry, entry.record, credit_lines(entry.record, modified=modified))
            for entry in reviewed.items if entry.record is not None]


def collection_data(reviewed: CollectionReview, item_url: ItemUrl) -> dict[str, Any]:
    """The collection as plain JSON-ready data (the page's JSON twin and the JSON export)."""
    collection = reviewed.collection
    summary = reviewed.summary
    return {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "intended_use": collection.intended_use.value,
        "language": collection.language,
        "visibility": collection.visibility.value,
        "created_at": collection.created_at,
        "updated_at": collection.updated_at,
        "copied_from": collection.copied_from,
        "summary": {
            "items": summary.items, "usable": summary.usable, "yes": summary.yes,
            "with_conditions": summary.with_conditions, "no": summary.no,
            "ask_institution": summary.ask_institution, "unavailable": summary.unavailable,
        },
        "entries": [_entry_data(entry, item_url, modified=_modified(reviewed))
                    for entry in reviewed.entries],
    }


def _modified(reviewed: CollectionReview) -> bool:
    return reviewed.collection.intended_use is IntendedUse.MODIFIED_WORK


def _entry_data(reviewed: ReviewedEntry, item_url: ItemUrl, *, modified: bool
                ) -> dict[str, Any]:
    entry = reviewed.entry
    if not reviewed.is_item:
        return {"id": entry.id, "position": entry.position, "kind": entry.kind.value,
                "style": entry.style.value if entry.style else None, "text": entry.text}
    record, answer = reviewed.record, reviewed.answer
    state = reviewed.state
    data: dict[str, Any] = {
        "id": entry.id, "position": entry.position, "kind": entry.kind.value,
        "record_id": entry.record_id, "title": reviewed.title, "note": entry.note,
        "available": record is not None, "state": state.value if state else None,
        "url": None, "source_url": None, "provider": None, "thumbnail": None,
        "rights": None, "use": None, "credit": None,
    }
    if record is not None and answer is not None:
        rights = record.rights.content
        credit = credit_lines(record, modified=modified)
        data.update({
            "url": item_url(record.id), "source_url": record.landing_url,
            "provider": record.data_provider or record.provider,
            "thumbnail": record.thumbnail_url,
            "iiif_manifest": record.iiif_manifest,
            "rights": {"code": rights.code, "uri": rights.uri, "reuse": rights.reuse.value,
                       "raw": rights.raw},
            "use": {"answer": answer.answer.value, "reasons": list(answer.reasons),
                    "conditions": list(answer.conditions), "notes": list(answer.notes)},
            "credit": {"ja": credit.ja, "en": credit.en},
        })
    return data


def collection_csv(reviewed: CollectionReview, item_url: ItemUrl) -> str:
    """One row per entry (:data:`CSV_COLUMNS`), UTF-8 text with a header row.

    A cell that a spreadsheet would run as a formula gets a leading apostrophe
    (:func:`tsunagu.store.cells.defuse_formula`).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in collection_data(reviewed, item_url)["entries"]:
        use = entry.get("use") or {}
        rights = entry.get("rights") or {}
        credit = entry.get("credit") or {}
        row = {
            "position": entry["position"] + 1, "kind": entry["kind"],
            "record_id": entry.get("record_id") or "", "title": entry.get("title") or "",
            "provider": entry.get("provider") or "", "url": entry.get("url") or "",
            "source_url": entry.get("source_url") or "",
            "rights_code": rights.get("code", ""), "reuse": rights.get("reuse", ""),
            "answer": entry.get("state") or "",
            "reasons": " ".join(use.get("reasons", ())),
            "conditions": " ".join(use.get("conditions", ())),
            "note": entry.get("note") or "", "text": entry.get("text") or "",
            "credit_ja": credit.get("ja", ""), "credit_en": credit.get("en", ""),
        }
        writer.writerow([defuse_formula(str(row[column])) for column in CSV_COLUMNS])
    return buffer.getvalue()


def iiif_collection(reviewed: CollectionReview, collection_uri: str) -> dict[str, Any]:
    """A IIIF Presentation 3 Collection of the manifests of the available items.

    Items without a IIIF manifest (or with one that is not an http(s) URL) are
    left out; each item is ``{"id", "type": "Manifest", "label": {lang: [title]}}``.
    """
    collection = reviewed.collection
    data: dict[str, Any] = {
        "@context": IIIF_CONTEXT,
        "id": collection_uri,
        "type": "Collection",
        "label": {collection.language: [collection.title]},
    }
    if collection.description:
        data["summary"] = {collection.language: [collection.description]}
    items = []
    for entry in reviewed.items:
        record = entry.record
        if record is None or not _is_web_url(record.iiif_manifest):
            continue
        lang = record.title.lang or "none"
        item: dict[str, Any] = {"id": record.iiif_manifest, "type": "Manifest",
                                "label": {lang: [record.title.value]}}
        items.append(item)
    data["items"] = items
    return data


def _is_web_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)
