"""Host gates: one request at a time per host, and the pause after each."""

from __future__ import annotations

import errno
import itertools
import logging
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hostile_server import HostileServer, items

from tsunagu.config import Settings
from tsunagu.harvester.politeness import HostGates
from tsunagu.pipeline import Pipeline
from tsunagu.records import Sector, Source


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def ask(gates: HostGates, clock: Clock, host: str, answer_time: float = 0.0) -> None:
    """One request to ``host`` that takes ``answer_time`` to be answered."""
    started = gates.acquire(host)
    clock.now += answer_time
    gates.release(host, started)


def test_the_pause_is_the_delay_or_a_multiple_of_the_answer_time() -> None:
    clock = Clock()
    gates = HostGates(0.5, 2.0, clock=clock, sleep=clock.sleep)
    ask(gates, clock, "a.example", 0.1)  # a quick answer: the delay counts
    ask(gates, clock, "a.example", 1.0)  # a slow answer: twice its time
    ask(gates, clock, "a.example")
    assert clock.slept == [0.5, 2.0]
    ask(gates, clock, "b.example")  # another host has no pause to wait for
    assert clock.slept == [0.5, 2.0]


def test_try_acquire_takes_a_host_only_when_free_and_rested() -> None:
    clock = Clock()
    gates = HostGates(1.0, 0.0, clock=clock, sleep=clock.sleep)
    started = gates.try_acquire("a.example")
    assert started == 100.0
    assert gates.try_acquire("a.example") is None  # held
    gates.release("a.example", started)
    assert gates.try_acquire("a.example") is None  # resting
    clock.now += 1.0
    again = gates.try_acquire("a.example")
    assert again is not None
    gates.release("a.example", again)
    assert clock.slept == []  # try_acquire never waits


def test_a_held_host_makes_other_threads_wait_their_turn() -> None:
    gates = HostGates(0.0, 0.0)
    started = gates.try_acquire("a.example")
    assert started is not None
    entered = threading.Event()

    def other() -> None:
        gates.release("a.example", gates.acquire("a.example"))
        entered.set()

    thread = threading.Thread(target=other)
    thread.start()
    assert not entered.wait(0.2)  # held by the request sent ahead
    gates.release("a.example", started)
    assert entered.wait(5)
    thread.join()


def test_a_wait_that_fails_gives_the_host_back() -> None:
    clock = Clock()

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    gates = HostGates(5.0, 0.0, clock=clock, sleep=interrupted)
    ask(gates, clock, "a.example")
    with pytest.raises(KeyboardInterrupt):
        gates.acquire("a.example")
    clock.now += 5.0
    assert gates.try_acquire("a.example") is not None  # not left locked


def test_sources_on_one_host_harvested_at_once_still_ask_it_one_at_a_time(
        tmp_path: Path) -> None:
    # Two sources, two workers, one host: the shared gates space every request.
    settings = Settings(data_dir=tmp_path, allow_private_hosts=True, request_delay=0.1,
                        request_delay_factor=0.0, harvest_workers=2)
    pipeline = Pipeline(settings)
    try:
        with HostileServer(items(40), page_size=5) as server:
            for source_id in ("first", "second"):
                pipeline.add_source(Source(id=source_id, name=source_id, base_url=server.url,
                                           sector=Sector.ARCHIVE))
            runs = pipeline.harvest(["first", "second"])
        assert [run.status for run in runs] == ["ok", "ok"], [run.error for run in runs]
        assert pipeline.store.raw.count("first") == pipeline.store.raw.count("second") == 40
        times = sorted(server.times)
        gaps = [b - a for a, b in itertools.pairwise(times)]
        # Identify, formats and 8 pages each (sets are not checked: the sources name none),
        # never closer than the pause ...
        assert len(times) == 20 and min(gaps) >= 0.09, gaps
        # ... while both runs were going at once: the second asked for its first page
        # before the first had its last (or this test would prove nothing), i.e. fewer
        # than 8 pages came before it. The gates are not fair, so how far the two
        # interleave is the scheduler's: a thread that lets the host go may take it again
        # before the other wakes up (with 4 pages each, under load, one in ~8 runs did not).
        lists = [q for q in server.requests if q.get("verb") == "ListRecords"]
        starts = [n for n, q in enumerate(lists) if "resumptionToken" not in q]
        assert len(lists) == 16 and len(starts) == 2 and starts[1] < 8, lists
    finally:
        pipeline.close()


class Wall(Clock):
    """A wall clock for the gates' files, apart from their monotonic clock."""


