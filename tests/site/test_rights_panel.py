"""The item page's "What may I do with this?" panel and the JSON twin agree with the model.

Records of every reuse level are normalized from real strings by the real
normalizer, stored in a real store and index, and fetched through the app.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape
from site_records import SOURCES, build_site_data
from starlette.testclient import TestClient

from tsunagu.credits import credit_lines
from tsunagu.mappings.rights import normalize_rights
from tsunagu.records import LangString, Record, ReuseLevel, RightsSet
from tsunagu.site import create_app
from tsunagu.site.urls import item_path
from tsunagu.uses import assess_uses

EN = {"accept-language": "en"}
# One real string per level (sources in tests/mappings/test_rights_table.py).
VALUES = {
    "open": "https://creativecommons.org/licenses/by/4.0/",
    "pd": "https://creativecommons.org/publicdomain/mark/1.0/",
    "conditional": "https://creativecommons.org/licenses/by-nc-nd/2.1/jp/",
    "fum": "「プリントアウト・コピー・無料配布」OK",
    "education": "http://rightsstatements.org/vocab/InC-EDU/1.0/",
    "no-reuse": "http://rightsstatements.org/vocab/InC/1.0/",
    "unknown": "https://museum.umic.jp/iiif/license.html",
    "custom": "非営利目的に限り利用可。商用利用は要申請。",
    "evil": 'CC BY 4.0 <script>alert("x")</script>',
}


def _record(key: str, value: str) -> Record:
    source = SOURCES[0]
    rights = normalize_rights([value])
    return Record(
        id=f"{source.id}:oai:panel:{key}", source_id=source.id, oai_identifier=f"oai:panel:{key}",
        datestamp="2024-05-01T00:00:00Z", title=LangString(f"試験資料 {key}", "ja"),
        sector=source.sector, provider=source.name,
        landing_url=f"https://tnm.example/collection/{key}",
        rights=RightsSet(content=rights, thumbnail=rights, metadata=normalize_rights(["cc0"])),
    )


RECORDS = {key: _record(key, value) for key, value in VALUES.items()}


@pytest.fixture(scope="module")
def panel_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = build_site_data(Path(tmp_path_factory.mktemp("panel")), list(RECORDS.values()))
    with TestClient(create_app(settings)) as client:
        yield client


def test_every_level_is_covered() -> None:
    levels = {record.rights.content.reuse for record in RECORDS.values()}
    assert levels == set(ReuseLevel)


@pytest.mark.parametrize("key", list(RECORDS))
def test_panel_rows_agree_with_assess_use(panel_client: TestClient, key: str) -> None:
    record = RECORDS[key]
    page = panel_client.get(item_path(record.id)).text
    rows = re.findall(r'<tr class="use-row" data-use="(\w+)" data-answer="(\w+)">', page)
    expected = [(a.use.value, a.answer.value) for a in assess_uses(record.rights.content)]
    assert rows == expected
    data = panel_client.get(item_path(record.id, json=True)).json()
    assert {use: v["answer"] for use, v in data["uses"].items()} == dict(expected)
    for answer in assess_uses(record.rights.content):
        assert data["uses"][answer.use.value]["reasons"] == list(answer.reasons)
        assert data["uses"][answer.use.value]["conditions"] == list(answer.conditions)


@pytest.mark.parametrize("key", list(RECORDS))
def test_credit_lines_in_both_languages(panel_client: TestClient, key: str) -> None:
    record = RECORDS[key]
    credit = credit_lines(record)
    page = panel_client.get(item_path(record.id), headers=EN).text
    assert f'readonly>{escape(credit.ja)}</textarea>' in page
    assert f'readonly>{escape(credit.en)}</textarea>' in page
    assert panel_client.get(item_path(record.id, json=True)).json()["credit"] == {
        "ja": credit.ja, "en": credit.en}


def test_panel_words_in_japanese_and_english(panel_client: TestClient) -> None:
    record = RECORDS["conditional"]
    page = panel_client.get(item_path(record.id)).text
    assert "この資料でできること" in page and "授業のプリントに使う" in page
    assert "条件付きでできます" in page and "改変しない" in page and "できません" in page
    english = panel_client.get(item_path(record.id), headers=EN).text
    assert "What may I do with this?" in english and "Use it commercially" in english
    assert "Yes, with conditions" in english and "The terms do not allow changes." in english


def test_needs_check_badge_links_to_the_landing_page(panel_client: TestClient) -> None:
    unknown = RECORDS["unknown"]
    page = panel_client.get(item_path(unknown.id)).text
    assert (f'<a class="badge needs-check-badge" href="{unknown.landing_url}" '
            'rel="noopener external">要確認</a>') in page
    assert "needs-check-badge" not in panel_client.get(item_path(RECORDS["open"].id)).text


def test_art35_is_explained_for_class_uses(panel_client: TestClient) -> None:
    page = panel_client.get(item_path(RECORDS["no-reuse"].id)).text
    assert page.count("著作権法第35条") == 2  # handout and website rows
    assert "著作権法第35条" not in panel_client.get(item_path(RECORDS["open"].id)).text


def test_raw_statement_provenance_and_metadata_licence(panel_client: TestClient) -> None:
    page = panel_client.get(item_path(RECORDS["evil"].id)).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page  # raw, escaped
    assert "資料情報に記載の条件" in page  # origin: item
    assert "CC0-1.0" in page  # the metadata licence, separately


def test_copy_buttons_use_a_static_script(panel_client: TestClient) -> None:
    page = panel_client.get(item_path(RECORDS["open"].id)).text
    assert '<script src="/static/copy.js" defer></script>' in page
    assert re.search(r"<script>(?!</script>)", page) is None  # no inline script
    script = panel_client.get("/static/copy.js")
    assert script.status_code == 200 and "data-copy" in script.text


def test_record_without_rights_asks_the_institution(panel_client: TestClient) -> None:
    bare = dataclasses.replace(RECORDS["open"], rights=RightsSet())
    assert {a.answer.value for a in assess_uses(bare.rights.content)} == {"ask_institution"}


#: search filter value → the intended use whose panel answer it must follow.
FILTER_USES = {"commercial": "commercial_publication", "modify": "modified_work",
               "education": "class_handout", "online": "class_website"}


@pytest.mark.parametrize("flag", sorted(FILTER_USES))
def test_permitted_use_filters_agree_with_the_panel(panel_client: TestClient, flag: str) -> None:
    """A record is found by a "permitted use" filter exactly when its item page answers
    yes or "with conditions" for that use."""
    found: set[str] = set()
    page = 1
    while True:
        data = panel_client.get("/search.json", params={"use": flag, "page": page}).json()
        found |= {hit["id"] for hit in data["results"]}
        assert all(flag in hit["rights"]["uses"] for hit in data["results"])
        if page >= data["pages"]:
            break
        page += 1
    expected = set()
    for record in RECORDS.values():
        uses = panel_client.get(item_path(record.id, json=True)).json()["uses"]
        if uses[FILTER_USES[flag]]["answer"] in ("yes", "with_conditions"):
            expected.add(record.id)
    assert found == expected
    assert expected and expected != set(r.id for r in RECORDS.values())
