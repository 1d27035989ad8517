"""The normalized record model: frozen dataclasses and enums that cross stages.

Every stage speaks these types: the harvester produces :class:`RawRecord`, the
mappings turn one into a :class:`Record`, the index stores and finds records and
the site shows them. The model follows ``formats.md`` §1.2 (described object,
aggregation, three rights scopes) and keeps the raw value beside every
normalized one.

This module depends on nothing else in tsunagu.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any


class Sector(enum.StrEnum):
    """The kind of institution a source belongs to (set at registration)."""

    LIBRARY = "library"
    MUSEUM = "museum"
    ARCHIVE = "archive"
    RESEARCH_REPOSITORY = "research_repository"
    BROADCAST_MEDIA = "broadcast_media"
    MEDIA_ARTS = "media_arts"
    GOVERNMENT = "government"
    OTHER = "other"


class SourceStatus(enum.StrEnum):
    """Whether a source's records may reach the public index."""

    DRAFT = "draft"
    PUBLISHED = "published"


class FeedKind(enum.StrEnum):
    """How a source's records arrive."""

    OAI_PMH = "oai_pmh"
    #: A CSV / TSV / Excel file uploaded with a column mapping.
    TABULAR = "tabular"
    #: An OAI-PMH static repository XML file.
    STATIC = "static"


class Schedule(enum.StrEnum):
    """How often the worker harvests a source (``manual``: never on its own)."""

    MANUAL = "manual"
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"

    @property
    def interval_seconds(self) -> int | None:
        """Seconds between scheduled runs, ``None`` for manual."""
        return {"hourly": 3600, "daily": 86400, "weekly": 7 * 86400}.get(self.value)


class ReuseLevel(enum.StrEnum):
    """What a person may do with an item, coarsely (``rights.md`` §3.2).

    Ordered from freest to most restricted; ``UNKNOWN`` is never guessed open.
    """

    OPEN = "open"
    CONDITIONAL = "conditional"
    EDUCATION = "education"
    NO_REUSE = "no-reuse"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        """1 (freest) to 5 (unknown), for "most restrictive wins" and sorting."""
        return _REUSE_RANK[self]


_REUSE_RANK = {
    ReuseLevel.OPEN: 1,
    ReuseLevel.CONDITIONAL: 2,
    ReuseLevel.EDUCATION: 3,
    ReuseLevel.NO_REUSE: 4,
    ReuseLevel.UNKNOWN: 5,
}


class RightsMethod(enum.StrEnum):
    """How a rights value was derived."""

    URI = "uri"
    CODE = "code"
    RULE = "rule"
    SOURCE_DEFAULT = "source_default"
    MANUAL = "manual"
    NONE = "none"


class RightsOrigin(enum.StrEnum):
    """Where in the precedence order a rights statement was read."""

    MEDIA = "media"
    ITEM = "item"
    SOURCE_DEFAULT = "source_default"
    NONE = "none"


class RightsFamily(enum.StrEnum):
    """The vocabulary a canonical rights code belongs to (``rights.md`` §3.1)."""

    CC_LICENSE = "cc_license"
    CC_TOOL = "cc_tool"
    RIGHTS_STATEMENTS = "rightsstatements"
    JP_GOV_TERMS = "jp_gov_terms"
    JP_FREE_USE_MARK = "jp_free_use_mark"
    EUROPEANA_LEGACY = "europeana_legacy"
    CUSTOM = "custom"
    NONE = "none"


class Permission(enum.StrEnum):
    """Whether one kind of use is allowed (``rights.md`` §3.1 tri-state flags)."""

    YES = "yes"
    CONDITIONAL = "conditional"
    NO = "no"
    UNKNOWN = "unknown"


