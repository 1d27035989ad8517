"""The search page's new parameters end to end: facets, years, exact, sort, cursor.

Runs the real app over a real store and index (the shared site records plus a
few with prefectures, periods and readings); checks valid requests and the 400s.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qsl, urlsplit

import pytest
from site_records import GREAT_WAVE, SOURCES, build_site_data, make_records
from starlette.testclient import TestClient

from tsunagu.config import Settings
from tsunagu.records import DateValue, LangString, Permission, ReuseLevel, Rights, RightsSet

EN = {"Accept-Language": "en"}


@pytest.fixture(scope="module")
def site_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    records = make_records()
    great_wave = next(r for r in records if r.id == GREAT_WAVE)
    records = [r for r in records if r.id != GREAT_WAVE]
    records.append(dataclasses.replace(
        great_wave, prefectures=("東京都",), periods=("edo",),
        rights=dataclasses.replace(great_wave.rights, content=dataclasses.replace(
            great_wave.rights.content, commercial=Permission.YES, modify=Permission.YES,
            public_domain=True)),
    ))
    tnm = SOURCES[0]
    records.append(dataclasses.replace(
        great_wave, id="tnm:oai:tnm.example:C0099", oai_identifier="oai:tnm.example:C0099",
        title=LangString("國華 第一號", "ja"), title_alt=(LangString("こっか", "ja-Hira"),),
        agents=(), subjects=(), description=(), prefectures=("京都府",), periods=("meiji",),
        dates=(DateValue("明治22年", 1889, 1889),), thumbnail_url=None, media=(),
        rights=RightsSet(content=Rights("RS-InC", reuse=ReuseLevel.NO_REUSE)),
        provider=tnm.name,
    ))
    return build_site_data(tmp_path_factory.mktemp("params"), records)


def get(client: TestClient, query: str) -> dict:  # type: ignore[type-arg]
    response = client.get(f"/search.json?{query}", headers=EN)
    assert response.status_code == 200, response.text
    data: dict = response.json()  # type: ignore[type-arg]
    return data


def test_json_has_the_new_facets_and_keys(client: TestClient) -> None:
    data = get(client, "q=北斎")
    for key in ("total", "page", "page_size", "pages", "query", "results", "facets"):
        assert key in data  # the keys of before are kept
    for key in ("sort", "next_cursor", "did_you_mean", "next_url"):
        assert key in data
    assert {"prefecture", "period", "use", "image", "language", "licence"} <= set(data["facets"])
    great = next(r for r in data["results"] if r["id"] == GREAT_WAVE)
    assert great["snippet"]["text"] and great["snippet"]["highlights"]
    start, end = great["snippet"]["highlights"][0]
    assert great["snippet"]["text"][start:end] == "北斎"


def test_facet_values_are_labelled_in_the_language(client: TestClient) -> None:
    facets = get(client, "")["facets"]
    assert {v["value"]: v["label"] for v in facets["period"]} == {
        "edo": "Edo period", "meiji": "Meiji era"}
    assert {v["value"] for v in facets["prefecture"]} == {"東京都", "京都府"}
    use = {v["value"]: v["label"] for v in facets["use"]}
    assert use["commercial"] == "Commercial use allowed"
    assert {v["value"]: v["label"] for v in facets["language"]}["ja"] == "Japanese"
    ja = client.get("/search.json").json()["facets"]
    assert {v["value"]: v["label"] for v in ja["period"]}["edo"] == "江戸時代"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("prefecture=京都府", {"tnm:oai:tnm.example:C0099"}),
        ("period=edo&use=commercial", {GREAT_WAVE}),
        ("image=no&licence=RS-InC&q=國華", {"tnm:oai:tnm.example:C0099"}),
        ("q=国華", {"tnm:oai:tnm.example:C0099"}),  # old kanji folded
        ("q=国華&exact=1", set()),
        ("q=國華&exact=1", {"tnm:oai:tnm.example:C0099"}),
        ("q=こっか", {"tnm:oai:tnm.example:C0099"}),  # the reading
        ("q=kokka", {"tnm:oai:tnm.example:C0099"}),  # its romaji
        ("from=1880&to=1890&provider=tnm", {"tnm:oai:tnm.example:C0099"}),
        ("from=1831&to=1831&q=北斎", {GREAT_WAVE}),
        ("to=1400", {"kyoto:oai:kyoto.example:K0001"}),  # 建武元年 = 1334
    ],
)
def test_filters_and_toggles_narrow_the_results(
    client: TestClient, query: str, expected: set[str]
) -> None:
    data = get(client, query)
    assert {r["id"] for r in data["results"]} == expected
    assert data["total"] == len(expected)


def test_sort_orders_and_echoes(client: TestClient) -> None:
    oldest = get(client, "q=浮世絵&sort=date")
    years = [r["date"] for r in oldest["results"]]
    assert oldest["sort"] == "date" and oldest["query"]["sort"] == "date"
    assert years[0] == "天保2年頃"  # 1831, before the Meiji prints
    newest = get(client, "q=浮世絵&sort=date_desc")
    assert newest["results"][0]["id"] != oldest["results"][0]["id"]
    reusable = get(client, "sort=reuse")
    assert reusable["results"][0]["rights"]["reuse"] == "open"


def test_the_cursor_walks_the_whole_list(client: TestClient) -> None:
    seen: list[str] = []
    data = get(client, "q=浮世絵&sort=title")
    total = data["total"]
    while True:
        seen.extend(r["id"] for r in data["results"])
        if not data["next_cursor"]:
            break
        url = urlsplit(data["next_url"])
        assert dict(parse_qsl(url.query))["cursor"] == data["next_cursor"]
        data = get(client, url.query)
    assert len(seen) == len(set(seen)) == total > 5  # more than one page of 5


def test_did_you_mean(client: TestClient) -> None:
    data = get(client, "q=Hokusi")
    assert data["total"] == 0 and data["did_you_mean"] == "hokusai"
    page = client.get("/search?q=Hokusi", headers=EN).text
    assert "Did you mean:" in page and "/search?q=hokusai" in page


def test_the_page_shows_the_options_and_snippets(client: TestClient) -> None:
    page = client.get("/search?q=北斎&from=1800&to=1900&sort=date&exact=1", headers=EN).text
    assert 'name="from"' in page and 'value="1800"' in page and 'value="1900"' in page
    assert '<option value="date" selected>Oldest first</option>' in page
    assert 'id="exact" name="exact" type="checkbox" value="1" checked' in page
    assert "Years: 1800–1900" in page  # the chip that removes the range
    plain = client.get("/search?q=北斎", headers=EN).text
    assert "<mark>北斎</mark>" in plain


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("prefecture=火星", "“火星” is not a valid value for “prefecture”"),
        ("period=future", "“future” is not a valid value for “period”"),
        ("use=anything", "“anything” is not a valid value for “use”"),
        ("image=maybe", "“maybe” is not a valid value for “image”"),
        ("licence=WTFPL", "“WTFPL” is not a valid value for “licence”"),
        ("from=abc", "“abc” is not a year for “from”"),
        ("to=1.5", "“1.5” is not a year for “to”"),
        ("from=99999", "is not a year for “from”"),
        ("from=1900&to=1800", "“from” (1900) is after “to” (1800)"),
        ("from=1&from=2", "The parameter “from” may be given only once."),
        ("exact=yes", "“yes” is not a valid value for “exact”"),
        ("sort=random", "“random” is not a valid value for “sort”. Valid values: relevance"),
        ("sort=date&sort=title", "The parameter “sort” may be given only once."),
        ("cursor=abc&page=2", "Give either “page” or “cursor”, not both."),
        ("cursor=not-a-cursor", "The cursor is not valid for this search"),
        ("q=北斎&cursor=WyJ0aXRsZSIsICJBQUEiXQ", "The cursor is not valid for this search"),
    ],
)
def test_bad_new_parameters_are_400(client: TestClient, query: str, message: str) -> None:
    response = client.get(f"/search.json?{query}", headers=EN)
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]
    html = client.get(f"/search?{query}", headers=EN)
    assert html.status_code == 400 and message in html.text
