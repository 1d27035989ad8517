"""Every mapper fills a record's provenance alike."""

from __future__ import annotations

from tsunagu.mappings.provenance import identify_record
from tsunagu.records import LangString, RawRecord, Record, Sector, Source


def test_provenance_comes_from_the_raw_record_and_its_source() -> None:
    source = Source(id="nijl", name="国文学研究資料館", base_url="https://example.jp/oai",
                    sector=Sector.LIBRARY)
    raw = RawRecord("nijl", "oai:nijl:1", "2024-02-01T09:00:00Z", "oai_dc")
    fields = identify_record(raw, source, "nijl:oai:nijl:1")
    record = Record(**fields, title=LangString("増字消息往来", "ja"))
    assert (record.id, record.source_id, record.oai_identifier, record.datestamp) == (
        "nijl:oai:nijl:1", "nijl", "oai:nijl:1", "2024-02-01T09:00:00Z")
    assert (record.sector, record.provider) == (Sector.LIBRARY, "国文学研究資料館")
