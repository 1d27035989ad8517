"""Which network addresses a harvest may reach: the SSRF guard.

A registered URL, and every redirect, must not reach private, loopback,
link-local, multicast, reserved or unspecified addresses unless the operator
allows it (``TSUNAGU_ALLOW_PRIVATE_HOSTS=1``). IPv6 addresses that carry an IPv4
address (IPv4-mapped and -compatible, 6to4, Teredo, the NAT64 prefixes) are
judged by the IPv4 address they carry.

The check is made on the addresses a connection is then opened to
(:func:`resolve`), not on a separate lookup: a host name whose DNS answer
changes between the check and the connection (DNS rebinding) cannot slip
through.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from tsunagu.errors import BlockedAddressError, TransportError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: NAT64 prefixes (RFC 6052 well-known, RFC 8215 local use): the IPv4 address is
#: the last 32 bits.
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated IPv4-compatible addresses
_HINT = "set TSUNAGU_ALLOW_PRIVATE_HOSTS=1 to allow private and loopback hosts"


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` (and any IPv4 address it carries) is a public unicast one."""
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        carried = [address.ipv4_mapped, address.sixtofour]
        if address.teredo is not None:
            carried.extend(address.teredo)
        if any(address in network for network in (*_NAT64, _COMPATIBLE)):
            carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        return all(v4 is None or is_public(v4) for v4 in carried)
    return True


def resolve(host: str, port: int, *, allow_private: bool) -> list[tuple[int, str]]:
    """The (family, address) pairs to connect to for ``host``: every one checked.

    Any non-public address among them is a :class:`BlockedAddressError` (unless
    ``allow_private``); a name that does not resolve is a :class:`TransportError`.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise TransportError(f"cannot resolve {host!r}: {exc}", field="url") from exc
    found: list[tuple[int, str]] = []
    for family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0])
        if not allow_private:
            address = ipaddress.ip_address(text.split("%", 1)[0])  # a scope id is no part
            if not is_public(address):
                raise BlockedAddressError(
                    f"{host} resolves to the non-public address {address}; {_HINT}",
                    field="url")
        if (family, text) not in found:
            found.append((family, text))
    return found


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse URLs that are not http(s) or that resolve to a non-public address.

    Private, loopback, link-local, multicast, reserved and unspecified addresses
    are refused unless ``allow_private`` (``TSUNAGU_ALLOW_PRIVATE_HOSTS=1``).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedAddressError(f"not an http(s) URL: {url!r}", field="url")
    if allow_private:
        return
    resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
            allow_private=False)
