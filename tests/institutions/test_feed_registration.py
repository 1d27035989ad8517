"""Registering an OAI-PMH feed against a real local provider, the sandbox, publishing."""

from __future__ import annotations

import dataclasses

import pytest

from tsunagu.config import Settings
from tsunagu.demo.provider import ProviderServer
from tsunagu.errors import BlockedAddressError, ConfigError, NotFoundError, PermissionDeniedError
from tsunagu.index import Indexer
from tsunagu.institutions import (
    FeedForm,
    harvest_now,
    institution_sources,
    probe_oai,
    publish_source,
    register_feed,
    run_report,
    run_sandbox,
    source_quality,
    unpublish_source,
)
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, SourceStatus


def form(provider: ProviderServer, **changes: object) -> FeedForm:
    base = FeedForm(id="nijl-books", name="国書データベース", sector=Sector.RESEARCH_REPOSITORY,
                    base_url=provider.base_url("nijl30"), prefecture="東京都",
                    languages=("ja",))
    return dataclasses.replace(base, **changes)


def indexed(settings: Settings) -> int:
    return Indexer(settings.index_dir).doc_count()


def test_probe_offers_formats_and_sets(pipeline: Pipeline, provider: ProviderServer,
                                       editor) -> None:
    probe = probe_oai(pipeline, editor, "nijl", provider.base_url("nijl30"))
    assert probe.identity.repository_name
    assert [fmt.prefix for fmt in probe.formats] == ["oai_dc"]
    assert probe.sets_supported and len(probe.sets) >= 1


def test_register_checks_the_repository(pipeline: Pipeline, provider: ProviderServer,
                                        editor, outsider) -> None:
    with pytest.raises(ConfigError, match="does not offer"):
        register_feed(pipeline, editor, "nijl", form(provider, metadata_prefix="mods"))
    with pytest.raises(ConfigError, match="no set"):
        register_feed(pipeline, editor, "nijl", form(provider, set_specs=("no-such-set",)))
    with pytest.raises(PermissionDeniedError):
        register_feed(pipeline, outsider, "nijl", form(provider))
    with pytest.raises(PermissionDeniedError):
        register_feed(pipeline, None, "nijl", form(provider))
    source = register_feed(pipeline, editor, "nijl", form(provider))
    assert source.status is SourceStatus.DRAFT and source.institution_id == "nijl"
    assert pipeline.store.sources.get("nijl-books") == source


def test_the_ssrf_guard_applies_to_institution_urls(tmp_path, editor, pipeline) -> None:
    guarded = Pipeline(Settings(data_dir=pipeline.settings.data_dir))
    try:
        for url in ("http://127.0.0.1:9/oai", "http://169.254.169.254/latest", "file:///etc"):
            with pytest.raises(BlockedAddressError):
                probe_oai(guarded, editor, "nijl", url)
            with pytest.raises(BlockedAddressError):
                register_feed(guarded, editor, "nijl", FeedForm(
                    id="x", name="x", sector=Sector.MUSEUM, base_url=url))
    finally:
        guarded.close()


def test_sandbox_then_publish_then_search(pipeline: Pipeline, provider: ProviderServer,
                                          editor, outsider) -> None:
    register_feed(pipeline, editor, "nijl", form(provider))
    # An outsider does not even learn that the draft exists.
    with pytest.raises(NotFoundError):
        run_sandbox(pipeline, outsider, "nijl-books")
    report = run_sandbox(pipeline, editor, "nijl-books")
    assert report.ok, report.checks
    assert [check.name for check in report.checks] == [
        "identify", "metadata_prefix", "sets", "sample"]
    assert len(report.records) == pipeline.settings.sandbox_sample_size
    first = report.records[0]
    assert first.record.source_id == "nijl-books" and first.tier in "ABCD"
    assert any(preview.dates for preview in report.records)
    assert all(d.parsed == (d.year_start is not None)
               for preview in report.records for d in preview.dates)
    assert report.quality.records == len(report.records)
    assert report.quality.tier in "ABCD"
    assert all(hint.ja and hint.en for hint in report.quality.hints)
    # The sample is in the store, but nothing of a draft reaches the public index.
    assert pipeline.store.records.counts_by_source()["nijl-books"] == 12
    pipeline.update_index()
    assert indexed(pipeline.settings) == 0

    run = harvest_now(pipeline, editor, "nijl-books")
    assert run.status == "ok" and run.new == 30 - 12 and run.unchanged == 12
    assert indexed(pipeline.settings) == 0
    with pytest.raises(NotFoundError):
        publish_source(pipeline, outsider, "nijl-books")
    update = publish_source(pipeline, editor, "nijl-books")
    assert update.documents == 30
    assert indexed(pipeline.settings) == 30
    # Published, the source is visible to the outsider, but still not theirs.
    with pytest.raises(PermissionDeniedError):
        unpublish_source(pipeline, outsider, "nijl-books")
    unpublish_source(pipeline, editor, "nijl-books")
    assert indexed(pipeline.settings) == 0
    pipeline.update_index(rebuild=True)  # a rebuild leaves drafts out too
    assert indexed(pipeline.settings) == 0

    summary = institution_sources(pipeline, editor, "nijl")
    assert [(s.source.id, s.records) for s in summary] == [("nijl-books", 30)]
    assert summary[0].latest_run is not None and summary[0].latest_run.id == run.id
    assert run_report(pipeline, editor, "nijl-books")["diff"]["new"]["count"] == 18
    assert source_quality(pipeline, editor, "nijl-books").records == 30
    with pytest.raises(PermissionDeniedError):
        institution_sources(pipeline, outsider, "nijl")
    with pytest.raises(NotFoundError):
        run_report(pipeline, outsider, "nijl-books")
