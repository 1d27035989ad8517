"""The SSRF guard: which addresses a harvest may reach."""

from __future__ import annotations

import socket

import pytest

from tsunagu.errors import BlockedAddressError
from tsunagu.harvester.addresses import check_url


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


@pytest.mark.parametrize("address", [
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "64:ff9b::7f00:1",  # NAT64, well-known prefix
    "64:ff9b:1::a00:7",  # NAT64, local-use prefix: 10.0.0.7
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:c0a8:1::1",  # 6to4 of 192.168.0.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo: the client 127.0.0.1
])
def test_ipv6_addresses_carrying_a_private_ipv4_address_are_refused(
        address: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0))])
    with pytest.raises(BlockedAddressError, match="non-public"):
        check_url("http://v6.example.org/oai", allow_private=False)


@pytest.mark.parametrize("address", [
    "2a00:1450:4001:81b::200e",
    "64:ff9b::5db8:d822",  # NAT64 of the public 93.184.216.34
])
def test_public_ipv6_addresses_pass(address: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0))])
    check_url("http://v6.example.org/oai", allow_private=False)
