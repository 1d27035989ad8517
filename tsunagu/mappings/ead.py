"""The ``ead`` mapper: EAD 2002 finding aids to records (``formats.md`` §3.5).

One OAI record may carry a whole finding aid. :func:`map_ead` returns the
collection-level record (``archdesc``), the one the registry maps for the OAI
identifier; :func:`map_ead_components` returns it followed by one record per
component (``c``, ``c01`` … ``c12``) in document order. A component's id is the
collection id + ``#`` + its ``@id`` (else ``c`` and its position, ``c1.2.3``);
its :class:`Hierarchy` names its ``@level``, its parent's id and the titles of
its ancestors from the collection down.

Paths relative to ``archdesc`` or a component:

* title — ``did/unittitle``, mixed content flattened (``emph``, ``lb`` → space);
  else ``did/unitid`` with the warning ``no_title``.
* dates — every ``did/unitdate`` (also inside the title): the text as original,
  the years from ``@normal`` when present (ISO 8601 ``1850/1860``), kind
  ``created``; ``@certainty`` circa / approximate → approximate.
* agents — ``did/origination/(persname|corpname|famname|name)``: creators,
  ``@role`` → ``role_raw``.
* subjects / places / genre — ``controlaccess`` (``subject``, ``persname``,
  ``corpname``, ``famname``, ``function``, ``occupation`` / ``geogname`` /
  ``genreform``, also ``did/physdesc/genreform``).
* description — ``did/abstract``, ``scopecontent``, ``bioghist`` (paragraphs
  kept), ``did/physdesc`` extent.
* languages — ``did/langmaterial/language/@langcode`` (else its text).
* identifiers — ``did/unitid``; the finding aid's ``eadheader/eadid``.
* media — ``dao`` and ``daogrp/daoloc`` ``@xlink:href`` (or ``@href``): images →
  full (``thumbnail`` when the role or URL says so), IIIF manifests →
  ``iiif_manifest``, other web pages → the landing page; else ``eadid/@url``.
* data_provider — ``did/repository`` (``corpname`` or text).
* rights — ``userestrict`` (terms of use). ``accessrestrict`` is about access,
  not re-use: it gives the warning ``access_restricted``.

Inheritance: a component without ``userestrict`` takes its nearest ancestor's,
without ``unitdate`` its nearest ancestor's dates; each inheritance is recorded
as the warning ``rights_inherited`` / ``dates_inherited``. Languages and the
repository are inherited silently (they are the finding aid's).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from lxml import etree

from tsunagu.errors import MappingError
from tsunagu.mappings.agents import make_agent
from tsunagu.mappings.date_candidates import DATE_UNKNOWN, DATE_UNPARSED
from tsunagu.mappings.dates import is_unknown_date, parse_date
from tsunagu.mappings.document import find_root, parse_document, select_root
from tsunagu.mappings.identifiers import (
    classify_identifier,
    is_http_url,
    is_iiif_manifest,
    is_image_url,
)
from tsunagu.mappings.languages import guess_text_language, normalize_language
from tsunagu.mappings.object_types import classify_object_type
from tsunagu.mappings.provenance import identify_record
from tsunagu.mappings.rights import derive_rights_set
from tsunagu.mappings.text import clean_text, dedupe_values, is_placeholder
from tsunagu.mappings.titles import tag_language
from tsunagu.records import (
    Agent,
    DateValue,
    Hierarchy,
    Identifier,
    LangString,
    Media,
    ObjectType,
    RawRecord,
    Record,
    Source,
    record_id,
)

EAD_NS = "urn:isbn:1-931666-22-9"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XLINK_ROLE = "{http://www.w3.org/1999/xlink}role"

NO_TITLE = "no_title"
NO_LANDING_URL = "no_landing_url"
RIGHTS_INHERITED = "rights_inherited"
DATES_INHERITED = "dates_inherited"
ACCESS_RESTRICTED = "access_restricted"

_COMPONENT = re.compile(r"^c(?:0[1-9]|1[0-2])?$")
_AGGREGATE_LEVELS = frozenset({"collection", "fonds", "series", "subseries", "recordgrp",
                               "subgrp", "subfonds", "class"})
_NAMES = ("persname", "corpname", "famname", "name")


@dataclasses.dataclass(frozen=True)
class _Context:
    """What a component inherits from its ancestors."""

    record_id: str
    titles: tuple[str, ...]
    rights: tuple[str, ...]
    dates: tuple[DateValue, ...]
    languages: tuple[str, ...]
    repository: str | None
    landing: str | None


def map_ead(raw: RawRecord, source: Source, record_id: str) -> Record:
    """The collection-level record of a finding aid; :class:`MappingError` for damaged XML."""
    return _records(raw, source, record_id)[0]


def map_ead_components(raw: RawRecord, source: Source) -> tuple[Record, ...]:
    """The collection-level record followed by one record per component, in document order."""
    return _records(raw, source, record_id(source.id, raw.oai_identifier.strip()))


def _records(raw: RawRecord, source: Source, base_id: str) -> tuple[Record, ...]:
    root, ns = _parse(raw, source, base_id)
    archdesc = root.find(_q(ns, "archdesc"))
    if archdesc is None:
        raise MappingError("the finding aid has no archdesc", source_id=source.id,
                           record_id=base_id, field="archdesc")
    eadid = root.find(f"{_q(ns, 'eadheader')}/{_q(ns, 'eadid')}")
    landing = eadid.get("url") if eadid is not None and is_http_url(eadid.get("url", "")) else None
    top = _Context(base_id, (), (), (), (), None, landing)
    records: list[Record] = []
    for element, context, level, parent in _walk(archdesc, ns, top, None):
        records.append(_record(raw, source, element, ns, context, level, parent, eadid))
    return tuple(records)


def _parse(raw: RawRecord, source: Source, base_id: str) -> tuple[etree._Element, str]:
    document = parse_document(raw.xml, source_id=source.id, record_id=base_id)
    root = find_root(document, f"{{{EAD_NS}}}ead")
    if root is not None:
        return root, EAD_NS
    return select_root(document, "ead", source_id=source.id, record_id=base_id), ""


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}" if ns else name


def _walk(element: etree._Element, ns: str, context: _Context, parent: _Context | None,
          position: str = "") -> Iterator[tuple[etree._Element, _Context, str, _Context | None]]:
    """Depth-first: each unit with its own context (inherited values filled) and its parent's."""
    own = _own_context(element, ns, context, parent, position)
    level = element.get("level") or element.get("otherlevel") or (
        "collection" if parent is None else "item")
    yield element, own, level, parent
    containers = [element, *element.iterfind(_q(ns, "dsc"))]
    children = [c for box in containers for c in box
                if isinstance(c.tag, str) and _COMPONENT.match(etree.QName(c).localname)]
    for index, child in enumerate(children, start=1):
        child_position = f"{position}.{index}" if position else str(index)
        yield from _walk(child, ns, own, own, child_position)


