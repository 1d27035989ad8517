"""A source's name in the interface language (shared by the site and the CLI)."""

from __future__ import annotations

from tsunagu.store.source_names import display_name


def test_english_shows_the_english_name_when_there_is_one() -> None:
    assert display_name("関西大学", "Kansai University", "en") == "Kansai University"
    assert display_name("関西大学", None, "en") == "関西大学"
    assert display_name("関西大学", "", "en") == "関西大学"


def test_japanese_always_shows_the_japanese_name() -> None:
    assert display_name("関西大学", "Kansai University", "ja") == "関西大学"
    assert display_name("関西大学", None, "ja") == "関西大学"
