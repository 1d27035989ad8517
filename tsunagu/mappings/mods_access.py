"""Where a MODS record's item is and who may use it (``formats.md`` §3.3).

``location/url`` by ``@access`` / ``@usage`` / ``@note`` → landing page, thumbnail,
full media and IIIF manifest; ``physicalLocation``, ownership notes and
``recordContentSource`` → the holding institution; ``identifier`` and
``recordInfo/recordIdentifier`` (``@type`` hdl / doi / isbn … kept) → identifiers;
``accessCondition`` → the rights statements. Used by :mod:`tsunagu.mappings.mods`.
"""

from __future__ import annotations

import dataclasses

from lxml import etree

from tsunagu.mappings.elements import children, text_of
from tsunagu.mappings.identifiers import (
    classify_identifier,
    is_http_url,
    is_image_url,
    make_doi_url,
)
from tsunagu.mappings.text import clean_text, is_placeholder
from tsunagu.records import Identifier, Media

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
IDENTIFIER_TYPES = {"hdl": "handle", "handle": "handle", "doi": "doi", "isbn": "isbn",
                    "issn": "issn", "ark": "ark", "ncid": "ncid", "jpno": "jpno"}


@dataclasses.dataclass(frozen=True)
class Links:
    landing: str | None
    thumbnail: str | None
    manifest: str | None
    media: tuple[Media, ...]


def read_links(root: etree._Element) -> Links:
    landing: list[str] = []
    thumbnails: list[str] = []
    full: list[str] = []
    manifests: list[str] = []
    others: list[str] = []
    for location in children(root, "location"):
        for element in children(location, "url"):
            url = clean_text(text_of(element))
            if not is_http_url(url):
                continue
            access = (element.get("access") or "").casefold()
            usage = (element.get("usage") or "").casefold()
            if "iiif" in (element.get("note") or "").casefold():
                if not is_image_url(url):
                    manifests.append(url)
            elif access == "preview":
                thumbnails.append(url)
            elif access == "raw object":
                full.append(url)
            elif access == "object in context" or usage.startswith("primary"):
                (thumbnails if is_image_url(url) else landing).append(url)
            else:
                others.append(url)
    for element in children(root, "identifier"):
        text = clean_text(text_of(element))
        identifier = classify_identifier(text)
        if identifier.type == "doi":
            others.append(make_doi_url(identifier.value))
        elif is_http_url(text) and not is_image_url(text):
            others.append(text)
    page = next(iter([*landing, *(u for u in [*others, *full] if not is_image_url(u))]), None)
    media = [Media(url, "thumbnail") for url in dict.fromkeys(thumbnails)]
    media += [Media(url, "full") for url in dict.fromkeys(full) if url != page]
    return Links(page, thumbnails[0] if thumbnails else None,
                  manifests[0] if manifests else None, tuple(media))


def read_data_provider(root: etree._Element) -> str | None:
    candidates: list[str] = []
    for location in children(root, "location"):
        for element in children(location, "physicalLocation"):
            kind = (element.get("type") or "").casefold()
            if element.get("authority") == "marcorg" or kind in {"code", "container",
                                                                  "shelf locator"}:
                continue
            if kind != "division_short_name":
                candidates.append(clean_text(text_of(element)))
    for note in children(root, "note"):
        if (note.get("type") or "").casefold() == "ownership":
            candidates.append(clean_text(text_of(note)))
    for info in children(root, "recordInfo"):
        for element in children(info, "recordContentSource"):
            if element.get("authority") != "marcorg":
                candidates.append(clean_text(text_of(element)))
    return next((c for c in candidates if not is_placeholder(c)), None)


def read_rights_values(root: etree._Element) -> list[str]:
    use: list[str] = []
    other: list[str] = []
    for element in children(root, "accessCondition"):
        kind = (element.get("type") or "").casefold().replace(" ", "")
        href = (element.get(XLINK_HREF) or "").strip()
        values = [v for v in (href if is_http_url(href) else "", text_of(element).strip()) if v]
        if kind == "useandreproduction":
            use.extend(values)
        elif not kind.startswith("restriction"):
            other.extend(values)
    return list(dict.fromkeys(use or other))


def read_identifiers(root: etree._Element) -> tuple[Identifier, ...]:
    found: list[Identifier] = []
    elements = [*children(root, "identifier")]
    for info in children(root, "recordInfo"):
        elements.extend(children(info, "recordIdentifier"))
    for element in elements:
        text = clean_text(text_of(element))
        if is_placeholder(text) or is_image_url(text):
            continue
        identifier = classify_identifier(text)
        declared = IDENTIFIER_TYPES.get((element.get("type") or "").casefold())
        if declared and identifier.type in {"local", "uri"}:
            identifier = Identifier(declared, text)
        found.append(identifier)
    return tuple(dict.fromkeys(found))
