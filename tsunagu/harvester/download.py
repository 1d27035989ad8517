"""Download one file (a CSV/TSV/Excel table or an OAI static repository) by URL.

For institutions without an OAI-PMH server that publish a file instead: the same
transport as harvesting, so the SSRF guard (every redirect included), timeouts,
retries and a size cap apply.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import unquote, urlsplit

from tsunagu.config import Settings
from tsunagu.errors import TransportError
from tsunagu.harvester.addresses import check_url
from tsunagu.harvester.transport import HttpTransport


@dataclasses.dataclass(frozen=True)
class Download:
    """A downloaded file: its bytes and a file name (from the URL) to tell its type."""

    url: str
    data: bytes
    filename: str


def download(url: str, settings: Settings, *, max_bytes: int) -> Download:
    """GET ``url`` (at most ``max_bytes``); a non-200 answer is a :class:`TransportError`."""
    url = url.strip()
    check_url(url, allow_private=settings.allow_private_hosts)
    capped = dataclasses.replace(settings, max_response_bytes=max_bytes)
    with HttpTransport(capped) as transport:
        response = transport.get(url, {})
    if response.status != 200:
        raise TransportError(f"{url} answered HTTP {response.status}", field="url")
    if not response.body:
        raise TransportError(f"{url} sent an empty file", field="url")
    name = unquote(urlsplit(response.url).path.rsplit("/", 1)[-1])
    return Download(url=url, data=response.body, filename=name)
