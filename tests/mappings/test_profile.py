"""The per-source mapping profile: XSLT for local dialects, URL patterns, defaults."""

from __future__ import annotations

import dataclasses

import pytest

from tsunagu.errors import MappingError
from tsunagu.mappings import map_record
from tsunagu.mappings.profile import check_profile
from tsunagu.records import MappingProfile, RawRecord, Sector, Source

SOURCE = Source(id="local", name="郷土資料館", base_url="https://example.jp/oai",
                sector=Sector.MUSEUM)

#: A local dialect (not oai_dc) as a small museum's system might export it.
DIALECT = """<shiryo xmlns="urn:example:local">
  <meisho>富嶽三十六景 神奈川沖浪裏</meisho><sakusha>葛飾北斎</sakusha>
  <nendai>天保2年</nendai><url>https://example.jp/item/1</url>
  <gazo>https://example.jp/img/1.jpg</gazo><riyo>CC BY 4.0</riyo>
</shiryo>""".encode()

TO_OAI_DC = """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:l="urn:example:local" xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
    xmlns:dc="http://purl.org/dc/elements/1.1/">
  <xsl:template match="/l:shiryo">
    <oai_dc:dc>
      <dc:title><xsl:value-of select="l:meisho"/></dc:title>
      <dc:creator><xsl:value-of select="l:sakusha"/></dc:creator>
      <dc:date><xsl:value-of select="l:nendai"/></dc:date>
      <dc:identifier><xsl:value-of select="l:url"/></dc:identifier>
      <dc:identifier><xsl:value-of select="l:gazo"/></dc:identifier>
      <dc:rights><xsl:value-of select="l:riyo"/></dc:rights>
    </oai_dc:dc>
  </xsl:template>
</xsl:stylesheet>"""


def raw(xml: bytes, prefix: str = "oai_dc") -> RawRecord:
    return RawRecord("local", "oai:example.jp:1", "2024-01-01", prefix, xml=xml)


def test_an_xslt_maps_a_local_dialect() -> None:
    source = dataclasses.replace(SOURCE, profile=MappingProfile(mapper="oai_dc",
                                                                xslt=TO_OAI_DC))
    record = map_record(raw(DIALECT, prefix="local"), source)
    assert record.title.value == "富嶽三十六景 神奈川沖浪裏"
    assert record.agents[0].name == "葛飾北斎"
    assert record.dates[0].year_start == 1831 and record.periods == ("edo",)
    assert record.landing_url == "https://example.jp/item/1"
    assert record.rights.content.code == "CC-BY-4.0"


def test_without_the_profile_the_dialect_has_no_mapper() -> None:
    with pytest.raises(MappingError, match="no mapper"):
        map_record(raw(DIALECT, prefix="local"), SOURCE)


def test_an_xslt_may_not_read_files() -> None:
    reader = TO_OAI_DC.replace('<xsl:value-of select="l:meisho"/>',
                               '<xsl:value-of select="document(\'file:///etc/passwd\')"/>')
    source = dataclasses.replace(SOURCE, profile=MappingProfile(mapper="oai_dc", xslt=reader))
    with pytest.raises(MappingError, match="XSLT"):
        map_record(raw(DIALECT, prefix="local"), source)


@pytest.mark.parametrize("profile", [
    MappingProfile(xslt="<not a stylesheet"),
    MappingProfile(xslt="<xsl:stylesheet xmlns:xsl='http://www.w3.org/1999/XSL/Transform' "
                        "version='1.0'><xsl:bogus/></xsl:stylesheet>"),
    MappingProfile(landing_url_pattern="(unclosed"),
])
def test_unusable_profiles_are_refused_clearly(profile: MappingProfile) -> None:
    with pytest.raises(MappingError):
        check_profile(profile)


DC = """<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>町絵図</dc:title>
  <dc:identifier>https://iiif.example.jp/iiif/12/manifest.json</dc:identifier>
  <dc:identifier>https://example.jp/detail?id=12</dc:identifier>
  <dc:identifier>https://example.jp/thumbs/12-small.png</dc:identifier>
  <dc:identifier>https://example.jp/thumbs/12-large.png</dc:identifier></oai_dc:dc>""".encode()


def test_url_patterns_pick_landing_page_and_thumbnail() -> None:
    plain = map_record(raw(DC), SOURCE)
    assert plain.iiif_manifest == "https://iiif.example.jp/iiif/12/manifest.json"
    source = dataclasses.replace(SOURCE, profile=MappingProfile(
        landing_url_pattern=r"/detail\?id=", thumbnail_pattern=r"-large\.png$"))
    record = map_record(raw(DC), source)
    assert record.landing_url == "https://example.jp/detail?id=12"
    assert record.thumbnail_url == "https://example.jp/thumbs/12-large.png"
    assert "no_landing_url" not in record.warnings


def test_source_languages_and_prefecture_fill_gaps() -> None:
    source = dataclasses.replace(SOURCE, languages=("ja",), prefecture="長野県")
    record = map_record(raw(DC), source)
    assert record.languages == ("ja",)
    assert record.prefectures == ("長野県",)


def test_english_records_get_no_japanese_period() -> None:
    xml = DC.replace("町絵図".encode(), b"View of London</dc:title><dc:language>en"
                     b"</dc:language><dc:date>1850</dc:date><dc:title>x")
    record = map_record(raw(xml), SOURCE)
    assert record.dates[0].year_start == 1850
    assert record.periods == ()
