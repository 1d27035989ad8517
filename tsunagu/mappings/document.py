"""Strict, hardened parsing of a raw record's metadata XML.

The harvester stores the first child of ``oai:metadata`` (e.g. ``oai_dc:dc``)
as bytes. Parsing is strict — no ``recover=True``: a damaged record is an
error to quarantine, not something to half-read. The parser resolves no
entities, loads no DTD, never touches the network and refuses documents with a
DOCTYPE; ``huge_tree`` is on because some records carry very long texts.
"""

from __future__ import annotations

from lxml import etree

from tsunagu.errors import MappingError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )


def parse_metadata(
    xml: bytes, root_tag: str, *, source_id: str | None = None, record_id: str | None = None
) -> etree._Element:
    """The ``root_tag`` element (Clark notation) of ``xml``; :class:`MappingError` otherwise.

    ``xml`` is either that element itself or an OAI ``record`` / ``metadata``
    wrapper around exactly one such element.
    """
    document = parse_document(xml, source_id=source_id, record_id=record_id)
    return select_root(document, root_tag, source_id=source_id, record_id=record_id)


def parse_document(
    xml: bytes, *, source_id: str | None = None, record_id: str | None = None
) -> etree._Element:
    """The document element of ``xml``, parsed once; :class:`MappingError` when damaged.

    Formats with several possible roots parse with this, then try
    :func:`find_root` for each root tag instead of parsing again per tag.
    """
    if not xml or not xml.strip():
        raise MappingError("the record has no metadata XML", source_id=source_id,
                           record_id=record_id, field="xml")
    try:
        tree = etree.ElementTree(etree.fromstring(xml, _parser()))
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise MappingError(f"malformed metadata XML: {exc}", source_id=source_id,
                           record_id=record_id, field="xml") from exc
    if tree.docinfo.doctype:
        raise MappingError("metadata XML with a DOCTYPE is refused", source_id=source_id,
                           record_id=record_id, field="xml")
    return tree.getroot()


def find_root(document: etree._Element, root_tag: str) -> etree._Element | None:
    """The ``root_tag`` element: ``document`` itself or the one inside an OAI wrapper."""
    if document.tag == root_tag:
        return document
    if etree.QName(document).namespace == OAI_NS and etree.QName(document).localname in {
        "record", "metadata"
    }:
        found = document.findall(f".//{root_tag}")
        if len(found) == 1:
            return found[0]
    return None


def select_root(
    document: etree._Element, root_tag: str, *, source_id: str | None = None,
    record_id: str | None = None,
) -> etree._Element:
    """:func:`find_root`, or :class:`MappingError` ("expected a … root element")."""
    root = find_root(document, root_tag)
    if root is not None:
        return root
    raise MappingError(
        f"expected a {etree.QName(root_tag).localname} root element, found "
        f"{etree.QName(document).localname!r}",
        source_id=source_id, record_id=record_id, field="xml",
    )


def collect_child_values(
    element: etree._Element, namespace: str
) -> dict[str, list[tuple[str, str | None]]]:
    """The text and ``xml:lang`` of every child in ``namespace``, grouped by local name.

    The text includes nested elements' text; empty elements give ``""``.
    """
    values: dict[str, list[tuple[str, str | None]]] = {}
    prefix = f"{{{namespace}}}"
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or not tag.startswith(prefix):
            continue
        # A leaf's text is its .text; itertext() is only needed for nested content.
        text = (child.text or "") if len(child) == 0 else "".join(child.itertext())
        values.setdefault(tag[len(prefix):], []).append((text, child.get(XML_LANG)))
    return values