class ObjectType(enum.StrEnum):
    """A small controlled type vocabulary (DCMI Type), the raw genre is kept apart."""

    IMAGE = "image"
    TEXT = "text"
    SOUND = "sound"
    MOVING_IMAGE = "moving_image"
    PHYSICAL_OBJECT = "physical_object"
    DATASET = "dataset"
    COLLECTION = "collection"
    SOFTWARE = "software"
    INTERACTIVE_RESOURCE = "interactive_resource"
    OTHER = "other"


@dataclasses.dataclass(frozen=True)
class LangString:
    """A text value with its language as a BCP 47 tag (``None`` when unknown)."""

    value: str
    lang: str | None = None


@dataclasses.dataclass(frozen=True)
class Agent:
    """A person or body with a role (creator, contributor, publisher).

    ``alt_names`` holds readings (``ja-Kana``/``ja-Hira``) and romanized forms
    (``ja-Latn``) of the name; ``life_dates`` the dates as written (1867-1916).
    """

    name: str
    role: str = "creator"
    role_raw: str | None = None
    life_dates: str | None = None
    alt_names: tuple[LangString, ...] = ()
    uri: str | None = None


@dataclasses.dataclass(frozen=True)
class DateValue:
    """A date as written, with a normalized year range where one could be read.

    ``precision`` is one of day, month, year, decade, century, era; ``calendar``
    is ``gregorian`` or ``jp_lunisolar`` (Japanese dates before 1873); ``era``
    the Japanese era name when the text used one (明治, 文化 …).
    """

    original: str
    year_start: int | None = None
    year_end: int | None = None
    kind: str = "other"
    approximate: bool = False
    uncertain: bool = False
    edtf: str | None = None
    precision: str | None = None
    calendar: str = "gregorian"
    era: str | None = None

    @property
    def parsed(self) -> bool:
        return self.year_start is not None


@dataclasses.dataclass(frozen=True)
class Identifier:
    """An identifier classified by pattern (local, uri, doi, isbn, …)."""

    type: str
    value: str


@dataclasses.dataclass(frozen=True)
class Rights:
    """One rights scope (content, thumbnail or metadata) of a record.

    ``raw`` is the statement exactly as received; ``code`` the canonical code
    (``CC-BY-4.0``, ``PDM-1.0``, ``RS-InC``, ``UNKNOWN`` …) and ``uri`` its
    canonical URI where it has one. The flags say what a person may do:
    ``commercial`` use, ``modify``, ``education`` (explicit permission only, never
    a statutory exception), ``online`` publication; ``attribution`` means credit
    is required; ``needs_check`` that the reading is uncertain (要確認).
    """

    code: str = "UNKNOWN"
    uri: str | None = None
    reuse: ReuseLevel = ReuseLevel.UNKNOWN
    raw: str = ""
    method: RightsMethod = RightsMethod.NONE
    origin: RightsOrigin = RightsOrigin.NONE
    commercial: Permission = Permission.UNKNOWN
    modify: Permission = Permission.UNKNOWN
    education: Permission = Permission.UNKNOWN
    online: Permission = Permission.UNKNOWN
    attribution: bool = False
    share_alike: bool = False
    public_domain: bool = False
    other_restrictions: bool = False
    needs_check: bool = False
    #: The vocabulary of ``code``; ``version`` (``4.0``) and CC port (``jp``) where known.
    family: RightsFamily = RightsFamily.NONE
    version: str | None = None
    jurisdiction: str | None = None


UNKNOWN_RIGHTS = Rights()


@dataclasses.dataclass(frozen=True)
class RightsSet:
    """The three independent rights scopes of a record (``rights.md`` §0)."""

    content: Rights = UNKNOWN_RIGHTS
    thumbnail: Rights = UNKNOWN_RIGHTS
    metadata: Rights = UNKNOWN_RIGHTS


@dataclasses.dataclass(frozen=True)
class Media:
    """A digital representation: a thumbnail, a full image, a IIIF service …"""

    url: str
    role: str = "full"
    rights: Rights | None = None


