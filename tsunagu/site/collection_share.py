"""Sharing a collection: its addresses, the QR code (SVG, made on the server), the embed.

A collection is reached at ``/collections/<id>`` (its owner; everyone when it is
public) or at ``/c/<share token>`` (unlisted and public ones: the link to give
out). The QR code encodes the absolute share link; the embed snippet is an
``<iframe>`` of ``/c/<token>/embed``, the only page that other sites may frame
(:data:`EMBED_CSP`). segno stays inside this module.
"""

from __future__ import annotations

import html
import io

import segno
from starlette.requests import Request

from tsunagu.collections import Collection

#: The policy of the embed view: like every page, but any site may frame it.
EMBED_CSP = "; ".join((
    "default-src 'self'",
    "script-src 'none'",
    "style-src 'self'",
    "img-src 'self' https: http: data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors *",
))


def owner_base(collection: Collection) -> str:
    return f"/collections/{collection.id}"


def shared_base(collection: Collection) -> str:
    return f"/c/{collection.share_token}"


def absolute(request: Request, path: str) -> str:
    """``path`` on this site as an absolute URL (for links given out, QR codes, IIIF ids)."""
    return str(request.base_url).rstrip("/") + path


def qr_svg(url: str) -> bytes:
    """A QR code of ``url`` as a standalone SVG document."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2, title="QR code",
                                    xmldecl=True, svgns=True)
    return buffer.getvalue()


def embed_snippet(embed_url: str, title: str) -> str:
    """The ``<iframe>`` to paste into a class website or a learning platform.

    Plain text (the page shows it escaped, as text to copy); the URL and the title
    are escaped for their attributes, so a title cannot add attributes or tags.
    """
    return (f'<iframe src="{html.escape(embed_url, quote=True)}"'
            f' title="{html.escape(title, quote=True)}" width="640" height="480"'
            ' loading="lazy" style="border:1px solid #ccc"'
            ' referrerpolicy="strict-origin-when-cross-origin"></iframe>')
