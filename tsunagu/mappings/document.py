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
    root = tree.getroot()
    if root.tag == root_tag:
        return root
    if etree.QName(root).namespace == OAI_NS and etree.QName(root).localname in {
        "record", "metadata"
    }:
        found = root.findall(f".//{root_tag}")
        if len(found) == 1:
            return found[0]
    raise MappingError(
        f"expected a {etree.QName(root_tag).localname} root element, found "
        f"{etree.QName(root).localname!r}",
        source_id=source_id, record_id=record_id, field="xml",
    )


def collect_child_values(
    element: etree._Element, namespace: str
) -> dict[str, list[tuple[str, str | None]]]:
    """The text and ``xml:lang`` of every child in ``namespace``, grouped by local name.

    The text includes nested elements' text; empty elements give ``""``.
    """
    values: dict[str, list[tuple[str, str | None]]] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child)
        if name.namespace != namespace:
            continue
        text = "".join(child.itertext())
        values.setdefault(name.localname, []).append((text, child.get(XML_LANG)))
    return values
