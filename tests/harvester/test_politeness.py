"""Host gates: one request at a time per host, and the pause after each."""

from __future__ import annotations

import threading

import pytest

from tsunagu.harvester.politeness import HostGates


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_pause_is_the_delay_or_a_multiple_of_the_answer_time() -> None:
    clock = Clock()
    gates = HostGates(0.5, 2.0, clock=clock, sleep=clock.sleep)
    with gates.turn("a.example"):
        clock.now += 0.1  # a quick answer: the delay counts
    with gates.turn("a.example"):
        clock.now += 1.0  # a slow answer: twice its time
    with gates.turn("a.example"):
        pass
    assert clock.slept == [0.5, 2.0]
    with gates.turn("b.example"):  # another host has no pause to wait for
        pass
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
        with gates.turn("a.example"):
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
    with gates.turn("a.example"):
        pass
    with pytest.raises(KeyboardInterrupt):
        gates.acquire("a.example")
    clock.now += 5.0
    assert gates.try_acquire("a.example") is not None  # not left locked
