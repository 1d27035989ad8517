"""Harvest windows: which ``from``/``until`` a run asks for, in the server's granularity.

``until`` is always sent and is the repository's own clock (the ``responseDate``
of Identify), never the local one; the next incremental run starts ``from`` the
last completed ``until`` minus an overlap (one day on day-granularity servers),
since upserts by identifier make the overlap harmless.

A window that keeps failing is bisected by time (:func:`split_window`) down to
the server's granularity; its parts are listed left to right, so what remains
after a part is always one window (:func:`rest_of`).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

DAY = "%Y-%m-%d"
SECOND = "%Y-%m-%dT%H:%M:%SZ"


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


def plan_window(high_water: str | None, server_now: str, *, day: bool,
                overlap_seconds: int, local_now: datetime | None = None) -> Window:
    """The window of a run: from the high-water mark minus the overlap until the server's now.

    ``high_water`` None means a full harvest (no ``from``).
    """
    until = parse_datestamp(server_now) or local_now or datetime.now(UTC)
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
