"""XML elements by local name, for the mappers of nested formats (MODS, LIDO, EDM, QDC).

Real feeds lose or change namespaces on nested elements (a MODS record whose
``<recordContentSource>`` has no namespace, EDM places with bare ``<lat>``), so
these mappers find children by local name within a document whose root they
have already checked by its full name. Texts are whitespace-normalized
(:func:`~tsunagu.mappings.text.clean_text`) and empty ones dropped.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from tsunagu.mappings.text import clean_text


def local_name(element: etree._Element) -> str:
    """The local part of an element's tag (``""`` for comments and processing instructions)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def namespace_of(element: etree._Element) -> str:
    """The namespace URI of an element's tag (``""`` when it has none)."""
    tag = element.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def children(element: etree._Element, *names: str) -> Iterator[etree._Element]:
    """The element children, or those whose local name is one of ``names``.

    ``{*}name`` matches ``name`` in any namespace and in none; lxml filters in C.
    """
    found: Iterator[etree._Element] = (
        element.iterchildren(*[f"{{*}}{name}" for name in names]) if names
        else element.iterchildren(tag=etree.Element)
    )
    return found


def follow(element: etree._Element, *names: str) -> list[etree._Element]:
    """The elements at the end of the child path ``names``, along every branch."""
    current = [element]
    for name in names:
        current = [child for parent in current for child in children(parent, name)]
    return current


def text_of(element: etree._Element) -> str:
    """All text inside ``element`` (nested elements included), as written."""
    if len(element) == 0:  # a leaf: its text is all there is
        return element.text or ""
    return "".join(element.itertext())


def texts_at(element: etree._Element, *names: str) -> list[str]:
    """The cleaned, non-empty texts of the elements at the child path ``names``."""
    return [text for found in follow(element, *names) if (text := clean_text(text_of(found)))]


def first_text(element: etree._Element, *names: str) -> str:
    """The first cleaned, non-empty text at the child path ``names``, else ``""``."""
    return next(iter(texts_at(element, *names)), "")
