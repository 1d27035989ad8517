"""The site's URLs: item paths, search links, safe redirect targets, web links.

Record ids contain colons and may contain slashes (``tate:oai:tate.example:A00001``);
item paths quote everything but the colon, so a slash in an id becomes ``%2F``
and a browser never folds ``..`` in an id into the path.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode, urlsplit

ITEM_PREFIX = "/item/"
GO_PREFIX = "/go/"
JSON_SUFFIX = ".json"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def item_path(record_id: str, *, json: bool = False) -> str:
    """``/item/<quoted id>`` (or its ``.json`` twin)."""
    return ITEM_PREFIX + quote(record_id, safe=":") + (JSON_SUFFIX if json else "")


def go_path(record_id: str) -> str:
    """``/go/<quoted id>``: counts a click-through, then redirects to the landing page."""
    return GO_PREFIX + quote(record_id, safe=":")


def provider_search_path(source_id: str) -> str:
    """The search filtered to one provider."""
    return "/search?" + urlencode({"provider": source_id})


def language_switch_path(lang: str, next_path: str) -> str:
    """The link of the language switch, returning to ``next_path``."""
    return "/lang?" + urlencode({"to": lang, "next": next_path})


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site, else ``default`` (no open redirect).

    Accepted: ``/search?q=x``. Refused: ``https://evil.example``, ``//evil.example``,
    ``/\\evil.example``, ``javascript:…``, relative paths, control characters.
    """
    if not target or len(target) > 2000:
        return default
    if _CONTROL.search(target) or "\\" in target:
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def is_web_url(url: str | None) -> bool:
    """True for an absolute ``http``/``https`` URL with a host (links, thumbnails)."""
    if not url or _CONTROL.search(url):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
