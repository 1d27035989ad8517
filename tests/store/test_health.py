"""Source health from real harvest runs: a closed port, a server that asks to wait, a success."""

from __future__ import annotations

import dataclasses
import datetime as dt
import http.server
import socket
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.records import RawRecord, Schedule, Sector, Source, SourceStatus
from tsunagu.store import ChangeKind, Store
from tsunagu.store.health import UNHEALTHY_AFTER, source_health, summarize


class BusyServer:
    """Answers every request ``503`` with ``Retry-After: 86400`` (come back tomorrow)."""

    def __init__(self) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(503)
                self.send_header("Retry-After", "86400")
                self.send_header("Content-Length", "4")
                self.end_headers()
                self.wfile.write(b"busy")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/oai"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/oai"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "store.sqlite3")
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", allow_private_hosts=True, retry_attempts=1,
                    connect_timeout=1.0, read_timeout=2.0, request_delay=0.0)


def keep(changes: Sequence[tuple[RawRecord, ChangeKind]], run_id: int) -> int:
    return 0


def add(store: Store, sid: str, url: str, **kw: object) -> Source:
    source = Source(id=sid, name=sid, base_url=url, sector=Sector.ARCHIVE, **kw)  # type: ignore[arg-type]
    store.sources.add(source)
    return source


def test_a_source_whose_endpoint_is_down_is_failing(store: Store, settings: Settings) -> None:
    source = add(store, "down", closed_port_url(), schedule=Schedule.DAILY)
    run = harvest_source(source, store, settings, on_page=keep)
    assert run.status == "failed" and run.error
    (health,) = source_health(store.db)
    assert (health.state, health.healthy, health.consecutive_failures) == ("failing", False, 1)
    assert health.last_run_id == run.id and health.last_success is None
    assert health.error == run.error
    started = dt.datetime.strptime(run.started_at, "%Y-%m-%dT%H:%M:%SZ")
    assert health.next_due == (started + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    summary = summarize([health])
    assert (summary.active, summary.unhealthy, summary.ok) == (1, 1, False)
    assert summary.by_state == {"failing": 1}


def test_a_parked_source_becomes_unhealthy_when_it_stays_parked(
        store: Store, settings: Settings) -> None:
    busy = BusyServer()
    try:
        source = add(store, "busy", busy.url)
        run = harvest_source(source, store, dataclasses.replace(settings, retry_attempts=2),
                             on_page=keep)
    finally:
        busy.close()
    assert run.status == "parked" and run.resume_after
    (health,) = source_health(store.db)
    assert health.state == "parked" and health.healthy  # it asked to wait: not yet a problem
    assert health.parked_until == run.resume_after == health.next_due
    for _ in range(UNHEALTHY_AFTER - 1):  # the next runs were parked as well
        again = store.runs.start("busy", None, None)
        store.runs.finish(again, "parked", "503", resume_after=run.resume_after)
    (health,) = source_health(store.db)
    assert health.consecutive_failures == UNHEALTHY_AFTER and not health.healthy


def test_success_resets_the_count_and_drafts_do_not_count(
        store: Store, settings: Settings) -> None:
    add(store, "fine", closed_port_url())
    for status in ("failed", "failed", "ok", "failed", "running"):
        run = store.runs.start("fine", None, None)
        if status != "running":
            store.runs.finish(run, status, None if status == "ok" else "boom")
    add(store, "draft", closed_port_url(), status=SourceStatus.DRAFT)
    run = store.runs.start("draft", None, None)
    store.runs.finish(run, "failed", "boom")
    health = {h.source_id: h for h in source_health(store.db)}
    fine = health["fine"]
    assert fine.state == "running" and fine.consecutive_failures == 1 and fine.healthy
    assert fine.last_success is not None
    assert not health["draft"].active and not health["draft"].healthy
    assert health["draft"].next_due is None
    summary = summarize(list(health.values()))
    assert (summary.sources, summary.active, summary.unhealthy) == (2, 1, 0)


def test_a_never_harvested_source_is_due_now(store: Store) -> None:
    add(store, "new", closed_port_url(), schedule=Schedule.MANUAL)
    add(store, "new2", closed_port_url(), schedule=Schedule.WEEKLY)
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    health = {h.source_id: h for h in source_health(store.db, now=now)}
    assert health["new"].state == "never" and health["new"].next_due is None  # manual
    assert health["new2"].next_due == "2026-11-25T12:00:00Z" and health["new2"].healthy
