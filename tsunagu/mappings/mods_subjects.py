"""What a MODS record is about: ``mods:subject`` and the places of ``originInfo`` (§3.3).

* subjects — ``subject/(topic, name, titleInfo, genre, occupation, temporal)``;
  a ``temporal`` that is only a date ("1967-2011") is a coverage date instead.
* places — ``subject/geographic``, ``subject/hierarchicalGeographic`` (its parts
  joined specific to general) and ``originInfo/place/placeTerm`` (not codes).
* coordinates — the first valid ``subject/cartographics/coordinates`` "lat, lon".

Used by :mod:`tsunagu.mappings.mods`.
"""

from __future__ import annotations

import re

from lxml import etree

from tsunagu.mappings.elements import children, first_text, local_name, text_of
from tsunagu.mappings.text import clean_text, dedupe_values, is_placeholder
from tsunagu.mappings.titles import strip_isbd

#: hierarchicalGeographic parts, specific to general.
PLACE_RANK = ("extraTerrestrialArea", "area", "citySection", "city", "island", "county",
              "region", "territory", "province", "state", "country", "continent")
_COORDINATES = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_DATE_ONLY = re.compile(
    r"^[\[(]?(?:c\.|ca\.|circa)?\s*\d{3,4}s?(?:\s*[-–/]\s*\d{2,4}s?)?[\])]?\??$")


def read_dated_temporals(root: etree._Element) -> list[str]:
    """The ``subject/temporal`` values that are only a date or a range of years."""
    return [t for t in _subject_texts(root, "temporal") if _DATE_ONLY.match(t)]


def read_subjects(root: etree._Element, dated: list[str]) -> tuple[str, ...]:
    """Topics, names, titles, genres, occupations and non-date temporals, in order."""
    texts = _subject_texts(root, "topic", "name", "titleInfo", "genre", "occupation", "temporal")
    return dedupe_values(t for t in texts if t not in dated)


def read_places(root: etree._Element) -> tuple[str, ...]:
    places: list[str] = []
    for subject in children(root, "subject"):
        for child in children(subject, "geographic", "hierarchicalGeographic"):
            if local_name(child) == "geographic":
                places.append(clean_text(text_of(child)))
                continue
            parts = {local_name(p): clean_text(text_of(p)) for p in children(child)}
            places.append(", ".join(parts[k] for k in PLACE_RANK if parts.get(k)))
    for info in children(root, "originInfo"):
        for place in children(info, "place"):
            places.extend(strip_isbd(clean_text(text_of(term)))
                          for term in children(place, "placeTerm") if term.get("type") != "code")
    return dedupe_values(places)


def read_coordinates(root: etree._Element) -> tuple[float, float] | None:
    for subject in children(root, "subject"):
        for carto in children(subject, "cartographics"):
            for element in children(carto, "coordinates"):
                match = _COORDINATES.match(text_of(element))
                if match:
                    lat, lon = float(match.group(1)), float(match.group(2))
                    if -90 <= lat <= 90 and -180 <= lon <= 180:
                        return lat, lon
    return None


def _subject_texts(root: etree._Element, *names: str) -> list[str]:
    values: list[str] = []
    for subject in children(root, "subject"):
        for child in children(subject, *names):
            if local_name(child) == "name":
                text = ", ".join(clean_text(text_of(p)) for p in children(child, "namePart"))
            elif local_name(child) == "titleInfo":
                text = " ".join(t for t in (first_text(child, "nonSort"),
                                            first_text(child, "title")) if t)
            else:
                text = clean_text(text_of(child))
            if text and not is_placeholder(text):
                values.append(text)
    return values
