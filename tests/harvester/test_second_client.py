"""Two independent OAI-PMH clients harvest the same feed: identical identifier sets.

Sickle 0.7.0 and the ``oaipmh`` 4.0.0 client walk the local provider's feed (with
deleted records, two sets and many pages) and must see exactly the records
tsunagu stored, and the same deletions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from harvest_support import keep
from oaipmh.client import Client
from oaipmh.metadata import MetadataRegistry, oai_dc_reader
from sickle import Sickle

from tsunagu.config import Settings
from tsunagu.demo.provider import FeedRecord, ProviderServer, write_feed
from tsunagu.harvester import harvest_source
from tsunagu.records import Sector, Source
from tsunagu.store import Store

DC = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title></oai_dc:dc>')


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    records = [
        FeedRecord(f"oai:second.example:{n}", dt.datetime(2025, 3, 1) + dt.timedelta(hours=n),
                   None if n % 11 == 0 else DC.format(f"資料 {n}").encode(),
                   ("a",) if n % 3 else ("a", "b"))
        for n in range(437)
    ]
    feed = write_feed(tmp_path_factory.mktemp("feed") / "second.jsonl", records)
    with ProviderServer({"second": feed}, page_size=25) as server:
        yield server


def tsunagu_harvest(url: str, tmp_path: Path, settings: Settings) -> tuple[set[str], set[str]]:
    store = Store(tmp_path / "store.sqlite3")
    try:
        source = Source(id="second", name="Second", base_url=url, sector=Sector.LIBRARY)
        store.sources.add(source)
        run = harvest_source(source, store, settings, on_page=keep)
        assert run.status == "ok", run.error
        everything = {raw.oai_identifier: raw.deleted for raw in store.raw.iter("second")}
        return ({oid for oid, gone in everything.items() if not gone},
                {oid for oid, gone in everything.items() if gone})
    finally:
        store.close()


def test_sickle_sees_the_same_records(provider: ProviderServer, tmp_path: Path,
                                      settings: Settings) -> None:
    url = provider.base_url("second")
    live, deleted = tsunagu_harvest(url, tmp_path, settings)
    headers = [record.header for record in
               Sickle(url, timeout=30).ListRecords(metadataPrefix="oai_dc")]
    assert {h.identifier for h in headers if not h.deleted} == live
    assert {h.identifier for h in headers if h.deleted} == deleted
    assert len(headers) == len(live) + len(deleted) == 437


def test_the_oaipmh_client_sees_the_same_records(provider: ProviderServer, tmp_path: Path,
                                                 settings: Settings) -> None:
    url = provider.base_url("second")
    live, deleted = tsunagu_harvest(url, tmp_path, settings)
    registry = MetadataRegistry()
    registry.registerReader("oai_dc", oai_dc_reader)
    client = Client(url, registry, force_http_get=True)
    headers = [header for header, _, _ in client.listRecords(metadataPrefix="oai_dc")]
    assert {h.identifier() for h in headers if not h.isDeleted()} == live
    assert {h.identifier() for h in headers if h.isDeleted()} == deleted
