"""Descriptions: HTML made readable, placeholders and repeats dropped, languages kept."""

from __future__ import annotations

from tsunagu.mappings.descriptions import read_descriptions
from tsunagu.mappings.identifiers import is_image_url
from tsunagu.records import LangString


def test_html_placeholders_and_repeats() -> None:
    result = read_descriptions([
        ("<p>Woodblock print.</p><p>Ink &amp; colour.</p>", "en"),
        ("Woodblock print.\n\nInk & colour.", None), ("-", None), ("", None),
        ("江戸時代の版本。", None),
    ], "ja")
    assert result[0] == LangString("Woodblock print.\n\nInk & colour.", "en")
    assert [d.value for d in result] == ["Woodblock print.\n\nInk & colour.", "江戸時代の版本。"]
    assert result[1].lang == "ja"


def test_skip_drops_more() -> None:
    result = read_descriptions([("https://example.org/a.jpg", None), ("A map.", "en")], None,
                               skip=is_image_url)
    assert [d.value for d in result] == ["A map."]