def _own_context(element: etree._Element, ns: str, inherited: _Context,
                 parent: _Context | None, position: str) -> _Context:
    did = element.find(_q(ns, "did"))
    rights = tuple(_paragraphs(element, ns, "userestrict"))
    languages = _languages(did, ns) if did is not None else ()
    repository = _repository(did, ns) if did is not None else None
    identifier = inherited.record_id
    if parent is not None:
        identifier = f"{inherited.record_id.split('#')[0]}#{element.get('id') or 'c' + position}"
    return _Context(
        record_id=identifier,
        titles=(*inherited.titles, _title(did, ns) or _unitid(did, ns)),
        rights=rights or inherited.rights,
        dates=(_dates(did, ns, []) if did is not None else ()) or inherited.dates,
        languages=languages or inherited.languages,
        repository=repository or inherited.repository,
        landing=inherited.landing,
    )


def _record(raw: RawRecord, source: Source, element: etree._Element, ns: str, context: _Context,
            level: str, parent: _Context | None, eadid: etree._Element | None) -> Record:
    did = element.find(_q(ns, "did"))
    warnings: list[str] = []
    title_text = _title(did, ns)
    unitids = [clean_text("".join(u.itertext())) for u in did.iterfind(_q(ns, "unitid"))] \
        if did is not None else []
    main_language = context.languages[0].split("-")[0] if context.languages else None
    title = LangString(title_text, tag_language(title_text, None, main_language))
    if not title_text:
        warnings.append(NO_TITLE)
        title = LangString(next((u for u in unitids if u), raw.oai_identifier), None)
    dates = tuple(_dates(did, ns, warnings)) if did is not None else ()
    if not dates and parent is not None and parent.dates:
        dates = parent.dates
        warnings.append(DATES_INHERITED)
    own_rights = _paragraphs(element, ns, "userestrict")
    if not own_rights and context.rights:
        warnings.append(RIGHTS_INHERITED)
    rights, rights_warnings = derive_rights_set(list(context.rights), source)
    warnings.extend(rights_warnings)
    if _paragraphs(element, ns, "accessrestrict"):
        warnings.append(ACCESS_RESTRICTED)
    media, manifests, pages = _digital_objects(element, ns)
    landing = pages[0] if pages else context.landing
    if landing is None:
        warnings.append(NO_LANDING_URL)
    genres = [clean_text("".join(g.itertext())) for g in element.iterfind(
        f"{_q(ns, 'did')}/{_q(ns, 'physdesc')}/{_q(ns, 'genreform')}")]
    access = _controlaccess(element, ns)
    genres += access["genreform"]
    identifiers = [Identifier("local", u) for u in unitids if u]
    if parent is None and eadid is not None and clean_text(eadid.text):
        identifiers.append(classify_identifier(clean_text(eadid.text)))
    object_type = classify_object_type(genres)
    if object_type is ObjectType.OTHER and level.casefold() in _AGGREGATE_LEVELS:
        object_type = ObjectType.COLLECTION
    thumbnails = [m.url for m in media if m.role == "thumbnail"]
    return Record(
        **identify_record(raw, source, context.record_id),
        title=title,
        agents=_agents(did, ns) if did is not None else (), dates=dates,
        object_type=object_type, genre_raw=dedupe_values(genres),
        subjects=dedupe_values(access["subject"]), places=dedupe_values(access["geogname"]),
        description=_descriptions(element, ns, main_language), languages=context.languages,
        identifiers=tuple(dict.fromkeys(identifiers)), landing_url=landing,
        thumbnail_url=thumbnails[0] if thumbnails else None,
        data_provider=context.repository, rights=rights,
        warnings=tuple(dict.fromkeys(warnings)),
        iiif_manifest=manifests[0] if manifests else None, media=tuple(media),
        collection=context.titles[0] if parent is not None else None,
        hierarchy=Hierarchy(level=level, parent_id=parent.record_id if parent else None,
                            path=context.titles[:-1]),
    )


