"""What people do with records, as counters per record, per day and per kind.

Nothing personal is stored: no IP address, user agent, user id or time of day,
only ``(record, day, kind) -> count``. The site calls :meth:`Activity.record_event`
when it shows an item page, lists records in search results, sends someone to
the institution's own site, or when an educator adds a record to a collection;
institutions read the counts of their records back (issue #7, "data and
activity back").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Collection, Iterable, Iterator

from tsunagu.store.database import Database


class ActivityKind(enum.StrEnum):
    """The events that are counted."""

    VIEW = "view"               # an item page was shown
    SEARCH = "search"           # the record appeared in a page of search results
    CLICK = "click"             # a click through to the institution's own site
    COLLECTION = "collection"   # an educator put the record in a collection


@dataclasses.dataclass(frozen=True)
class ActivityCount:
    """One counter: ``count`` events of ``kind`` on ``day`` for ``record_id``."""

    record_id: str
    source_id: str
    day: str
    kind: ActivityKind
    count: int


@dataclasses.dataclass(frozen=True)
class DayTotals:
    """All records of a selection on one day, by kind."""

    day: str
    counts: dict[ActivityKind, int]


class Activity:
    """Counters per record per day; records that do not exist are not counted."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def record_event(self, kind: ActivityKind, record_ids: Iterable[str],
                     day: dt.date | None = None) -> int:
        """Count one event of ``kind`` for each record (a record listed twice counts once).

        ``day`` defaults to today (UTC). Returns how many records were counted:
        ids of records the store does not have are ignored.
        """
        when = (day or dt.datetime.now(dt.UTC).date()).isoformat()
        ids = list(dict.fromkeys(record_ids))
        counted = 0
        with self._db.transaction() as conn:
            for record_id in ids:
                counted += conn.execute(
                    "INSERT INTO activity(record_id, source_id, day, kind, count)"
                    " SELECT id, source_id, ?, ?, 1 FROM records WHERE id = ?"
                    " ON CONFLICT(record_id, day, kind) DO UPDATE SET count = count + 1",
                    (when, kind.value, record_id)).rowcount
        return counted

    def counts(self, source_ids: Collection[str], *, start: dt.date | None = None,
               end: dt.date | None = None) -> Iterator[ActivityCount]:
        """Every counter of the sources' records, by day then record (``end`` inclusive)."""
        if not source_ids:
            return
        sql, params = self._selection(source_ids, start, end)
        for row in self._db.connection().execute(
                "SELECT record_id, source_id, day, kind, count FROM activity WHERE "
                + sql + " ORDER BY day, record_id, kind", params):
            yield ActivityCount(row[0], row[1], row[2], ActivityKind(row[3]), int(row[4]))

    def per_day(self, source_ids: Collection[str], *, start: dt.date | None = None,
                end: dt.date | None = None) -> list[DayTotals]:
        """Totals per day over the sources' records, oldest day first."""
        if not source_ids:
            return []
        sql, params = self._selection(source_ids, start, end)
        days: dict[str, dict[ActivityKind, int]] = {}
        for day, kind, total in self._db.connection().execute(
                "SELECT day, kind, SUM(count) FROM activity WHERE " + sql
                + " GROUP BY day, kind ORDER BY day", params):
            days.setdefault(day, {k: 0 for k in ActivityKind})[ActivityKind(kind)] = int(total)
        return [DayTotals(day, counts) for day, counts in days.items()]

    def per_record(self, source_ids: Collection[str], *, start: dt.date | None = None,
                   end: dt.date | None = None) -> dict[str, dict[ActivityKind, int]]:
        """Totals per record over the period."""
        if not source_ids:
            return {}
        sql, params = self._selection(source_ids, start, end)
        found: dict[str, dict[ActivityKind, int]] = {}
        for record_id, kind, total in self._db.connection().execute(
                "SELECT record_id, kind, SUM(count) FROM activity WHERE " + sql
                + " GROUP BY record_id, kind ORDER BY record_id", params):
            found.setdefault(record_id, {k: 0 for k in ActivityKind})[
                ActivityKind(kind)] = int(total)
        return found

    @staticmethod
    def _selection(source_ids: Collection[str], start: dt.date | None,
                   end: dt.date | None) -> tuple[str, list[str]]:
        sql = f"source_id IN ({','.join('?' * len(source_ids))})"
        params = list(source_ids)
        if start is not None:
            sql += " AND day >= ?"
            params.append(start.isoformat())
        if end is not None:
            sql += " AND day <= ?"
            params.append(end.isoformat())
        return sql, params
