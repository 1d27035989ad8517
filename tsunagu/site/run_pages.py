"""The ListRecords pages a run kept, for the run page: listed, linked from the
quarantined records they held, and each one downloadable as it was received
(:func:`tsunagu.site.run_downloads.page_xml`).

Only for those who manage the source (another institution's draft is a 404, its
published feed a 403); a page of another run or source is a 404, whoever asks.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request

from tsunagu.accounts.rules import Actor
from tsunagu.errors import ConfigError, NotFoundError
from tsunagu.institutions.access import managed_source
from tsunagu.store import Store
from tsunagu.store.quarantine import QuarantinedRecord
from tsunagu.store.raw_pages import StoredPage

#: Rows of the run page's table of pages; the JSON twin lists them all.
SHOWN_PAGES = 200

#: An id in a path (a run's, a page's): ASCII digits, few enough for SQLite's integers
#: (``str.isdigit`` also takes "²" and "١", which ``int`` refuses or reads as 1).
ID = re.compile(r"[0-9]{1,18}")

#: How a downloaded page is served: never interpreted in the site's origin.
PAGE_POLICY = "sandbox; default-src 'none'"

def page_id_of(request: Request) -> int:
    """The page id in the path (``…/pages/{page_id}.xml``); not a number is a ConfigError."""
    value = str(request.path_params["page_id"])
    if not ID.fullmatch(value):
        raise ConfigError("a page id is a number (up to 18 digits)", field="page")
    return int(value)


def run_pages(store: Store, actor: Actor | None, source_id: str,
              run_id: int) -> list[StoredPage]:
    """The pages run ``run_id`` of the source kept, in the order they came."""
    managed_source(store, actor, source_id)
    return [page for page in store.pages.of_run(run_id)
            if page.request.source_id == source_id]


def page_body(store: Store, actor: Actor | None, source_id: str, run_id: int,
              page_id: int) -> tuple[StoredPage, bytes]:
    """A kept page of the run and its bytes as received; any other page is a 404."""
    managed_source(store, actor, source_id)
    page = store.pages.get(page_id)
    if page is not None and (page.request.source_id, page.request.run_id) == (
            source_id, run_id):
        body = store.pages.body(page_id)
        if body is not None:
            return page, body
    raise NotFoundError(f"run {run_id} kept no page {page_id}", source_id=source_id)


def page_path(prefix: str, page: StoredPage) -> str:
    """The download path of a kept page (``prefix``: ``""`` or ``"/api"``)."""
    origin = page.request
    return f"{prefix}/sources/{origin.source_id}/runs/{origin.run_id}/pages/{page.id}.xml"


def page_payload(prefix: str, page: StoredPage) -> dict[str, Any]:
    """A kept page as the run page's JSON twin lists it."""
    origin = page.request
    return {"id": page.id, "page": origin.page, "status": page.status, "error": page.error,
            "size": page.size, "response_date": origin.response_date,
            "token_sent": origin.token_sent, "token_next": origin.token_next,
            "url": origin.url, "set_spec": origin.set_spec,
            "received_at": page.received_at, "download": page_path(prefix, page)}


def quarantine_pages(store: Store, quarantined: list[QuarantinedRecord],
                     pages: list[StoredPage]) -> dict[int, StoredPage]:
    """The kept page of this run each quarantined record came from, by quarantine id.

    A record the harvester could not read was quarantined with its page; one stored,
    then refused by its mapping points to its page in the store. Either way only a
    page of the run's own ``pages`` is taken.
    """
    of_run = {page.id: page for page in pages}
    found: dict[int, StoredPage] = {}
    for item in quarantined:
        page = of_run.get(item.page_id) if item.page_id is not None else None
        if page is None and item.oai_identifier:
            stored = store.pages.of_record(item.source_id, item.oai_identifier)
            page = of_run.get(stored.id) if stored is not None else None
        if page is not None:
            found[item.id] = page
    return found

