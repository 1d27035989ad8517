"""Conformance: OAI-PMH responses and record metadata checked against XML Schemas.

A response is validated against tsunagu's own schema of OAI-PMH 2.0
(``schemas/oai-pmh.xsd``); a record's metadata against its format's schema,
picked by the namespace of the metadata's root element (``oai_dc`` and the
vendored JPCOAR 1.0/2.0/2.1 schemas; other formats have none here). Schemas are
compiled once per process and loaded offline: a resolver answers the W3C
``xml.xsd`` addresses with a local copy and nothing is fetched
(``schemas/PROVENANCE.md``).

Findings are warnings: a harvest stores its records whatever they say. During a
harvest, :class:`ConformanceCheck` validates the first page of the run, every
page that needed repair, or every page when ``Settings.validate_all_pages``
(``TSUNAGU_VALIDATE_ALL_PAGES=1``) asks; its findings become the run's
``conformance`` issues. ``tsunagu harvest validate SOURCE`` checks a source's
stored records (:func:`validate_stored`) and, offline, every kept response page
of a run (:mod:`tsunagu.harvester.page_validation`).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import Counter
from pathlib import Path

from lxml import etree

from tsunagu.config import Settings
from tsunagu.harvester.protocol import OAI_NS, RecordPage
from tsunagu.store import Store

logger = logging.getLogger(__name__)

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
RESPONSE_SCHEMA = "oai-pmh.xsd"
#: The namespace of a metadata record's root element -> its schema (under SCHEMA_DIR).
METADATA_SCHEMAS = {
    "http://www.openarchives.org/OAI/2.0/oai_dc/": "oai_dc.xsd",
    "https://github.com/JPCOAR/schema/blob/master/1.0/": "jpcoar/1.0/jpcoar_scm.xsd",
    "https://github.com/JPCOAR/schema/blob/master/2.0/": "jpcoar/2.0/jpcoar_scm.xsd",
    "https://github.com/JPCOAR/schema/blob/master/2.1/": "jpcoar/2.1/jpcoar_scm.xsd",
}
#: At most this many findings are kept per document (a broken feed repeats itself).
MAX_FINDINGS = 20
_XML_NAMESPACE_SCHEMAS = ("http://www.w3.org/2001/03/xml.xsd",
                          "http://www.w3.org/2009/01/xml.xsd", "http://www.w3.org/2001/xml.xsd")
_RECORD = f"{{{OAI_NS}}}record"
_IDENTIFIER = f"{{{OAI_NS}}}header/{{{OAI_NS}}}identifier"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclasses.dataclass(frozen=True)
class Finding:
    """One way a response or record departs from its schema."""

    #: ``response`` (the OAI-PMH envelope) or ``metadata`` (a record's payload).
    scope: str
    line: int
    message: str
    oai_identifier: str | None = None

    def __str__(self) -> str:
        where = f"record {self.oai_identifier}, " if self.oai_identifier else ""
        return f"{self.scope} ({where}line {self.line}): {self.message}"


@dataclasses.dataclass(frozen=True)
class StoredValidation:
    """The result of validating a source's stored records (``harvest validate``)."""

    source_id: str
    schema: str | None
    records: int
    valid: int
    invalid: int
    skipped: int
    #: The most frequent messages and how many records have them.
    messages: tuple[tuple[str, int], ...]
    findings: tuple[Finding, ...]


class _LocalResolver(etree.Resolver):  # type: ignore[misc]
    """Schema imports from the local folder; the W3C's xml.xsd from our copy; no network."""

    def resolve(self, system_url: str | None, public_id: str | None,
                context: object) -> object:
        if system_url in _XML_NAMESPACE_SCHEMAS:
            return self.resolve_filename(str(SCHEMA_DIR / "xml.xsd"), context)
        if system_url and system_url.startswith(("http:", "https:")):
            return self.resolve_string("", context)  # never fetched: the import fails
        return None


_LOCK = threading.Lock()  # compiled schemas and their error logs are shared
_COMPILED: dict[str, etree.XMLSchema] = {}


def _schema(name: str) -> etree.XMLSchema:
    """The compiled schema ``name`` (a path under SCHEMA_DIR), compiled on first use."""
    found = _COMPILED.get(name)
    if found is None:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        parser.resolvers.add(_LocalResolver())
        found = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name), parser))
        _COMPILED[name] = found
    return found


def metadata_schema(namespace: str | None) -> str | None:
    """The schema of metadata whose root element is in ``namespace``, if there is one."""
    return METADATA_SCHEMAS.get(namespace or "")


