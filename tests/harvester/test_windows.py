"""Window arithmetic: planning, day granularity, bisection and the rest of a window."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from tsunagu.harvester.windows import (
    Window,
    clock_ahead,
    plan_window,
    rest_of,
    split_window,
)


def test_a_second_window_is_cut_in_the_middle_without_overlap_or_gap() -> None:
    assert split_window(Window("2026-11-01T00:00:00Z", "2026-11-01T00:00:09Z")) == (
        Window("2026-11-01T00:00:00Z", "2026-11-01T00:00:04Z"),
        Window("2026-11-01T00:00:05Z", "2026-11-01T00:00:09Z"))


def test_a_day_window_is_cut_in_whole_days() -> None:
    assert split_window(Window("2026-11-01", "2026-11-04")) == (
        Window("2026-11-01", "2026-11-02"), Window("2026-11-03", "2026-11-04"))


def test_a_window_without_from_is_cut_from_the_earliest_datestamp_and_keeps_no_from() -> None:
    halves = split_window(Window(None, "2026-11-25T12:00:00Z"), earliest="2026-11-01T12:00:00Z")
    assert halves == (Window(None, "2026-11-13T12:00:00Z"),
                      Window("2026-11-13T12:00:01Z", "2026-11-25T12:00:00Z"))
    # No usable earliestDatestamp: the cut starts from 1970, the left half still open.
    assert split_window(Window(None, "1970-01-03"), earliest="garbage") == (
        Window(None, "1970-01-02"), Window("1970-01-03", "1970-01-03"))


def test_one_granule_cannot_be_split() -> None:
    assert split_window(Window("2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z")) is None
    assert split_window(Window("2026-11-01", "2026-11-01")) is None
    assert split_window(Window(None, "2026-11-01"), earliest="2026-11-01") is None
    two = split_window(Window("2026-11-01T10:00:00Z", "2026-11-01T10:00:01Z"))
    assert two == (Window("2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z"),
                   Window("2026-11-01T10:00:01Z", "2026-11-01T10:00:01Z"))


def test_the_rest_of_a_window_after_a_part() -> None:
    window = Window(None, "2026-11-25T12:00:00Z")
    assert rest_of(window, Window(None, "2026-11-13T12:00:00Z")) == Window(
        "2026-11-13T12:00:01Z", "2026-11-25T12:00:00Z")
    assert rest_of(window, Window("2026-11-20T00:00:00Z", "2026-11-25T12:00:00Z")) is None
    assert rest_of(Window("2026-11-01", "2026-11-09"), Window("2026-11-01", "2026-11-04")) == \
        Window("2026-11-05", "2026-11-09")


def test_halves_of_halves_tile_the_window_exactly() -> None:
    window = Window("2026-11-01T00:00:00Z", "2026-11-01T00:01:39Z")  # 100 seconds
    parts, pending = [], [window]
    while pending:  # bisect everything down to single seconds, left to right
        part = pending.pop()
        halves = split_window(part)
        if halves is None:
            parts.append(part)
        else:
            pending += [halves[1], halves[0]]
    assert len(parts) == 100
    assert [p.from_ for p in parts] == [p.until for p in parts]
    assert all(rest_of(window, a) == Window(b.from_, window.until)
               for a, b in itertools.pairwise(parts))


def test_plan_window_overlaps_and_uses_the_server_clock() -> None:
    assert plan_window("2026-11-24T12:00:00Z", "2026-11-25T12:00:00Z", day=False,
                       overlap_seconds=3600) == Window("2026-11-24T11:00:00Z",
                                                       "2026-11-25T12:00:00Z")
    assert plan_window(None, "2026-11-25T12:00:00Z", day=True, overlap_seconds=3600) == \
        Window(None, "2026-11-25")


def test_until_is_this_machines_clock_when_the_servers_is_ahead_of_it() -> None:
    local = datetime(2026, 11, 25, 3, 0, 0, 500000, tzinfo=UTC)
    # Local time written with a Z, nine hours ahead: this machine's clock is the until ...
    assert plan_window("2026-11-24T03:00:00Z", "2026-11-25T12:00:00Z", day=False,
                       overlap_seconds=3600, local_now=local) == \
        Window("2026-11-24T02:00:00Z", "2026-11-25T03:00:00Z")
    assert plan_window(None, "2026-11-26", day=True, overlap_seconds=0,
                       local_now=local).until == "2026-11-25"
    # ... while a server behind it keeps its own, and so does one that cannot be read.
    assert plan_window(None, "2026-11-25T02:59:00Z", day=False, overlap_seconds=0,
                       local_now=local).until == "2026-11-25T02:59:00Z"
    assert plan_window(None, "soon", day=False, overlap_seconds=0,
                       local_now=local).until == "2026-11-25T03:00:00Z"
    assert clock_ahead("2026-11-25T12:00:00Z", local) == timedelta(hours=8, minutes=59,
                                                                   seconds=59.5)
    assert clock_ahead("2026-11-25T03:04:00Z", local) is None  # a few minutes: the same clock
    assert clock_ahead("2026-11-25T02:00:00Z", local) is None
    assert clock_ahead("garbage", local) is None
    assert clock_ahead("2026-11-26", local) is None  # a day: tomorrow in Tokyo is no skew
