"""Look at an OAI-PMH repository: Identify, formats and sets — at registration and before a harvest.

Used when an institution enters a base URL: the registration form offers the
metadata prefixes of ``ListMetadataFormats`` and the sets of ``ListSets``. Used
again before every harvest (:func:`check_source`): a prefix the repository no
longer disseminates, or a set that is gone, stops the run with a
:class:`~tsunagu.errors.ConfigError` before any record is touched, while a
repository that cannot answer these verbs (some old ones) only earns a warning.
Every request goes through :class:`HttpTransport`, so the SSRF guard applies to
the URL and to every redirect.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from tsunagu.config import Settings
from tsunagu.errors import (
    BlockedAddressError,
    ConfigError,
    DeadlineExceededError,
    HarvestError,
    OAIError,
    ResponseFormatError,
    SourceParkedError,
)
from tsunagu.harvester.addresses import check_url
from tsunagu.harvester.protocol import Identity, parse_identify, parse_xml, raise_for_oai_error
from tsunagu.harvester.transport import HttpTransport
from tsunagu.records import Source

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
class SetListing:
    """What ListSets said: the sets read, and whether that is all of them."""

    sets: tuple[SetInfo, ...]
    #: False when the repository answered ``noSetHierarchy``.
    supported: bool = True
    #: True when there were more sets than were read.
    truncated: bool = False


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
        formats = list_formats(transport, base_url)
        listing = list_sets(transport, base_url)
    return RepositoryProbe(base_url, identity, formats, listing.sets, listing.supported,
                           listing.truncated)


def list_formats(transport: HttpTransport, base_url: str) -> tuple[MetadataFormat, ...]:
    """The repository's ListMetadataFormats (an OAI error or a non-list answer raises)."""
    root = parse_xml(_get(transport, base_url, {"verb": "ListMetadataFormats"}))
    raise_for_oai_error(root)
    if not any(_local(child) == "ListMetadataFormats" for child in root):
        raise ResponseFormatError("the ListMetadataFormats answer has no <ListMetadataFormats>")
    return tuple(
        MetadataFormat(_text(fmt, "metadataPrefix"), _text(fmt, "schema"),
                       _text(fmt, "metadataNamespace"))
        for fmt in root.iter("{*}metadataFormat") if _text(fmt, "metadataPrefix"))


def list_sets(transport: HttpTransport, base_url: str, *,
              wanted: Collection[str] = ()) -> SetListing:
    """The repository's sets, page after page (at most :data:`MAX_SET_PAGES`).

    With ``wanted``, paging stops as soon as all of them were seen (a repository
    may have tens of thousands of sets).
    """
    sets: list[SetInfo] = []
    missing = set(wanted)
    params = {"verb": "ListSets"}
    for _page in range(MAX_SET_PAGES):
        root = parse_xml(_get(transport, base_url, params))
        try:
            raise_for_oai_error(root)
        except OAIError as exc:
            if exc.code != "noSetHierarchy":
                raise
            return SetListing((), supported=False)
        if not any(_local(child) == "ListSets" for child in root):
            raise ResponseFormatError("the ListSets answer has no <ListSets>")
        found = [SetInfo(_text(s, "setSpec"), _text(s, "setName") or _text(s, "setSpec"))
                 for s in root.iter("{*}set") if _text(s, "setSpec")]
        sets.extend(found)
        missing.difference_update(info.spec for info in found)
        token = next((t.text.strip() for t in root.iter("{*}resumptionToken")
                      if t.text and t.text.strip()), None)
        if token is None:
            return SetListing(tuple(sets))
        if wanted and not missing:
            return SetListing(tuple(sets), truncated=True)
        params = {"verb": "ListSets", "resumptionToken": token}
    return SetListing(tuple(sets), truncated=True)


def check_source(transport: HttpTransport, source: Source) -> list[str]:
    """Before a harvest: does the repository still offer the source's prefix and sets?

    Raises :class:`ConfigError` when ListMetadataFormats lists formats without the
    source's prefix, or when ListSets (asked only for a source that names sets)
    has no sets or, read to its end, lacks one of them. Returns warnings when a
    verb could not be answered (an OAI error, HTTP failure or a body that is not
    the expected list): such a repository is harvested all the same.
    """
    warnings: list[str] = []
    prefix = source.metadata_prefix
    try:
        formats = list_formats(transport, source.base_url)
    except (SourceParkedError, BlockedAddressError, DeadlineExceededError):
        raise
    except HarvestError as exc:
        warnings.append(f"ListMetadataFormats failed ({exc}); harvesting {prefix!r} unchecked")
    else:
        offered = sorted({fmt.prefix for fmt in formats})
        if offered and prefix not in offered:
            raise ConfigError(
                f"the repository no longer disseminates metadataPrefix {prefix!r} (it offers "
                f"{', '.join(offered)}); nothing was harvested or deleted — change the "
                "source's prefix or ask the institution",
                source_id=source.id, field="metadata_prefix")
        if not offered:
            warnings.append("ListMetadataFormats listed no formats; "
                            f"harvesting {prefix!r} unchecked")
    if not source.set_specs:
        return warnings
    try:
        listing = list_sets(transport, source.base_url, wanted=source.set_specs)
    except (SourceParkedError, BlockedAddressError, DeadlineExceededError):
        raise
    except HarvestError as exc:
        warnings.append(f"ListSets failed ({exc}); harvesting the sets unchecked")
        return warnings
    if not listing.supported:
        raise ConfigError(
            f"the repository has no sets (noSetHierarchy) but the source harvests the sets "
            f"{', '.join(source.set_specs)}; nothing was harvested or deleted",
            source_id=source.id, field="set_specs")
    seen = {info.spec for info in listing.sets}
    gone = [spec for spec in source.set_specs if spec not in seen]
    if gone and listing.truncated:
        warnings.append(f"ListSets has more than {MAX_SET_PAGES} pages; the sets "
                        f"{', '.join(gone)} were not among those read (unchecked)")
    elif gone:
        raise ConfigError(
            f"the repository no longer has the set(s) {', '.join(gone)}; nothing was "
            "harvested or deleted — remove them from the source or ask the institution",
            source_id=source.id, field="set_specs")
    return warnings


def _get(transport: HttpTransport, url: str, params: dict[str, str]) -> bytes:
    response = transport.get(url, params)
    if response.status >= 400 and b"<error" not in response.body[:4096]:
        raise HarvestError(f"{params['verb']} answered HTTP {response.status}")
    return response.xml


def _local(element: object) -> str:
    tag = getattr(element, "tag", None)
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element: object, name: str) -> str:
    for child in element:  # type: ignore[attr-defined]
        if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == name:
            return (child.text or "").strip()
    return ""
