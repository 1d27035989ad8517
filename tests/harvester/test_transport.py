"""The HTTP transport against real local servers: retries, gzip, size cap, SSRF guard,
keep-alive, cookies, proxies and TLS."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from http_servers import Answer, Script, ScriptedServer, Seen

from tsunagu.config import Settings
from tsunagu.errors import (
    BlockedAddressError,
    ConfigError,
    ResponseTooLargeError,
    TransportError,
)
from tsunagu.harvester.transport import (
    HttpTransport,
    RetryPolicy,
    parse_retry_after,
)


def test_retry_after_as_seconds_or_http_date() -> None:
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now=now) == 120.0
    assert parse_retry_after("Wed, 25 Nov 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 25 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


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
    """``socket.getaddrinfo`` for made-up host names: ``answers[host]`` (a list: one
    answer per question, the last one repeated), every question logged."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []
        self._real = socket.getaddrinfo

    def __call__(self, host: str, port: object, family: int = 0, type: int = 0,
                 proto: int = 0, flags: int = 0) -> list[Any]:
        if host not in self.answers:
            return self._real(host, port, family, type, proto, flags)
        self.asked.append(host)
        answers = self.answers[host]
        address = answers.pop(0) if len(answers) > 1 else answers[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]


class _Network:
    """``socket.create_connection`` that reaches made-up public addresses on 127.0.0.1
    (this machine has no other network); every address connected to is logged."""

    def __init__(self, public: set[str]) -> None:
        self.public = public
        self.reached: list[str] = []
        self._real = socket.create_connection

    def __call__(self, address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        self.reached.append(address[0])
        host = "127.0.0.1" if address[0] in self.public else address[0]
        return self._real((host, address[1]), *args, **kwargs)


def test_the_guard_resolves_a_host_once_per_run_and_checks_every_new_host(
        replay, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    resolver = _Resolver({"oai.example.org": ["93.184.216.34"],
                          "inside.example.org": ["10.0.0.7"]})
    network = _Network({"93.184.216.34"})
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(socket, "create_connection", network)
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
        # Three requests: the guard's question once, and once per connection opened
        # (the replay server closes each: HTTP/1.0).
        assert resolver.asked.count("oai.example.org") == 1 + len(network.reached)
        assert set(network.reached) == {"93.184.216.34"}  # the address checked
        # A redirect to a host not seen yet is resolved and refused (private address).
        with pytest.raises(BlockedAddressError, match=r"10\.0\.0\.7"):
            transport.get(f"http://oai.example.org:{hop_port}/oai", {"verb": "Identify"})
        assert resolver.asked[-1] == "inside.example.org"
    assert [entry.status for entry in transport.log] == [200, 200, 200, 302]
    assert "10.0.0.7" not in network.reached


def test_a_dns_answer_that_changes_after_the_check_is_not_connected_to(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # DNS rebinding: public when the guard asks, loopback when the connection is made.
    with ScriptedServer(lambda seen: Answer()) as server:
        resolver = _Resolver({"rebind.example.org": ["93.184.216.34", "127.0.0.1"]})
        network = _Network({"93.184.216.34"})
        monkeypatch.setattr(socket, "getaddrinfo", resolver)
        monkeypatch.setattr(socket, "create_connection", network)
        public = dataclasses.replace(settings, allow_private_hosts=False)
        with HttpTransport(public, sleep=lambda s: None) as transport, \
                pytest.raises(BlockedAddressError, match=r"127\.0\.0\.1"):
            transport.get(f"http://rebind.example.org:{server.port}/oai", {"verb": "Identify"})
        assert server.seen == [] and network.reached == []


# -- the wire: http.client underneath (real servers on 127.0.0.1) -------------------

def test_cookies_a_server_sets_are_sent_back(settings: Settings) -> None:
    def script(seen: Seen) -> Answer:
        if "cookie" not in seen.headers:
            return Answer(headers={"Set-Cookie": "session=s1; Path=/"})
        return Answer(body=seen.headers["cookie"].encode())

    with ScriptedServer(script) as server, HttpTransport(settings) as transport:
        first = transport.get(server.url(), {"verb": "ListRecords"})
        second = transport.get(server.url(), {"resumptionToken": "t"})
    assert first.headers["set-cookie"] == "session=s1; Path=/"
    assert second.body == b"session=s1"
    assert "cookie" not in server.seen[0].headers


@pytest.mark.parametrize(("encoding", "compress"), [
    ("gzip", gzip.compress),
    ("deflate", zlib.compress),  # zlib-wrapped, as the RFC says
    ("deflate", lambda data: _raw_deflate(data)),  # raw, as some servers send it
])
def test_announced_content_encodings_are_decoded(
        settings: Settings, encoding: str, compress: Callable[[bytes], bytes]) -> None:
    body = "<x>東京</x>".encode() * 50
    answer = Answer(body=compress(body), headers={"Content-Encoding": encoding})
    with ScriptedServer(lambda seen: answer) as server, HttpTransport(settings) as transport:
        response = transport.get(server.url(), {})
    assert response.body == body
    assert "gzip" in server.seen[0].headers["accept-encoding"]


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize("headers", [{"Content-Encoding": "gzip"}, {}])
def test_a_gzip_bomb_is_capped_on_its_decoded_size(
        settings: Settings, headers: dict[str, str]) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # ~50 KB that inflate to 50 MB
    small = dataclasses.replace(settings, max_response_bytes=1_000_000)
    with ScriptedServer(lambda seen: Answer(body=bomb, headers=headers)) as server, \
            HttpTransport(small, sleep=lambda s: None) as transport, \
            pytest.raises(ResponseTooLargeError, match="decoded body exceeds 1000000"):
        transport.get(server.url(), {})
    assert len(server.seen) == 1  # too large is not retried


def test_chunked_responses_are_read_and_a_cut_one_fails(settings: Settings) -> None:
    body = b"<record/>" * 3000
    with ScriptedServer(lambda seen: Answer(body=body, chunks=7)) as server, \
            HttpTransport(settings) as transport:
        assert transport.get(server.url(), {}).body == body
    cut = Answer(body=body, chunks=7, cut=True)
    with ScriptedServer(lambda seen: cut) as server, \
            HttpTransport(settings, retry=RetryPolicy(attempts=1)) as transport, \
            pytest.raises(TransportError, match="IncompleteRead"):
        transport.get(server.url(), {})


def test_a_body_shorter_than_its_length_fails(settings: Settings) -> None:
    from hostile_server import Fault, HostileServer, items

    with HostileServer(items(10), faults=[Fault("drop")]) as server, \
            HttpTransport(settings, retry=RetryPolicy(attempts=1)) as transport, \
            pytest.raises(TransportError, match="IncompleteRead"):
        transport.get(server.url, {"verb": "ListRecords", "metadataPrefix": "oai_dc"})


def test_one_connection_serves_every_request_to_a_host(settings: Settings) -> None:
    with ScriptedServer(lambda seen: Answer(body=seen.target.encode())) as server, \
            HttpTransport(settings) as transport:
        bodies = [transport.get(server.url(), {"page": str(n)}).body for n in range(5)]
    assert bodies == [f"/oai?page={n}".encode() for n in range(5)]
    assert server.connections == 1


def test_an_idle_connection_the_server_closed_costs_no_retry(settings: Settings) -> None:
    waits: list[float] = []
    with ScriptedServer(lambda seen: Answer(close_after=True)) as server, \
            HttpTransport(settings, sleep=waits.append) as transport:
        for n in range(4):
            transport.get(server.url(), {"page": str(n)})
            time.sleep(0.05)  # the server's close reaches the idle connection
    assert len(server.seen) == server.connections == 4
    assert waits == [] and transport.requests == 4
    assert [entry.status for entry in transport.log] == [200] * 4  # one entry per request


def test_connection_close_is_honoured(settings: Settings) -> None:
    answer = Answer(headers={"Connection": "close"}, close_after=True)
    with ScriptedServer(lambda seen: answer) as server, HttpTransport(settings) as transport:
        for _ in range(3):
            transport.get(server.url(), {})
    assert server.connections == 3


def test_an_http_proxy_from_the_environment_gets_the_absolute_url(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    with ScriptedServer(lambda seen: Answer(body=b"<proxied/>")) as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://harvester:s%40cret@127.0.0.1:{proxy.port}")
        with HttpTransport(settings) as transport:
            response = transport.get("http://oai.example.org/oai?set=a", {"verb": "Identify"})
    assert response.body == b"<proxied/>"
    [seen] = proxy.seen
    assert seen.target == "http://oai.example.org/oai?set=a&verb=Identify"
    assert seen.headers["host"] == "oai.example.org"
    login = base64.b64encode(b"harvester:s@cret").decode()
    assert seen.headers["proxy-authorization"] == f"Basic {login}"


def test_a_proxy_that_is_not_http_is_a_setting_to_mend_not_retried(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "socks5://127.0.0.1:1080")
    with HttpTransport(settings) as transport, pytest.raises(ConfigError, match="http://"):
        transport.get("http://oai.example.org/oai", {"verb": "Identify"})
    assert len(transport.drain_log()) == 0  # refused before any request: no retries


def test_no_proxy_bypasses_the_proxy(
        replay, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    target = replay(lambda query: (200, {}, b"<direct/>"))
    with ScriptedServer(lambda seen: Answer(body=b"<proxied/>")) as proxy:
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.port}")
        monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
        with HttpTransport(settings) as transport:
            assert transport.get(target.url, {"verb": "Identify"}).body == b"<direct/>"
    assert proxy.seen == []


def test_a_base_url_with_its_own_query_gets_the_params_encoded_once(
        replay, settings: Settings) -> None:
    server = replay(lambda query: (200, {}, b"<ok/>"))
    token = "oai_dc/2026-01-01T00:00:00Z//a b&c=d/+東京%20"
    with HttpTransport(settings) as transport:
        response = transport.get(server.url + "?provider=ndl",
                                 {"verb": "ListRecords", "resumptionToken": token})
    assert server.requests == [{"provider": "ndl", "verb": "ListRecords",
                                "resumptionToken": token}]
    assert response.url.startswith(server.url + "?provider=ndl&verb=ListRecords&")
    assert transport.log[0].query == f"verb=ListRecords&resumptionToken={token}"
    with HttpTransport(settings) as transport:  # the params replace the fields they name
        response = transport.get(server.url + "?verb=Identify&x&a%20b=c+d",
                                 {"verb": "ListSets"})
    assert response.url == server.url + "?x&a%20b=c+d&verb=ListSets"
    assert server.requests[-1] == {"verb": "ListSets", "a b": "c d"}


# -- HTTPS (a self-signed certificate made with the openssl CLI) --------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost`` (no IP address in it) and its key."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl CLI is not installed (Debian: apt-get install openssl)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def _tls_server(certificate: tuple[Path, Path], script: Script) -> ScriptedServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return ScriptedServer(script, tls=context)


def test_https_with_the_certificate_from_ssl_cert_file(
        settings: Settings, certificate: tuple[Path, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with _tls_server(certificate, lambda seen: Answer(body=seen.target.encode())) as server, \
            HttpTransport(settings) as transport:
        for n in range(2):
            response = transport.get(server.url("localhost", "https"), {"n": str(n)})
            assert response.body == f"/oai?n={n}".encode()
    assert server.connections == 1


def test_https_checks_the_certificate_and_the_host_name(
        settings: Settings, certificate: tuple[Path, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    once = RetryPolicy(attempts=1)
    with _tls_server(certificate, lambda seen: Answer()) as server:
        monkeypatch.setenv("SSL_CERT_DIR", str(certificate[0].parent / "none"))
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0].parent / "none.pem"))
        with HttpTransport(settings, retry=once) as transport, \
                pytest.raises(TransportError, match="CERTIFICATE_VERIFY_FAILED"):
            transport.get(server.url("localhost", "https"), {})  # not trusted
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
        with HttpTransport(settings, retry=once) as transport, \
                pytest.raises(TransportError, match=r"IP address mismatch"):
            transport.get(server.url("127.0.0.1", "https"), {})  # trusted, another name
    assert server.seen == []


def test_https_through_a_proxy_goes_through_a_connect_tunnel(
        settings: Settings, certificate: tuple[Path, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with _tls_server(certificate, lambda seen: Answer(body=b"<secure/>")) as server, \
            ScriptedServer(lambda seen: Answer(status=500)) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://who:pw@127.0.0.1:{proxy.port}")
        with HttpTransport(settings) as transport:
            url = server.url("localhost", "https")
            assert transport.get(url, {"verb": "Identify"}).body == b"<secure/>"
    [connect] = proxy.seen
    assert (connect.method, connect.target) == ("CONNECT", f"localhost:{server.port}")
    assert connect.headers["proxy-authorization"] == "Basic " + base64.b64encode(
        b"who:pw").decode()
    assert [seen.target for seen in server.seen] == ["/oai?verb=Identify"]


def test_an_iri_is_sent_as_a_uri(settings: Settings) -> None:
    with ScriptedServer(lambda seen: Answer()) as server, HttpTransport(settings) as transport:
        transport.get(f"http://127.0.0.1:{server.port}/東京 archive/oai?set=版画", {"v": "1"})
    assert [seen.target for seen in server.seen] == [
        "/%E6%9D%B1%E4%BA%AC%20archive/oai?set=%E7%89%88%E7%94%BB&v=1"]


def unpaused(settings: Settings) -> Settings:
    return dataclasses.replace(settings, request_delay=0.0, request_delay_factor=0.0)


def test_a_request_sent_ahead_is_read_later_as_the_first_attempt(settings: Settings) -> None:
    with ScriptedServer(lambda seen: Answer(body=seen.target.encode())) as server, \
            HttpTransport(unpaused(settings)) as transport:
        flight = transport.send(server.url(), {"page": "1"})
        assert flight is not None
        assert transport.send(server.url(), {"page": "2"}) is None  # the host is held
        time.sleep(0.05)
        assert len(server.seen) == 1  # on the wire before it is read
        assert transport.get(server.url(), {"page": "1"}, sent=flight).body == b"/oai?page=1"
        assert transport.get(server.url(), {"page": "2"}).body == b"/oai?page=2"
    assert transport.requests == 2 and server.connections == 1
    assert [entry.status for entry in transport.log] == [200, 200]


def test_an_answer_sent_ahead_that_asks_to_wait_is_waited_for(settings: Settings) -> None:
    answers = [Answer(status=503, headers={"Retry-After": "3"}, body=b"busy"), Answer()]
    waits: list[float] = []
    with ScriptedServer(lambda seen: answers.pop(0)) as server, \
            HttpTransport(unpaused(settings), sleep=waits.append) as transport:
        flight = transport.send(server.url(), {"verb": "ListRecords"})
        response = transport.get(server.url(), {"verb": "ListRecords"}, sent=flight)
    assert response.body == b"<ok/>" and waits == [3.0] and len(server.seen) == 2


def test_a_request_sent_ahead_on_a_connection_the_server_closed_is_sent_again(
        settings: Settings) -> None:
    waits: list[float] = []
    with ScriptedServer(lambda seen: Answer(body=seen.target.encode(), close_after=True)
                        ) as server, \
            HttpTransport(unpaused(settings), sleep=waits.append) as transport:
        transport.get(server.url(), {"page": "0"})
        time.sleep(0.05)  # the server's close reaches the idle connection
        flight = transport.send(server.url(), {"page": "1"})
        assert transport.get(server.url(), {"page": "1"}, sent=flight).body == b"/oai?page=1"
    assert waits == [] and server.connections == 2


def test_a_request_sent_ahead_and_not_wanted_is_let_go_unread_and_logged(
        settings: Settings) -> None:
    with ScriptedServer(lambda seen: Answer(body=seen.target.encode())) as server, \
            HttpTransport(unpaused(settings)) as transport:
        flight = transport.send(server.url(), {"page": "decoy"})
        assert flight is not None
        transport.abandon(flight)  # its host is free again at once
        assert transport.get(server.url(), {"page": "1"}).body == b"/oai?page=1"
        with pytest.raises(ValueError, match="sent for"):  # not the request sent ahead
            transport.get(server.url(), {"page": "2"},
                          sent=transport.send(server.url(), {"page": "3"}))
        assert transport.get(server.url(), {"page": "4"}).body == b"/oai?page=4"
    assert [(entry.query, entry.status) for entry in transport.log] == [
        ("page=decoy", None), ("page=1", 200), ("page=3", None), ("page=4", 200)]
    assert server.connections == 3  # each request let go closed its connection


@pytest.mark.parametrize(("status", "asked_at_the_base"), [(301, 1), (308, 1), (302, 3),
                                                           (307, 3)])
def test_a_permanent_redirect_of_the_base_url_is_followed_once(
        settings: Settings, status: int, asked_at_the_base: int) -> None:
    def script(seen: Seen) -> Answer:
        path, _, query = seen.target.partition("?")
        if path == "/oai":
            return Answer(status=status, body=b"moved",
                          headers={"Location": f"/v2/oai?{query}"})
        return Answer(body=seen.target.encode())

    with ScriptedServer(script) as server, HttpTransport(unpaused(settings)) as transport:
        for page in ("1", "2"):
            assert transport.get(server.url(), {"page": page}).body == (
                f"/v2/oai?page={page}".encode())
        flight = transport.send(server.url(), {"page": "3"})  # sent ahead: where it moved
        assert transport.get(server.url(), {"page": "3"}, sent=flight).body == (
            b"/v2/oai?page=3")
    at_base = [s.target for s in server.seen if s.target.startswith("/oai")]
    assert len(at_base) == asked_at_the_base


def test_a_request_sent_ahead_whose_connection_fails_to_close_still_lets_its_host_go(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    with ScriptedServer(lambda seen: Answer(body=seen.target.encode())) as server, \
            HttpTransport(unpaused(settings)) as transport:
        flight = transport.send(server.url(), {"page": "decoy"})
        assert flight is not None and flight.sent is not None
        connection = flight.sent.connection
        assert connection is not None

        def broken() -> None:
            raise OSError("close failed")

        monkeypatch.setattr(connection, "close", broken)
        with pytest.raises(OSError, match="close failed"):
            transport.abandon(flight)
        monkeypatch.undo()
        connection.close()
        done = threading.Event()  # the host is free: another request goes through at once
        answer: list[bytes] = []
        worker = threading.Thread(target=lambda: (answer.append(
            transport.get(server.url(), {"page": "1"}).body), done.set()), daemon=True)
        worker.start()
        assert done.wait(10), "the host was left held"
        worker.join()
    assert answer == [b"/oai?page=1"]


def test_a_request_sent_ahead_is_read_even_when_its_host_could_no_longer_be_checked(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # The guard's time for a host runs out between sending and reading, and the name no
    # longer resolves: the answer is read (it was checked when sent), the host let go.
    with ScriptedServer(lambda seen: Answer(body=seen.target.encode())) as server:
        resolver = _Resolver({"oai.example.org": ["93.184.216.34"]})
        monkeypatch.setattr(socket, "getaddrinfo", resolver)
        monkeypatch.setattr(socket, "create_connection", _Network({"93.184.216.34"}))
        monkeypatch.setattr("tsunagu.harvester.transport.GUARD_SECONDS", 0.0)
        public = dataclasses.replace(unpaused(settings), allow_private_hosts=False)
        url = f"http://oai.example.org:{server.port}/oai"
        with HttpTransport(public, sleep=lambda s: None) as transport:
            flight = transport.send(url, {"page": "1"})
            resolver.answers["oai.example.org"] = ["10.0.0.7"]  # now a private address
            assert transport.get(url, {"page": "1"}, sent=flight).body == b"/oai?page=1"
            with pytest.raises(BlockedAddressError):  # the next request is checked again
                transport.get(url, {"page": "2"})


def test_nothing_is_sent_ahead_to_a_host_the_guard_refuses(settings: Settings) -> None:
    guarded = dataclasses.replace(unpaused(settings), allow_private_hosts=False)
    with HttpTransport(guarded) as transport:
        assert transport.send("http://127.0.0.1:9/oai", {"verb": "Identify"}) is None
        with pytest.raises(BlockedAddressError):
            transport.get("http://127.0.0.1:9/oai", {"verb": "Identify"})
    assert transport.requests == 0


def test_a_send_that_fails_is_the_first_attempt_and_retried(settings: Settings) -> None:
    waits: list[float] = []
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with HttpTransport(unpaused(settings), sleep=waits.append,
                       retry=RetryPolicy(attempts=2)) as transport:
        flight = transport.send(f"http://127.0.0.1:{port}/oai", {"verb": "Identify"})
        assert flight is not None and flight.error is not None
        with pytest.raises(TransportError, match="Connect"):
            transport.get(f"http://127.0.0.1:{port}/oai", {"verb": "Identify"}, sent=flight)
    assert len(waits) == 1 and transport.requests == 2
