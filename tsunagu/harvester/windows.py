"""Harvest windows: which ``from``/``until`` a run asks for, in the server's granularity.

``until`` is always sent and is the repository's own clock (the ``responseDate``
of Identify), unless that is ahead of this machine's: then it is this machine's
clock. A server that writes its local time with a ``Z`` (a Japanese one, nine
hours ahead) while it stamps records in UTC would otherwise move the high-water
mark past records changed after the run, and they would never be harvested; the
other way round, records stamped ahead of this clock only come a run later. The
next incremental run starts ``from`` the last completed ``until`` minus an overlap
(one day on day-granularity servers), since upserts by identifier make the overlap
harmless.

A window that keeps failing is bisected by time (:func:`split_window`) down to
the server's granularity; its parts are listed left to right, so what remains
after a part is always one window (:func:`rest_of`).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

DAY = "%Y-%m-%d"
SECOND = "%Y-%m-%dT%H:%M:%SZ"
_CLOCK_TOLERANCE = timedelta(minutes=5)  # clocks this close are the same clock


@dataclasses.dataclass(frozen=True)
class Window:
    """The ``from`` (None: from the beginning) and ``until`` of a ListRecords list."""

    from_: str | None
    until: str

    @property
    def day_granularity(self) -> bool:
        return len(self.until) == 10


def parse_datestamp(text: str | None) -> datetime | None:
    """An OAI datestamp or responseDate (day, second, any UTC offset) as aware UTC."""
    if not text:
        return None
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.strptime(value, DAY).replace(tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)


def format_datestamp(moment: datetime, *, day: bool) -> str:
    return moment.astimezone(UTC).strftime(DAY if day else SECOND)


def clock_ahead(server_now: str, local_now: datetime | None = None) -> timedelta | None:
    """How far the server's clock (a ``responseDate``) is ahead of this machine's, when it
    is by more than a few minutes (``None``: it is not, or it cannot be read, or it is a
    bare day, which says nothing of the time)."""
    server = parse_datestamp(server_now)
    if server is None or len(server_now.strip()) == 10:
        return None
    ahead = server - (local_now or datetime.now(UTC))
    return ahead if ahead > _CLOCK_TOLERANCE else None


def plan_window(high_water: str | None, server_now: str, *, day: bool,
                overlap_seconds: int, local_now: datetime | None = None) -> Window:
    """The window of a run: from the high-water mark minus the overlap until the server's
    now, or this machine's if the server's is ahead of it (:func:`clock_ahead`).

    ``high_water`` None means a full harvest (no ``from``).
    """
    local = (local_now or datetime.now(UTC)).replace(microsecond=0)
    server = parse_datestamp(server_now)
    until = local if server is None else min(server, local)
    if high_water is None:
        return Window(None, format_datestamp(until, day=day))
    start = parse_datestamp(high_water)
    if start is None:
        return Window(None, format_datestamp(until, day=day))
    start -= timedelta(days=1) if day else timedelta(seconds=overlap_seconds)
    start = min(start, until)
    return Window(format_datestamp(start, day=day), format_datestamp(until, day=day))


def as_days(window: Window) -> Window:
    """The same window at day granularity (for servers that refuse seconds)."""
    until = parse_datestamp(window.until)
    start = parse_datestamp(window.from_)
    assert until is not None
    return Window(None if start is None else format_datestamp(start, day=True),
                  format_datestamp(until, day=True))


#: Where the bisection of a window without ``from`` starts when Identify gives no
#: usable ``earliestDatestamp`` (the left half still keeps no ``from``).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _step(window: Window) -> timedelta:
    return timedelta(days=1) if window.day_granularity else timedelta(seconds=1)


def split_window(window: Window, *,
                 earliest: str | None = None) -> tuple[Window, Window] | None:
    """``window`` cut in two halves at its granularity (``from``/``until`` are inclusive).

    A window without ``from`` is cut between ``earliest`` (the repository's
    ``earliestDatestamp``) and its ``until``, and its first half keeps no
    ``from``. None when the window is one granule (a day or a second) wide.
    """
    day = window.day_granularity
    until = parse_datestamp(window.until)
    start = parse_datestamp(window.from_) if window.from_ else (
        parse_datestamp(earliest) or EPOCH)
    if start is None or until is None or start >= until:
        return None
    if day:
        middle = start + timedelta(days=(until - start).days // 2)
    else:
        middle = start + timedelta(seconds=int((until - start).total_seconds()) // 2)
    return (Window(window.from_, format_datestamp(middle, day=day)),
            Window(format_datestamp(middle + _step(window), day=day), window.until))


def rest_of(window: Window, part: Window) -> Window | None:
    """What is left of ``window`` after its leading ``part``; None when nothing is."""
    end = parse_datestamp(part.until)
    until = parse_datestamp(window.until)
    assert end is not None and until is not None
    if end >= until:
        return None
    return Window(format_datestamp(end + _step(window), day=window.day_granularity),
                  window.until)


# -- windows planned up front ---------------------------------------------------------

#: A full harvest's first window reaches back to the beginning (no ``from``) and ends
#: with the window that holds ``earliestDatestamp``, but never one before OAI-PMH 1.0
#: (2001): some servers announce 0001-01-01 or 1970, which would mean thousands of
#: empty windows; records dated before it still come in that first window.
FLOOR = datetime(2001, 1, 1, tzinfo=UTC)


@dataclasses.dataclass(frozen=True)
class WindowPlan:
    """A run's window cut up front into windows of ``days`` days (0: one window).

    The windows are the cells of a grid of ``days``-day steps that ends at the
    midnight (UTC) after the run's ``until``, so a window's bounds do not change
    when the run falls back to day granularity, and the window holding any
    datestamp can be found again after a crash (:meth:`containing`). The first
    window keeps the run's ``from`` (none for a full harvest) and the last ends
    at the run's ``until``.
    """

    run: Window
    days: int
    earliest: str | None = None

    def first(self) -> Window:
        start = parse_datestamp(self.run.from_) if self.run.from_ else self._earliest()
        if self.days <= 0 or start is None:
            return self.run
        return Window(self.run.from_, self._format(self._cell(start)[1]))

    def after(self, window: Window) -> Window | None:
        """The window after ``window``; None when it ends the run."""
        end, until = parse_datestamp(window.until), parse_datestamp(self.run.until)
        assert end is not None and until is not None
        if end >= until:
            return None
        if self.days <= 0:
            return Window(self._format(end + self._granule), self.run.until)
        start = end + self._granule
        return Window(self._format(start), self._format(self._cell(start)[1]))

    def containing(self, part: Window) -> Window:
        """The window that ``part`` (a checkpoint's) lies in, to resume it.

        It never starts later or ends earlier than ``part``'s own window did, so
        the sets listed before the crash get no gap and the ones after it none.
        """
        anchor = parse_datestamp(part.from_ or part.until)
        earliest = self._earliest()
        if self.days <= 0 or anchor is None or (self.run.from_ is None and earliest is None):
            return self.run
        cell_start, cell_end = self._cell(anchor)
        end = max(cell_end, parse_datestamp(part.until) or cell_end)
        if self.run.from_ is not None:
            run_from = parse_datestamp(self.run.from_)
            start: str | None = self.run.from_ if run_from is None or cell_start <= run_from \
                else self._format(cell_start)
        else:
            assert earliest is not None
            start = None if part.from_ is None or cell_start <= earliest else self._format(
                cell_start)
        return Window(start, self._format(end))

    @property
    def _granule(self) -> timedelta:
        return timedelta(days=1) if self.run.day_granularity else timedelta(seconds=1)

    def _earliest(self) -> datetime | None:
        earliest = parse_datestamp(self.earliest)
        return None if earliest is None else max(earliest, FLOOR)

    def _cell(self, moment: datetime) -> tuple[datetime, datetime]:
        """The first and last instant of the grid cell holding ``moment``, the last
        clipped to the run's ``until``."""
        until = parse_datestamp(self.run.until)
        assert until is not None
        anchor = datetime(until.year, until.month, until.day, tzinfo=UTC) + timedelta(days=1)
        size = timedelta(days=self.days)
        back = max(0, (int((anchor - moment).total_seconds()) - 1) // int(size.total_seconds()))
        start = anchor - (back + 1) * size
        return start, min(anchor - back * size - self._granule, until)

    def _format(self, moment: datetime) -> str:
        return format_datestamp(moment, day=self.run.day_granularity)
