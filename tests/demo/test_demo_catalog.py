"""The bundled demo feeds: present, parseable, true to their sources and documented."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest

from tsunagu.demo.catalog import (
    CC0_1_0,
    FEEDS_DIR,
    PROVENANCE_PATH,
    DemoFeed,
    demo_feed,
    demo_feeds,
)
from tsunagu.demo.feedfile import Feed, load_feed
from tsunagu.demo.oaidc import DCValue, read_oai_dc

FEED_IDS = [feed.id for feed in demo_feeds()]
IIIF_IDS = ["kansai", "chiba", "keio", "nakano", "ueda", "ninjal", "akita"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
OAI_ID = re.compile(r"^oai:[a-z0-9-]+\.example:[A-Za-z0-9\-_.!~*'();/?:@&=+$,%]+$")


@cache
def loaded(feed_id: str) -> Feed:
    return load_feed(demo_feed(feed_id).path, validate=True)


@cache
def values(feed_id: str) -> tuple[tuple[DCValue, ...], ...]:
    records = loaded(feed_id).records
    return tuple(tuple(read_oai_dc(record.metadata_xml or b"")) for record in records)


def texts(feed_id: str, element: str, lang: str | None = "any") -> list[str]:
    return [v.value for record in values(feed_id) for v in record
            if v.element == element and (lang == "any" or v.lang == lang)]


def test_catalog_entries_are_well_formed() -> None:
    feeds = demo_feeds()
    assert len({feed.id for feed in feeds}) == len(feeds) == 10
    assert set(FEED_IDS) >= {"tate", "nijl", "ndl-edo", *IIIF_IDS}
    for feed in feeds:
        assert isinstance(feed, DemoFeed)
        assert feed.path.parent == FEEDS_DIR and feed.path.is_file()
        assert feed.metadata_prefix == "oai_dc"
        assert feed.name and not JAPANESE.search(feed.name_en)
        if feed.id != "tate":
            assert not feed.name.isascii(), "Japanese institutions carry their Japanese name"
    assert demo_feed("tate").sector == "museum"
    assert demo_feed("tate").metadata_rights == CC0_1_0
    assert all(feed.metadata_rights is None for feed in feeds if feed.id != "tate")
    with pytest.raises(KeyError):
        demo_feed("nope")
    with pytest.raises(ValueError, match="sector"):
        DemoFeed("x", "x", "x", "zoo", "oai_dc", FEEDS_DIR, None)


def test_bundle_is_small() -> None:
    total = sum(feed.path.stat().st_size for feed in demo_feeds())
    assert total < 5 * 1024 * 1024


@pytest.mark.parametrize("feed_id", FEED_IDS)
def test_every_record_parses(feed_id: str) -> None:
    feed = loaded(feed_id)
    assert feed.metadata_prefix == "oai_dc" and feed.repository_name == demo_feed(feed_id).name
    untitled = 0
    for record, statements in zip(feed.records, values(feed_id), strict=True):
        assert OAI_ID.match(record.identifier), record.identifier
        assert record.identifier.startswith(f"oai:{feed_id}.example:")
        assert not record.deleted
        elements = {v.element for v in statements}
        untitled += "title" not in elements
        assert "identifier" in elements
        assert any(v.element in ("identifier", "relation") and v.value.startswith("http")
                   for v in statements)
    # Keio's collection has 180 manifests with an empty label (real data, kept as is).
    assert untitled == 0 or (feed_id == "keio" and untitled < len(feed.records) // 10)
    stamps = sorted(record.datestamp for record in feed.records)
    assert stamps[0] < stamps[-1], "datestamps vary so that from/until select something"


def test_record_counts() -> None:
    counts = {feed_id: len(loaded(feed_id).records) for feed_id in FEED_IDS}
    assert counts["tate"] >= 2000
    assert 950 <= counts["nijl"] <= 1100
    assert counts["ndl-edo"] == 758
    for feed_id in IIIF_IDS:
        assert 250 <= counts[feed_id] <= 330, feed_id


def test_provenance_names_every_feed_with_its_count() -> None:
    text = PROVENANCE_PATH.read_text(encoding="utf-8")
    for feed_id in FEED_IDS:
        assert f"`{feed_id}`" in text
        row = re.search(rf"^\| `{re.escape(feed_id)}` \| ([\d,]+) \|", text, re.MULTILINE)
        assert row is not None, feed_id
        assert int(row.group(1).replace(",", "")) == len(loaded(feed_id).records)
    for commit in ("a51d8afc988ed083557e2950f4d0b644e7719f4a",
                   "f7bc811bfc1bc893bbf6193f37e80f1b651c2904",
                   "3cdce58fd7d1dfee06a4d14236ec7680cce2e6b9"):
        assert commit in text


def test_tate_has_no_rights_and_includes_japan() -> None:
    assert texts("tate", "rights") == []
    titles = texts("tate", "title")
    assert any("Hokusai" in title for title in titles)
    assert any("Tokyo" in title for title in titles)
    assert "date not known" in texts("tate", "date")
    assert any(creator.endswith(" (artist)") for creator in texts("tate", "creator"))
    specs = {spec for record in loaded("tate").records for spec in record.set_specs}
    assert "painting" in specs
    assert dict(loaded("tate").sets)["on-paper-unique"] == "on paper, unique"


def test_nijl_keeps_readings_roles_eras_and_licences() -> None:
    assert any("北斎" in creator and creator.endswith("画") for creator in texts("nijl", "creator"))
    assert texts("nijl", "title", "ja-Hira") and texts("nijl", "title", "ja-Latn")
    hiragana = re.compile(r"[\u3040-\u309f\u30fc/・ 　]+")
    assert all(hiragana.fullmatch(t) for t in texts("nijl", "title", "ja-Hira"))
    rights = Counter(texts("nijl", "rights"))
    assert {"all-rights-reserved", "CC-BY-SA"} <= set(rights)
    assert set(rights) <= {"all-rights-reserved", "CC-BY-SA", "CC-BY-NC-SA", "CC-BY-ND", "CC-BY",
                           "CC-BY-NC-ND", "CC-BY-NC"}
    assert not any("|" in value for record in values("nijl") for value in
                   (v.value for v in record if v.element in ("date", "subject", "publisher")))
    assert any(re.search(r"(寛文|元禄|文化|天保|寛政)", date) for date in texts("nijl", "date"))
    assert all(lang == "ja" for lang in texts("nijl", "language"))
    assert any(i.startswith("https://doi.org/10.20730/") for i in texts("nijl", "identifier"))


def test_ndl_edo_keeps_kana_readings_and_rights_values() -> None:
    assert any(re.fullmatch(r"[\u30a0-\u30ff ]+", t) for t in texts("ndl-edo", "title", "ja-Kana"))
    assert any("(18" in date for date in texts("ndl-edo", "date"))
    rights = set(texts("ndl-edo", "rights"))
    assert {"著作権なし-契約による制限あり", "pdm", "PDM", "CC-BY"} <= rights
    assert any(i.startswith("https://ndlsearch.ndl.go.jp/books/")
               for i in texts("ndl-edo", "identifier"))


@pytest.mark.parametrize(("feed_id", "expected"), [
    ("kansai", {"https://creativecommons.org/publicdomain/mark/1.0/"}),
    ("chiba", {"http://rightsstatements.org/page/NoC-CR/1.0/",
               "http://rightsstatements.org/vocab/NoC-CR/1.0/",
               "http://rightsstatements.org/vocab/InC/1.0/"}),
    ("keio", {'<a href="http://dcollections.lib.keio.ac.jp/ja/about" target="_blank">'
              "http://dcollections.lib.keio.ac.jp/ja/about</a>"}),
    ("nakano", {"CC-BY", "以下URLを参照。https://archive.nakano-library.jp/horiekemonjo-howto/"}),
    ("ueda", {"https://museum.umic.jp/iiif/license.html"}),
    ("ninjal", {"https://creativecommons.org/licenses/by-nc/4.0/deed.ja"}),
    ("akita", set()),
])
def test_iiif_feeds_keep_licence_values_exactly(feed_id: str, expected: set[str]) -> None:
    assert set(texts(feed_id, "rights")) == expected
    assert set(texts(feed_id, "publisher")) == {demo_feed(feed_id).name}
    assert all(r.startswith("http") for r in texts(feed_id, "relation"))


def test_some_iiif_titles_mention_tokyo() -> None:
    tokyo = {feed_id: sum("東京" in t for t in texts(feed_id, "title")) for feed_id in IIIF_IDS}
    assert tokyo["keio"] >= 20 and tokyo["chiba"] >= 1 and tokyo["nakano"] >= 1
