"""Quality tiers A–D: the rules, the feed tier and the hints."""

from __future__ import annotations

import dataclasses

from tsunagu.mappings import normalize_rights, parse_date
from tsunagu.mappings.quality import assess_quality, record_tier, unmet_requirements
from tsunagu.records import (
    Agent,
    LangString,
    ObjectType,
    Record,
    RightsSet,
    Sector,
)

BARE = Record(id="s:1", source_id="s", oai_identifier="1", datestamp="2026-01-01",
              title=LangString("1"), sector=Sector.MUSEUM, provider="p",
              warnings=("no_title", "no_landing_url", "no_rights"))
C = dataclasses.replace(BARE, title=LangString("茶碗"), landing_url="https://m.example.jp/1",
                        warnings=("no_rights",))
CC0 = normalize_rights(["https://creativecommons.org/publicdomain/zero/1.0/"])
B = dataclasses.replace(C, rights=RightsSet(content=normalize_rights(["CC BY"])),
                        dates=(parse_date("文化14年"),), agents=(Agent("楽長次郎"),),
                        warnings=())
A = dataclasses.replace(B, rights=RightsSet(content=CC0), thumbnail_url="https://m/1.jpg",
                        object_type=ObjectType.PHYSICAL_OBJECT,
                        description=(LangString("黒楽茶碗"),))


def test_record_tiers() -> None:
    assert [record_tier(r) for r in (BARE, C, B, A)] == ["D", "C", "B", "A"]
    assert unmet_requirements(A) == ()
    # "CC BY" without a version is readable but has no URI: not A.
    assert [r.code for r in unmet_requirements(B)] == [
        "image", "rights_uri", "object_type", "description"]


def test_feed_tier_needs_most_records_and_hints_say_what_to_do() -> None:
    report = assess_quality([A] * 8 + [C] * 2)
    assert report.tier == "A"  # 8 of 10 reach A: exactly the share needed
    assert report.tiers == {"D": 0, "C": 2, "B": 0, "A": 8}
    assert report.records == 10 and report.completeness["image"] == 0.8
    report = assess_quality([A] * 7 + [C] * 3)
    assert report.tier == "C" and report.next_tier == "B"
    codes = {hint.code: hint for hint in report.hints}
    assert codes["rights_known"].missing == 3 and codes["rights_known"].tier == "B"
    assert "利用条件" in codes["rights_known"].ja and "re-use" in codes["rights_known"].en
    assert report.top_warnings == (("no_rights", 3),)
    empty = assess_quality([])
    assert empty.tier == "D" and empty.records == 0 and empty.hints == ()
