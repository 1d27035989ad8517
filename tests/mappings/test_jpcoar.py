"""JPCOAR 1.0 / 2.0 / 2.1 → Record: the official sample records, golden files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from golden import GOLDEN_SOURCE, RECORDS, assert_golden, golden_cases, read_raw_record

from tsunagu.errors import MappingError
from tsunagu.mappings import map_record
from tsunagu.records import Identifier, LangString, ObjectType, Record, ReuseLevel, RightsOrigin

FOLDER = RECORDS / "jpcoar"
VERSIONS = ("1.0", "2.0", "2.1")
CASES = [(v, p) for v in VERSIONS for p in golden_cases(f"jpcoar/{v}")]

LICENCES = b"""<jpcoar:jpcoar xmlns:jpcoar="https://github.com/JPCOAR/schema/blob/master/2.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <dc:title xml:lang="ja">\xe7\x9b\xb8\xe6\x92\xb2\xe7\xb5\xb5</dc:title>
 <jpcoar:license licenseType="file" rdf:resource="https://rightsstatements.org/page/NoC-CR/1.0/">NoC-CR</jpcoar:license>
 <jpcoar:license licenseType="metadata"
  rdf:resource="https://creativecommons.org/publicdomain/zero/1.0/deed.en"
  >Creative Commons CC0 1.0 Universal</jpcoar:license>
 <jpcoar:license licenseType="thumbnail"
  rdf:resource="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</jpcoar:license>
 <dc:type rdf:resource="http://purl.org/coar/resource_type/c_ecc8">still image</dc:type>
 <jpcoar:identifier identifierType="URI">https://da.example.jp/items/1</jpcoar:identifier>
 <jpcoar:file><jpcoar:URI objectType="thumbnail">https://da.example.jp/items/1/thumb.jpg</jpcoar:URI></jpcoar:file>
 <jpcoar:file><jpcoar:URI objectType="fulltext">https://da.example.jp/items/1/full.tif</jpcoar:URI>
  <jpcoar:license licenseType="file"
   rdf:resource="https://creativecommons.org/licenses/by-nc/4.0/">CC BY-NC 4.0</jpcoar:license>
 </jpcoar:file>
