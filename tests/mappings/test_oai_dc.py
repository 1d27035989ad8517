"""oai_dc → Record: real Zenodo / Rumsey records and hand-written Japanese records."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from tsunagu.errors import MappingError
from tsunagu.mappings import map_record
from tsunagu.mappings.identifiers import choose_landing_url, classify_identifier, is_image_url
from tsunagu.mappings.languages import normalize_language
from tsunagu.mappings.text import strip_html_to_text
from tsunagu.records import (
    Agent,
    Identifier,
    LangString,
    ObjectType,
    RawRecord,
    Record,
    ReuseLevel,
    RightsOrigin,
    Source,
    record_from_dict,
    record_to_dict,
)

RECORDS = Path(__file__).parent.parent / "fixtures" / "records" / "oai_dc"
ALL_RECORDS = sorted(p.name for p in RECORDS.glob("*.xml"))
RecordLoader = Callable[[str], RawRecord]
DcBuilder = Callable[..., bytes]


def _map(raw: RawRecord, source: Source) -> Record:
    return map_record(raw, source)


def _raw(source: Source, xml: bytes, identifier: str = "oai:example.jp:1") -> RawRecord:
    return RawRecord(source_id=source.id, oai_identifier=identifier, datestamp="2026-01-01",
                     metadata_prefix="oai_dc", xml=xml)


# --- real records -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_RECORDS)
def test_every_fixture_maps_and_round_trips(name: str, load_record: RecordLoader,
                                            source: Source) -> None:
    assert len(ALL_RECORDS) >= 15
    raw = load_record(name)
    record = _map(raw, source)
    assert record.id == f"{source.id}:{raw.oai_identifier}"
    assert record.title.value
    assert record.provider == source.name
    assert record.sector is source.sector
    assert record_from_dict(record_to_dict(record)) == record


def test_zenodo_software_record(load_record: RecordLoader, source: Source) -> None:
    record = _map(load_record("zenodo-10357859.xml"), source)
    assert record.title == LangString("Research Data Management Organiser (RDMO)", None)
    assert record.agents[0] == Agent("Klar, Jochen", "creator")
    assert record.agents[-1] == Agent("Zenodo", "publisher")
    assert [(d.year_start, d.year_end) for d in record.dates] == [(2023, 2023)]
    assert record.landing_url == "https://doi.org/10.5281/zenodo.10357859"
    assert Identifier("doi", "10.5281/zenodo.10357859") in record.identifiers
    assert record.object_type is ObjectType.OTHER
    assert record.genre_raw == ("info:eu-repo/semantics/other",)
    # Doubly escaped HTML becomes readable text with paragraphs and lines.
    description = record.description[0].value
    assert description.startswith("RDMO 2.1.0 (Dec 11, 2023)\n\nRefactor progress bar")
    assert "<" not in description and "&lt;" not in description and "&amp;" not in description
    assert "Fix the progress bar to consider tabs and conditions correctly\nShow" in description
    # Apache 2.0 is not in the vocabularies: unknown, never guessed open.
    assert record.rights.content.code == "CUSTOM"
    assert record.rights.content.reuse is ReuseLevel.UNKNOWN
    assert record.rights.content.raw == (
        "info:eu-repo/semantics/openAccess | Apache License 2.0 | "
        "http://www.apache.org/licenses/LICENSE-2.0"
    )
    assert record.warnings == ("rights_unknown",)


def test_zenodo_cc_by_with_embargo_date(load_record: RecordLoader, source: Source) -> None:
    record = _map(load_record("zenodo-18078267.xml"), source)
    assert [d.original for d in record.dates] == ["2025-12-28"]  # embargoEnd marker skipped
    assert record.rights.content.code == "CC-BY-4.0"
    assert record.rights.content.uri == "http://creativecommons.org/licenses/by/4.0/"
    assert record.rights.content.reuse is ReuseLevel.OPEN
    assert record.rights.thumbnail == record.rights.content
    assert record.warnings == ()


def test_zenodo_spanish_article(load_record: RecordLoader, source: Source) -> None:
    record = _map(load_record("zenodo-20633463.xml"), source)
    assert record.languages == ("es", "en")
    assert record.title.lang == "es"
    assert record.object_type is ObjectType.TEXT
    assert record.landing_url == "https://doi.org/10.17533/udea.elc.358807"
    assert record.rights.content.code == "CC-BY-NC-SA-4.0"
    assert record.rights.content.reuse is ReuseLevel.CONDITIONAL
    assert record.description[0].lang == "es"
    assert "contemporáneas\nescritas" in record.description[0].value  # <br> kept


def test_zenodo_cjk_title_without_language_is_not_called_japanese(
    load_record: RecordLoader, source: Source
) -> None:
    record = _map(load_record("zenodo-19371553.xml"), source)
    assert record.title == LangString("國際貿易中隱私保護的法律協調全球趨勢綜述研究", None)
    assert [a.name for a in record.agents] == ["萬庚鑫", "葉雪晶", "Zenodo"]


def test_zenodo_cc0_and_date_interval(load_record: RecordLoader, source: Source) -> None:
    cc0 = _map(load_record("zenodo-19373574.xml"), source)
    assert cc0.rights.content.code == "CC0-1.0"
    assert "Thysanoptera" in cc0.subjects
    interval = _map(load_record("zenodo-19368744.xml"), source)
    assert interval.dates[0].original == "2025-07-13/2025-07-16"
    assert interval.year_range == (2025, 2025)
    assert interval.object_type is ObjectType.TEXT


def test_zenodo_without_licence(load_record: RecordLoader, source: Source) -> None:
    record = _map(load_record("zenodo-20637409.xml"), source)
    assert record.languages == ("ru",)
    assert record.title.lang == "ru"
    assert record.rights.content.code == "UNKNOWN"
    assert "rights_unknown" in record.warnings


def test_rumsey_map(load_record: RecordLoader, source: Source) -> None:
    record = _map(load_record("rumsey-318428.xml"), source)
    assert record.title.value.startswith("City of Calcutta. Published under")
    assert record.title_alt == (LangString("City of Calcutta", None),)
    assert record.landing_url == (
        "https://www.davidrumsey.com/luna/servlet/detail/RUMSEY~8~1~318428~90087368"
    )
    assert record.thumbnail_url == (
        "https://www.davidrumsey.com/rumsey/Size1/RUMSEY~8~1/179/10403000.jpg"
    )
    assert all(i.value != record.thumbnail_url for i in record.identifiers)
    assert record.places == ("Kolkata (India)", "Calcutta (India)", "Calcutta")
    assert len(record.dates) == 1  # the duplicate 1912 is dropped
    assert record.object_type is ObjectType.IMAGE  # "Case Map"
    assert record.genre_raw == ("Case Map",)
    assert record.warnings == ("no_rights",)


def test_source_default_rights_apply_without_item_rights(
    load_record: RecordLoader, source: Source
) -> None:
    with_default = dataclasses.replace(
        source, default_rights="http://creativecommons.org/publicdomain/mark/1.0/",
        metadata_rights="CC0",
    )
    record = _map(load_record("rumsey-318428.xml"), with_default)
    assert record.rights.content.code == "PDM-1.0"
    assert record.rights.content.origin is RightsOrigin.SOURCE_DEFAULT
    assert record.rights.metadata.code == "CC0-1.0"
    assert record.warnings == ()


# --- Japanese records ---------------------------------------------------------------------


def test_nijl_titles_readings_and_roles(load_record: RecordLoader, source: Source) -> None:
    record = _map(load_record("ja-nijl-agatai.xml"), source)
    assert record.title == LangString("県居静屋歌集", "ja")
    assert record.title_alt == (
        LangString("あがたいしずのやかしゅう", "ja-Hira"),
        LangString("Agataishizunoyakashuu", "ja-Latn"),
        LangString("しつのやうた集", "ja"),
    )
    assert record.agents[:3] == (
        Agent("賀茂真淵", "creator", "詠"),
        Agent("加藤宇万伎", "contributor", "編"),  # 編 (edited) and 補 (supplemented)
        Agent("上田秋成", "contributor", "[補]"),  # are contributor roles
    )
    assert record.dates[0].year_start == 1791
    assert record.object_type is ObjectType.TEXT
    assert record.languages == ("ja",)
    assert record.landing_url == "https://doi.org/10.20730/100010807"
    assert record.identifiers == (Identifier("doi", "10.20730/100010807"),
                                  Identifier("local", "10-124-2"))
    assert (record.rights.content.code, record.rights.content.reuse) == (
        "CC-BY-SA", ReuseLevel.OPEN
    )
    assert record.description[0].lang == "ja"
    assert record.warnings == ()


def test_ndl_katakana_reading_pdm_and_thumbnail(load_record: RecordLoader,
                                                source: Source) -> None:
    record = _map(load_record("ja-ndl-ikkyu.xml"), source)
    assert record.title == LangString("一休ばなし : 4巻", "ja")
    assert record.title_alt == (LangString("イッキュウバナシ", "ja-Kana"),)
    assert record.agents == (Agent("朝居藤輔", "publisher", "写"),)
    assert record.year_range == (1837, 1837)
    assert record.landing_url == "https://ndlsearch.ndl.go.jp/books/R100000002-I000003279680"
    assert record.thumbnail_url == "https://dl.ndl.go.jp/titleThumb/info:ndljp/pid/14208033"
    assert record.rights.content.code == "PDM-1.0"
    assert record.rights.content.raw == "pdm | PDM"
    assert record.genre_raw == ("和古書", "書写資料")


def test_kyoto_cc_by_bare_token_and_named_period(load_record: RecordLoader,
                                                    source: Source) -> None:
    record = _map(load_record("ja-kyoto-ichiya.xml"), source)
    assert record.languages == ("ja",)  # 「日本語」
    assert record.agents[0] == Agent("紫狐菴蕪村", "contributor", "[編]")
    assert record.rights.content.code == "CC-BY"
    assert record.rights.content.uri is None
    assert record.rights.content.reuse is ReuseLevel.OPEN
    assert record.rights.content.needs_check  # no version given: 要確認
    assert record.dates[0].original == "[江戸後期]"
    assert (record.dates[0].year_start, record.dates[0].year_end) == (1781, 1868)
    assert record.dates[0].approximate and record.dates[0].precision == "era"
    assert record.periods == ("edo",)
    assert record.warnings == ()


def test_chiba_rights_statement_html_description_and_no_landing(
    load_record: RecordLoader, source: Source
) -> None:
    record = _map(load_record("ja-chiba-machino.xml"), source)
    assert record.title.value.startswith("[千葉大学所蔵町野家文書] 明治元辰八月より 同 二巳十月迄")
    assert record.year_range == (1868, 1868)
    assert record.rights.content.code == "RS-NoC-CR"
    assert record.rights.content.uri == "http://rightsstatements.org/vocab/NoC-CR/1.0/"
    assert record.rights.content.reuse is ReuseLevel.CONDITIONAL
    assert record.description == (LangString(
        "町野家文書のうち、村入用の立替分を取り調べた帳面。\n明治元年八月から同二年十月まで。\n\n"
        "画像は国立歴史民俗博物館の khirin で公開。", "ja"),)
    assert record.thumbnail_url == (
        "https://khirin-i.rekihaku.ac.jp/iiif/ext/kotehashi/jo_C/0380.tif/full/200,/0/default.jpg"
    )
    assert record.landing_url is None
    assert record.warnings == ("no_landing_url",)


def test_keio_print_html_anchor_licence_and_coverage_dates(load_record: RecordLoader,
                                                           source: Source) -> None:
    record = _map(load_record("ja-keio-hokusai.xml"), source)
    assert record.title == LangString("富嶽三十六景 諸人登山", "ja")
    assert record.title_alt == (
        LangString("フガク サンジュウロッケイ ショニン トザン", "ja-Kana"),
        LangString("Thirty-six Views of Mount Fuji: Climbing the Mountain", "en"),
    )
    assert record.agents == (Agent("葛飾北斎", "creator", "画"),)
    assert record.object_type is ObjectType.IMAGE
    assert record.subjects == ("富士山", "登山")
    assert record.places == ("駿河国",)
    dates = [(d.original, d.kind, d.year_start, d.year_end, d.approximate) for d in record.dates]
    assert dates == [
        ("天保2年(1831)頃", "other", 1831, 1831, True),
        ("1830年代", "coverage", 1830, 1839, False),
    ]
    assert Identifier("isbn", "9780306406157") in record.identifiers
    assert record.rights.content.code == "CC-BY-4.0"
    assert record.rights.content.method.value == "uri"


def test_ueda_warnings(load_record: RecordLoader, source: Source) -> None:
    record = _map(load_record("ja-ueda-koho.xml"), source)
    assert record.year_range == (1968, 1968)
    assert [d.original for d in record.dates] == ["昭和43年1月1日"]  # 「不明」 is not a date
    assert record.thumbnail_url is not None and record.landing_url is None
    assert record.rights.content.code == "CUSTOM"
    assert set(record.warnings) == {
        "language_unparsed", "date_unknown", "no_landing_url", "rights_unknown"
    }


# --- built records --------------------------------------------------------------------------


def test_record_without_title_uses_the_identifier(make_dc: DcBuilder, source: Source) -> None:
    record = _map(_raw(source, make_dc(("creator", "葛飾北斎 画"), ("title", "  "))), source)
    assert record.title == LangString("oai:example.jp:1", None)
    assert "no_title" in record.warnings


def test_single_kana_title_is_the_title(make_dc: DcBuilder, source: Source) -> None:
    record = _map(_raw(source, make_dc(("title", "たけくらべ"))), source)
    assert record.title == LangString("たけくらべ", "ja")
    assert record.title_alt == ()


def test_explicit_title_languages_win(make_dc: DcBuilder, source: Source) -> None:
    xml = make_dc(("title", "Kokumin no tomo", "ja-Latn"), ("title", "国民之友", "ja"),
                  ("language", "jpn"))
    record = _map(_raw(source, xml), source)
    assert record.title == LangString("国民之友", "ja")
    assert record.title_alt == (LangString("Kokumin no tomo", "ja-Latn"),)


def test_isbd_punctuation_and_full_width_text(make_dc: DcBuilder, source: Source) -> None:
    record = _map(_raw(source, make_dc(("title", "ＮＨＫ　年鑑 /"), ("date", "１９６０"))), source)
    assert record.title.value == "NHK 年鑑"
    assert record.year_range == (1960, 1960)


def test_placeholders_and_duplicates_are_dropped(make_dc: DcBuilder, source: Source) -> None:
    xml = make_dc(("title", "絵図"), ("title", "絵図"), ("creator", "-"), ("subject", "なし"),
                  ("subject", "地図; 江戸"), ("subject", "地図"))
    record = _map(_raw(source, xml), source)
    assert record.title_alt == ()
    assert record.agents == ()
    assert record.subjects == ("地図", "江戸")


def test_dc_format_mime_is_a_type_fallback(make_dc: DcBuilder, source: Source) -> None:
    xml = make_dc(("title", "x"), ("type", "info:eu-repo/semantics/other"),
                  ("format", "image/jpeg"))
    assert _map(_raw(source, xml), source).object_type is ObjectType.IMAGE
    xml = make_dc(("title", "x"), ("type", "StillImage"), ("format", "application/pdf"))
    assert _map(_raw(source, xml), source).object_type is ObjectType.IMAGE
    xml = make_dc(("title", "x"), ("type", "何か"))
    record = _map(_raw(source, xml), source)
    assert (record.object_type, record.genre_raw) == (ObjectType.OTHER, ("何か",))


def test_medium_in_dc_format_is_kept_as_description(make_dc: DcBuilder,
                                                      source: Source) -> None:
    xml = make_dc(("title", "x"), ("description", "support: 394 x 419 mm"),
                  ("format", "Watercolour, ink, chalk and graphite on paper"),
                  ("format", "image/jpeg"), ("format", "text/html; charset=utf-8"))
    record = _map(_raw(source, xml), source)
    assert [d.value for d in record.description] == [
        "support: 394 x 419 mm", "Watercolour, ink, chalk and graphite on paper"
    ]


@pytest.mark.parametrize(
    ("value", "object_type"),
    [("Text", ObjectType.TEXT), ("http://purl.org/dc/dcmitype/StillImage", ObjectType.IMAGE),
     ("Moving Image", ObjectType.MOVING_IMAGE), ("Sound", ObjectType.SOUND),
     ("Physical Object", ObjectType.PHYSICAL_OBJECT), ("Dataset", ObjectType.DATASET),
     ("図書", ObjectType.TEXT), ("古典籍", ObjectType.TEXT), ("絵画", ObjectType.IMAGE),
     ("写真", ObjectType.IMAGE), ("地図", ObjectType.IMAGE), ("映像", ObjectType.MOVING_IMAGE),
     ("Departmental Bulletin Paper", ObjectType.TEXT), ("Event", ObjectType.OTHER)],
)
def test_type_dictionary(make_dc: DcBuilder, source: Source, value: str,
                         object_type: ObjectType) -> None:
    record = _map(_raw(source, make_dc(("title", "x"), ("type", value))), source)
    assert record.object_type is object_type


def test_landing_is_the_first_non_image_url(make_dc: DcBuilder, source: Source) -> None:
    xml = make_dc(
        ("title", "x"),
        ("identifier", "https://example.jp/iiif/2/abc/full/!300,300/0/default.jpg"),
        ("identifier", "請求記号 W-12"),
        ("identifier", "https://example.jp/item/12"),
        ("identifier", "doi:10.1234/abc"),
    )
    record = _map(_raw(source, xml), source)
    assert record.landing_url == "https://example.jp/item/12"
    assert record.thumbnail_url == "https://example.jp/iiif/2/abc/full/!300,300/0/default.jpg"
    assert record.identifiers == (
        Identifier("local", "請求記号 W-12"), Identifier("uri", "https://example.jp/item/12"),
        Identifier("doi", "10.1234/abc"),
    )


@pytest.mark.parametrize(
    ("value", "identifier"),
    [("10.20730/100010807", Identifier("doi", "10.20730/100010807")),
     ("https://dx.doi.org/10.5281/zenodo.1", Identifier("doi", "10.5281/zenodo.1")),
     ("ISBN 0-306-40615-2", Identifier("isbn", "0306406152")),
     ("978-0-306-40615-7", Identifier("isbn", "9780306406157")),
     ("978-0-306-40615-8", Identifier("local", "978-0-306-40615-8")),
     ("ISSN 0028-0836", Identifier("issn", "0028-0836")),
     ("0378-5955", Identifier("issn", "0378-5955")),
     ("http://hdl.handle.net/2261/123", Identifier("uri", "http://hdl.handle.net/2261/123")),
     ("urn:nbn:de:1234", Identifier("uri", "urn:nbn:de:1234")),
     ("oai:zenodo.org:1", Identifier("local", "oai:zenodo.org:1")),
     ("W-12", Identifier("local", "W-12"))],
)
def test_identifier_classes(value: str, identifier: Identifier) -> None:
    assert classify_identifier(value) == identifier


@pytest.mark.parametrize(
    ("url", "image"),
    [("https://example.jp/a.JPG", True), ("https://example.jp/a.webp?x=1", True),
     ("https://example.jp/iiif/x/full/200,/0/default.jpg", True),
     ("https://dl.ndl.go.jp/titleThumb/info:ndljp/pid/1", True),
     ("http://cdm17006.contentdm.oclc.org/utils/getthumbnail/collection/p1/id/0", True),
     ("https://example.jp/item/1", False), ("https://example.jp/manifest.json", False),
     ("ftp://example.jp/a.jpg", False), ("a.jpg", False)],
)
def test_image_urls(url: str, image: bool) -> None:
    assert is_image_url(url) is image


def test_landing_url_prefers_document_order() -> None:
    assert choose_landing_url(["W-1", "10.1234/x", "https://example.jp/1"]) == "https://doi.org/10.1234/x"
    assert choose_landing_url(["https://example.jp/a.png"]) is None


def test_landing_url_prefers_a_page_to_a_iiif_manifest() -> None:
    manifest = "https://khirin-i.rekihaku.ac.jp/manifests/kotehashi/jo_C_119.json"
    page = "https://example.jp/item/119"
    assert choose_landing_url([manifest, page]) == page
    assert choose_landing_url([manifest]) == manifest
    assert choose_landing_url(["https://dl.ndl.go.jp/api/iiif/14208033/manifest.json"]) is not None


@pytest.mark.parametrize(
    ("value", "tag"),
    [("jpn", "ja"), ("ja", "ja"), ("JA", "ja"), ("Japanese", "ja"), ("日本語", "ja"),
     ("eng", "en"), ("English", "en"), ("en-us", "en-US"), ("chi", "zh"), ("zho", "zh"),
     ("kor", "ko"), ("ain", "ain"), ("ja-kana", "ja-Kana"), ("oty", "oty"), ("und", None),
     ("日本語?", None), ("", None)],
)
def test_languages(value: str, tag: str | None) -> None:
    assert normalize_language(value) == tag


@pytest.mark.parametrize(
    ("html", "text"),
    [("<p>一</p><p>二</p>", "一\n\n二"), ("a<br>b<br/>c", "a\nb\nc"),
     ("&lt;p&gt;x &amp;amp; y&lt;/p&gt;", "x & y"), ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
     ("<script>alert(1)</script>ok", "ok"), ("line\n\n\n\nnext", "line\n\nnext"),
     ("<p>one\ntwo</p>", "one two"), ("A &lt; B", "A < B"), ("plain", "plain")],
)
def test_html_to_text(html: str, text: str) -> None:
    assert strip_html_to_text(html) == text


# --- damaged XML ----------------------------------------------------------------------------

DAMAGED = [
    b"",
    b"   \n",
    b"<oai_dc:dc",
    b"not xml at all",
    b"\xff\xfe\x00<\x00a\x00",
    b'<?xml version="1.0" encoding="UTF-8"?><mods xmlns="http://www.loc.gov/mods/v3"/>',
    b'<dc xmlns="http://purl.org/dc/elements/1.1/"><title>x</title></dc>',
    b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/">'
    b"<dc:title>unbound prefix</dc:title></oai_dc:dc>",
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&lol2;</dc:title></oai_dc:dc>',
    b'<!DOCTYPE x SYSTEM "http://example.invalid/x.dtd"><oai_dc:dc'
    b' xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"/>',
    b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&undefined;</dc:title></oai_dc:dc>',
    b'<?xml version="1.0" encoding="Shift_JIS"?><oai_dc:dc'
    b' xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/">\xff\xff</oai_dc:dc>',
    b'<record xmlns="http://www.openarchives.org/OAI/2.0/"><metadata/></record>',
]


@pytest.mark.parametrize("xml", DAMAGED)
def test_damaged_xml_is_a_mapping_error(xml: bytes, source: Source) -> None:
    with pytest.raises(MappingError) as caught:
        _map(_raw(source, xml), source)
    assert caught.value.source_id == source.id
    assert caught.value.record_id == f"{source.id}:oai:example.jp:1"


@pytest.mark.parametrize("name", ["zenodo-10357859.xml", "ja-keio-hokusai.xml"])
def test_every_truncation_is_a_mapping_error(name: str, load_record: RecordLoader,
                                             source: Source) -> None:
    raw = load_record(name)
    end = raw.xml.rindex(b">")
    for size in range(0, end, 7):
        with pytest.raises(MappingError):
            _map(dataclasses.replace(raw, xml=raw.xml[:size]), source)


def test_record_wrapper_is_accepted(source: Source, make_dc: DcBuilder) -> None:
    dc = make_dc(("title", "wrapped"))
    xml = (b'<record xmlns="http://www.openarchives.org/OAI/2.0/"><header/><metadata>'
           + dc + b"</metadata></record>")
    assert _map(_raw(source, xml), source).title.value == "wrapped"
