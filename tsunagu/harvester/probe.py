"""Look at an OAI-PMH repository before registering it: Identify, formats and sets.

Used when an institution enters a base URL: the registration form offers the
metadata prefixes of ``ListMetadataFormats`` and the sets of ``ListSets``. Every
request goes through :class:`HttpTransport`, so the SSRF guard applies to the URL
and to every redirect.
"""

from __future__ import annotations

import dataclasses

from tsunagu.config import Settings
from tsunagu.errors import HarvestError, OAIError
from tsunagu.harvester.protocol import Identity, parse_identify, parse_xml, raise_for_oai_error
from tsunagu.harvester.transport import HttpTransport, check_url

#: ListSets pages followed at most (a repository with thousands of sets is cut short).
MAX_SET_PAGES = 20


@dataclasses.dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


@dataclasses.dataclass(frozen=True)
class SetInfo:
    spec: str
    name: str


@dataclasses.dataclass(frozen=True)
class RepositoryProbe:
    """What a repository says about itself."""

    base_url: str
    identity: Identity
    formats: tuple[MetadataFormat, ...]
    sets: tuple[SetInfo, ...]
    #: False when the repository answered ``noSetHierarchy``.
    sets_supported: bool
    #: True when there were more sets than were read.
    sets_truncated: bool = False


def probe_repository(base_url: str, settings: Settings) -> RepositoryProbe:
    """Ask Identify, ListMetadataFormats and ListSets; errors are :class:`HarvestError`."""
    check_url(base_url, allow_private=settings.allow_private_hosts)
    with HttpTransport(settings) as transport:
        identity = parse_identify(_get(transport, base_url, {"verb": "Identify"}))
        root = parse_xml(_get(transport, base_url, {"verb": "ListMetadataFormats"}))
        raise_for_oai_error(root)
        formats = tuple(
            MetadataFormat(_text(fmt, "metadataPrefix"), _text(fmt, "schema"),
                           _text(fmt, "metadataNamespace"))
            for fmt in root.iter("{*}metadataFormat") if _text(fmt, "metadataPrefix"))
        sets: list[SetInfo] = []
        supported, truncated = True, False
        params = {"verb": "ListSets"}
        for page in range(MAX_SET_PAGES):
            root = parse_xml(_get(transport, base_url, params))
            try:
                raise_for_oai_error(root)
            except OAIError as exc:
                if exc.code != "noSetHierarchy":
                    raise
                supported = False
                break
            sets.extend(SetInfo(_text(s, "setSpec"), _text(s, "setName") or _text(s, "setSpec"))
                        for s in root.iter("{*}set") if _text(s, "setSpec"))
            token = next((t.text.strip() for t in root.iter("{*}resumptionToken")
                          if t.text and t.text.strip()), None)
            if token is None:
                break
            params = {"verb": "ListSets", "resumptionToken": token}
            truncated = page + 1 == MAX_SET_PAGES
    return RepositoryProbe(base_url, identity, formats, tuple(sets), supported, truncated)


def _get(transport: HttpTransport, url: str, params: dict[str, str]) -> bytes:
    response = transport.get(url, params)
    if response.status >= 400 and b"<error" not in response.body[:4096]:
        raise HarvestError(f"{params['verb']} answered HTTP {response.status}")
    return response.body


def _text(element: object, name: str) -> str:
    for child in element:  # type: ignore[attr-defined]
        if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == name:
            return (child.text or "").strip()
    return ""
