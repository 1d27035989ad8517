"""Agents from name values: life dates, role words, NIJL names, readings, truncation.

Values are as found in the NDL Search (ndl-edo demo feed, nakamura196/ddc-tutorial2025),
NIJL 国書データベース (`d.chosha`, `d.kanshahoka`; nakamura196/iiif) and Tate data.
"""

from __future__ import annotations

import pytest

from tsunagu.mappings.agents import (
    AGENTS_TRUNCATED,
    attach_readings,
    classify_role,
    make_agent,
    read_agents,
    split_role,
)
from tsunagu.records import Agent, LangString

LATN = "ja-Latn"


@pytest.mark.parametrize(
    ("text", "role", "expected"),
    [
        ("夏目, 漱石, 1867-1916", "creator", Agent("夏目, 漱石", life_dates="1867-1916")),
        ("林, 述斎, 1768-1841", "creator", Agent("林, 述斎", life_dates="1768-1841")),
        ("柳亭, 種彦 1世, 1783-1842", "creator", Agent("柳亭, 種彦 1世", life_dates="1783-1842")),
        ("岳亭, 丘山, 江戸後期", "creator", Agent("岳亭, 丘山", life_dates="江戸後期")),
        ("歌川, 芳虎, 江戸末期-明治時代", "creator",
         Agent("歌川, 芳虎", life_dates="江戸末期-明治時代")),
        ("Smith, John, 1850-1920", "creator", Agent("Smith, John", life_dates="1850-1920")),
        ("Fleischer, Max, 1861-", "creator", Agent("Fleischer, Max", life_dates="1861-")),
        ("葛飾北斎 画", "creator", Agent("葛飾北斎", role_raw="画")),
        ("静軒居士∥[著]", "creator", Agent("静軒居士", role_raw="[著]")),
        ("木下幸文∥著", "creator", Agent("木下幸文", role_raw="著")),
        ("上田秋成 [著]", "creator", Agent("上田秋成", role_raw="[著]")),
        ("中島広足 写", "publisher", Agent("中島広足", "publisher", "写")),
        ("Robert Blake (artist)", "creator", Agent("Robert Blake", role_raw="artist")),
        ("葛飾/北斎（Katsushika Hokusai）  画", "creator",
         Agent("葛飾北斎", role_raw="画", alt_names=(LangString("Katsushika Hokusai", LATN),))),
        ("賀茂/真淵（Kamo Mabuchi）  詠  上巻", "creator",
         Agent("賀茂真淵", role_raw="詠 上巻", alt_names=(LangString("Kamo Mabuchi", LATN),))),
        ("加藤/宇万伎（Katou Umaki）  編  上巻", "creator",
         Agent("加藤宇万伎", "contributor", "編 上巻",
               alt_names=(LangString("Katou Umaki", LATN),))),
        ("河野/金重郎/通重（Kouno Kinjuurou Michishige）  編", "creator",
         Agent("河野金重郎 通重", "contributor", "編",
               alt_names=(LangString("Kouno Kinjuurou Michishige", LATN),))),
        ("成田/孝信(なりた/たかのぶ)", "contributor",
         Agent("成田孝信", "contributor", alt_names=(LangString("なりた たかのぶ", "ja-Hira"),))),
        ("林/甚右衛門〈京〉", "publisher", Agent("林甚右衛門", "publisher")),
        ("烈公 || 徳川斉昭", "creator", Agent("烈公", alt_names=(LangString("徳川斉昭"),))),
        ("山田画", "creator", Agent("山田画")),  # no separator: part of the name
    ],
)
def test_read_agents(text: str, role: str, expected: Agent) -> None:
    agents, warnings = read_agents(text, role)
    assert agents == (expected,)
    assert warnings == ()


def test_nijl_publisher_list_is_split() -> None:
    agents, _ = read_agents(
        "出雲寺/文治郎,風月/庄左衛門,吉田/四郎衛門(よしだ/しろえもん),梅村/三郎兵衛", "publisher")
    assert [a.name for a in agents] == [
        "出雲寺文治郎", "風月庄左衛門", "吉田四郎衛門", "梅村三郎兵衛"]
    assert agents[2].alt_names == (LangString("よしだ しろえもん", "ja-Hira"),)
    assert {a.role for a in agents} == {"publisher"}


@pytest.mark.parametrize(
    ("text", "name"),
    [("職仁/親王（Yorihito Shinnou） 等", "職仁親王"), ("塩屋弥七 [ほか]", "塩屋弥七"),
     ("永楽屋/東四郎〈名古屋〉ほか12件", "永楽屋東四郎"), ("Doe, J. et al.", "Doe, J."),
     ("夏目漱石 [他]", "夏目漱石")],
)
def test_truncated_lists_are_flagged(text: str, name: str) -> None:
    agents, warnings = read_agents(text, "creator")
    assert agents[0].name == name
    assert warnings == (AGENTS_TRUNCATED,)


@pytest.mark.parametrize(
    ("role_raw", "role", "expected"),
    [("著", "creator", "creator"), ("画", "contributor", "creator"), ("作", "creator", "creator"),
     ("撰", "creator", "creator"), ("詠", "creator", "creator"), ("筆", "creator", "creator"),
     ("編", "creator", "contributor"), ("校", "creator", "contributor"),
     ("補", "creator", "contributor"), ("訳", "creator", "contributor"),
     ("[著]", "contributor", "creator"), ("編 上巻", "creator", "contributor"),
     ("著者", "contributor", "creator"), ("写", "publisher", "publisher"),
     ("artist", "contributor", "creator"), ("after", "creator", "creator"),
     (None, "contributor", "contributor")],
)
def test_classify_role(role_raw: str | None, role: str, expected: str) -> None:
    assert classify_role(role_raw, role) == expected


def test_split_role_and_make_agent_keep_their_old_contract() -> None:
    assert split_role("葛飾北斎 画") == ("葛飾北斎", "画")
    assert split_role("Hokusai") == ("Hokusai", None)
    assert make_agent("葛飾北斎 画", "creator") == Agent("葛飾北斎", "creator", "画")
    assert make_agent("", "creator") == Agent("", "creator")


def test_readings_go_to_the_agents_they_read() -> None:
    # the ndl-edo demo feed: each dc:creator xml:lang="ja-Kana" reads a creator
    agents = (read_agents("中島, 広足, 1792-1864", "creator")[0]
              + read_agents("静軒居士∥[著]", "creator")[0]
              + read_agents("賀茂, 真淵, 1697-1769", "creator")[0])
    readings = ["カモ, マブチ, 1697-1769", "セイケンコジ", "ナカジマ, ヒロタリ, 1792-1864"]
    read = attach_readings(agents, readings)
    assert [a.alt_names for a in read] == [
        (LangString("ナカジマ, ヒロタリ", "ja-Kana"),),  # matched by life dates
        (LangString("セイケンコジ", "ja-Kana"),),  # the first agent left
        (LangString("カモ, マブチ", "ja-Kana"),),
    ]
    assert [a.name for a in read] == [a.name for a in agents]


def test_readings_with_other_forms_and_left_over() -> None:
    agents = read_agents("烈公 || 徳川斉昭", "creator")[0]
    read = attach_readings(agents, ["レッコウ || トクガワ，ナリアキ", "アマリ"], "ja-Kana")
    assert read[0].alt_names == (LangString("徳川斉昭"), LangString("レッコウ", "ja-Kana"),
                                 LangString("トクガワ，ナリアキ", "ja-Kana"))
    assert attach_readings((), ["アマリ"]) == ()
