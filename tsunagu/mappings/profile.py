"""A source's mapping profile, applied around the format mapper.

Before mapping: the profile's XSLT turns a feed's local dialect into the format
its mapper reads. After mapping: the source's defaults fill what the record does
not say (languages, prefecture) and the profile's patterns pick the landing page
and the thumbnail among the record's URLs. The source's default rights are
applied by the rights normalization itself (``derive_rights_set``).
"""

from __future__ import annotations

import dataclasses
import functools
import re

from lxml import etree

from tsunagu.errors import MappingError
from tsunagu.records import Identifier, MappingProfile, RawRecord, Record, Source

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@functools.lru_cache(maxsize=32)
def compile_xslt(stylesheet: str) -> etree.XSLT:
    """Compile an XSLT 1.0 stylesheet that may not read or write files or the network."""
    try:
        document = etree.fromstring(stylesheet.encode("utf-8"), _PARSER)
        return etree.XSLT(document, access_control=etree.XSLTAccessControl.DENY_ALL)
    except (etree.XMLSyntaxError, etree.XSLTParseError) as exc:
        raise MappingError(f"the source's XSLT cannot be used: {exc}", field="xslt") from exc


def check_profile(profile: MappingProfile) -> None:
    """Raise :class:`MappingError` when a profile's XSLT or patterns are unusable."""
    if profile.xslt:
        compile_xslt(profile.xslt)
    for name in ("landing_url_pattern", "thumbnail_pattern"):
        pattern = getattr(profile, name)
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise MappingError(f"{name} is not a regular expression: {exc}",
                                   field=name) from exc


def transform_raw(raw: RawRecord, source: Source, record_id: str) -> RawRecord:
    """``raw`` with the profile's XSLT applied to its metadata (unchanged without one)."""
    if not source.profile.xslt:
        return raw
    transform = compile_xslt(source.profile.xslt)
    try:
        result = transform(etree.fromstring(raw.xml, _PARSER))
    except (etree.XMLSyntaxError, etree.XSLTApplyError) as exc:
        raise MappingError(f"the source's XSLT failed on this record: {exc}",
                           source_id=source.id, record_id=record_id, field="xslt") from exc
    root = result.getroot()
    if root is None:
        raise MappingError("the source's XSLT produced no element", source_id=source.id,
                           record_id=record_id, field="xslt")
    return dataclasses.replace(raw, xml=etree.tostring(root, encoding="UTF-8"))


def apply_source_defaults(record: Record, source: Source, xml: bytes = b"") -> Record:
    """Fill languages and prefecture from the source; apply the URL patterns.

    The patterns choose among every URL in the record's metadata ``xml`` (text and
    attribute values, in document order) as well as those the mapper kept.
    """
    changes: dict[str, object] = {}
    if not record.languages and source.languages:
        changes["languages"] = source.languages
    if not record.prefectures and source.prefecture:
        changes["prefectures"] = (source.prefecture,)
    profile = source.profile
    urls = (_urls(record) + _xml_urls(xml)
            if profile.landing_url_pattern or profile.thumbnail_pattern else [])
    landing = _pick(source.profile.landing_url_pattern, urls)
    if landing is not None and landing != record.landing_url:
        changes["landing_url"] = landing
        changes["warnings"] = tuple(w for w in record.warnings if w != "no_landing_url")
    thumbnail = _pick(source.profile.thumbnail_pattern, urls)
    if thumbnail is not None:
        changes["thumbnail_url"] = thumbnail
    return dataclasses.replace(record, **changes) if changes else record  # type: ignore[arg-type]


def _urls(record: Record) -> list[str]:
    """Every URL the record carries, in the order the feed gave them."""
    found = [identifier.value for identifier in record.identifiers
             if _is_url(identifier)]
    found += [url for url in (record.landing_url, record.thumbnail_url) if url]
    found += [media.url for media in record.media]
    return list(dict.fromkeys(found))


def _xml_urls(xml: bytes) -> list[str]:
    if not xml:
        return []
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError:
        return []
    found = []
    for element in root.iter():
        values = [element.text or "", *element.attrib.values()]
        found += [v.strip() for v in values if v.strip().startswith(("http://", "https://"))]
    return found


def _is_url(identifier: Identifier) -> bool:
    return identifier.value.startswith(("http://", "https://"))


def _pick(pattern: str | None, urls: list[str]) -> str | None:
    if not pattern:
        return None
    regex = re.compile(pattern)
    return next((url for url in urls if regex.search(url)), None)
