"""A connect that never completes is cut at ``Settings.connect_timeout``, on 127.0.0.1.

No address outside the machine is used. A listening socket whose accept queue
is full (``listen(0)``, connections never accepted) makes Linux drop further
SYNs (with the default ``net.ipv4.tcp_abort_on_overflow = 0``): the client's
connect hangs, as with a host that drops packets, until its timeout. The read
timeout is far longer here, so the time taken shows which timeout applied.
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import time
from collections.abc import Iterator

import pytest
from harvest_support import keep

from tsunagu.config import Settings
from tsunagu.errors import TransportError
from tsunagu.harvester import harvest_source
from tsunagu.harvester.transport import HttpTransport
from tsunagu.records import Sector, Source
from tsunagu.store import Store

CONNECT, READ = 0.3, 5.0


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port on 127.0.0.1 whose listener's accept queue is full: connects hang."""
    with contextlib.ExitStack() as stack:
        listener = stack.enter_context(socket.socket())
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        for _ in range(16):  # fill the queue until a connect no longer completes
            probe = socket.socket()
            probe.settimeout(0.2)
            try:
                probe.connect(("127.0.0.1", port))
            except TimeoutError:
                probe.close()
                break
            stack.enter_context(probe)
        else:
            pytest.fail("connects to a full accept queue still complete here; "
                        "is net.ipv4.tcp_abort_on_overflow set?")
        yield port


@pytest.fixture
def slow_to_read(settings: Settings) -> Settings:
    return dataclasses.replace(settings, connect_timeout=CONNECT, read_timeout=READ,
                               retry_attempts=2)


def test_a_connect_that_hangs_times_out_and_is_retried(
    silent_port: int, slow_to_read: Settings
) -> None:
    url = f"http://127.0.0.1:{silent_port}/oai"
    waits: list[float] = []
    with HttpTransport(slow_to_read, sleep=waits.append) as transport:
        started = time.monotonic()
        with pytest.raises(TransportError, match="ConnectTimeout") as caught:
            transport.get(url, {"verb": "Identify"})
        elapsed = time.monotonic() - started
        log = transport.drain_log()
    assert url in str(caught.value)
    assert 2 * CONNECT * 0.9 <= elapsed < 3.0  # two connect timeouts, not a read timeout
    assert len(waits) == 1  # one backoff between the two attempts
    assert [entry.status for entry in log] == [None, None]
    assert all("ConnectTimeout" in (entry.error or "") for entry in log)


def test_a_harvest_of_a_host_that_never_accepts_fails_with_the_cause(
    silent_port: int, slow_to_read: Settings, store: Store
) -> None:
    once = dataclasses.replace(slow_to_read, retry_attempts=1)
    source = Source(id="silent", name="Silent", base_url=f"http://127.0.0.1:{silent_port}/oai",
                    sector=Sector.ARCHIVE)
    store.sources.add(source)
    started = time.monotonic()
    run = harvest_source(source, store, once, on_page=keep)
    assert time.monotonic() - started < 3.0
    assert run.status == "failed" and "ConnectTimeout" in (run.error or ""), run.error
    assert store.raw.count("silent") == 0
