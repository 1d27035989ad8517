"""The feed's OAI-PMH server in-process: pages written without lxml elements, checked against lxml.

The records of a ListRecords/ListIdentifiers page are written as text into the
envelope pyoai builds; these tests check that the result is exactly what lxml's
own serializer gives for the same document, that text is escaped as lxml
escapes it, and that paging an unordered feed gives every record once.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest
from lxml import etree

from tsunagu.demo.feedfile import Feed, FeedFileError, FeedRecord, load_feed, write_feed
from tsunagu.demo.oaidc import DCValue, oai_dc_xml
from tsunagu.demo.repository import FeedOAIServer, make_oai_server

NS = {"oai": "http://www.openarchives.org/OAI/2.0/"}
BASE = dt.datetime(2024, 6, 1)
TRICKY_IDS = ["oai:t:1&2", "oai:t:<3>", "oai:t:\"4'\t5", "oai:t:五\r六", "oai:t:𠮷"]


def tricky_feed(tmp_path: Path) -> Feed:
    records = [FeedRecord(identifier, BASE + dt.timedelta(hours=n),
                          None if n == 2
                          else oai_dc_xml([DCValue("title", f"題 {n} & <{n}>", "ja")]),
                          ("a:b",) if n % 2 else ("a", "d"))
               for n, identifier in enumerate(TRICKY_IDS)]
    return load_feed(write_feed(tmp_path / "tricky.jsonl", records))


def unordered_feed(tmp_path: Path) -> Feed:
    picker = random.Random(3)
    records = [FeedRecord(f"oai:u:{n}", BASE + dt.timedelta(minutes=picker.randrange(90)),
                          None if n % 5 == 4 else oai_dc_xml([DCValue("title", str(n))]),
                          ("odd",) if n % 2 else ("even",))
               for n in range(80)]
    return load_feed(write_feed(tmp_path / "unordered.jsonl", records))


def server_for(feed: Feed, page_size: int = 100) -> FeedOAIServer:
    return make_oai_server(feed, lambda: "http://127.0.0.1:1/oai/t", page_size=page_size)


def answer(server: FeedOAIServer, **arguments: str) -> bytes:
    body: bytes = server.handleRequest(dict(arguments))
    return body


def test_pages_are_what_lxml_would_write(tmp_path: Path) -> None:
    server = server_for(tricky_feed(tmp_path), page_size=3)
    bodies = [answer(server, verb=verb, metadataPrefix="oai_dc") for verb in
              ("ListRecords", "ListIdentifiers")]
    bodies.append(answer(server, verb="ListRecords", metadataPrefix="oai_dc", set="d"))
    for body in bodies:
        root = etree.fromstring(body)
        assert root.find("oai:error", NS) is None
        # Parsed and written again by lxml: the same bytes (layout, escaping, quotes).
        again = etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True)
        assert again + b"\n" == body
    root = etree.fromstring(bodies[0])
    assert [e.text for e in root.iterfind(".//oai:header/oai:identifier", NS)] == TRICKY_IDS[:3]
    assert [e.text for e in root.iterfind(".//oai:header/oai:setSpec", NS)] == [
        "a", "d", "a:b", "a", "d"]
    stored = tricky_feed(tmp_path).records[1].metadata_xml
    assert stored is not None and stored in bodies[0]
    deleted = root.findall(".//oai:header[@status='deleted']", NS)
    assert [e.findtext("oai:identifier", namespaces=NS) for e in deleted] == [TRICKY_IDS[2]]
    token = root.find(".//oai:resumptionToken", NS)
    assert token is not None and token.get("completeListSize") == "5"
    assert [e.text for e in etree.fromstring(bodies[2]).iterfind(".//oai:identifier", NS)] == [
        TRICKY_IDS[0], TRICKY_IDS[2], TRICKY_IDS[4]]


def test_paging_an_unordered_feed(tmp_path: Path) -> None:
    feed = unordered_feed(tmp_path)
    server = server_for(feed, page_size=10)
    start, end = BASE + dt.timedelta(minutes=20), BASE + dt.timedelta(minutes=70)
    expected = [r.identifier for r in feed.records
                if "odd" in r.set_specs and start <= r.datestamp <= end]
    arguments = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "odd",
                 "from": f"{start.isoformat()}Z", "until": f"{end.isoformat()}Z"}
    seen: list[str] = []
    sizes = set()
    for _ in range(20):
        root = etree.fromstring(answer(server, **arguments))
        seen += [e.text or "" for e in root.iterfind(".//oai:header/oai:identifier", NS)]
        token = root.find(".//oai:resumptionToken", NS)
        if token is None or not token.text:
            break
        sizes.add(token.get("completeListSize"))
        arguments = {"verb": "ListIdentifiers", "resumptionToken": token.text}
    assert seen == expected and len(expected) > 10  # feed order, every record once
    assert sizes == {str(len(expected))}


@pytest.mark.parametrize("bad_id", ["oai:t:\x01bell", "oai:t:LONE"])
def test_a_header_lxml_cannot_write_is_an_error_not_a_broken_page(tmp_path: Path,
                                                                   bad_id: str) -> None:
    bad = [FeedRecord("oai:t:ok", BASE, b"<a/>"), FeedRecord(bad_id, BASE, b"<a/>")]
    path = write_feed(tmp_path / "bad.jsonl", bad, validate=False)
    # A lone surrogate: JSON can carry it (as an escape), UTF-8 and XML cannot.
    path.write_text(path.read_text().replace("LONE", "\\ud800"))
    server = server_for(load_feed(path))
    with pytest.raises(FeedFileError):
        answer(server, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert b"oai:t:ok" in answer(server, verb="GetRecord", metadataPrefix="oai_dc",
                                 identifier="oai:t:ok")


def test_identify_is_built_once_per_base_url(tmp_path: Path) -> None:
    urls = ["http://127.0.0.1:1/oai/t"]
    server = make_oai_server(tricky_feed(tmp_path), lambda: urls[-1])
    first = server.repository.identify()
    assert server.repository.identify() is first
    urls.append("http://127.0.0.1:2/oai/t")
    body = answer(server, verb="Identify")
    assert re.search(rb"<baseURL>http://127.0.0.1:2/oai/t</baseURL>", body)
    assert server.repository.identify() is not first