def check_response(body: bytes) -> tuple[Finding, ...]:
    """Validate an OAI-PMH response body against the OAI-PMH 2.0 schema."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        return (Finding("response", exc.lineno or 0, f"not well-formed XML: {exc.msg}"),)
    tree = root.getroottree()
    findings = []
    for line, path, message in _validate(RESPONSE_SCHEMA, root):
        findings.append(Finding("response", line, message, _record_identifier(tree, path)))
    return tuple(findings)


def check_metadata(xml: bytes, oai_identifier: str | None = None
                   ) -> tuple[Finding, ...] | None:
    """Validate a record's metadata against its format's schema; ``None``: no schema."""
    return _check_metadata(xml, oai_identifier)[1]


def _check_metadata(xml: bytes, oai_identifier: str | None
                    ) -> tuple[str | None, tuple[Finding, ...] | None]:
    """``(schema name, findings)``; both ``None`` when the format has no schema."""
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        return None, (Finding("metadata", exc.lineno or 0, f"not well-formed XML: {exc.msg}",
                              oai_identifier),)
    name = metadata_schema(etree.QName(root).namespace)
    if name is None:
        return None, None
    return name, tuple(Finding("metadata", line, message, oai_identifier)
                       for line, _path, message in _validate(name, root))


def check_page(body: bytes, page: RecordPage) -> tuple[Finding, ...]:
    """A ListRecords page: its envelope, then the metadata of its records."""
    findings = list(check_response(body))
    for raw in page.records:
        if len(findings) >= MAX_FINDINGS:
            break
        if raw.xml and not raw.deleted:
            findings.extend(check_metadata(raw.xml, raw.oai_identifier) or ())
    return tuple(findings[:MAX_FINDINGS])


def validate_stored(store: Store, source_id: str, *, keep: int = MAX_FINDINGS
                    ) -> StoredValidation:
    """Validate the stored metadata of a source's live records against their schema."""
    store.sources.get(source_id)
    records = valid = invalid = skipped = 0
    schemas: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    kept: list[Finding] = []
    for raw in store.raw.iter(source_id, include_deleted=False):
        records += 1
        name, found = _check_metadata(raw.xml, raw.oai_identifier) if raw.xml else (
            None, None)
        if found is None:
            skipped += 1
            continue
        if name is not None:
            schemas[name] += 1
        if not found:
            valid += 1
            continue
        invalid += 1
        messages.update({finding.message for finding in found})
        kept.extend(found[:max(0, keep - len(kept))])
    schema = schemas.most_common(1)[0][0] if schemas else None
    return StoredValidation(source_id, schema, records, valid, invalid, skipped,
                            tuple(messages.most_common(10)), tuple(kept))


class ConformanceCheck:
    """The harvest's hook: which pages to validate, and their findings as run issues."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._store = store
        self._all = settings.validate_all_pages
        self._first = True

    def wanted(self, page: RecordPage) -> bool:
        """The first page of a run, a page that needed repair, or every page if asked."""
        first, self._first = self._first, False
        return self._all or first or bool(page.repaired or page.notes or page.rejected)

    def record(self, run_id: int, body: bytes, page: RecordPage) -> None:
        """Validate a page and store its findings as ``conformance`` issues of the run."""
        try:
            findings = check_page(body, page)
        except (etree.LxmlError, ValueError) as exc:  # a check must never stop a harvest
            logger.warning("conformance check failed: %s", exc)
            return
        if not findings:
            return
        with self._store.db.transaction():
            for finding in findings:
                self._store.runs.log.add_issue(run_id, finding.oai_identifier, "conformance",
                                               f"{finding.scope} line {finding.line}: "
                                               f"{finding.message}")


def _validate(name: str, root: etree._Element) -> list[tuple[int, str, str]]:
    """``(line, path of the element, message)`` of each error (at most MAX_FINDINGS)."""
    with _LOCK:
        schema = _schema(name)
        if schema.validate(root):
            return []
        return [(error.line, error.path or "", _readable(error.message))
                for error in list(schema.error_log)[:MAX_FINDINGS]]


def _record_identifier(tree: etree._ElementTree, path: str) -> str | None:
    """The header identifier of the ``<record>`` holding the element at ``path``."""
    try:
        found = tree.xpath(path) if path.startswith("/") else []
    except etree.XPathError:
        return None
    if not found or not isinstance(found[0], etree._Element):
        return None
    element = found[0]
    record = element if element.tag == _RECORD else next(element.iterancestors(_RECORD), None)
    text = record.findtext(_IDENTIFIER) if record is not None else None
    return text.strip() or None if text else None


def _readable(message: str) -> str:
    """libxml2's message with the OAI namespace dropped from element names."""
    return message.replace(f"{{{OAI_NS}}}", "")

