"""Prefectures in place strings and addresses (文化庁 所在地 values), coordinates."""

from __future__ import annotations

import pytest

from tsunagu.mappings.places import (
    PREFECTURE_NAMES,
    derive_prefectures,
    find_prefectures,
    make_coordinates,
    parse_coordinates,
)


@pytest.mark.parametrize(
    ("text", "found"),
    [  # 所在地 of 登録有形文化財 (shinyaoguri/touroku-bunkazai @ c1182c3)
        ("京都府京都市東山区松原通大和大路東入二丁目轆轤町100", ("京都府",)),
        ("東京都江東区越中島2-1-6", ("東京都",)),
        ("北海道標津郡中標津町丸山4-3-1", ("北海道",)),
        ("大阪府和泉市幸2-11-30", ("大阪府",)),
        ("鹿児島県", ("鹿児島県",)),
        ("神奈川県", ("神奈川県",)),
        ("栃木県日光市足尾町字片向・群馬県みどり市東町沢入字峠向", ("栃木県", "群馬県")),
        ("山梨県北杜市白州町／長野県諏訪郡富士見町落合", ("山梨県", "長野県")),
        ("2県以上", ()),
        # place paths and names without 都/府/県
        ("日本 > 東京都", ("東京都",)),
        ("日本 > 京都", ("京都府",)),
        ("東京", ("東京都",)),
        ("京都市左京区", ("京都府",)),
        ("静岡市", ("静岡県",)),
        ("横浜市中区", ("神奈川県",)),
        ("Kyoto", ("京都府",)),
        ("Tokyo, Japan", ("東京都",)),
        ("Hyōgo Prefecture", ("兵庫県",)),
        ("ＯＳＡＫＡ", ("大阪府",)),
        # a name inside a longer word is not a place
        ("秋田屋", ()),
        ("千葉大学附属図書館", ()),
        ("Kyotoite", ()),
        ("", ()),
    ],
)
def test_find_prefectures(text: str, found: tuple[str, ...]) -> None:
    assert find_prefectures(text) == found


def test_every_prefecture_with_and_without_suffix() -> None:
    assert len(PREFECTURE_NAMES) == 47
    for name in PREFECTURE_NAMES:
        assert find_prefectures(f"{name}某市1-1") == (name,)
        short = name if name == "北海道" else name[:-1]
        assert find_prefectures(f"日本 > {short}") == (name,)


def test_derive_prefectures_dedupes() -> None:
    assert derive_prefectures(["東京都千代田区", "東京", "大阪"]) == ("東京都", "大阪府")


@pytest.mark.parametrize(
    ("text", "point"),
    [("35.68,139.76", (35.68, 139.76)), ("35.68, 139.76", (35.68, 139.76)),
     ("-33.9 151.2", (-33.9, 151.2)), ("POINT(139.76 35.68)", (35.68, 139.76)),
     ("３５．６８，１３９．７６", (35.68, 139.76)), ("91,10", None), ("10,181", None),
     ("0,0", None), ("東京", None), ("", None), ("35.68", None)],
)
def test_parse_coordinates(text: str, point: tuple[float, float] | None) -> None:
    assert parse_coordinates(text) == point


def test_make_coordinates_from_separate_values() -> None:
    # 緯度/経度 of 文化庁 records are strings with trailing zeros
    assert make_coordinates("35.69739000000000", "139.70000000000000") == (35.69739, 139.7)
    assert make_coordinates(35.0, 135.0) == (35.0, 135.0)
    assert make_coordinates("", "") is None
    assert make_coordinates(None, "135") is None
    assert make_coordinates("nan", "135") is None
    assert make_coordinates("北緯35", "135") is None
