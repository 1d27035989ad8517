"""Shared fixtures of the mappings tests: record files, a source, an oai_dc builder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest

from tsunagu.records import RawRecord, Sector, Source

RECORDS = Path(__file__).parent.parent / "fixtures" / "records" / "oai_dc"

#: file → (OAI identifier, datestamp) as given in PROVENANCE.md.
REAL_RECORDS = {
    "zenodo-10357859.xml": ("oai:zenodo.org:10357859", "2023-12-11T17:26:46Z"),
    "zenodo-8433329.xml": ("oai:zenodo.org:8433329", "2023-10-12T02:48:38Z"),
    "zenodo-18078267.xml": ("oai:zenodo.org:18078267", "2026-04-01T13:59:34Z"),
    "zenodo-19368744.xml": ("oai:zenodo.org:19368744", "2026-04-01T12:12:31Z"),
    "zenodo-19371553.xml": ("oai:zenodo.org:19371553", "2026-04-01T15:44:28Z"),
    "zenodo-19373574.xml": ("oai:zenodo.org:19373574", "2026-04-01T19:56:19Z"),
    "zenodo-20524549.xml": ("oai:zenodo.org:20524549", "2026-06-03T09:38:08Z"),
    "zenodo-20625055.xml": ("oai:zenodo.org:20625055", "2026-06-11T13:55:17Z"),
    "zenodo-20633463.xml": ("oai:zenodo.org:20633463", "2026-06-11T04:02:43Z"),
    "zenodo-20637409.xml": ("oai:zenodo.org:20637409", "2026-06-11T06:22:26Z"),
    "rumsey-318428.xml": ("oai:N/A:RUMSEY~8~1~318428~90087368", "2019-10-22T13:46:33Z"),
}


@pytest.fixture
def source() -> Source:
    """A library source without defaults."""
    return Source(id="test", name="テスト文庫", base_url="https://example.jp/oai",
                  sector=Sector.LIBRARY)


@pytest.fixture
def load_record(source: Source) -> Callable[[str], RawRecord]:
    """A raw oai_dc record of ``source`` from a fixture file."""

    def load(name: str) -> RawRecord:
        identifier, datestamp = REAL_RECORDS.get(
            name, (f"oai:example.jp:{name.removesuffix('.xml')}", "2026-01-01")
        )
        return RawRecord(source_id=source.id, oai_identifier=identifier, datestamp=datestamp,
                         metadata_prefix="oai_dc", xml=(RECORDS / name).read_bytes())

    return load


@pytest.fixture
def make_dc() -> Callable[..., bytes]:
    """oai_dc bytes from ``("title", "value")`` or ``("title", "value", "ja")`` tuples."""

    def build(*fields: tuple[str, ...]) -> bytes:
        body = []
        for name, value, *lang in fields:
            attr = f" xml:lang={quoteattr(lang[0])}" if lang else ""
            body.append(f"<dc:{name}{attr}>{escape(value)}</dc:{name}>")
        return (
            '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/">' + "".join(body) + "</oai_dc:dc>"
        ).encode()

    return build