def test_gates_of_two_processes_share_a_host_through_the_data_directory(
        tmp_path: Path) -> None:
    clock, wall = Clock(), Wall()
    mine = HostGates(1.0, 0.0, clock=clock, sleep=clock.sleep, folder=tmp_path, wall=wall)
    theirs = HostGates(1.0, 0.0, clock=clock, sleep=clock.sleep, folder=tmp_path, wall=wall)
    started = mine.try_acquire("a.example:8080")
    assert started is not None
    assert theirs.try_acquire("a.example:8080") is None  # asked by the other process
    other = theirs.try_acquire("b.example")  # another host is free
    assert other is not None
    theirs.release("b.example", other)
    mine.release("a.example:8080", started)
    assert theirs.try_acquire("a.example:8080") is None  # resting, as the file says
    clock.now += 1.0
    wall.now += 1.0
    again = theirs.try_acquire("a.example:8080")
    assert again is not None
    theirs.release("a.example:8080", again)
    clock.now += 0.25
    wall.now += 0.25
    mine.release("a.example:8080", mine.acquire("a.example:8080"))
    assert clock.slept == [0.75]  # the rest of the pause the other process began
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and names[0].startswith("host-a.example_8080-")
    assert names[1] == "host-b.example.lock"


def test_a_wall_clock_set_back_holds_a_host_no_longer_than_the_longest_pause(
        tmp_path: Path) -> None:
    clock, wall = Clock(), Wall()
    gates = HostGates(1.0, 0.0, clock=clock, sleep=clock.sleep, folder=tmp_path, wall=wall,
                      longest=5.0)
    gates.release("a.example", gates.acquire("a.example"))
    wall.now -= 3600  # the clock went back an hour
    clock.now += 1.0
    gates.release("a.example", gates.acquire("a.example"))
    assert clock.slept == [5.0]


