"""The collections pages in-process: sign-up, building a collection, who may see and change
it, share links, exports, credits, print and embed views."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from collection_site import (
    HIROSHIGE,
    IN_COPYRIGHT,
    NO_RIGHTS,
    OTHER_TEACHER,
    PASSWORD,
    PRINTS,
    TEACHER,
    approve,
    build_collection_site,
    csrf_of,
    log_in,
)
from site_records import GREAT_WAVE, TATE
from starlette.testclient import TestClient

from tsunagu.config import Settings
from tsunagu.site import create_app
from tsunagu.store import Store


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return build_collection_site(tmp_path_factory.mktemp("collections"))


def _client(settings: Settings) -> TestClient:
    client = TestClient(create_app(settings))
    client.cookies.set("tsunagu_lang", "en")
    return client


@pytest.fixture
def teacher(settings: Settings) -> Iterator[tuple[TestClient, str]]:
    with _client(settings) as client:
        yield client, log_in(client, TEACHER)


@pytest.fixture
def other(settings: Settings) -> Iterator[tuple[TestClient, str]]:
    with _client(settings) as client:
        yield client, log_in(client, OTHER_TEACHER)


@pytest.fixture
def anonymous(settings: Settings) -> Iterator[TestClient]:
    with _client(settings) as client:
        yield client


def _create(client: TestClient, token: str, *, visibility: str = "private",
            use: str = "class_website", records: tuple[str, ...] = ()) -> str:
    response = client.post("/collections", data={
        "csrf_token": token, "title": "Waves and roads", "description": "Year 8 art",
        "intended_use": use, "language": "en", "visibility": visibility},
        follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.fullmatch(r"/collections/\d+", location)
    for record_id in records:
        added = client.post(location + "/items", data={"csrf_token": token,
                                                       "record_id": record_id},
                            follow_redirects=False)
        assert added.status_code == 303
    return location


def _entry_ids(client: TestClient, location: str) -> list[int]:
    return [entry["id"] for entry in client.get(location + ".json").json()["entries"]]


def test_sign_up_is_pending_until_an_administrator_approves(
        settings: Settings, anonymous: TestClient) -> None:
    page = anonymous.get("/educators/signup")
    assert page.status_code == 200
    assert "pending until an administrator approves it" in page.text
    email = "new.teacher@school.example.jp"
    done = anonymous.post("/educators/signup", data={
        "csrf_token": csrf_of(anonymous, "/educators/signup"), "email": email,
        "password": PASSWORD})
    assert done.status_code == 200 and "waits for an administrator" in done.text
    short = anonymous.post("/educators/signup", data={
        "csrf_token": csrf_of(anonymous, "/educators/signup"), "email": "x@school.example.jp",
        "password": "short"})
    assert short.status_code == 400 and "form-error" in short.text
    refused = anonymous.post("/login", data={"email": email, "password": PASSWORD,
                                             "csrf_token": csrf_of(anonymous, "/login")},
                             follow_redirects=False)
    assert refused.status_code != 303  # pending: no session
    approve(settings, email)
    log_in(anonymous, email)
    assert anonymous.get("/collections").status_code == 200


def test_build_a_collection_and_see_the_answers(teacher: tuple[TestClient, str]) -> None:
    client, token = teacher
    location = _create(client, token, records=(GREAT_WAVE, HIROSHIGE, IN_COPYRIGHT))
    page = client.get(location)
    assert page.status_code == 200
    assert "2 of 3 items usable for this use (Class website)." in page.text
    assert "Need permission: 1" in page.text
    assert "It is in copyright: the rights holder&#39;s permission is needed." in page.text
    assert f'href="{location}/swap"' not in page.text and "Find usable alternatives" in page.text
    data = client.get(location + ".json").json()
    assert data["summary"] == {"items": 3, "usable": 2, "yes": 2, "with_conditions": 0,
                               "no": 0, "ask_institution": 1, "unavailable": 0}
    assert [e["state"] for e in data["entries"]] == ["yes", "yes", "ask_institution"]
    assert data["entries"][2]["use"]["notes"] == ["art35"]
    # changing the intended use changes the answers at once
    client.post(location, data={"csrf_token": token, "title": "Waves and roads",
                                "intended_use": "commercial_publication", "language": "en",
                                "visibility": "private"})
    assert client.get(location + ".json").json()["intended_use"] == "commercial_publication"
    # the collection is listed under "my collections"
    mine = client.get("/collections.json").json()["collections"]
    assert any(c["url"] == location and c["items"] == 3 for c in mine)


def test_reorder_with_buttons_and_with_the_whole_order(teacher: tuple[TestClient, str]
                                                       ) -> None:
    client, token = teacher
    location = _create(client, token, records=(GREAT_WAVE, HIROSHIGE, IN_COPYRIGHT))
    a, b, c = _entry_ids(client, location)
    moved = client.post(f"{location}/entries/{c}/move",
                        data={"csrf_token": token, "direction": "up"}, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].endswith(f"#entry-{c}")
    assert _entry_ids(client, location) == [a, c, b]
    client.post(f"{location}/entries/{a}/move", data={"csrf_token": token, "position": "3"})
    assert _entry_ids(client, location) == [c, b, a]
    # drag and drop posts the whole order as JSON with the X-CSRF-Token header
    response = client.post(location + "/order", json={"order": [a, b, c]},
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 200 and response.json() == {"order": [a, b, c]}
    assert client.post(location + "/order", json={"order": [a, b]},
                       headers={"X-CSRF-Token": token}).status_code == 400
    without_token = client.post(location + "/order", json={"order": [c, b, a]})
    assert without_token.status_code == 403
    assert _entry_ids(client, location) == [a, b, c]


def test_text_blocks_and_notes(teacher: tuple[TestClient, str]) -> None:
    client, token = teacher
    location = _create(client, token, records=(GREAT_WAVE, HIROSHIGE))
    first, _ = _entry_ids(client, location)
    client.post(location + "/texts", data={"csrf_token": token, "text": "What is the wave?",
                                           "style": "question", "position": "1"})
    client.post(location + "/texts", data={"csrf_token": token, "text": "Edo prints",
                                           "style": "heading", "position": "0"})
    client.post(f"{location}/entries/{first}", data={"csrf_token": token,
                                                     "note": "Look at the boats"})
    entries = client.get(location + ".json").json()["entries"]
    assert [(e["kind"], e.get("style"), e.get("text") or e.get("note")) for e in entries] == [
        ("text", "heading", "Edo prints"), ("item", None, "Look at the boats"),
        ("text", "question", "What is the wave?"), ("item", None, "")]
    bad = client.post(location + "/texts", data={"csrf_token": token, "text": "x",
                                                 "style": "poem"})
    assert bad.status_code == 400
    text_id = entries[2]["id"]
    client.post(f"{location}/entries/{text_id}/delete", data={"csrf_token": token})
    assert len(_entry_ids(client, location)) == 3


def test_another_user_cannot_read_a_private_collection_or_edit_one_not_theirs(
        teacher: tuple[TestClient, str], other: tuple[TestClient, str],
        anonymous: TestClient) -> None:
    client, token = teacher
    location = _create(client, token, records=(GREAT_WAVE,))
    (entry,) = _entry_ids(client, location)
    intruder, intruder_token = other
    for path in ("", ".json", "/credits", "/print", "/export.csv", "/iiif.json", "/share",
                 "/qr.svg", f"/entries/{entry}/swap"):
        assert intruder.get(location + path).status_code == 404, path
        assert anonymous.get(location + path, follow_redirects=False).status_code in {
            404, 303}, path
    posts = ("", "/items", "/texts", "/order", "/delete", f"/entries/{entry}",
             f"/entries/{entry}/move", f"/entries/{entry}/delete", f"/entries/{entry}/swap")
    for path in posts:
        response = intruder.post(location + path, data={
            "csrf_token": intruder_token, "record_id": HIROSHIGE, "text": "x", "title": "x",
            "direction": "up", "order": str(entry)})
        assert response.status_code == 404, path
    # public: everyone reads, only the owner edits (403)
    client.post(location, data={"csrf_token": token, "title": "Waves", "language": "en",
                                "intended_use": "class_website", "visibility": "public"})
    assert intruder.get(location).status_code == 200
    assert anonymous.get(location).status_code == 200
    assert "Move up" not in intruder.get(location).text
    for path in posts:
        response = intruder.post(location + path, data={
            "csrf_token": intruder_token, "record_id": HIROSHIGE, "text": "x", "title": "x",
            "direction": "up", "order": str(entry)})
        assert response.status_code == 403, path
    assert intruder.get(location + "/share").status_code == 403
    # an anonymous POST without a token never reaches the handler
    assert anonymous.post(location + "/delete").status_code == 403
    assert client.get(location + ".json").json()["entries"][0]["record_id"] == GREAT_WAVE
    # logged-out pages that need a login redirect to it; their JSON twins answer 401
    redirect = anonymous.get("/collections", follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"].startswith("/login")
    assert anonymous.get("/collections.json").status_code == 401


def test_copy_a_public_collection(teacher: tuple[TestClient, str],
                                  other: tuple[TestClient, str]) -> None:
    client, token = teacher
    location = _create(client, token, visibility="public", records=(GREAT_WAVE, HIROSHIGE))
    assert location in client.get("/gallery").text
    assert any(c["url"] == location for c in client.get("/gallery.json").json()["collections"])
    intruder, intruder_token = other
    copied = intruder.post(location + "/copy", data={"csrf_token": intruder_token},
                           follow_redirects=False)
    assert copied.status_code == 303 and copied.headers["location"] != location
    data = intruder.get(copied.headers["location"] + ".json").json()
    assert data["visibility"] == "private" and len(data["entries"]) == 2


def test_unlisted_needs_the_link(teacher: tuple[TestClient, str], anonymous: TestClient,
                                 other: tuple[TestClient, str]) -> None:
    client, token = teacher
    location = _create(client, token, visibility="unlisted", records=(GREAT_WAVE, IN_COPYRIGHT))
    share = client.get(location + "/share.json").json()
    share_url = share["share_url"]
    assert re.fullmatch(r"http://testserver/c/[A-Za-z0-9_-]{22}", share_url)
    shared_path = share_url.removeprefix("http://testserver")
    assert anonymous.get(location).status_code == 404
    assert other[0].get(location).status_code == 404
    page = anonymous.get(shared_path)
    assert page.status_code == 200 and "Waves and roads" in page.text
    assert "Move up" not in page.text and "Copy into my collections" not in page.text
    assert anonymous.get(shared_path + ".json").json()["summary"]["usable"] == 1
    assert anonymous.get(shared_path[:-2] + "xx").status_code == 404
    qr = client.get(location + "/qr.svg")
    assert qr.headers["content-type"] == "image/svg+xml" and b"<svg" in qr.content
    assert "<iframe src=\"" + share_url + "/embed\"" in share["embed"]
    # the snippet is shown as text to copy, never as markup of the page
    assert "&lt;iframe src=" in client.get(location + "/share").text
    embed = anonymous.get(shared_path + "/embed")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers  # it would contradict frame-ancestors
    page = anonymous.get(shared_path)
    assert page.headers["x-frame-options"] == "DENY"  # every other page stays unframable
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    # a renewed link replaces the old one
    client.post(location + "/share", data={"csrf_token": token})
    assert anonymous.get(shared_path).status_code == 404
    # a private collection has no working link
    client.post(location, data={"csrf_token": token, "title": "Waves", "language": "en",
                                "intended_use": "class_website", "visibility": "private"})
    renewed = client.get(location + "/share.json").json()
    assert renewed["share_url"] is None and client.get(location + "/qr.svg").status_code == 404


def test_exports_credits_print(teacher: tuple[TestClient, str], anonymous: TestClient) -> None:
    client, token = teacher
    location = _create(client, token, visibility="unlisted",
                       records=(GREAT_WAVE, HIROSHIGE, IN_COPYRIGHT))
    client.post(location + "/texts", data={"csrf_token": token, "text": "Why a wave?",
                                           "style": "question"})
    response = client.get(location + "/export.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    assert response.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert [(r["kind"], r["answer"]) for r in rows] == [
        ("item", "yes"), ("item", "yes"), ("item", "ask_institution"), ("text", "")]
    assert rows[0]["url"].startswith("http://testserver/item/")
    exported = client.get(location + "/export.json")
    assert exported.json()["summary"]["items"] == 3
    iiif = client.get(location + "/iiif.json").json()
    assert iiif["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert iiif["type"] == "Collection" and iiif["label"] == {"en": ["Waves and roads"]}
    assert iiif["id"].startswith("http://testserver/c/") and iiif["id"].endswith("/iiif.json")
    assert [item["type"] for item in iiif["items"]] == ["Manifest", "Manifest"]
    assert iiif["items"][0]["label"] == {"ja": ["富嶽三十六景 神奈川沖浪裏"]}
    credits = client.get(location + "/credits.json").json()["credits"]
    assert [c["rights_code"] for c in credits] == ["PDM-1.0", "CC-BY-4.0", "RS-InC"]
    assert "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/deed.en)" in credits[1]["en"]
    assert "クリエイティブ・コモンズ 表示 4.0 国際" in credits[1]["ja"]
    page = client.get(location + "/credits")
    assert credits[1]["en"].replace("\u201c", "“") in page.text.replace("&#34;", '"')
    printed = client.get(location + "/print")
    assert printed.status_code == 200 and 'href="/static/collections.css"' in printed.text
    assert "Why a wave?" in printed.text and credits[0]["en"] in printed.text
    css = client.get("/static/collections.css").text
    assert "@media print" in css
    shared = client.get(location + "/share.json").json()["share_url"]
    shared_path = shared.removeprefix("http://testserver")
    assert anonymous.get(shared_path + "/export.csv").status_code == 200
    assert anonymous.get(shared_path + "/iiif.json").headers[
        "access-control-allow-origin"] == "*"


def test_changes_at_the_institution_show_at_once(settings: Settings,
                                                 teacher: tuple[TestClient, str]) -> None:
    client, token = teacher
    location = _create(client, token, records=(PRINTS, NO_RIGHTS))
    assert client.get(location + ".json").json()["summary"]["usable"] == 1
    store = Store(settings.db_path)
    try:
        record = store.records.get(PRINTS)
        assert record is not None
        store.records.delete(PRINTS, record.source_id, record.oai_identifier)
        page = client.get(location)
        assert "No longer available: 1" in page.text
        assert "浮世絵版画集 第1輯" in page.text  # still named
        data = client.get(location + ".json").json()
        assert data["entries"][0]["state"] == "unavailable"
    finally:
        store.records.put(record)
        store.close()


def test_swap_suggestions(teacher: tuple[TestClient, str]) -> None:
    client, token = teacher
    location = _create(client, token, use="modified_work", records=(NO_RIGHTS, TATE))
    unknown, no_changes = _entry_ids(client, location)
    states = [e["state"] for e in client.get(location + ".json").json()["entries"]]
    assert states == ["ask_institution", "no"]  # CC BY-NC-ND: no changes allowed
    # 源氏物語絵巻 模本 has no subjects and no similar title: nothing to suggest
    assert client.get(f"{location}/entries/{unknown}/swap.json").json()["suggestions"] == []
    suggestions = client.get(f"{location}/entries/{no_changes}/swap.json").json()["suggestions"]
    assert GREAT_WAVE in {s["record_id"] for s in suggestions}  # "The Great Wave off Kanagawa"
    assert all(s["answer"] in {"yes", "with_conditions"} for s in suggestions)
    page = client.get(f"{location}/entries/{no_changes}/swap")
    assert "Use this instead" in page.text and "<script>alert" not in page.text
    client.post(f"{location}/entries/{no_changes}/swap",
                data={"csrf_token": token, "record_id": GREAT_WAVE})
    data = client.get(location + ".json").json()
    assert data["entries"][1]["record_id"] == GREAT_WAVE and data["summary"]["usable"] == 1


def test_the_item_page_offers_to_add(teacher: tuple[TestClient, str],
                                     anonymous: TestClient) -> None:
    client, _ = teacher
    assert "Add to a collection" in client.get(f"/item/{GREAT_WAVE}").text
    assert "Add to a collection" not in anonymous.get(f"/item/{GREAT_WAVE}").text
    page = client.get("/collections/add", params={"record": GREAT_WAVE})
    assert page.status_code == 200 and "New collection with this item" in page.text
    assert client.get("/collections/add", params={"record": "nope:x"}).status_code == 404


def test_search_results_offer_to_add(teacher: tuple[TestClient, str],
                                     anonymous: TestClient) -> None:
    client, _ = teacher
    results = client.get("/search").text
    assert results.count('class="result-add"') == results.count('<li class="result">') > 0
    assert "/collections/add?record=" in results
    assert 'class="result-add"' not in anonymous.get("/search").text


def test_a_hostile_title_stays_text(teacher: tuple[TestClient, str]) -> None:
    client, token = teacher
    evil = 'x" onload="alert(1)"><script>alert(2)</script>'
    response = client.post("/collections", data={
        "csrf_token": token, "title": evil, "intended_use": "class_handout", "language": "en",
        "visibility": "unlisted"}, follow_redirects=False)
    location = response.headers["location"]
    assert "<script>alert(2)" not in client.get(location).text
    embed = client.get(location + "/share.json").json()["embed"]
    assert 'title="x&quot; onload=&quot;alert(1)&quot;&gt;&lt;script&gt;' in embed
    assert embed.count("<") == 2  # <iframe …> and </iframe>, nothing else
