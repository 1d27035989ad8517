"""Identifiers classified by pattern, and the links chosen among them.

``dc:identifier`` mixes everything (``formats.md`` §3.1): the landing page, an
image, a DOI, an ISBN, a call number. :func:`classify_identifier` sorts one
value into ``doi``, ``isbn``, ``issn``, ``uri`` or ``local``;
:func:`is_image_url` recognises image files, IIIF Image API URLs and
thumbnail services; :func:`choose_landing_url` and :func:`choose_thumbnail_url` pick the
record's links.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from tsunagu.records import Identifier

_DOI = re.compile(
    r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|info:doi/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE
)
_ISBN = re.compile(r"^(?:isbn(?:-1[03])?[:\s]*)?([0-9][0-9\- ]{8,15}[0-9xX])$", re.IGNORECASE)
_ISSN = re.compile(r"^(?:e?issn[:\s]*)?(\d{4})-?(\d{3}[\dxX])$", re.IGNORECASE)
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".jp2")
_IIIF_IMAGE = re.compile(
    r"/full/[^/]+/!?\d+(?:\.\d+)?/(?:default|native|color|colour|gray|grey|bitonal)"
    r"\.(?:jpg|jpeg|png|gif|webp|tif|jp2)$",
    re.IGNORECASE,
)
_THUMBNAIL_PATH = re.compile(r"thumb", re.IGNORECASE)
_URI_SCHEMES = ("http://", "https://", "urn:", "info:", "ark:/", "hdl:")


@functools.lru_cache(maxsize=4096)  # pure; values repeat across a feed's records
def classify_identifier(value: str) -> Identifier:
    """The identifier with its type; DOIs are reduced to ``10.…`` and ISBNs to digits."""
    text = value.strip()
    doi = _DOI.match(text)
    if doi:
        return Identifier("doi", unquote(doi.group(1)))
    isbn = _ISBN.match(text)
    if isbn:
        digits = re.sub(r"[\- ]", "", isbn.group(1)).upper()
        if _valid_isbn(digits):
            return Identifier("isbn", digits)
    issn = _ISSN.match(text)
    if issn:
        code = f"{issn.group(1)}-{issn.group(2).upper()}"
        if _valid_issn(code):
            return Identifier("issn", code)
    if text.casefold().startswith(_URI_SCHEMES):
        return Identifier("uri", text)
    return Identifier("local", text)


@functools.lru_cache(maxsize=4096)  # pure; values repeat across a feed's records
def is_http_url(value: str) -> bool:
    """True for an absolute ``http`` or ``https`` URL with a host."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.casefold() in {"http", "https"} and bool(parts.hostname)


@functools.lru_cache(maxsize=4096)  # pure; values repeat across a feed's records
def is_image_url(value: str) -> bool:
    """True for an http(s) URL that looks like an image or a thumbnail service."""
    if not is_http_url(value):
        return False
    parts = urlsplit(value.strip())
    path = unquote(parts.path)
    if path.casefold().endswith(_IMAGE_SUFFIXES) or _IIIF_IMAGE.search(path):
        return True
    return bool(_THUMBNAIL_PATH.search(path))


def make_doi_url(doi: str) -> str:
    """The resolver URL of a DOI (``https://doi.org/10.…``)."""
    return f"https://doi.org/{doi}"


@functools.lru_cache(maxsize=4096)  # pure; values repeat across a feed's records
def is_iiif_manifest(value: str) -> bool:
    """True for a URL that looks like a IIIF Presentation manifest (JSON, not a web page)."""
    if not is_http_url(value):
        return False
    path = urlsplit(value.strip()).path.casefold().rstrip("/")
    return path.endswith(("/manifest", "/manifest.json")) or (
        "/manifests/" in path and path.endswith(".json")
    )


def choose_landing_url(identifiers: Iterable[str]) -> str | None:
    """The first http(s) identifier that is not an image; a DOI becomes its resolver URL.

    A IIIF manifest is only taken when nothing better is there: it is JSON for
    viewers, not the provider's page.
    """
    manifest: str | None = None
    for value in identifiers:
        text = value.strip()
        identifier = classify_identifier(text)
        if identifier.type == "doi":
            return make_doi_url(identifier.value)
        if not is_http_url(text) or is_image_url(text):
            continue
        if not is_iiif_manifest(text):
            return text
        manifest = manifest or text
    return manifest


def choose_thumbnail_url(candidates: Iterable[str]) -> str | None:
    """The first http(s) value that looks like an image."""
    for value in candidates:
        if is_image_url(value):
            return value.strip()
    return None


def _valid_isbn(digits: str) -> bool:
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * int(d) for i, d in enumerate(digits[:9]))
        total += 10 if digits[9] == "X" else int(digits[9])
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit() and digits.startswith(("978", "979")):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        return (10 - total % 10) % 10 == int(digits[12])
    return False


def _valid_issn(code: str) -> bool:
    digits = code.replace("-", "")
    total = sum((8 - i) * int(d) for i, d in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))