def test_a_folder_that_cannot_be_made_keeps_the_gates_within_the_process(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    gates = HostGates(0.0, 0.0, folder=blocked / "locks")
    with caplog.at_level(logging.WARNING, logger="tsunagu.harvester.politeness"):
        started = gates.try_acquire("a.example")
        assert started is not None
        assert gates.try_acquire("a.example") is None  # still one at a time in the process
        gates.release("a.example", started)
        gates.release("a.example", gates.acquire("a.example"))
        gates.release("b.example", gates.acquire("b.example"))
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2  # once per host, not once per request
    assert all("within this process only" in w for w in warnings)


def test_a_lock_file_that_cannot_be_opened_spares_the_other_hosts(tmp_path: Path) -> None:
    (tmp_path / "host-a.example.lock").mkdir()  # not a file: that host alone falls back
    mine = HostGates(0.0, 0.0, folder=tmp_path)
    theirs = HostGates(0.0, 0.0, folder=tmp_path)
    mine.release("a.example", mine.acquire("a.example"))
    started = mine.try_acquire("b.example")
    assert started is not None
    assert theirs.try_acquire("b.example") is None  # b's lock file still keeps them apart
    mine.release("b.example", started)
    again = theirs.try_acquire("b.example")
    assert again is not None
    theirs.release("b.example", again)


def test_a_process_that_keeps_a_host_too_long_holds_the_others_back_once(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    stopped = HostGates(0.0, 0.0, folder=tmp_path)  # took the host and stopped (Ctrl-Z)
    assert stopped.try_acquire("a.example") is not None
    gates = HostGates(0.0, 0.0, clock=clock, sleep=clock.sleep, folder=tmp_path, longest=30.0)
    with caplog.at_level(logging.WARNING, logger="tsunagu.harvester.politeness"):
        gates.release("a.example", gates.acquire("a.example"))
    waited = sum(clock.slept)
    assert 30.0 + 120.0 <= waited < 30.0 + 120.0 + 1.0  # the longest a request may take
    assert "longer than any request may take" in caplog.text
    gates.release("a.example", gates.acquire("a.example"))  # still stuck: no second wait
    assert sum(clock.slept) == waited
    stopped.release("a.example", 0.0)  # it goes on, and lets go
    clock.now += 1.0
    started = gates.acquire("a.example")  # the lock file is used again ...
    other = HostGates(0.0, 0.0, folder=tmp_path)
    assert other.try_acquire("a.example") is None  # ... as another process sees
    gates.release("a.example", started)


def test_a_failed_wait_closes_the_lock_file_and_lets_the_host_go(tmp_path: Path) -> None:
    clock = Clock()

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    gates = HostGates(5.0, 0.0, clock=clock, sleep=interrupted, folder=tmp_path, wall=clock)
    gates.release("a.example", gates.acquire("a.example"))
    with pytest.raises(KeyboardInterrupt):
        gates.acquire("a.example")  # interrupted while waiting out the pause
    other = HostGates(5.0, 0.0, clock=clock, sleep=clock.sleep, folder=tmp_path, wall=clock)
    clock.now += 5.0
    assert other.try_acquire("a.example") is not None  # no lock left behind


def test_a_pause_that_cannot_be_written_still_lets_the_host_go(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def full(fd: int, data: bytes, offset: int) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    gates = HostGates(0.0, 0.0, folder=tmp_path)
    started = gates.acquire("a.example")
    monkeypatch.setattr(os, "pwrite", full)
    with caplog.at_level(logging.WARNING, logger="tsunagu.harvester.politeness"):
        gates.release("a.example", started)
    assert "No space left on device" in caplog.text
    monkeypatch.undo()
    other = HostGates(0.0, 0.0, folder=tmp_path)
    again = other.try_acquire("a.example")
    assert again is not None
    other.release("a.example", again)


def test_the_lock_folder_is_made_when_missing_and_the_pause_written_is_capped(
        tmp_path: Path) -> None:
    clock, wall = Clock(), Wall()
    folder = tmp_path / "data" / "locks"
    gates = HostGates(1.0, 1.0, clock=clock, sleep=clock.sleep, folder=folder, wall=wall,
                      longest=10.0)
    started = gates.acquire("a.example")
    clock.now += 60.0  # a slow answer: a pause of 60 s here, at most 10 s for the others
    gates.release("a.example", started)
    assert folder.is_dir()
    other = HostGates(1.0, 1.0, clock=clock, sleep=clock.sleep, folder=folder, wall=wall)
    other.release("a.example", other.acquire("a.example"))
    assert clock.slept == [10.0]


def test_lock_file_names_drop_credentials_and_tell_hosts_apart(tmp_path: Path) -> None:
    gates = HostGates(0.0, 0.0, folder=tmp_path)
    for host in ("user:secret@a.example", "例え.jp", "日本.jp", "[::1]:8080", "b.example"):
        gates.release(host, gates.acquire(host))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 5 and "host-b.example.lock" in names
    assert not any("secret" in name or "user" in name for name in names)
    assert all(re.fullmatch(r"host-[a-z0-9._-]+\.lock", name) for name in names)


def test_two_harvest_processes_ask_a_shared_host_one_request_at_a_time(
        tmp_path: Path) -> None:
    env = {**os.environ, "TSUNAGU_DATA_DIR": str(tmp_path), "TSUNAGU_ALLOW_PRIVATE_HOSTS": "1",
           "TSUNAGU_REQUEST_DELAY": "0.01", "TSUNAGU_REQUEST_DELAY_FACTOR": "0"}
    with HostileServer(items(60), page_size=5) as server:
        server.pause = 0.03  # every answer takes a while: overlaps would show
        settings = Settings.from_env(env)
        pipeline = Pipeline(settings)
        try:
            for name in ("first", "second"):
                pipeline.store.sources.add(Source(id=name, name=name, base_url=server.url,
                                                  sector=Sector.ARCHIVE))
            child = subprocess.Popen(
                [sys.executable, "-c", "import sys; from tsunagu.cli import main; "
                 "sys.exit(main(['harvest', 'first', '--no-index']))"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 30
            while not server.requests and time.monotonic() < deadline:  # the child has begun
                time.sleep(0.01)
            [run] = pipeline.harvest(["second"])
            _out, err = child.communicate(timeout=60)
        finally:
            pipeline.close()
    assert child.returncode == 0, err.decode()
    assert run.status == "ok", run.error
    spans = sorted(server.spans)
    assert len(spans) == 2 * 14  # Identify, formats and 12 pages each
    # Both were going at once: each asked for its first page before the other had its
    # last (or this test would prove nothing) ...
    lists = [q for q in server.requests if q.get("verb") == "ListRecords"]
    starts = [n for n, q in enumerate(lists) if "resumptionToken" not in q]
    assert len(starts) == 2 and starts[1] < len(lists) - 1 - 6, lists
    # ... and the host was never answering two of their requests at a time.
    overlaps = [(a, b) for a, b in itertools.pairwise(spans) if b[0] < a[1]]
    assert overlaps == []
