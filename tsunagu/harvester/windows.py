"""Harvest windows: which ``from``/``until`` a run asks for, in the server's granularity.

``until`` is always sent and is the repository's own clock (the ``responseDate``
of Identify), never the local one; the next incremental run starts ``from`` the
last completed ``until`` minus an overlap (one day on day-granularity servers),
since upserts by identifier make the overlap harmless.
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
