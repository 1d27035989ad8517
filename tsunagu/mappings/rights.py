"""Rights values of a record to normalized :class:`Rights` (``rights.md`` §3).

* ``raw`` keeps the values exactly as received (trimmed, joined with `` | ``).
* Each value is read by :mod:`tsunagu.mappings.rights_text`: URIs (also inside
  HTML anchors), codes, licences by name and the institution's own wording.
  The flags of every code come from :mod:`tsunagu.mappings.rights_terms`.
* Within one tier (media, item, source default) the statements are combined:
  wording whose restrictions a licence already has adds nothing; permissive
  wording beside a stricter licence keeps the licence and needs checking;
  anything else that disagrees is a conflict — the most restrictive level wins,
  the permissions are AND-ed, ``needs_check`` is set and the warning
  ``rights_conflict`` given.
* Precedence: media over item over the source default
  (:func:`derive_rights_set`).
* An exception clause (「ただし」, "except") adds ``other_restrictions`` and keeps
  an open licence at ``conditional`` (``rights_exception``). Links to an
  institution's own terms beside a licence, a © notice beside a public-domain
  tool, and everything read from wording need checking.
* Licences named in a sentence about metadata set the metadata scope.
* Nothing recognised: ``UNKNOWN`` (``CUSTOM`` when only a terms page is linked),
  ``needs_check``, raw kept. Free text is never guessed open.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

import lxml.html
from lxml import etree

from tsunagu.mappings.licences import Licence, strip_version
from tsunagu.mappings.rights_terms import (
    Terms,
    classify_reuse,
    family_of,
    implies,
    is_restrictive,
    meet,
    terms_of,
    version_of,
)
from tsunagu.mappings.rights_text import Finding, Kind, Reading, read_value
from tsunagu.mappings.text import HTML_PARSER
from tsunagu.records import (
    Media,
    ReuseLevel,
    Rights,
    RightsMethod,
    RightsOrigin,
    RightsSet,
    Source,
)

#: Warning codes this module gives.
NO_RIGHTS = "no_rights"
RIGHTS_UNKNOWN = "rights_unknown"
RIGHTS_CONFLICT = "rights_conflict"
RIGHTS_EXCEPTION = "rights_exception"

RAW_SEPARATOR = " | "


@dataclasses.dataclass(frozen=True)
class RightsAssessment:
    """A normalized :class:`Rights` with the warnings its derivation raised.

    ``metadata`` is set when a value spoke about the metadata ("All metadata …
    CC BY 3.0 NZ"); ``copyright_notice`` is the first © notice found.
    """

    rights: Rights
    warnings: tuple[str, ...] = ()
    metadata: Rights | None = None
    copyright_notice: str | None = None


@dataclasses.dataclass(frozen=True)
class _Statement:
    finding: Finding
    order: int

    @property
    def licence(self) -> Licence:
        return self.finding.licence

    @property
    def reuse(self) -> ReuseLevel:
        return self.finding.reuse

    @property
    def specificity(self) -> int:
        uri = 2 if self.licence.uri else 0
        return uri + (1 if self.finding.method is RightsMethod.URI else 0)


def normalize_rights(values: Sequence[str], *, default: str | None = None) -> Rights:
    """The normalized rights of ``values``; ``default`` applies when there is no value."""
    return assess_rights(values, default=default).rights


def assess_rights(
    values: Sequence[str],
    *,
    default: str | None = None,
    origin: RightsOrigin = RightsOrigin.ITEM,
) -> RightsAssessment:
    """Like :func:`normalize_rights`, with warnings (``rights_conflict`` …)."""
    received = tuple(value.strip() for value in values if value and value.strip())
    return _assess(received, default, origin)


@functools.lru_cache(maxsize=4096)  # pure; a feed repeats a few rights statements
def _assess(received: tuple[str, ...], default: str | None,
            origin: RightsOrigin) -> RightsAssessment:
    """:func:`assess_rights` of the stripped, non-empty values."""
    if not received:
        if default and default.strip():
            assessed = assess_rights([default], origin=RightsOrigin.SOURCE_DEFAULT)
            rights = dataclasses.replace(assessed.rights, raw=default.strip(),
                                         method=RightsMethod.SOURCE_DEFAULT)
            return dataclasses.replace(assessed, rights=rights)
        return RightsAssessment(Rights(needs_check=True), (NO_RIGHTS,))
    raw = RAW_SEPARATOR.join(received)
    readings = [_read(value) for value in received]
    findings = [f for reading in readings for f in reading.findings]
    notice = next((r.copyright_notice for r in readings if r.copyright_notice), None)
    custom_urls = [url for reading in readings for url in reading.custom_urls]
    content = [f for f in findings if not f.metadata]
    if not content and notice:
        terms = dataclasses.replace(terms_of("RS-InC"), needs_check=True)  # © alone is weak
        content = [Finding(Licence("RS-InC"), terms, RightsMethod.RULE, Kind.RESTRICTION)]
    rights, warnings = _resolve(content, raw, origin, custom_urls)
    if rights.code != "UNKNOWN":
        rights = _adjust(rights, readings, custom_urls, notice, warnings)
    metadata_findings = [f for f in findings if f.metadata]
    metadata = None
    if metadata_findings:
        metadata, _ = _resolve(metadata_findings, raw, origin, [])
    return RightsAssessment(rights, tuple(dict.fromkeys(warnings)), metadata, notice)


def derive_rights_set(
    values: Sequence[str], source: Source, *, media: Sequence[Media] = ()
) -> tuple[RightsSet, tuple[str, ...]]:
    """The three scopes of a record (``rights.md`` §3.3).

    Content: rights given on the media (``Media.rights``, origin ``media``) over
    ``values`` (the item) over ``source.default_rights``. The thumbnail inherits
    the content rights unless a thumbnail medium states its own. Metadata: a
    sentence about metadata in ``values``, else ``source.metadata_rights``.
    """
    item = assess_rights(values, default=source.default_rights)
    warnings = list(item.warnings)
    content = item.rights
    full = [m.rights for m in media if m.rights is not None and m.role != "thumbnail"]
    if full:
        content, media_warnings = combine_media_rights(full)
        warnings = [w for w in warnings if w not in {NO_RIGHTS, RIGHTS_UNKNOWN}]
        warnings += media_warnings
    thumbs = [m.rights for m in media if m.rights is not None and m.role == "thumbnail"]
    thumbnail = combine_media_rights(thumbs)[0] if thumbs else content
    if item.metadata is not None:
        metadata = item.metadata
    elif source.metadata_rights:
        metadata = normalize_rights((), default=source.metadata_rights)
    else:
        metadata = Rights()
    rights_set = RightsSet(content=content, thumbnail=thumbnail, metadata=metadata)
    return rights_set, tuple(dict.fromkeys(warnings))


def combine_media_rights(rights: Sequence[Rights]) -> tuple[Rights, tuple[str, ...]]:
    """The rights of several media: equal → that one; different → most restrictive, flagged."""
    first = max(rights, key=lambda r: r.reuse.rank)
    chosen = dataclasses.replace(first, origin=RightsOrigin.MEDIA)
    if len({(r.code, r.reuse) for r in rights}) == 1:
        return chosen, ()
    return dataclasses.replace(chosen, needs_check=True), (RIGHTS_CONFLICT,)


def extract_copyright_notice(values: Sequence[str]) -> str | None:
    """The first © / "Copyright …" notice in ``values`` (for ``Record.copyright_notice``)."""
    return assess_rights(values).copyright_notice


def is_open_code(code: str) -> bool:
    """True for the codes that may be ``open``: PDM, CC0, CC BY(-SA), GSTU 2.0, PDL1.0."""
    return classify_reuse(code) is ReuseLevel.OPEN


@functools.lru_cache(maxsize=4096)
def _read(value: str) -> Reading:
    text, hrefs = _strip_html(value)
    return read_value(text, tuple(hrefs))


def _resolve(
    findings: Sequence[Finding], raw: str, origin: RightsOrigin, custom_urls: Sequence[str]
) -> tuple[Rights, list[str]]:
    """One :class:`Rights` from the findings of one tier, with warnings."""
    licences = [f for f in findings if f.kind is Kind.LICENCE]
    texts = [f for f in findings if f.kind is not Kind.LICENCE]
    kept = list(licences)
    contradicted = False
    if licences:
        base = meet([f.terms for f in licences])
        for text in texts:
            if is_restrictive(text.terms) and not implies(base, text.terms):
                kept.append(text)
            elif text.reuse.rank < base.reuse.rank:
                contradicted = True  # wording promises more than the licence gives
    else:
        kept = texts
    if not kept:
        code, uri = ("CUSTOM", custom_urls[0]) if custom_urls else ("UNKNOWN", None)
        method = RightsMethod.URI if custom_urls else RightsMethod.NONE
        rights = Rights(code=code, uri=uri, raw=raw, method=method, origin=origin,
                        family=family_of(code), needs_check=True)
        return rights, [RIGHTS_UNKNOWN]
    statements = [_Statement(f, n) for n, f in enumerate(kept)]
    chosen = max(statements, key=lambda s: (s.reuse.rank, s.specificity, -s.order))
    warnings: list[str] = []
    terms = chosen.finding.terms
    if _disagree(statements):
        warnings.append(RIGHTS_CONFLICT)
        terms = dataclasses.replace(meet([s.finding.terms for s in statements]),
                                    needs_check=True)
    if contradicted:
        terms = dataclasses.replace(terms, needs_check=True)
    if terms.reuse is ReuseLevel.UNKNOWN:
        warnings.append(RIGHTS_UNKNOWN)
    return _rights(chosen.licence, terms, raw, chosen.finding.method, origin), warnings


def _rights(licence: Licence, terms: Terms, raw: str, method: RightsMethod,
            origin: RightsOrigin) -> Rights:
    version, jurisdiction = version_of(licence.code)
    return Rights(
        code=licence.code, uri=licence.uri, reuse=terms.reuse, raw=raw, method=method,
        origin=origin, commercial=terms.commercial, modify=terms.modify,
        education=terms.education, online=terms.online, attribution=terms.attribution,
        share_alike=terms.share_alike, public_domain=terms.public_domain,
        other_restrictions=terms.other_restrictions, needs_check=terms.needs_check,
        family=licence.family or family_of(licence.code), version=version,
        jurisdiction=jurisdiction,
    )


def _adjust(rights: Rights, readings: Sequence[Reading], custom_urls: Sequence[str],
            notice: str | None, warnings: list[str]) -> Rights:
    """Exception clauses, terms pages beside a licence, © beside a public-domain tool."""
    if any(reading.exception for reading in readings):
        level = ReuseLevel.CONDITIONAL if rights.reuse is ReuseLevel.OPEN else rights.reuse
        rights = dataclasses.replace(rights, reuse=level, other_restrictions=True,
                                     needs_check=True)
        warnings.append(RIGHTS_EXCEPTION)
    if custom_urls and rights.uri not in custom_urls:
        rights = dataclasses.replace(rights, needs_check=True)
    if notice and rights.public_domain:
        rights = dataclasses.replace(rights, needs_check=True)
    return rights


def _strip_html(value: str) -> tuple[str, list[str]]:
    """Text content and ``href`` values of a value that may be an HTML fragment."""
    if "<" not in value or ">" not in value:
        return value, []
    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div", parser=HTML_PARSER)
    except (etree.LxmlError, ValueError):
        return value, []
    hrefs = [str(href).strip() for href in root.xpath(".//a/@href")]
    for br in root.iter("br"):
        br.tail = " " + (br.tail or "")
    return str(root.text_content()), [h for h in hrefs if h]


def _disagree(statements: Sequence[_Statement]) -> bool:
    """True when statements differ in level or name different licences."""
    if len({s.reuse for s in statements}) > 1:
        return True
    codes = {s.licence.code for s in statements}
    bases = {strip_version(code) for code in codes}
    if len(bases) > 1:
        return True
    versioned = {code for code in codes if code not in bases}
    return len(versioned) > 1

