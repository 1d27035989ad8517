"""Windows planned up front: a grid of N-day windows that tiles the run's range exactly."""

from __future__ import annotations

import itertools

from tsunagu.harvester.windows import Window, WindowPlan, as_days, parse_datestamp

UNTIL = "2026-11-25T12:00:00Z"


def windows(plan: WindowPlan) -> list[Window]:
    found: list[Window] = []
    window: Window | None = plan.first()
    while window is not None:
        found.append(window)
        window = plan.after(window)
    return found


def test_a_full_harvest_is_cut_into_windows_from_the_earliest_datestamp() -> None:
    plan = WindowPlan(Window(None, UNTIL), 30, earliest="2026-06-10T08:00:00Z")
    got = windows(plan)
    # The first window has no from (records dated before earliestDatestamp still come);
    # the windows end at midnight steps back from the day after until, the last at until.
    assert got[0] == Window(None, "2026-06-28T23:59:59Z")
    assert got[1] == Window("2026-06-29T00:00:00Z", "2026-07-28T23:59:59Z")
    assert got[-1] == Window("2026-10-27T00:00:00Z", UNTIL)
    assert len(got) == 6
    for left, right in itertools.pairwise(got):  # no gap, no overlap
        end, start = parse_datestamp(left.until), parse_datestamp(right.from_)
        assert end is not None and start is not None
        assert (start - end).total_seconds() == 1


def test_an_incremental_gap_keeps_its_from_and_a_short_range_is_one_window() -> None:
    plan = WindowPlan(Window("2026-08-01T00:00:00Z", UNTIL), 30)
    got = windows(plan)
    assert got[0] == Window("2026-08-01T00:00:00Z", "2026-08-27T23:59:59Z")
    assert got[-1].until == UNTIL and len(got) == 4
    short = WindowPlan(Window("2026-11-20T11:00:00Z", UNTIL), 30)
    assert windows(short) == [Window("2026-11-20T11:00:00Z", UNTIL)]


def test_no_windows_and_an_unknown_earliest_datestamp_mean_one_window() -> None:
    assert windows(WindowPlan(Window(None, UNTIL), 0, earliest="2020-01-01")) == [
        Window(None, UNTIL)]
    assert windows(WindowPlan(Window(None, UNTIL), 30, earliest="garbage")) == [
        Window(None, UNTIL)]


def test_an_earliest_datestamp_of_the_year_one_does_not_mean_thousands_of_windows() -> None:
    got = windows(WindowPlan(Window(None, "2026-11-25"), 365, earliest="0001-01-01"))
    assert got[0] == Window(None, "2001-12-01")  # the year that holds 2001-01-01
    assert len(got) == 26  # 2001 .. 2026 in years, not 2026 of them


def test_day_granularity_windows_are_whole_days_with_the_same_bounds() -> None:
    seconds = WindowPlan(Window(None, UNTIL), 30, earliest="2026-06-10T08:00:00Z")
    days = WindowPlan(as_days(seconds.run), 30, earliest="2026-06-10T08:00:00Z")
    assert [as_days(w) for w in windows(seconds)] == windows(days)
    assert windows(days)[1] == Window("2026-06-29", "2026-07-28")


def test_the_window_of_a_checkpoint_is_found_again() -> None:
    plan = WindowPlan(Window(None, UNTIL), 30, earliest="2026-06-10T08:00:00Z")
    for window in windows(plan):
        assert plan.containing(window) == window
        # a left part (split), a right part, the rest of a window after a part
        end = parse_datestamp(window.until)
        assert end is not None
        left = Window(window.from_, "2026-06-20T00:00:00Z") if window.from_ is None else \
            Window(window.from_, window.from_[:10] + "T06:00:00Z")
        assert plan.containing(left) == window
        if window.from_ is not None:
            right = Window(window.from_[:10] + "T06:00:01Z", window.until)
            assert plan.containing(right) == window
