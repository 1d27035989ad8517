"""The HTTP transport against real local servers: retries, gzip, size cap, SSRF guard."""

from __future__ import annotations

import dataclasses
import gzip
import socket
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from tsunagu.config import Settings
from tsunagu.errors import BlockedAddressError, TransportError
from tsunagu.harvester.transport import (
    HttpTransport,
    RetryPolicy,
    check_url,
    decode_body,
    parse_retry_after,
)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/oai", "http://localhost:8080/oai", "http://10.1.2.3/oai",
    "http://192.168.0.10/oai", "http://169.254.169.254/latest/meta-data", "http://[::1]/oai",
    "http://0.0.0.0/",
])
def test_private_and_loopback_addresses_are_refused_by_default(url: str) -> None:
    with pytest.raises(BlockedAddressError, match="TSUNAGU_ALLOW_PRIVATE_HOSTS"):
        check_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["ftp://example.org/", "file:///etc/passwd", "oai", "http://"])
def test_non_http_urls_are_refused(url: str) -> None:
    with pytest.raises(BlockedAddressError):
        check_url(url, allow_private=True)


def test_private_hosts_allowed_when_configured() -> None:
    check_url("http://127.0.0.1:9/oai", allow_private=True)


def test_retry_after_as_seconds_or_http_date() -> None:
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now=now) == 120.0
    assert parse_retry_after("Wed, 25 Nov 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 25 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


def test_undeclared_gzip_is_decoded() -> None:
    assert decode_body(gzip.compress(b"<OAI-PMH/>")) == b"<OAI-PMH/>"
    assert decode_body(b"<OAI-PMH/>") == b"<OAI-PMH/>"


def test_503_with_retry_after_then_success(replay, settings: Settings) -> None:
    answers = [(503, {"Retry-After": "1"}, b"busy"), (500, {}, b"oops"), (200, {}, b"<ok/>")]
    server = replay(lambda query: answers.pop(0))
    waits: list[float] = []
    with HttpTransport(settings, sleep=waits.append) as transport:
        response = transport.get(server.url, {"verb": "Identify"})
    assert response.status == 200 and response.body == b"<ok/>"
    assert transport.requests == 3
    assert waits[0] == 1.0  # Retry-After honoured
    assert len(waits) == 2
    assert server.requests[0] == {"verb": "Identify"}


def test_retries_are_bounded(replay, settings: Settings) -> None:
    server = replay(lambda query: (503, {}, b"busy"))
    with HttpTransport(settings, retry=RetryPolicy(attempts=3), sleep=lambda s: None) as t, \
            pytest.raises(TransportError, match="HTTP 503 3 time"):
        t.get(server.url, {"verb": "Identify"})
    assert len(server.requests) == 3


def test_a_transient_status_with_an_oai_error_is_returned_to_be_read(
    replay, settings: Settings
) -> None:
    body = b'<OAI-PMH><error code="badResumptionToken">expired</error></OAI-PMH>'
    server = replay(lambda query: (500, {}, body))  # datacite answers expired tokens so
    with HttpTransport(settings, retry=RetryPolicy(attempts=2), sleep=lambda s: None) as t:
        response = t.get(server.url, {"verb": "ListRecords"})
    assert (response.status, response.body) == (500, body)
    assert len(server.requests) == 2


def test_too_long_retry_after_gives_up_instead_of_blocking(replay, settings: Settings) -> None:
    server = replay(lambda query: (503, {"Retry-After": "86400"}, b"come back tomorrow"))
    with HttpTransport(settings, sleep=lambda s: None) as transport, \
            pytest.raises(TransportError, match="Retry-After"):
        transport.get(server.url, {"verb": "Identify"})


def test_gzip_body_without_header_over_http(replay, settings: Settings) -> None:
    server = replay(lambda query: (200, {}, gzip.compress("<x>東京</x>".encode())))
    with HttpTransport(settings) as transport:
        assert transport.get(server.url, {}).body == "<x>東京</x>".encode()


def test_response_size_is_capped(replay, settings: Settings) -> None:
    server = replay(lambda query: (200, {}, b"x" * 5000))
    small = dataclasses.replace(settings, max_response_bytes=1000)
    with HttpTransport(small) as transport, pytest.raises(TransportError, match="exceeds"):
        transport.get(server.url, {})


def test_redirect_to_a_private_address_is_refused(replay, settings: Settings) -> None:
    target = replay(lambda query: (200, {}, b"<secret/>"))
    public = dataclasses.replace(settings, allow_private_hosts=False)
    # The first hop is refused already (loopback); a redirect is checked the same way.
    with HttpTransport(public) as transport, pytest.raises(BlockedAddressError):
        transport.get(target.url, {})


def test_unreachable_server_is_a_transport_error(settings: Settings) -> None:
    with HttpTransport(settings, retry=RetryPolicy(attempts=2), sleep=lambda s: None) as t, \
            pytest.raises(TransportError):
        t.get("http://127.0.0.1:9/oai", {})


def test_a_trickling_response_is_cut_at_its_deadline(settings: Settings) -> None:
    from hostile_server import Fault, HostileServer, items

    # Every read arrives well inside the read timeout; the whole body would take 20 s.
    capped = dataclasses.replace(settings, read_timeout=1.0, response_deadline=0.5)
    with HostileServer(items(10), faults=[Fault("trickle", times=None, seconds=20)]) as server, \
            HttpTransport(capped, retry=RetryPolicy(attempts=1)) as transport:
        started = time.monotonic()
        with pytest.raises(TransportError, match=r"deadline of 0\.5s"):
            transport.get(server.url, {"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    assert time.monotonic() - started < 2.0
    assert transport.log[0].error is not None and "deadline" in transport.log[0].error


def test_the_response_deadline_is_read_from_the_environment() -> None:
    env = {"TSUNAGU_RESPONSE_DEADLINE": "42"}
    assert Settings.from_env(env, data_dir="/tmp/x").response_deadline == 42.0
    assert Settings.from_env({}, data_dir="/tmp/x").response_deadline == 300.0


class _Resolver:
    """``socket.getaddrinfo`` for made-up host names: the SSRF guard's question gets
    ``answers[host]``, the connection itself goes to 127.0.0.1 (the test server)."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.asked: list[str] = []
        self._real = socket.getaddrinfo

    def __call__(self, host: str, port: object, family: int = 0, type: int = 0,
                 proto: int = 0, flags: int = 0) -> list[Any]:
        if host not in self.answers:
            return self._real(host, port, family, type, proto, flags)
        if proto == socket.IPPROTO_TCP:  # check_url
            self.asked.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, proto, "",
                     (self.answers[host], port))]
        return self._real("127.0.0.1", port, family, type, proto, flags)


def test_the_guard_resolves_a_host_once_per_run_and_checks_every_new_host(
        replay, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    resolver = _Resolver({"oai.example.org": "93.184.216.34", "inside.example.org": "10.0.0.7"})
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    target = replay(lambda query: (200, {}, b"<ok/>"))
    port = target.url.split(":")[2].split("/")[0]
    hop = replay(lambda query: (302, {"Location": f"http://inside.example.org:{port}/oai"}, b""))
    hop_port = hop.url.split(":")[2].split("/")[0]
    public = dataclasses.replace(settings, allow_private_hosts=False)
    with HttpTransport(public) as transport:
        for token in ("a", "b", "c"):
            response = transport.get(f"http://oai.example.org:{port}/oai",
                                     {"verb": "ListRecords", "resumptionToken": token})
            assert response.body == b"<ok/>"
        assert resolver.asked == ["oai.example.org"]  # three requests, one resolution
        # A redirect to a host not seen yet is resolved and refused (private address).
        with pytest.raises(BlockedAddressError, match=r"10\.0\.0\.7"):
            transport.get(f"http://oai.example.org:{hop_port}/oai", {"verb": "Identify"})
        assert resolver.asked == ["oai.example.org", "oai.example.org", "inside.example.org"]
    assert [entry.status for entry in transport.log] == [200, 200, 200, 302]
