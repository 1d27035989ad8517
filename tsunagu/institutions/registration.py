"""Registering feeds: OAI-PMH repositories, uploaded tables and static repository files.

Every source an institution registers starts as a *draft*: its records are
harvested (or uploaded) and mapped into the store, shown in the sandbox, but
reach the public index only when it is published. Each URL an institution gives
passes the SSRF guard (and so does every redirect while harvesting).
"""

from __future__ import annotations

import dataclasses
import json

from tsunagu.accounts.rules import Actor, can_register_source, require
from tsunagu.errors import ConfigError, UploadError
from tsunagu.feeds import (
    ColumnMapping,
    Table,
    guess_mapping,
    read_static_repository,
    read_table,
    rows_to_records,
)
from tsunagu.harvester.addresses import check_url
from tsunagu.harvester.download import Download, download
from tsunagu.harvester.probe import RepositoryProbe, probe_repository
from tsunagu.institutions.access import managed_source
from tsunagu.institutions.sandbox import forget_sandbox
from tsunagu.mappings import list_supported_prefixes
from tsunagu.mappings.languages import normalize_language
from tsunagu.pipeline import Pipeline
from tsunagu.records import FeedKind, Schedule, Sector, Source, SourceStatus
from tsunagu.store import HarvestRun, utc_now

#: Rows shown in the column-mapping form.
PREVIEW_ROWS = 5


@dataclasses.dataclass(frozen=True)
class FeedForm:
    """What an institution enters to register (or edit) a feed.

    ``base_url``, ``metadata_prefix`` and ``set_specs`` matter for OAI-PMH only.
    """

    id: str
    name: str
    sector: Sector
    kind: FeedKind = FeedKind.OAI_PMH
    base_url: str = ""
    metadata_prefix: str = "oai_dc"
    set_specs: tuple[str, ...] = ()
    name_en: str | None = None
    prefecture: str | None = None
    default_rights: str | None = None
    metadata_rights: str | None = None
    languages: tuple[str, ...] = ()
    schedule: Schedule = Schedule.WEEKLY


