"""Write-behind: a harvest's page writes, in order, on a writer thread (real SQLite file)."""

from __future__ import annotations

import functools
import sqlite3
import threading
from pathlib import Path

import pytest

from tsunagu.errors import StoreError
from tsunagu.records import RawRecord, Sector, Source
from tsunagu.store import Store
from tsunagu.store.writer import WriteBehind


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "store.sqlite3")
    s.sources.add(Source(id="tate", name="Tate", base_url="http://x/oai", sector=Sector.MUSEUM))
    return s


def page(store: Store, number: int, log: list[tuple[int, str]]) -> None:
    """A page's job: its record stored in a transaction of its own."""
    with store.db.transaction():
        store.raw.put(RawRecord("tate", f"oai:tate:{number}", "2024-01-01", "oai_dc",
                                xml=f"<dc>{number}</dc>".encode()))
    log.append((number, threading.current_thread().name))


def identifiers(store: Store) -> set[str]:
    return store.raw.identifiers("tate")


def test_jobs_run_in_order_on_the_writer_thread(store: Store) -> None:
    log: list[tuple[int, str]] = []
    with WriteBehind(store.db, depth=2, name="writer-under-test") as writer:
        for number in range(1, 31):
            writer.submit(functools.partial(page, store, number, log))
    # Leaving the block waited for every job: all stored, in submission order.
    assert [number for number, _thread in log] == list(range(1, 31))
    assert {thread for _number, thread in log} == {"writer-under-test"}
    assert len(identifiers(store)) == 30


def test_without_background_jobs_run_at_once_in_the_callers_thread(store: Store) -> None:
    log: list[tuple[int, str]] = []
    with WriteBehind(store.db, background=False) as writer:
        writer.submit(lambda: page(store, 1, log))
        assert log == [(1, threading.current_thread().name)]  # before the block ends


def test_a_failed_job_stops_the_later_ones_and_is_raised_to_the_caller(store: Store) -> None:
    log: list[tuple[int, str]] = []
    release = threading.Event()

    def failing() -> None:
        release.wait(5)
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"), WriteBehind(store.db, depth=3) as writer:
        writer.submit(functools.partial(page, store, 1, log))
        writer.submit(failing)
        writer.submit(functools.partial(page, store, 3, log))  # queued behind the failure
        release.set()
    assert [number for number, _thread in log] == [1]
    assert identifiers(store) == {"oai:tate:1"}


def test_submit_raises_the_failure_of_an_earlier_job(store: Store) -> None:
    def failing() -> None:
        raise ValueError("bad page")

    writer = WriteBehind(store.db)
    writer.submit(failing)
    with pytest.raises(ValueError, match="bad page"):
        for _ in range(100):  # the failure is seen at a later submit
            writer.submit(lambda: None)
            threading.Event().wait(0.01)
    writer.close()  # reported once: closing does not raise it again


def test_jobs_handed_over_before_the_block_failed_are_still_stored(store: Store) -> None:
    log: list[tuple[int, str]] = []
    with pytest.raises(ConnectionError), WriteBehind(store.db, depth=4) as writer:
        for number in (1, 2, 3):
            writer.submit(functools.partial(page, store, number, log))
        raise ConnectionError("the next page could not be fetched")
    assert identifiers(store) == {"oai:tate:1", "oai:tate:2", "oai:tate:3"}


def test_a_job_failure_wins_over_the_blocks_later_error(store: Store) -> None:
    def failing() -> None:
        raise RuntimeError("budget exceeded")

    with (pytest.raises(RuntimeError, match="budget exceeded") as caught,
          WriteBehind(store.db) as writer):
        writer.submit(failing)
        raise ConnectionError("fetch failed")
    assert isinstance(caught.value.__cause__, ConnectionError)


def test_the_queue_is_bounded(store: Store) -> None:
    started, release = threading.Event(), threading.Event()
    submitted: list[int] = []

    def blocking() -> None:
        started.set()
        release.wait(5)

    writer = WriteBehind(store.db, depth=2)
    writer.submit(blocking)
    assert started.wait(5)

    def producer() -> None:
        for number in range(5):
            writer.submit(lambda: None)
            submitted.append(number)

    thread = threading.Thread(target=producer)
    thread.start()
    thread.join(0.3)
    assert submitted == [0, 1]  # two wait in the queue, the third submit blocks
    release.set()
    thread.join(5)
    writer.close()
    assert submitted == [0, 1, 2, 3, 4]


def test_writers_use_their_own_connection_one_after_another(store: Store) -> None:
    connections: list[object] = []
    for number in (7, 8):
        with WriteBehind(store.db) as writer:
            writer.submit(lambda: connections.append(store.db.connection()))
            writer.submit(functools.partial(page, store, number, []))
    assert len({id(conn) for conn in connections}) == 2
    assert store.db.connection() not in connections
    assert identifiers(store) == {"oai:tate:7", "oai:tate:8"}


def hold(gate: threading.Event) -> None:
    assert gate.wait(5)


