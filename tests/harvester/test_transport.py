"""The HTTP transport against real local servers: retries, gzip, size cap, SSRF guard."""

from __future__ import annotations

import dataclasses
import gzip
import time
from datetime import UTC, datetime

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