@dataclasses.dataclass(frozen=True)
class Hierarchy:
    """Where a record sits in an archival hierarchy (EAD)."""

    level: str
    parent_id: str | None = None
    path: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class MappingProfile:
    """How one source's records are mapped, beyond what its format says.

    ``mapper`` maps the records with another format's mapper than their
    metadataPrefix names (a local dialect of oai_dc served as ``oai_dc_ja`` …);
    ``xslt`` is an XSLT 1.0 stylesheet applied to each record's metadata before
    mapping; ``landing_url_pattern`` and ``thumbnail_pattern`` are regular
    expressions that pick which of a record's URLs is the landing page and which
    the thumbnail when a feed puts several in ``dc:identifier``.
    """

    mapper: str | None = None
    xslt: str | None = None
    landing_url_pattern: str | None = None
    thumbnail_pattern: str | None = None


@dataclasses.dataclass(frozen=True)
class Source:
    """A registered feed of one institution.

    The mapping profile of a source is its ``sector``, ``default_rights``,
    ``metadata_rights``, ``languages``, ``prefecture`` and ``profile``; changing
    them and re-mapping (``tsunagu map SOURCE``) needs no re-harvest.
    """

    id: str
    name: str
    base_url: str
    metadata_prefix: str = "oai_dc"
    sector: Sector = Sector.OTHER
    name_en: str | None = None
    set_specs: tuple[str, ...] = ()
    default_rights: str | None = None
    metadata_rights: str | None = None
    #: The institution that registered the feed (``None``: registered by the operator).
    institution_id: str | None = None
    #: Only the records of published sources reach the public index.
    status: SourceStatus = SourceStatus.PUBLISHED
    kind: FeedKind = FeedKind.OAI_PMH
    schedule: Schedule = Schedule.DAILY
    #: The prefecture of the institution (東京都 …), for the prefecture facet.
    prefecture: str | None = None
    #: BCP 47 tags of the languages the records are written in.
    languages: tuple[str, ...] = ()
    profile: MappingProfile = MappingProfile()
    #: Sets whose records are left out: a record whose header names any of them is
    #: not stored (``set_specs`` are the sets harvested; empty: the whole repository).
    exclude_sets: tuple[str, ...] = ()
    #: Days per window a long range is harvested in (``None``: ``Settings.window_days``;
    #: ``0``: one window); NDL Search, e.g., allows windows of at most a year.
    window_days: int | None = None


@dataclasses.dataclass(frozen=True, init=False)
class RawRecord:
    """A record exactly as harvested: the OAI header and the raw metadata XML.

    The ``__init__`` is the one ``dataclass`` would write, without its
    ``object.__setattr__`` call per field: one is built per harvested record, and
    this halves the cost (the fields and the signature are checked by a test).
    """

    source_id: str
    oai_identifier: str
    datestamp: str
    metadata_prefix: str
    deleted: bool = False
    set_specs: tuple[str, ...] = ()
    xml: bytes = b""

    def __init__(self, source_id: str, oai_identifier: str, datestamp: str,
                 metadata_prefix: str, deleted: bool = False, set_specs: tuple[str, ...] = (),
                 xml: bytes = b"") -> None:
        values = self.__dict__  # a frozen dataclass's fields are plain instance attributes
        values["source_id"] = source_id
        values["oai_identifier"] = oai_identifier
        values["datestamp"] = datestamp
        values["metadata_prefix"] = metadata_prefix
        values["deleted"] = deleted
        values["set_specs"] = set_specs
        values["xml"] = xml

    def __reduce__(self) -> tuple[type[RawRecord], tuple[object, ...]]:
        """Pickled as its fields, rebuilt by ``__init__`` (a page's records go to the
        store process a hundred at a time)."""
        return (RawRecord, (self.source_id, self.oai_identifier, self.datestamp,
                            self.metadata_prefix, self.deleted, self.set_specs, self.xml))


