"""A token that expires in a later window restarts that window only, on 127.0.0.1.

A first harvest runs as 30-day windows. In the third window the server refuses
a resumption token (badResumptionToken), and again when it is sent once more:
the harvester must list the third window again from its own ``from``, not the
run from the beginning of history, and go on with the fourth. The store ends
equal to the server, each record stored and counted once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from harvest_support import keep
from hostile_server import Fault, HostileServer, Item

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.records import Sector, Source
from tsunagu.store import Store

UNTIL = "2026-11-25T12:00:00Z"  # the hostile server's clock
#: The third 30-day window of a full harvest from 2026-07-01 (see test_windows_up_front.py).
WINDOW_3 = ("2026-08-28T00:00:00Z", "2026-09-26T23:59:59Z")


def spread(count: int) -> list[Item]:
    """A record every three days from 2026-07-01: ten in each of the first 30-day windows."""
    start = datetime(2026, 7, 1, 9, tzinfo=UTC)
    return [Item(f"oai:restart:{n:04d}",
                 (start + timedelta(days=3 * n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 f"Record {n}") for n in range(count)]


def listing(request: dict[str, str]) -> tuple[str | None, str | None]:
    """The (from, until) a ListRecords request lists, read from its token if it has one."""
    token = request.get("resumptionToken")
    if token is None:
        return request.get("from"), request.get("until")
    _offset, from_, until, _set = token.split("|")
    return from_ or None, until


def test_an_expired_token_in_the_third_window_restarts_only_that_window(
    store: Store, settings: Settings
) -> None:
    # Four records a page: windows 1 and 2 take three requests each (7 = window 3's
    # first page, 8 = its first token). The token is refused, and refused again.
    with HostileServer(spread(40), page_size=4, earliest="2026-07-01T09:00:00Z",
                       faults=[Fault("expire", at=8, times=2)]) as server:
        source = Source(id="restart", name="Restart", base_url=server.url,
                        sector=Sector.ARCHIVE)
        store.sources.add(source)
        run = harvest_source(source, store, settings, on_page=keep)
    assert run.status == "ok", run.error
    lists = [r for r in server.requests if r["verb"] == "ListRecords"]
    token_3 = f"4|{WINDOW_3[0]}|{WINDOW_3[1]}|"
    assert [r.get("resumptionToken") for r in lists[6:11]] == [
        None, token_3, token_3, None, token_3]
    assert lists[6] == lists[9] == {"verb": "ListRecords", "metadataPrefix": "oai_dc",
                                    "from": WINDOW_3[0], "until": WINDOW_3[1]}
    # After the restart nothing before window 3 is asked for again: the windows go on.
    assert [listing(r) for r in lists[9:]][:3] == [WINDOW_3] * 3
    assert all((listing(r)[0] or "") >= WINDOW_3[0] for r in lists[9:])
    assert listing(lists[-1])[1] == UNTIL
    # The store is the server, each record stored and counted once.
    assert store.raw.identifiers("restart") == {i.identifier for i in server.items}
    assert run.new == 40 and run.updated == run.unchanged == 0
    assert sorted(store.runs.log.changes(run.id)["new"]) == sorted(
        i.identifier for i in server.items)
    assert store.runs.checkpoint("restart") is None
    assert store.sources.high_water("restart") == UNTIL
    [restart] = [i.message for i in store.runs.log.issues(run.id, ["retry"])
                 if "restarting" in i.message]
    assert "2026-08-28" in restart, restart  # the issue names the window restarted
