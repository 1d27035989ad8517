"""The waits between retries, recorded through HttpTransport's ``sleep`` hook.

A real server on 127.0.0.1 answers 503. Without ``Retry-After`` the transport
waits ``base_delay × 2^(n-1)`` before retry n, capped at ``max_delay``, each
wait drawn from its upper half (jitter): ``[d/2, d]`` (``RetryPolicy``,
docs/operating.md "Harvesting"). A ``Retry-After`` of ``0`` or one that is not
delta-seconds or an HTTP-date falls back to that backoff: never a busy loop.
"""

from __future__ import annotations

import pytest
from hostile_server import Fault, HostileServer, items

from tsunagu.config import Settings
from tsunagu.errors import TransportError
from tsunagu.harvester.transport import HttpTransport, RetryPolicy

IDENTIFY = {"verb": "Identify"}


def upper_bounds(policy: RetryPolicy) -> list[float]:
    """The wait before each retry without jitter: doubling from the base, capped."""
    return [min(policy.max_delay, policy.base_delay * 2 ** n)
            for n in range(policy.attempts - 1)]


def waits_for_503s(settings: Settings, policy: RetryPolicy, url: str) -> list[float]:
    """The waits a transport asks for while the server at ``url`` answers 503."""
    waits: list[float] = []
    with HttpTransport(settings, retry=policy, sleep=waits.append) as transport:
        with pytest.raises(TransportError, match=f"answered HTTP 503 {policy.attempts} time"):
            transport.get(url, IDENTIFY)
        assert transport.requests == policy.attempts
    return waits


def test_waits_double_from_the_base_up_to_the_cap_each_in_its_jitter_band(
    settings: Settings
) -> None:
    policy = RetryPolicy(attempts=8)  # the defaults: base 1 s, at most 30 s
    bounds = upper_bounds(policy)
    assert bounds == [1, 2, 4, 8, 16, 30, 30]
    with HostileServer(items(1), faults=[Fault("status", status=503, times=None,
                                               verb="*")]) as server:
        samples = [waits_for_503s(settings, policy, server.url) for _ in range(6)]
    for waits in samples:
        assert len(waits) == policy.attempts - 1  # no wait after the last attempt
        for wait, bound in zip(waits, bounds, strict=True):
            assert bound / 2 <= wait <= bound, (waits, bounds)
    # Jitter: the waits are spread over their band, not one fixed value (for 6 runs
    # of 7 waits, all in one half of the band by chance has a probability ~ 2^-41).
    shares = [wait / bound for waits in samples for wait, bound in zip(waits, bounds,
                                                                        strict=True)]
    assert min(shares) < 0.75 < max(shares)
    assert len({round(share, 6) for share in shares}) > len(shares) // 2


@pytest.mark.parametrize("value", ["0", "soon", "-5", "1.5", ""])
def test_a_zero_or_invalid_retry_after_falls_back_to_the_backoff(
    settings: Settings, value: str
) -> None:
    waits: list[float] = []
    fault = Fault("status", status=503, verb="Identify", headers={"Retry-After": value})
    with HostileServer(items(1), faults=[fault]) as server, \
            HttpTransport(settings, sleep=waits.append) as transport:
        response = transport.get(server.url, IDENTIFY)
    assert response.status == 200 and b"<Identify>" in response.body
    [wait] = waits
    assert 0.5 <= wait <= 1.0  # the first backoff (base 1 s, jitter), not 0


def test_a_valid_retry_after_is_waited_exactly(settings: Settings) -> None:
    waits: list[float] = []
    fault = Fault("status", status=429, verb="Identify", headers={"Retry-After": "3"})
    with HostileServer(items(1), faults=[fault]) as server, \
            HttpTransport(settings, sleep=waits.append) as transport:
        assert transport.get(server.url, IDENTIFY).status == 200
    assert waits == [3.0]