</jpcoar:jpcoar>"""


def _map(version: str, name: str, prefix: str | None = None) -> Record:
    raw = read_raw_record(FOLDER / version / name, prefix or f"jpcoar_{version}")
    return map_record(raw, GOLDEN_SOURCE)


@pytest.mark.parametrize(("version", "path"), CASES, ids=lambda c: getattr(c, "stem", c))
def test_golden_jpcoar(version: str, path: Path) -> None:
    assert len(CASES) == 38
    record = map_record(read_raw_record(path, f"jpcoar_{version}"), GOLDEN_SOURCE)
    assert_golden(record, path.with_suffix(".expected.json"))


def test_titles_keep_reading_and_romanization() -> None:
    record = _map("2.0", "01_departmental_bulletin_paper_oa.xml")
    assert record.title == LangString("情報爆発時代の研究基盤構想", "ja")
    assert LangString("ジョウホウ バクハツ ジダイ ノ ケンキュウ キバン コウソウ", "ja-Kana") \
        in record.title_alt
    assert LangString("Joho bakuhatsu jidai no kenkyu kiban koso", "ja-Latn") in record.title_alt


def test_creator_names_identifier_and_role() -> None:
    creator = _map("2.1", "12_digital_archive.xml").agents[0]
    assert (creator.name, creator.role_raw, creator.uri) == (
        "谷川, 士清", "著", "https://viaf.org/viaf/18126058")
    assert LangString("タニガワ, コトスガ", "ja-Kana") in creator.alt_names
    assert LangString("谷川, 昇", "ja") in creator.alt_names  # creatorAlternative


def test_family_and_given_names_make_a_name() -> None:
    creator = _map("2.0", "14_common_metadata_elements_cao.xml").agents[0]
    assert creator.name == "情報, 太郎"
    assert creator.alt_names == (LangString("Jyoho, Taro", "en"),)


def test_item_rights_win_over_catalog_and_conflict_is_flagged() -> None:
    record = _map("2.0", "12_digital_archive.xml")
    # the URI says BY-SA, the text "Attribution 4.0": the URI is kept, the conflict shown
    assert record.rights.content.code == "CC-BY-SA-4.0"
    assert "rights_conflict" in record.warnings
    assert "rights_from_catalog" not in record.warnings
    assert record.iiif_manifest == "https://kokusho.nijl.ac.jp/biblio/200017323/manifest"
    assert record.data_provider == "人間文化研究機構 国文学研究資料館"
    assert record.landing_url == "https://kokusho.nijl.ac.jp/biblio/200017323/"


def test_licence_scopes_file_metadata_thumbnail_and_per_file_rights() -> None:
    raw = dataclasses.replace(read_raw_record(FOLDER / "2.0" / "03_journal_article_oa.xml",
                                              "jpcoar_2.0"), xml=LICENCES)
    record = map_record(raw, GOLDEN_SOURCE)
    assert record.rights.content.code == "RS-NoC-CR"
    assert record.rights.metadata.code == "CC0-1.0"
    assert record.rights.metadata.reuse is ReuseLevel.OPEN
    assert record.rights.thumbnail.code == "CC-BY-4.0"
    thumbnail, full = record.media
    assert (thumbnail.role, thumbnail.rights) == ("thumbnail", None)
    assert full.role == "full" and full.rights is not None
    assert (full.rights.code, full.rights.origin) == ("CC-BY-NC-4.0", RightsOrigin.MEDIA)
    assert record.thumbnail_url == "https://da.example.jp/items/1/thumb.jpg"
    assert record.object_type is ObjectType.IMAGE


def test_catalog_licence_is_a_fallback() -> None:
    xml = (FOLDER / "2.0" / "12_digital_archive.xml").read_bytes()
    start = xml.index(b"<dc:rights xml:lang=\"en\"")
    without_item_rights = xml[:start] + xml[xml.index(b"</dc:rights>", start) + 12:]
    raw = dataclasses.replace(read_raw_record(FOLDER / "2.0" / "12_digital_archive.xml",
                                              "jpcoar_2.0"), xml=without_item_rights)
    record = map_record(raw, GOLDEN_SOURCE)
    assert "rights_from_catalog" in record.warnings
    assert "https://kokusho.nijl.ac.jp/page/usage.html" in record.rights.content.raw


def test_access_rights_are_warnings_not_licences() -> None:
    assert "access_embargoed" in _map("1.0", "02_journal_article_embargoed.xml").warnings
    metadata_only = _map("1.0", "10_journal_article_metadata_only.xml")
    assert "access_metadata_only" in metadata_only.warnings
    assert metadata_only.landing_url == "http://hdl.handle.net/2115/64495"
    assert Identifier("handle", "2115/64495") in metadata_only.identifiers


def test_embargo_end_is_not_a_date_of_the_work() -> None:
    record = _map("2.1", "14_common_metadata_elements_cao.xml")
    assert all(d.original != "2030-04-01" for d in record.dates)


def test_version_mismatch_is_mapped_with_a_warning() -> None:
    record = _map("1.0", "01_departmental_bulletin_paper_oa.xml", prefix="jpcoar_2.0")
    assert record.title.value == "情報爆発時代の研究基盤構想"
    assert "schema_version_mismatch" in record.warnings
    assert "schema_version_mismatch" not in _map("1.0", "01_departmental_bulletin_paper_oa.xml",
                                                 prefix="jpcoar").warnings


def test_other_root_is_a_mapping_error() -> None:
    raw = dataclasses.replace(read_raw_record(FOLDER / "2.0" / "03_journal_article_oa.xml",
                                              "jpcoar_2.0"),
                              xml=b"<record><title>x</title></record>")
    with pytest.raises(MappingError, match="jpcoar"):
        map_record(raw, GOLDEN_SOURCE)


def test_damaged_xml_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="malformed"):
        map_record(read_raw_record(FOLDER / "damaged" / "truncated.xml", "jpcoar_2.0"),
                   GOLDEN_SOURCE)
