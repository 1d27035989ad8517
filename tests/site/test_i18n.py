"""The bilingual interface: catalogs, language negotiation, the language switch."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from site_records import GREAT_WAVE
from starlette.testclient import TestClient

from tsunagu.site.i18n import LANGUAGE_COOKIE, SUPPORTED_LANGUAGES, Catalogs, parse_accept_language
from tsunagu.site.urls import item_path

SITE_DIR = Path(__file__).resolve().parents[2] / "tsunagu" / "site"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalog(lang: str) -> dict[str, str]:
    path = SITE_DIR / "locale" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=lang) if m.id}


def _extracted() -> set[str]:
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    return {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(str(SITE_DIR), method_map)
    }


def test_every_message_has_a_japanese_translation() -> None:
    ja = _catalog("ja")
    used = _extracted()
    assert len(used) > 100
    missing = sorted(message for message in used if not ja.get(message))
    assert missing == [], "run pybabel extract/update (see tsunagu/site/babel.cfg)"
    stale = sorted(set(ja) - used)
    assert stale == []


def test_catalogs_have_the_same_messages_and_placeholders() -> None:
    ja, en = _catalog("ja"), _catalog("en")
    assert set(ja) == set(en)
    for message, translation in ja.items():
        assert sorted(PLACEHOLDER.findall(message)) == sorted(PLACEHOLDER.findall(translation)), (
            message
        )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", []),
        ("en", ["en"]),
        ("en-GB,en;q=0.9,ja;q=0.8", ["en", "ja"]),
        ("ja;q=0.5, en-US;q=0.9", ["en", "ja"]),
        ("fr, de;q=0.9, ja;q=0.1", ["fr", "de", "ja"]),
        ("en;q=0, ja", ["ja"]),
        ("*", []),
        ("en;q=abc, ja", ["ja"]),
        ("<script>, ja", ["ja"]),
    ],
)
def test_accept_language_parsing(header: str, expected: list[str]) -> None:
    assert parse_accept_language(header) == expected


def test_negotiation_order() -> None:
    catalogs = Catalogs("ja")
    assert catalogs.negotiate(None, None) == "ja"
    assert catalogs.negotiate(None, "fr, en;q=0.5") == "en"
    assert catalogs.negotiate(None, "fr") == "ja"
    assert catalogs.negotiate("ja", "en") == "ja"  # the switch beats the header
    assert catalogs.negotiate("xx", "en") == "en"  # a bad cookie is ignored
    assert Catalogs("en").negotiate(None, None) == "en"
    with pytest.raises(ValueError):
        Catalogs("fr")
    assert SUPPORTED_LANGUAGES == ("ja", "en")


def test_japanese_is_the_default(client: TestClient) -> None:
    page = client.get("/").text
    assert '<html lang="ja">' in page
    assert "本文へスキップ" in page
    assert "資料を検索" in page
    assert 'href="/lang?to=en&amp;next=%2F"' in page


def test_accept_language_picks_english(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).text
    assert '<html lang="en">' in page
    assert "Skip to main content" in page
    assert "Tokyo National Museum" in page  # the English source name
    assert 'href="/lang?to=ja&amp;next=%2F"' in page


def test_language_switch_sets_a_cookie_and_returns(client: TestClient) -> None:
    response = client.get(
        "/lang", params={"to": "en", "next": "/search?q=北斎&sector=museum"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/search?q=%E5%8C%97%E6%96%8E&sector=museum"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{LANGUAGE_COOKIE}=en;")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    # the cookie beats Accept-Language from now on
    page = client.get("/search?q=北斎", headers={"Accept-Language": "ja"}).text
    assert '<html lang="en">' in page
    assert "Refine" in page and "Kind of institution" in page
    back = client.get("/lang?to=ja&next=/", follow_redirects=False)
    assert back.headers["set-cookie"].startswith(f"{LANGUAGE_COOKIE}=ja;")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/search\r\nSet-Cookie: x=1",
        "http:/evil.example",
        "",
    ],
)
def test_no_open_redirect(client: TestClient, target: str) -> None:
    response = client.get("/lang", params={"to": "en", "next": target}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_language_switch_refuses_bad_input(client: TestClient) -> None:
    response = client.get("/lang?to=fr&next=/")
    assert response.status_code == 400
    assert "「fr」は対応していない言語です" in response.text
    response = client.get("/lang?to=en&next=/&evil=1", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "Unknown parameter “evil”" in response.text
    assert LANGUAGE_COOKIE not in response.headers.get("set-cookie", "")


def test_switch_link_returns_to_the_same_item(client: TestClient) -> None:
    page = client.get(item_path(GREAT_WAVE)).text
    match = re.search(r'href="(/lang\?to=en[^"]*)"', page)
    assert match is not None
    link = match.group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query)["next"] == [item_path(GREAT_WAVE)]
    page = client.get(link).text  # follows the redirect
    assert '<html lang="en">' in page
    assert "Can I use it?" in page


def test_facet_and_rights_labels_in_both_languages(client: TestClient) -> None:
    ja = client.get("/search.json?reuse=open").json()
    en = client.get("/search.json?reuse=open", headers={"Accept-Language": "en"}).json()
    ja_labels = {v["value"]: v["label"] for v in ja["facets"]["sector"]}
    en_labels = {v["value"]: v["label"] for v in en["facets"]["sector"]}
    assert ja_labels["museum"] == "博物館・美術館" and en_labels["museum"] == "Museum"
    assert ja["facets"]["reuse"][0]["label"] == "自由に利用できます"
    assert en["facets"]["reuse"][0]["label"] == "Free to re-use"
    ja_providers = {v["value"]: v["label"] for v in ja["facets"]["provider"]}
    en_providers = {v["value"]: v["label"] for v in en["facets"]["provider"]}
    assert ja_providers["tnm"] == "東京国立博物館"
    assert en_providers["tnm"] == "Tokyo National Museum"


@pytest.mark.parametrize(
    ("level", "ja", "en"),
    [
        ("open", "自由に利用できます", "Free to re-use"),
        ("conditional", "条件付きで利用可", "Re-use with conditions"),
        ("education", "教育目的のみ", "Educational use only"),
        ("no-reuse", "利用には許諾が必要", "Permission required"),
        ("unknown", "利用条件不明", "Re-use conditions unknown — check with the institution"),
    ],
)
def test_reuse_levels_in_words(client: TestClient, level: str, ja: str, en: str) -> None:
    ja_page = client.get(f"/search?reuse={level}").text
    en_page = client.get(f"/search?reuse={level}", headers={"Accept-Language": "en"}).text
    assert f'<span class="badge reuse-{level}">{ja}</span>' in ja_page
    assert f'<span class="badge reuse-{level}">{en}</span>' in en_page


def test_error_messages_follow_the_language(client: TestClient) -> None:
    ja = client.get("/search.json?sector=zoo")
    en = client.get("/search.json?sector=zoo", headers={"Accept-Language": "en"})
    assert ja.json() == {"error": ja.json()["error"]}
    assert ja.json()["error"].startswith("「zoo」は「sector」に指定できない値です。")
    assert en.json()["error"].startswith("“zoo” is not a valid value for “sector”.")
    assert client.get("/nope").text.count("このアドレスのページはありません。") == 1
    english = client.get("/nope", headers={"Accept-Language": "en"}).text
    assert "There is no page at this address." in english
