"""Validation of a run's kept response pages against OAI-PMH 2.0, after the harvest.

Every ListRecords answer a harvest receives is kept verbatim in the store
(:mod:`tsunagu.store.raw_pages`), so each of them can be checked against the
OAI-PMH schema offline, on demand, without slowing the harvest down: ``tsunagu
harvest validate SOURCE [--run N]`` does so for a source's latest run (or run
``N``) with :func:`validate_run_pages`, besides checking the stored records
(:func:`tsunagu.harvester.conformance.validate_stored`).

A page kept as ``stored`` is validated whatever it holds (one that is not even
well-formed is invalid, with the parser's message). A page kept as ``failed``
(the harvest could not read it: an HTML error page, a body cut short, an OAI
error) is reported with the harvest's error, and validated only if it is an
OAI-PMH document (well-formed XML whose root is ``OAI-PMH``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from lxml import etree

from tsunagu.errors import NotFoundError
from tsunagu.harvester.conformance import Finding, check_response
from tsunagu.harvester.protocol import OAI_NS
from tsunagu.store import Store, StoredPage
from tsunagu.store.raw_pages import FAILED

#: The schema the pages are checked against (for the reports).
PAGE_SCHEMA = "OAI-PMH 2.0"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_ROOT = f"{{{OAI_NS}}}OAI-PMH"


@dataclasses.dataclass(frozen=True)
class PageValidation:
    """One kept page checked against the OAI-PMH schema."""

    page_id: int
    page: int  # its number in the run
    status: str  # as kept: ``stored`` or ``failed``
    url: str
    #: Why the harvest could not read the page (a ``failed`` page only).
    error: str | None
    #: ``None``: not validated (a failed page that is not OAI-PMH XML).
    valid: bool | None
    #: The first departures from the schema, with their lines (at most MAX_FINDINGS).
    findings: tuple[Finding, ...]


@dataclasses.dataclass(frozen=True)
class RunPagesValidation:
    """The kept pages of one run checked against the OAI-PMH schema."""

    run_id: int
    schema: str
    total: int
    valid: int
    invalid: int
    #: Pages kept as ``failed`` (counted in valid/invalid too if they are XML).
    failed: int
    #: Failed pages that are not OAI-PMH XML (HTML, cut short, …), so not validated.
    not_validated: int
    #: The most frequent messages and how many pages have them.
    messages: tuple[tuple[str, int], ...]
    results: tuple[PageValidation, ...]


def validate_run_pages(store: Store, source_id: str, run_id: int | None = None
                       ) -> RunPagesValidation | None:
    """Validate the kept pages of ``run_id`` (default: the source's latest run) against
    the OAI-PMH schema; ``None`` when the source has never been harvested."""
    store.sources.get(source_id)
    if run_id is None:
        latest = store.runs.latest(source_id)
        if latest is None:
            return None
        run_id = latest.id
    elif store.runs.get(run_id).source_id != source_id:
        raise NotFoundError(f"harvest run {run_id} is not a run of {source_id}",
                            source_id=source_id)
    results = [_validate_page(store, page) for page in store.pages.of_run(run_id)]
    messages: Counter[str] = Counter()
    for result in results:
        messages.update({finding.message for finding in result.findings})
    return RunPagesValidation(
        run_id=run_id, schema=PAGE_SCHEMA, total=len(results),
        valid=sum(1 for r in results if r.valid is True),
        invalid=sum(1 for r in results if r.valid is False),
        failed=sum(1 for r in results if r.status == FAILED),
        not_validated=sum(1 for r in results if r.valid is None),
        messages=tuple(messages.most_common(10)), results=tuple(results))


def _validate_page(store: Store, page: StoredPage) -> PageValidation:
    body = store.pages.body(page.id) or b""
    valid: bool | None = None
    findings: tuple[Finding, ...] = ()
    if page.status != FAILED or _is_oai_pmh(body):
        findings = check_response(body)
        valid = not findings
    return PageValidation(page.id, page.request.page, page.status, page.request.url,
                          page.error, valid, findings)


def _is_oai_pmh(body: bytes) -> bool:
    """Whether ``body`` is well-formed XML whose root is ``OAI-PMH`` (external entities
    are never loaded)."""
    try:
        return bool(etree.fromstring(body, _PARSER).tag == _ROOT)
    except etree.XMLSyntaxError:
        return False