@dataclasses.dataclass(frozen=True)
class Record:
    """A normalized record (``formats.md`` §1.2, the fields issue by issue).

    ``periods`` are Japanese period codes derived from the dates (``edo``,
    ``meiji`` …) for the era facet; ``prefectures`` the prefectures recognized in
    the places (``東京都``); ``coordinates`` (lat, lon) in WGS84.
    """

    id: str
    source_id: str
    oai_identifier: str
    datestamp: str
    title: LangString
    sector: Sector
    provider: str
    title_alt: tuple[LangString, ...] = ()
    agents: tuple[Agent, ...] = ()
    dates: tuple[DateValue, ...] = ()
    object_type: ObjectType = ObjectType.OTHER
    genre_raw: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    description: tuple[LangString, ...] = ()
    languages: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    landing_url: str | None = None
    thumbnail_url: str | None = None
    data_provider: str | None = None
    rights: RightsSet = RightsSet()
    warnings: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    prefectures: tuple[str, ...] = ()
    coordinates: tuple[float, float] | None = None
    iiif_manifest: str | None = None
    media: tuple[Media, ...] = ()
    collection: str | None = None
    hierarchy: Hierarchy | None = None
    rights_holder: tuple[str, ...] = ()
    copyright_notice: str | None = None
    credit_line: str | None = None

    @property
    def year_range(self) -> tuple[int, int] | None:
        """The span of every parsed date, or ``None`` when no date was read."""
        starts = [d.year_start for d in self.dates if d.year_start is not None]
        ends = [d.year_end for d in self.dates if d.year_end is not None]
        if not starts:
            return None
        return min(starts), max(ends or starts)

    @property
    def display_date(self) -> str | None:
        """The first date as written, for result lists."""
        return self.dates[0].original if self.dates else None


def record_id(source_id: str, oai_identifier: str) -> str:
    """The stable record id: the source id and the full OAI identifier.

    The OAI identifier is unique within a repository and survives re-harvests,
    so ids stay stable; keeping it whole avoids collisions that stripping an
    ``oai:host:`` prefix could cause.
    """
    return f"{source_id}:{oai_identifier}"


def record_to_dict(record: Record) -> dict[str, Any]:
    """The record as plain JSON-ready data (enums become their values)."""
    data: dict[str, Any] = _plain(record)
    return data


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


def _plain(value: Any) -> Any:
    # Hand-rolled rather than dataclasses.asdict, which deep-copies every leaf and
    # was the slowest step of storing a mapped record.
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def record_from_dict(data: Mapping[str, Any]) -> Record:
    """Rebuild a :class:`Record` from :func:`record_to_dict` output.

    Keys missing from older stored JSON take the field's default, so the model
    can grow without migrating stored records.
    """
    record = _build(Record, data)
    assert isinstance(record, Record)
    return record


def _build(cls: type, data: Mapping[str, Any]) -> object:
    return cls(**{name: convert(data[name]) for name, convert in _converters_of(cls)
                  if name in data})


@functools.cache
def _converters_of(cls: type) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """Each field of a dataclass with the function that rebuilds its value (type hints
    resolved once per class: resolving them per record dominated reading the store)."""
    hints = typing.get_type_hints(cls)
    return tuple((field.name, _converter(hints[field.name])) for field in dataclasses.fields(cls))


def _keep(value: Any) -> Any:
    return value


@functools.cache
def _converter(hint: Any) -> Callable[[Any], Any]:
    """The function that rebuilds a JSON value as ``hint`` (``None`` stays ``None``)."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _converter(options[0]) if len(options) == 1 else _keep
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            return lambda value: None if value is None else tuple(item(v) for v in value)
        items = tuple(_converter(arg) for arg in args)
        return lambda value: None if value is None else tuple(
            convert(v) for convert, v in zip(items, value, strict=True))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return lambda value: None if value is None else _build(hint, value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return lambda value: None if value is None else hint(value)
    return _keep
