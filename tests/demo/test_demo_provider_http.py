"""The provider's HTTP layer: persistent connections, and when it ends them."""

from __future__ import annotations

import datetime as dt
import http.client
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tsunagu.demo.feedfile import FeedRecord, write_feed
from tsunagu.demo.oaidc import DCValue, oai_dc_xml
from tsunagu.demo.provider import ProviderServer

LIST = "/oai/small?verb=ListIdentifiers&metadataPrefix=oai_dc"


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[ProviderServer]:
    records = [FeedRecord(f"oai:small:{n}", dt.datetime(2024, 1, 1, n),
                          oai_dc_xml([DCValue("title", f"t{n}")])) for n in range(12)]
    path = write_feed(tmp_path / "small.jsonl", records)
    with ProviderServer({"small": path}, page_size=5) as server:
        yield server


def connect(provider: ProviderServer) -> http.client.HTTPConnection:
    connection = http.client.HTTPConnection("127.0.0.1", provider.port, timeout=10)
    connection.connect()
    return connection


def get(connection: http.client.HTTPConnection, path: str) -> http.client.HTTPResponse:
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response


def test_pages_over_one_persistent_connection(provider: ProviderServer) -> None:
    connection = connect(provider)
    sock = connection.sock
    for _ in range(3):
        response = get(connection, LIST)
        assert response.status == 200 and response.version == 11
        assert not response.will_close
    assert connection.sock is sock  # never reconnected
    connection.close()


def test_stop_ends_open_connections(provider: ProviderServer) -> None:
    connection = connect(provider)
    assert get(connection, LIST).status == 200
    provider.stop()
    with pytest.raises((http.client.HTTPException, OSError)):
        get(connection, LIST)  # the old server does not answer on a kept connection
    connection.close()


def test_closing_clients_and_unread_bodies_end_the_connection(provider: ProviderServer) -> None:
    connection = connect(provider)
    connection.request("GET", LIST, headers={"Connection": "close"})
    response = connection.getresponse()
    assert response.status == 200 and response.will_close
    connection.close()
    # A POST too large to read: answered, then the connection ends (its body is never read).
    with socket.create_connection(("127.0.0.1", provider.port), timeout=10) as raw:
        raw.sendall(b"POST /oai/small HTTP/1.1\r\nHost: x\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 999999999\r\n\r\nverb=Identify")
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413") and b"Connection: close" in answer
    # A GET with a body: answered, then the connection ends.
    with socket.create_connection(("127.0.0.1", provider.port), timeout=10) as raw:
        raw.sendall(f"GET {LIST} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nGET ".encode())
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200") and answer.count(b"HTTP/1.1") == 1