def _flatten(element: etree._Element) -> str:
    """Mixed content as plain text: ``lb`` is a space, nested markup is kept as text."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == "lb":
            parts.append(" ")
        elif isinstance(child.tag, str):
            parts.append(_flatten(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _title(did: etree._Element | None, ns: str) -> str:
    if did is None:
        return ""
    titles = [clean_text(_flatten(t)) for t in did.iterfind(_q(ns, "unittitle"))]
    return next((t for t in titles if not is_placeholder(t)), "")


def _unitid(did: etree._Element | None, ns: str) -> str:
    if did is None:
        return ""
    ids = [clean_text("".join(u.itertext())) for u in did.iterfind(_q(ns, "unitid"))]
    return next((i for i in ids if i), "")


def _dates(did: etree._Element, ns: str, warnings: list[str]) -> tuple[DateValue, ...]:
    elements = [*did.iterfind(_q(ns, "unitdate")),
                *did.iterfind(f"{_q(ns, 'unittitle')}/{_q(ns, 'unitdate')}")]
    dates: list[DateValue] = []
    for element in elements:
        text = clean_text("".join(element.itertext()))
        normal = clean_text(element.get("normal"))
        if not text and not normal:
            continue
        if text and is_unknown_date(text) and not normal:
            warnings.append(DATE_UNKNOWN)
            continue
        value = parse_date(text or normal, "created")
        if normal and (normalized := parse_date(normal, "created")).parsed:
            value = dataclasses.replace(normalized, original=text or normal,
                                        approximate=normalized.approximate or value.approximate)
        if (element.get("certainty") or "").casefold() in {"circa", "approximate", "ca."}:
            value = dataclasses.replace(value, approximate=True)
        if not value.parsed:
            warnings.append(DATE_UNPARSED)
        dates.append(value)
    return tuple(dict.fromkeys(dates))


def _agents(did: etree._Element, ns: str) -> tuple[Agent, ...]:
    agents: list[Agent] = []
    for origination in did.iterfind(_q(ns, "origination")):
        for child in origination:
            if isinstance(child.tag, str) and etree.QName(child).localname in _NAMES:
                name = clean_text("".join(child.itertext()))
                if name:
                    agent = make_agent(name, "creator")
                    role = child.get("role")
                    agents.append(dataclasses.replace(agent, role_raw=role or agent.role_raw))
    return tuple(dict.fromkeys(agents))


def _controlaccess(element: etree._Element, ns: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"subject": [], "geogname": [], "genreform": []}
    for access in element.iterfind(_q(ns, "controlaccess")):
        for child in access.iter():
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            text = clean_text("".join(child.itertext()))
            if not text or name == "controlaccess":
                continue
            key = name if name in found else (
                "subject" if name in {*_NAMES, "function", "occupation", "title"} else None)
            if key:
                found[key].append(text)
    return found


def _paragraphs(element: etree._Element, ns: str, name: str) -> list[str]:
    """The paragraphs (or the whole text) of the ``name`` blocks directly under ``element``."""
    texts: list[str] = []
    for block in element.iterfind(_q(ns, name)):
        paragraphs = [clean_text(_flatten(p)) for p in block.iterfind(_q(ns, "p"))]
        texts += [p for p in paragraphs if p] or [clean_text(_flatten(block))]
    return [t for t in texts if not is_placeholder(t)]


def _descriptions(element: etree._Element, ns: str, main_language: str | None
                  ) -> tuple[LangString, ...]:
    did = element.find(_q(ns, "did"))
    blocks: list[str] = []
    if did is not None:
        blocks += [clean_text(_flatten(a)) for a in did.iterfind(_q(ns, "abstract"))]
    for name in ("scopecontent", "bioghist"):
        paragraphs = _paragraphs(element, ns, name)
        if paragraphs:
            blocks.append("\n\n".join(paragraphs))
    if did is not None:
        blocks += [clean_text(_flatten(p)) for p in did.iterfind(_q(ns, "physdesc"))]
    return tuple(dict.fromkeys(LangString(b, guess_text_language(b, None, main_language))
                               for b in blocks if not is_placeholder(b)))


def _languages(did: etree._Element, ns: str) -> tuple[str, ...]:
    tags: list[str] = []
    for language in did.iterfind(f"{_q(ns, 'langmaterial')}/{_q(ns, 'language')}"):
        tag = normalize_language(language.get("langcode") or "".join(language.itertext()))
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def _repository(did: etree._Element, ns: str) -> str | None:
    for repository in did.iterfind(_q(ns, "repository")):
        corpname = repository.find(_q(ns, "corpname"))
        text = clean_text(_flatten(corpname if corpname is not None else repository))
        if text:
            return text
    return None


def _digital_objects(element: etree._Element, ns: str
                     ) -> tuple[list[Media], list[str], list[str]]:
    """Media, IIIF manifests and web pages linked by ``dao`` / ``daoloc`` of this unit."""
    links: list[tuple[str, str]] = []
    for path in (_q(ns, "dao"), f"{_q(ns, 'did')}/{_q(ns, 'dao')}",
                 f"{_q(ns, 'daogrp')}/{_q(ns, 'daoloc')}",
                 f"{_q(ns, 'did')}/{_q(ns, 'daogrp')}/{_q(ns, 'daoloc')}"):
        for dao in element.iterfind(path):
            href = clean_text(dao.get(XLINK_HREF) or dao.get("href"))
            role = " ".join(filter(None, (dao.get(XLINK_ROLE), dao.get("role"),
                                          dao.get("label"), dao.get("linktype"))))
            if href:
                links.append((href, role.casefold()))
    media: list[Media] = []
    manifests: list[str] = []
    pages: list[str] = []
    for href, role in dict.fromkeys(links):
        if not is_http_url(href):
            continue
        if is_iiif_manifest(href) or "manifest" in role:
            manifests.append(href)
        elif is_image_url(href):
            media.append(Media(href, role="thumbnail" if "thumb" in role or "thumb" in href
                               else "full"))
        else:
            pages.append(href)
    return media, manifests, pages
