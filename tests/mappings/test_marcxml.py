"""MARCXML → Record: GPO, HathiTrust and Alma records (golden) and the dirty data of §3.6."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from golden import (
    GOLDEN_SOURCE,
    RECORDS,
    assert_damage_handled,
    assert_golden,
    golden_cases,
    map_payload,
    read_raw_record,
)

from tsunagu.errors import MappingError
from tsunagu.mappings import map_record
from tsunagu.records import Agent, LangString, Media, ObjectType, Record, ReuseLevel

CASES = golden_cases("marcxml")


def _load(name: str, prefix: str = "marcxml") -> Record:
    return map_record(read_raw_record(RECORDS / "marcxml" / name, prefix), GOLDEN_SOURCE)


def _marc(*fields: tuple[str, ...], leader: str = "00000nam a2200000 i 4500",
          fixed: str = "000000s1870    ja            000 0 jpn d") -> Record:
    """A MARCXML record from ``(tag, ind1ind2, "a", "value", "b", "value" …)`` tuples."""
    body = [f'<controlfield tag="008">{fixed}</controlfield>']
    for tag, indicators, *pairs in fields:
        subfields = "".join(f'<subfield code="{code}">{escape(value)}</subfield>'
                            for code, value in zip(pairs[::2], pairs[1::2], strict=True))
        body.append(f'<datafield tag="{tag}" ind1="{indicators[0]}" ind2="{indicators[1]}">'
                    f"{subfields}</datafield>")
    xml = (f'<record xmlns="http://www.loc.gov/MARC21/slim"><leader>{leader}</leader>'
           + "".join(body) + "</record>")
    return map_payload(xml, "marc21", "oai:example.jp:1")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    assert len(CASES) >= 9
    record = map_record(read_raw_record(path, "marcxml"), GOLDEN_SOURCE)
    assert_golden(record, path.with_suffix(".expected.json"))


@pytest.mark.parametrize("prefix", ["marc21", "marcxml", "MARC21"])
def test_every_marc_prefix_is_registered(prefix: str) -> None:
    assert _load("dpla-gpo.xml", prefix).title.value.startswith("Physiological, subjective")


def test_gpo_isbd_agents_and_links() -> None:
    record = _load("dpla-gpo.xml")
    assert record.title.value.endswith("simulated radar control task")  # " /" stripped
    assert record.agents[0] == Agent("Thackray, Richard I.", "creator")  # the initial keeps "."
    assert Agent("United States. Office of Aviation Medicine", "contributor") in record.agents
    assert record.agents[-1].role == "publisher"
    assert record.dates[0].original == "1975"  # "1975." as written, final period gone
    # 856 ind2=1 (a version) is the landing page; the blank-indicator catalogue link is not.
    assert record.landing_url == "http://purl.access.gpo.gov/GPO/LPS81536"
    assert record.subjects[0] == "Radar operators--United States"
    assert record.rights.content.reuse is ReuseLevel.UNKNOWN
    assert "no_rights" in record.warnings


def test_trimmed_leader_is_realigned() -> None:
    # gpo_ebooks.xml carries the leader without its five leading blanks.
    assert _load("dpla-gpo_ebooks.xml").object_type is ObjectType.TEXT


def test_hathi_code_in_relator_term_and_unknown_imprint() -> None:
    record = _load("dpla-hathi.xml")
    assert Agent("Bad publisher", "creator", "aut") in record.agents  # "$e aut"
    assert not any(a.name.startswith("n. pub") for a in record.agents)
    assert "n.p." not in record.places
    assert record.rights.content.raw == "pdus"  # 974 $r kept raw, not guessed
    assert record.genre_raw == ("Periodicals", "History")


def test_alma_reprint_dates_parallel_title_and_name_title_entries() -> None:
    plans = _load("alma-9925863203901791.xml")
    assert plans.title.value.startswith("5 Planskizzen")
    assert plans.title_alt[0].value.startswith("5 plans d'une baraque")  # after " = "
    assert [(d.original, d.kind) for d in plans.dates] == [("[2016]", "created"),
                                                          ("1913", "other")]
    assert plans.object_type is ObjectType.IMAGE  # leader/06 k
    assert plans.languages == ("de", "fr")
    vegetius = _load("alma-9925824182701791.xml")
    assert [a.name for a in vegetius.agents].count("Vegetius Renatus, Flavius") == 1
    assert vegetius.places == ("Berne",)
    bern = _load("alma-9914747254101791.xml")
    assert bern.places[0] == "Bern"  # "Bern [etc.] :"
    assert "no_landing_url" in bern.warnings  # 856 $u without a scheme is not a link


def test_vernacular_880_fields() -> None:
    record = _marc(
        ("041", "0 ", "a", "jpneng"),
        ("100", "1 ", "6", "880-01", "a", "Katsushika, Hokusai,", "d", "1760-1849,",
         "e", "画."),
        ("245", "10", "6", "880-02", "a", "Hokusai manga /", "c", "Katsushika Hokusai."),
        ("260", "  ", "a", "[Edo] :", "b", "Eirakuya,", "c", "明治3 [1870]"),
        ("880", "1 ", "6", "100-01/$1", "a", "葛飾北斎,", "d", "1760-1849,"),
        ("880", "10", "6", "245-02/$1", "a", "北斎漫画 /"),
        ("650", " 0", "a", "Art, Japanese", "y", "Edo period, 1600-1868."),
        ("034", "1 ", "a", "a", "d", "E1394500", "e", "E1394500", "f", "N0354100",
         "g", "N0354100"),
        ("540", "  ", "a", "CC BY 4.0", "u", "https://creativecommons.org/licenses/by/4.0/"),
        ("856", "42", "u", "https://example.jp/related"),
        ("856", "40", "u", "https://example.jp/item/1"),
        ("856", "41", "u", "https://example.jp/iiif/1/manifest.json"),
        ("856", "41", "u", "https://example.jp/thumb/1.jpg"),
    )
    assert record.title == LangString("北斎漫画", "ja")
    assert record.title_alt == (LangString("Hokusai manga", "ja-Latn"),)
    assert record.agents[0] == Agent("葛飾北斎", "creator", "画", "1760-1849",
                                     (LangString("Katsushika, Hokusai", "ja-Latn"),))
    assert Agent("Eirakuya", "publisher") in record.agents
    assert record.languages == ("ja", "en")
    assert (record.dates[0].original, record.dates[0].year_start) == ("明治3 [1870]", 1870)
    assert len(record.dates) == 1  # 008 Date1 1870 says the same
    assert record.places == ("Edo",)
    assert record.subjects == ("Art, Japanese--Edo period, 1600-1868",)
    assert record.coordinates == (35.683333, 139.75)
    assert record.landing_url == "https://example.jp/item/1"  # ind2 0 before 1, never 2
    assert record.iiif_manifest == "https://example.jp/iiif/1/manifest.json"
    assert record.media == (Media("https://example.jp/thumb/1.jpg", "thumbnail"),)
    assert record.rights.content.code == "CC-BY-4.0"
    assert record.rights.content.reuse is ReuseLevel.OPEN


def test_fixed_field_dates() -> None:
    unknown_digits = _marc(("245", "00", "a", "t"),
                           fixed="000000s18uu    ja            000 0 jpn d")
    assert [(d.year_start, d.year_end) for d in unknown_digits.dates] == [(1800, 1899)]
    questionable = _marc(("245", "00", "a", "t"), fixed="000000q17801790ja            000 0 jpn d")
    date = questionable.dates[0]
    assert (date.year_start, date.year_end, date.uncertain) == (1780, 1790, True)
    continuing = _marc(("245", "00", "a", "t"), fixed="000000c19509999ja            000 0 jpn d")
    assert [(d.year_start, d.year_end) for d in continuing.dates] == [(1950, 1950)]
    manuscript = _marc(("245", "00", "a", "t"), ("260", "  ", "c", "不明"), leader="00000ntm a22")
    assert manuscript.dates[0].kind == "created"
    assert "date_unknown" in manuscript.warnings
    nothing = _marc(fixed="short")
    assert nothing.dates == () and "no_title" in nothing.warnings


@pytest.mark.parametrize("xml", [b"<record/>", b"<record xmlns='http://www.loc.gov/MARC21/slim'>",
                                 b"<collection xmlns='http://www.loc.gov/MARC21/slim'/>", b"\xff"])
def test_foreign_or_broken_xml(xml: bytes) -> None:
    with pytest.raises(MappingError):
        map_payload(xml, "marc21")


@pytest.mark.parametrize("path", CASES[:4], ids=lambda p: p.stem)
def test_damaged_records_map_or_fail_cleanly(path: Path) -> None:
    raw = read_raw_record(path, "marcxml")
    assert_damage_handled(raw)
