"""Build ``oai_dc`` metadata documents for feed files.

The demo feed builder (``scripts/build_demo_feeds.py``) and the tests describe a
record as an ordered list of :class:`DCValue` and get back the serialized
``<oai_dc:dc>`` element as UTF-8 bytes, ready for :class:`~tsunagu.demo.feedfile.FeedRecord`.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable

from lxml import etree

logger = logging.getLogger(__name__)

NS_OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_XML = "http://www.w3.org/XML/1998/namespace"

#: The 15 Dublin Core elements, in the order the oai_dc schema lists them.
DC_ELEMENTS: tuple[str, ...] = (
    "title", "creator", "subject", "description", "publisher", "contributor", "date",
    "type", "format", "identifier", "source", "language", "relation", "coverage", "rights",
)

# Characters outside the XML 1.0 Char production (TAB, LF and CR are legal).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclasses.dataclass(frozen=True, slots=True)
class DCValue:
    """One Dublin Core statement: element name, text and optional ``xml:lang``."""

    element: str
    value: str
    lang: str | None = None

    def __post_init__(self) -> None:
        if self.element not in DC_ELEMENTS:
            raise ValueError(f"not a Dublin Core element: {self.element!r}")


def clean_text(value: object) -> str:
    """Return ``value`` as text without characters XML 1.0 cannot carry, trimmed."""
    return _ILLEGAL_XML.sub("", str(value)).strip()


def dedupe(values: Iterable[DCValue]) -> list[DCValue]:
    """Drop empty values and exact repeats (same element, text and language), keep order."""
    seen: set[DCValue] = set()
    result: list[DCValue] = []
    for item in values:
        cleaned = DCValue(item.element, clean_text(item.value), item.lang)
        if cleaned.value and cleaned not in seen:
            seen.add(cleaned)
            result.append(cleaned)
    return result


def oai_dc_xml(values: Iterable[DCValue]) -> bytes:
    """Serialize ``values`` as an ``<oai_dc:dc>`` element (UTF-8 bytes, no declaration).

    Values keep their order within an element; elements follow :data:`DC_ELEMENTS`.
    Empty values and exact duplicates are dropped.
    """
    root = etree.Element(
        f"{{{NS_OAI_DC}}}dc", nsmap={"oai_dc": NS_OAI_DC, "dc": NS_DC, "xsi": NS_XSI}
    )
    root.set(f"{{{NS_XSI}}}schemaLocation",
             f"{NS_OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    items = dedupe(values)
    for name in DC_ELEMENTS:
        for item in items:
            if item.element != name:
                continue
            element = etree.SubElement(root, f"{{{NS_DC}}}{name}")
            element.text = item.value
            if item.lang:
                element.set(f"{{{NS_XML}}}lang", item.lang)
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=False))


def read_oai_dc(xml: bytes) -> list[DCValue]:
    """Parse an ``oai_dc`` document back into its :class:`DCValue` list (for checks)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(xml, parser=parser)
    values: list[DCValue] = []
    for element in root:
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        if qname.namespace == NS_DC and qname.localname in DC_ELEMENTS:
            values.append(DCValue(qname.localname, element.text or "",
                                  element.get(f"{{{NS_XML}}}lang")))
    return values