def test_jobs_waiting_together_are_stored_in_one_transaction(store: Store) -> None:
    log: list[tuple[int, str]] = []
    batched: list[bool] = []  # each job: was a transaction open around it already?
    gate = threading.Event()

    def job(number: int) -> None:
        batched.append(store.db.connection().in_transaction)
        page(store, number, log)

    writer = WriteBehind(store.db, depth=4, batch=3)
    writer.submit(lambda: hold(gate))  # the writer waits until the others are queued
    for number in range(1, 6):
        if number == 5:
            gate.set()
        writer.submit(functools.partial(job, number))
    writer.close()
    assert [n for n, _ in log] == [1, 2, 3, 4, 5]
    assert store.raw.identifiers("tate") == {f"oai:tate:{n}" for n in range(1, 6)}
    # Four were waiting when the writer came back: three (the batch) in one transaction.
    assert batched[:3] == [True, True, True]


@pytest.mark.parametrize("inside", [True, False])
def test_a_failed_job_in_a_batch_leaves_what_it_would_have_left_alone(
        store: Store, inside: bool) -> None:
    log: list[tuple[int, str]] = []
    gate = threading.Event()

    def broken() -> None:
        with store.db.transaction():
            store.raw.put(RawRecord("tate", "oai:tate:bad", "2024-01-01", "oai_dc", xml=b"<x/>"))
            if inside:
                raise RuntimeError("disk full")  # inside its transaction: undone
        raise RuntimeError("disk full")  # after it (a budget exceeded): its writes stay

    writer = WriteBehind(store.db, depth=4, batch=4)
    writer.submit(lambda: hold(gate))
    writer.submit(functools.partial(page, store, 1, log))
    writer.submit(broken)
    writer.submit(functools.partial(page, store, 3, log))
    gate.set()
    with pytest.raises(RuntimeError, match="disk full"):
        writer.close()
    assert [n for n, _ in log] == [1]  # the job after it never ran
    expected = {"oai:tate:1"} if inside else {"oai:tate:1", "oai:tate:bad"}
    assert store.raw.identifiers("tate") == expected
    assert not store.db.connection().in_transaction


def test_sqlite_failures_inside_a_batch_come_out_as_they_do_alone(store: Store) -> None:
    # An operational failure (here: a table that is not there) is a StoreError, batched
    # or not; one that makes SQLite roll the whole transaction back (a trigger's
    # RAISE(ROLLBACK)) leaves nothing of the batch and is raised as it is.
    conn = store.db.connection()
    conn.execute("CREATE TABLE doomed(x)")
    conn.execute("CREATE TRIGGER doom BEFORE INSERT ON doomed"
                  " BEGIN SELECT RAISE(ROLLBACK, 'whole transaction rolled back'); END")

    def missing_table() -> None:
        with store.db.transaction() as c:
            c.execute("INSERT INTO not_there VALUES (1)")

    def doomed() -> None:
        with store.db.transaction() as c:
            c.execute("INSERT INTO doomed VALUES (1)")

    cases = [(missing_table, StoreError), (doomed, sqlite3.IntegrityError)]
    for n, ((failing, error), batch) in enumerate(
            (case, batch) for case in cases for batch in (1, 4)):
        log: list[tuple[int, str]] = []
        gate = threading.Event()
        writer = WriteBehind(store.db, depth=4, batch=batch)
        writer.submit(functools.partial(hold, gate))
        writer.submit(functools.partial(page, store, 100 + n, log))
        writer.submit(failing)
        writer.submit(functools.partial(page, store, 200 + n, log))
        gate.set()
        with pytest.raises(error) as raised:
            writer.close()
        assert "savepoint" not in str(raised.value)
        assert "no transaction" not in str(raised.value)
        # Alone, the page before was committed; batched with a transaction SQLite rolled
        # back, it went with it (its checkpoint too): nothing is half done.
        stored = f"oai:tate:{100 + n}" in store.raw.identifiers("tate")
        assert stored == (batch == 1 or failing is missing_table)
        assert f"oai:tate:{200 + n}" not in store.raw.identifiers("tate")
        assert not store.db.connection().in_transaction


def test_flush_waits_for_every_job_and_keeps_the_thread(store: Store) -> None:
    log: list[tuple[int, str]] = []
    gate = threading.Event()

    def slow(number: int) -> None:
        gate.wait(5)
        page(store, number, log)

    with WriteBehind(store.db, depth=2, name="flushing") as writer:
        for number in range(1, 4):
            writer.submit(functools.partial(slow, number))
        assert log == []  # the jobs wait for the gate
        gate.set()
        writer.flush()
        assert [number for number, _thread in log] == [1, 2, 3]  # all run, block still open
        writer.submit(functools.partial(page, store, 4, log))  # the thread goes on
        writer.flush()
        assert [number for number, _thread in log] == [1, 2, 3, 4]
    assert len(identifiers(store)) == 4


def test_flush_raises_a_jobs_failure_once(store: Store) -> None:
    def failing() -> None:
        raise StoreError("disk full", source_id="tate")

    writer = WriteBehind(store.db)
    writer.submit(failing)
    with pytest.raises(StoreError, match="disk full"):
        writer.flush()
    writer.close()  # already reported: not raised again