@dataclasses.dataclass(frozen=True)
class TablePreview:
    """The first rows of an uploaded table and a suggested column mapping."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_count: int
    suggested: ColumnMapping


def probe_oai(pipeline: Pipeline, actor: Actor | None, institution_id: str,
              base_url: str) -> RepositoryProbe:
    """Identify, formats and sets of a repository, to fill the registration form."""
    require(can_register_source(actor, institution_id), "register feeds",
            field="institution_id")
    return probe_repository(base_url.strip(), pipeline.settings)


def register_feed(pipeline: Pipeline, actor: Actor | None, institution_id: str,
                  form: FeedForm) -> Source:
    """Register a draft source of the institution.

    For OAI-PMH the repository is asked first: Identify must answer, the prefix
    must be one it lists (and one tsunagu can map), the sets must exist.
    """
    require(can_register_source(actor, institution_id), "register feeds",
            field="institution_id")
    pipeline.store.institutions.get(institution_id)
    source = _source(form, institution_id, SourceStatus.DRAFT)
    if source.kind is FeedKind.OAI_PMH:
        _check_repository(pipeline, source)
    pipeline.store.sources.add(source)
    return source


def update_feed(pipeline: Pipeline, actor: Actor | None, form: FeedForm) -> Source:
    """Change a source's settings (its status and institution stay as they are).

    A changed base URL, metadata prefix or set list of an OAI-PMH source is
    probed again like at registration, and the stored sandbox report is dropped.
    """
    current = managed_source(pipeline.store, actor, form.id)
    if form.kind is not current.kind:
        raise ConfigError("the kind of a feed cannot change; register a new one",
                          source_id=form.id, field="kind")
    source = _source(form, current.institution_id, current.status)
    if source.kind is FeedKind.OAI_PMH and (
            source.base_url, source.metadata_prefix, source.set_specs) != (
            current.base_url, current.metadata_prefix, current.set_specs):
        _check_repository(pipeline, source)  # the SSRF guard applies to the new URL
        forget_sandbox(pipeline, source.id)  # its checks were of the old settings
    pipeline.store.sources.add(source, replace=True)
    return pipeline.store.sources.get(source.id)


def preview_table(data: bytes, filename: str) -> TablePreview:
    """Read an uploaded table for the column-mapping form."""
    table = read_table(data, filename)
    return TablePreview(table.headers, tuple(row for _n, row in table.rows[:PREVIEW_ROWS]),
                        len(table.rows), guess_mapping(table.headers))


def upload_table(pipeline: Pipeline, actor: Actor | None, source_id: str, data: bytes,
                 filename: str, mapping: ColumnMapping) -> HarvestRun:
    """Store a CSV/TSV/Excel upload as a run: what is new, updated, unchanged, deleted."""
    source = _upload_source(pipeline, actor, source_id, data, FeedKind.TABULAR)
    return _store_table(pipeline, source, data, filename, mapping)


def upload_static_repository(pipeline: Pipeline, actor: Actor | None, source_id: str,
                             data: bytes, filename: str = "") -> HarvestRun:
    """Store an OAI static repository file as a run (records in the source's prefix)."""
    source = _upload_source(pipeline, actor, source_id, data, FeedKind.STATIC)
    return _store_static(pipeline, source, data, filename)


def _store_table(pipeline: Pipeline, source: Source, data: bytes, filename: str,
                 mapping: ColumnMapping) -> HarvestRun:
    table: Table = read_table(data, filename)
    records, rejected = rows_to_records(source.id, table, mapping, utc_now())
    if not records:
        raise UploadError("no row has an identifier; nothing was stored", source_id=source.id)
    return pipeline.ingest(source, records, rejected,
                           note=f"upload of {filename or 'a table'}: {len(table.rows)} rows")


def _store_static(pipeline: Pipeline, source: Source, data: bytes,
                  filename: str) -> HarvestRun:
    repository = read_static_repository(data, source.id, source.metadata_prefix)
    if not repository.records:
        raise UploadError("the file has no records; nothing was stored", source_id=source.id)
    return pipeline.ingest(source, repository.records, repository.rejected,
                           note=f"static repository {filename or repository.repository_name}")


#: The source note that keeps the column mapping of a linked table.
LINK_MAPPING_NOTE = "link_mapping"


def link_feed(pipeline: Pipeline, actor: Actor | None, source_id: str, url: str,
              mapping: ColumnMapping | None = None) -> HarvestRun:
    """Fetch a table or static repository file from ``url``, store it as a run, and keep
    the link so that the worker fetches it again on the source's schedule.

    For a table ``mapping`` is the column mapping (default: the one suggested from
    the headers); it is kept with the link.
    """
    source = managed_source(pipeline.store, actor, source_id)
    return _fetch_linked(pipeline, source, url, mapping)


def keep_link(pipeline: Pipeline, actor: Actor | None, source_id: str, url: str,
              mapping: ColumnMapping | None = None) -> Source:
    """Remember that a source's file comes from ``url`` (with its table's column mapping)
    after it was fetched and stored, so that the worker fetches it again."""
    source = managed_source(pipeline.store, actor, source_id)
    check_url(url, allow_private=pipeline.settings.allow_private_hosts)
    if mapping is not None:
        pipeline.store.source_notes.put(source.id, LINK_MAPPING_NOTE, "1",
                                        json.dumps(dict(mapping.columns), ensure_ascii=False))
    linked = dataclasses.replace(source, base_url=url.strip())
    pipeline.store.sources.add(linked, replace=True)
    return linked


def fetch_link(pipeline: Pipeline, actor: Actor | None, source_id: str,
               url: str) -> Download:
    """Download a linked file for a source the actor manages (the page's first step)."""
    managed_source(pipeline.store, actor, source_id)
    return download(url, pipeline.settings, max_bytes=pipeline.settings.max_upload_bytes)


def refresh_linked_feed(pipeline: Pipeline, source: Source) -> HarvestRun:
    """Fetch a linked file again (the worker, on schedule) with the kept column mapping."""
    note = pipeline.store.source_notes.get(source.id, LINK_MAPPING_NOTE)
    mapping = ColumnMapping.of(json.loads(note.data)) if note else None
    return _fetch_linked(pipeline, source, source.base_url, mapping)


def is_linked(source: Source) -> bool:
    """Whether a table or static repository source is fetched from a link."""
    return source.kind is not FeedKind.OAI_PMH and source.base_url.startswith(
        ("http://", "https://"))


def _fetch_linked(pipeline: Pipeline, source: Source, url: str,
                  mapping: ColumnMapping | None) -> HarvestRun:
    if source.kind is FeedKind.OAI_PMH:
        raise ConfigError("an OAI-PMH source is harvested, not linked", source_id=source.id,
                          field="url")
    fetched = download(url, pipeline.settings, max_bytes=pipeline.settings.max_upload_bytes)
    if source.kind is FeedKind.TABULAR:
        mapping = mapping or guess_mapping(read_table(fetched.data, fetched.filename).headers)
        run = _store_table(pipeline, source, fetched.data, fetched.filename, mapping)
        pipeline.store.source_notes.put(source.id, LINK_MAPPING_NOTE, "1",
                                        json.dumps(dict(mapping.columns), ensure_ascii=False))
    else:
        run = _store_static(pipeline, source, fetched.data, fetched.filename)
    if source.base_url != fetched.url:
        pipeline.store.sources.add(dataclasses.replace(source, base_url=fetched.url),
                                   replace=True)
    return run


def _upload_source(pipeline: Pipeline, actor: Actor | None, source_id: str, data: bytes,
                   kind: FeedKind) -> Source:
    source = managed_source(pipeline.store, actor, source_id)
    if source.kind is not kind:
        raise ConfigError(f"this source is fed by {source.kind.value}, not {kind.value}",
                          source_id=source_id, field="kind")
    if len(data) > pipeline.settings.max_upload_bytes:
        raise UploadError(f"the file is larger than {pipeline.settings.max_upload_bytes} "
                          "bytes", source_id=source_id)
    return source


def _source(form: FeedForm, institution_id: str | None, status: SourceStatus) -> Source:
    if not form.name.strip():
        raise ConfigError("a feed needs a name", source_id=form.id, field="name")
    languages = []
    for value in form.languages:
        tag = normalize_language(value)
        if tag is None:
            raise ConfigError(f"not a language: {value!r}", source_id=form.id,
                              field="languages")
        languages.append(tag)
    oai = form.kind is FeedKind.OAI_PMH
    return Source(
        id=form.id, name=form.name.strip(), base_url=form.base_url.strip() if oai else "",
        metadata_prefix=form.metadata_prefix if form.kind is not FeedKind.TABULAR
        else "tsunagu_row",
        sector=form.sector, name_en=form.name_en, set_specs=form.set_specs if oai else (),
        default_rights=form.default_rights or None, metadata_rights=form.metadata_rights or None,
        institution_id=institution_id, status=status, kind=form.kind,
        schedule=form.schedule,  # a table or file fetched from a link follows it too
        prefecture=form.prefecture or None, languages=tuple(languages))


def _check_repository(pipeline: Pipeline, source: Source) -> None:
    probe = probe_repository(source.base_url, pipeline.settings)
    prefixes = [fmt.prefix for fmt in probe.formats]
    if source.metadata_prefix not in prefixes:
        raise ConfigError(f"the repository does not offer {source.metadata_prefix!r} "
                          f"(it offers: {', '.join(prefixes) or 'nothing'})",
                          source_id=source.id, field="metadata_prefix")
    if source.metadata_prefix not in list_supported_prefixes():
        raise ConfigError(f"tsunagu cannot map {source.metadata_prefix!r} yet (it maps: "
                          f"{', '.join(list_supported_prefixes())})",
                          source_id=source.id, field="metadata_prefix")
    known = {info.spec for info in probe.sets}
    unknown = [spec for spec in source.set_specs if spec not in known]
    if unknown and not probe.sets_truncated:
        raise ConfigError(f"the repository has no set {unknown[0]!r}", source_id=source.id,
                          field="set_specs")
