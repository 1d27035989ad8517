"""The local OAI-PMH data provider, over real HTTP on 127.0.0.1.

A small feed built here (Japanese text, deletions, sets, hourly datestamps) and the
bundled Tate feed are served by :class:`ProviderServer`; responses are read with
``urllib`` and lxml, and cross-checked with ``oaipmh.client.Client``.
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from oaipmh.client import Client
from oaipmh.metadata import MetadataRegistry, oai_dc_reader

from tsunagu.demo.catalog import demo_feed
from tsunagu.demo.feedfile import FeedFileError, load_feed
from tsunagu.demo.oaidc import DCValue, oai_dc_xml
from tsunagu.demo.provider import FeedRecord, ProviderError, ProviderServer, write_feed

NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
BASE = dt.datetime(2024, 1, 1, 0, 0, 0)
TINY_COUNT = 25
DELETED = {3, 13, 23}
# Hand-written metadata: single quotes, odd spacing and a comment, which any
# re-serialization would change — so finding these bytes proves byte-faithful serving.
RAW_JA = (
    "<oai_dc:dc xmlns:oai_dc='http://www.openarchives.org/OAI/2.0/oai_dc/'  "
    "xmlns:dc='http://purl.org/dc/elements/1.1/'>\n"
    "   <dc:title xml:lang='ja'>冨嶽三十六景　神奈川沖浪裏</dc:title>"
    "<dc:title xml:lang='ja-Hira'>ふがくさんじゅうろっけい</dc:title>\n"
    "<!-- 葛飾北斎 -->\t<dc:creator>葛飾/北斎（Katsushika Hokusai）  画</dc:creator>"
    "<dc:subject>𠮷野家 &amp; ｶﾀｶﾅ &lt;浮世絵&gt;</dc:subject>"
    "<dc:rights>&lt;a href=\"http://example.org/\"&gt;利用条件&lt;/a&gt;</dc:rights>"
    "</oai_dc:dc>"
).encode()
RAW_ID = "oai:tiny.example:000"


def tiny_records() -> list[FeedRecord]:
    """25 records, hourly from 2024-01-01T00:00:00Z; 3 deleted; sets a:b (odd) and c (even)."""
    records = []
    for index in range(TINY_COUNT):
        if index == 0:
            xml: bytes | None = RAW_JA
        elif index in DELETED:
            xml = None
        else:
            xml = oai_dc_xml([DCValue("title", f"東京名所 第{index}図", "ja"),
                              DCValue("identifier", f"https://example.org/item/{index}")])
        sets = ("a:b",) if index % 2 else ("c",)
        records.append(FeedRecord(f"oai:tiny.example:{index:03d}",
                                  BASE + dt.timedelta(hours=index), xml, sets))
    return records


@pytest.fixture(scope="module")
def feed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("feeds")
    write_feed(directory / "tiny.oai.jsonl.gz", tiny_records(), repository_name="小さなフィード",
               set_names={"a": "Set A", "c": "Set C"})
    no_sets = [FeedRecord("oai:flat.example:1", BASE, oai_dc_xml([DCValue("title", "x")]))]
    write_feed(directory / "flat.oai.jsonl", no_sets)
    return directory


@pytest.fixture(scope="module")
def server(feed_dir: Path) -> Iterator[ProviderServer]:
    feeds = {"tiny": feed_dir / "tiny.oai.jsonl.gz", "flat": feed_dir / "flat.oai.jsonl",
             "tate": demo_feed("tate").path}
    with ProviderServer(feeds, page_size=10) as provider:
        yield provider


@pytest.fixture(scope="module")
def tate_server() -> Iterator[ProviderServer]:
    with ProviderServer({"tate": demo_feed("tate").path}) as provider:  # default page size 100
        yield provider


def fetch(url: str, params: dict[str, str], method: str = "GET") -> bytes:
    """One HTTP request with form-encoded OAI arguments."""
    query = urllib.parse.urlencode(params)
    if method == "GET":
        request = urllib.request.Request(f"{url}?{query}")
    else:
        request = urllib.request.Request(url, data=query.encode(), method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/xml")
        body: bytes = response.read()
        return body


def oai(url: str, **params: str) -> etree._Element:
    return etree.fromstring(fetch(url, {k.rstrip("_"): v for k, v in params.items()}))


def error_code(root: etree._Element) -> str | None:
    found = root.find("oai:error", NS)
    return None if found is None else found.get("code")


def harvest(url: str, verb: str = "ListRecords", method: str = "GET",
            **params: str) -> tuple[list[etree._Element], list[etree._Element]]:
    """All items of a list request, following tokens; returns (items, token elements)."""
    tag = {"ListRecords": "record", "ListIdentifiers": "header", "ListSets": "set"}[verb]
    request = {"verb": verb, **{k.rstrip("_"): v for k, v in params.items()}}
    items: list[etree._Element] = []
    tokens: list[etree._Element] = []
    for _ in range(1000):
        root = etree.fromstring(fetch(url, request, method))
        assert error_code(root) is None, etree.tostring(root)
        items.extend(root.findall(f"oai:{verb}/oai:{tag}", NS))
        token = root.find(f"oai:{verb}/oai:resumptionToken", NS)
        if token is None:
            break
        tokens.append(token)
        if not token.text:
            break
        request = {"verb": verb, "resumptionToken": token.text}
    return items, tokens


def identifiers(items: list[etree._Element]) -> list[str]:
    return [item.findtext(".//oai:identifier", namespaces=NS) or "" for item in items]


def test_identify(server: ProviderServer) -> None:
    root = oai(server.base_url("tiny"), verb="Identify")
    identify = root.find("oai:Identify", NS)
    assert identify is not None
    assert identify.findtext("oai:repositoryName", namespaces=NS) == "小さなフィード"
    assert identify.findtext("oai:baseURL", namespaces=NS) == server.base_url("tiny")
    assert identify.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("oai:earliestDatestamp", namespaces=NS) == "2024-01-01T00:00:00Z"
    assert identify.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("oai:protocolVersion", namespaces=NS) == "2.0"
    assert server.base_url("tiny").startswith("http://127.0.0.1:")


def test_list_metadata_formats_and_sets(server: ProviderServer) -> None:
    root = oai(server.base_url("tiny"), verb="ListMetadataFormats")
    assert root.findtext(".//oai:metadataPrefix", namespaces=NS) == "oai_dc"
    root = oai(server.base_url("tiny"), verb="ListMetadataFormats", identifier=RAW_ID)
    assert root.findtext(".//oai:metadataNamespace", namespaces=NS) == NS["oai_dc"]
    sets, _ = harvest(server.base_url("tiny"), "ListSets")
    assert {(s.findtext("oai:setSpec", namespaces=NS), s.findtext("oai:setName", namespaces=NS))
            for s in sets} == {("a", "Set A"), ("c", "Set C"), ("a:b", "a:b")}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_list_records_pages_through_tokens(server: ProviderServer, method: str) -> None:
    items, tokens = harvest(server.base_url("tiny"), method=method, metadataPrefix="oai_dc")
    ids = identifiers(items)
    assert len(ids) == TINY_COUNT
    assert sorted(ids) == [f"oai:tiny.example:{i:03d}" for i in range(TINY_COUNT)]
    assert [t.get("cursor") for t in tokens] == ["0", "10", "20"]
    assert {t.get("completeListSize") for t in tokens} == {str(TINY_COUNT)}
    assert tokens[-1].text is None  # the last page carries an empty token


def test_list_identifiers_and_page_size_boundaries(server: ProviderServer) -> None:
    items, tokens = harvest(server.base_url("tiny"), "ListIdentifiers", metadataPrefix="oai_dc",
                            until="2024-01-01T09:00:00Z")
    assert len(items) == 10 and tokens == []  # exactly one full page: no token at all
    items, tokens = harvest(server.base_url("tiny"), "ListIdentifiers", metadataPrefix="oai_dc",
                            until="2024-01-01T19:00:00Z")
    assert len(set(identifiers(items))) == 20 and len(tokens) == 2 and tokens[-1].text is None


def test_bundled_tate_feed_every_record_exactly_once(tate_server: ProviderServer) -> None:
    expected = [record.identifier for record in load_feed(demo_feed("tate").path).records]
    started = time.perf_counter()
    items, tokens = harvest(tate_server.base_url("tate"), metadataPrefix="oai_dc")
    elapsed = time.perf_counter() - started
    ids = identifiers(items)
    assert len(ids) == len(expected) >= 2000
    assert sorted(ids) == sorted(expected)
    assert len(tokens) == -(-len(expected) // 100)
    assert elapsed < 20
    titles = [item.findtext(".//dc:title", namespaces=NS) for item in items]
    assert all(titles)
    assert not any(item.findall(".//dc:rights", NS) for item in items)  # rights truly unknown


def test_japanese_metadata_is_served_byte_for_byte(server: ProviderServer) -> None:
    for method in ("GET", "POST"):
        body = fetch(server.base_url("tiny"), {"verb": "GetRecord", "identifier": RAW_ID,
                                               "metadataPrefix": "oai_dc"}, method)
        assert RAW_JA in body
    items, _ = harvest(server.base_url("tiny"), metadataPrefix="oai_dc")
    first = next(item for item in items if identifiers([item]) == [RAW_ID])
    assert first.findtext(".//dc:title", namespaces=NS) == "冨嶽三十六景　神奈川沖浪裏"
    assert first.findtext(".//dc:subject", namespaces=NS) == "𠮷野家 & ｶﾀｶﾅ <浮世絵>"
    assert first.findtext(".//dc:rights", namespaces=NS).startswith("<a href=")
    titles = [item.findtext(".//dc:title", namespaces=NS) for item in items]
    assert "東京名所 第1図" in titles


def test_from_until_filter(server: ProviderServer) -> None:
    url = server.base_url("tiny")
    items, _ = harvest(url, metadataPrefix="oai_dc", from_="2024-01-01T05:00:00Z",
                       until="2024-01-01T08:00:00Z")
    assert identifiers(items) == [f"oai:tiny.example:{i:03d}" for i in range(5, 9)]
    items, _ = harvest(url, "ListIdentifiers", metadataPrefix="oai_dc",
                       from_="2024-01-01T20:00:00Z")
    assert len(items) == 5
    items, _ = harvest(url, "ListIdentifiers", metadataPrefix="oai_dc", from_="2024-01-01",
                       until="2024-01-01")  # day granularity: the whole day
    assert len(items) == 24
    items, _ = harvest(url, "ListIdentifiers", metadataPrefix="oai_dc", from_="2024-01-02")
    assert identifiers(items) == ["oai:tiny.example:024"]


def test_set_selection(server: ProviderServer) -> None:
    items, _ = harvest(server.base_url("tiny"), "ListIdentifiers", metadataPrefix="oai_dc",
                       set_="a")
    assert len(items) == 12  # a:b is inside a
    assert all(item.findtext("oai:setSpec", namespaces=NS) == "a:b" for item in items)
    items, _ = harvest(server.base_url("tiny"), metadataPrefix="oai_dc", set_="c",
                       from_="2024-01-01T10:00:00Z")
    assert identifiers(items) == [f"oai:tiny.example:{i:03d}" for i in range(10, 25, 2)]


def test_deleted_records(server: ProviderServer) -> None:
    items, _ = harvest(server.base_url("tiny"), metadataPrefix="oai_dc")
    deleted = [item for item in items if item.find("oai:header", NS).get("status") == "deleted"]
    assert sorted(identifiers(deleted)) == [f"oai:tiny.example:{i:03d}" for i in sorted(DELETED)]
    assert all(item.find("oai:metadata", NS) is None for item in deleted)
    root = oai(server.base_url("tiny"), verb="GetRecord", identifier="oai:tiny.example:013",
               metadataPrefix="oai_dc")
    assert root.find(".//oai:header", NS).get("status") == "deleted"
    assert root.find(".//oai:metadata", NS) is None


@pytest.mark.parametrize(("query", "code"), [
    ("", "badVerb"),
    ("verb=Frobnicate", "badVerb"),
    ("verb=GetMetadata&identifier=oai:tiny.example:001&metadataPrefix=oai_dc", "badVerb"),
    ("verb=ListRecords", "badArgument"),
    ("verb=Identify&extra=1", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2024-01-02T00:00:00Z",
     "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-01&until=2024-01-01", "badArgument"),
    ("verb=ListRecords&metadataPrefix=", "badArgument"),
    ("verb=GetRecord&identifier=oai:tiny.example:001", "badArgument"),
    ("verb=ListRecords&resumptionToken=garbage", "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=cursor%253D-5%2526metadataPrefix%253Doai_dc",
     "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=cursor%253D10%2526metadataPrefix%253Doai_dc"
     "%2526from_%253Dnonsense", "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=cursor%253D10%2526metadataPrefix%253Doai_dc"
     "%2526evil%253D1", "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=cursor%253D9999%2526metadataPrefix%253Doai_dc",
     "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=cursor%253D10&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListRecords&metadataPrefix=lido", "cannotDisseminateFormat"),
    ("verb=GetRecord&identifier=oai:tiny.example:001&metadataPrefix=marc21",
     "cannotDisseminateFormat"),
    ("verb=GetRecord&identifier=oai:nowhere:1&metadataPrefix=oai_dc", "idDoesNotExist"),
    ("verb=ListMetadataFormats&identifier=oai:nowhere:1", "idDoesNotExist"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2030-01-01", "noRecordsMatch"),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&set=nosuchset", "noRecordsMatch"),
])
def test_protocol_errors(server: ProviderServer, query: str, code: str) -> None:
    with urllib.request.urlopen(f"{server.base_url('tiny')}?{query}", timeout=10) as response:
        assert response.status == 200
        root = etree.fromstring(response.read())
    assert error_code(root) == code
    assert root.find("oai:ListRecords", NS) is None


def test_no_set_hierarchy(server: ProviderServer) -> None:
    assert error_code(oai(server.base_url("flat"), verb="ListSets")) == "noSetHierarchy"
    root = oai(server.base_url("flat"), verb="ListRecords", metadataPrefix="oai_dc", set_="a")
    assert error_code(root) == "noSetHierarchy"


def test_oaipmh_client_harvests_the_same_identifiers(server: ProviderServer) -> None:
    registry = MetadataRegistry()
    registry.registerReader("oai_dc", oai_dc_reader)
    items, _ = harvest(server.base_url("tiny"), metadataPrefix="oai_dc")
    expected = set(identifiers(items))
    for force_get in (True, False):
        client = Client(server.base_url("tiny"), registry, force_http_get=force_get)
        records = list(client.listRecords(metadataPrefix="oai_dc"))
        assert {header.identifier() for header, _, _ in records} == expected
        assert len(records) == len(expected)
        assert sum(header.isDeleted() for header, _, _ in records) == len(DELETED)
        by_id = {header.identifier(): metadata for header, metadata, _ in records}
        assert by_id[RAW_ID].getField("title")[0] == "冨嶽三十六景　神奈川沖浪裏"
        headers = list(client.listIdentifiers(metadataPrefix="oai_dc", set="c"))
        assert len(headers) == 13
        assert client.identify().granularity() == "YYYY-MM-DDThh:mm:ssZ"
        header, _, _ = client.getRecord(identifier=RAW_ID, metadataPrefix="oai_dc")
        assert header.identifier() == RAW_ID
        client.updateGranularity()
        windowed = list(client.listIdentifiers(metadataPrefix="oai_dc", from_=BASE,
                                               until=BASE + dt.timedelta(hours=11)))
        assert len(windowed) == 12


def test_http_routing(server: ProviderServer) -> None:
    with urllib.request.urlopen(f"{server.root_url}/", timeout=10) as response:
        listing = response.read().decode()
    assert server.base_url("tiny") in listing and server.base_url("tate") in listing
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{server.root_url}/oai/nosuchfeed?verb=Identify", timeout=10)
    assert caught.value.code == 404
    caught.value.close()
    with pytest.raises(ProviderError):
        server.base_url("nosuchfeed")


def test_start_is_fast_and_stop_frees_the_port(feed_dir: Path) -> None:
    started = time.perf_counter()
    provider = ProviderServer({"tiny": feed_dir / "tiny.oai.jsonl.gz"}).start()
    try:
        assert time.perf_counter() - started < 1.0
        assert error_code(oai(provider.base_url("tiny"), verb="Identify")) is None
        port = provider.port
        with pytest.raises(ProviderError):
            provider.start()
    finally:
        provider.stop()
    provider.stop()  # idempotent
    with ProviderServer({"tiny": feed_dir / "tiny.oai.jsonl.gz"}, port=port) as again:
        assert again.port == port


def test_feed_file_round_trip_and_errors(tmp_path: Path) -> None:
    aware = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    records = [FeedRecord("oai:x:1", aware, b"<?xml version='1.0'?>\n<a>\xe6\x9d\xb1</a>"),
               FeedRecord("oai:x:2", BASE, None, ("s",))]
    feed = load_feed(write_feed(tmp_path / "x.oai.jsonl.gz", records), validate=True)
    assert feed.records[0].metadata_xml == "<a>東</a>".encode()
    assert feed.records[0].datestamp == dt.datetime(2024, 5, 1, 3, 0, 0)  # JST → UTC
    assert feed.records[1].deleted and feed.sets == (("s", "s"),)
    with pytest.raises(FeedFileError):
        write_feed(tmp_path / "bad.jsonl", [FeedRecord("oai:x:1", BASE, b"<a><b></a>")])
    with pytest.raises(FeedFileError):
        write_feed(tmp_path / "dup.jsonl", [records[1], records[1]])
    with pytest.raises(FeedFileError):
        write_feed(tmp_path / "set.jsonl", [FeedRecord("oai:x:1", BASE, None, ("no spaces",))])
    (tmp_path / "junk.jsonl").write_text('{"format": "other"}\n', encoding="utf-8")
    with pytest.raises(FeedFileError):
        load_feed(tmp_path / "junk.jsonl")
    with pytest.raises(ProviderError):
        ProviderServer({"bad/id": tmp_path / "x.oai.jsonl.gz"})
