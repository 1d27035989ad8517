"""Multi-row upserts of the database (real SQLite files in tmp_path)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tsunagu.errors import StoreError
from tsunagu.store import Database
from tsunagu.store.database import Upsert

NOTES = Upsert("notes", ("a", "b", "text", "created"), ("a", "b"), keep=("created",))


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    db = Database(tmp_path / "store.sqlite3")
    connection = db.connection()
    connection.execute("CREATE TABLE notes (a TEXT, b INTEGER, text TEXT, created TEXT,"
                       " PRIMARY KEY (a, b))")
    yield connection
    db.close()


def rows_of(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return [tuple(row) for row in conn.execute("SELECT * FROM notes ORDER BY a, b")]


def test_a_key_repeated_across_statements_ends_with_its_last_row(
        conn: sqlite3.Connection) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 9)  # two rows of four per statement
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    values: list[object] = []
    for n in range(7):
        values += ("x", n % 3, f"text {n}", f"day {n}")
    NOTES.write(conn, values)
    conn.set_trace_callback(None)
    assert len([s for s in statements if s.startswith("INSERT INTO notes")]) == 4
    # The last row of each key wins; a conflict leaves ``created`` as first written.
    assert rows_of(conn) == [("x", 0, "text 6", "day 0"), ("x", 1, "text 4", "day 1"),
                             ("x", 2, "text 5", "day 2")]


def test_a_key_repeated_within_one_statement_ends_with_its_last_row(
        conn: sqlite3.Connection) -> None:
    NOTES.write(conn, ["k", 1, "first", "d1", "k", 2, "other", "d2", "k", 1, "last", "d3"])
    assert rows_of(conn) == [("k", 1, "last", "d1"), ("k", 2, "other", "d2")]
    NOTES.write(conn, [])
    assert len(rows_of(conn)) == 2


def test_the_statement_text_is_built_once_per_row_count() -> None:
    text = NOTES.statement(3)
    assert NOTES.statement(3) is text
    assert text == ("INSERT INTO notes(a, b, text, created) VALUES (?,?,?,?),(?,?,?,?),(?,?,?,?)"
                    " ON CONFLICT(a, b) DO UPDATE SET text=excluded.text")
    assert NOTES.statement(1).count("?") == 4


def test_values_that_are_not_whole_rows_are_refused(conn: sqlite3.Connection) -> None:
    with pytest.raises(StoreError, match="5 values are not whole rows of 4 columns of notes"):
        NOTES.write(conn, ["x", 1, "t", "d", "y"])
    assert rows_of(conn) == []


def test_with_every_other_column_kept_a_conflict_changes_nothing(
        conn: sqlite3.Connection) -> None:
    first_only = Upsert("notes", ("a", "b", "text", "created"), ("a", "b"),
                        keep=("text", "created"))
    assert first_only.statement(1).endswith(" ON CONFLICT(a, b) DO NOTHING")
    first_only.write(conn, ["k", 1, "first", "d1", "k", 1, "second", "d2"])
    assert rows_of(conn) == [("k", 1, "first", "d1")]


SHARED = Upsert("notes", ("a", "b", "text", "created"), ("a", "b"), keep=("created",),
                shared=("a", "created"))


def test_shared_columns_are_bound_once_per_statement(conn: sqlite3.Connection) -> None:
    assert SHARED.width == 2
    assert SHARED.statement(2) == (
        "INSERT INTO notes(a, b, text, created) VALUES (?1,?3,?4,?2),(?1,?5,?6,?2)"
        " ON CONFLICT(a, b) DO UPDATE SET text=excluded.text")
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 9)  # 2 shared + three rows of two
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    values: list[object] = []
    for n in range(7):
        values += (n % 4, f"text {n}")
    SHARED.write(conn, values, ("x", "day 1"))
    SHARED.write(conn, [0, "again"], ("x", "day 2"))
    SHARED.write(conn, [], ("x", "day 3"))
    conn.set_trace_callback(None)
    assert len([s for s in statements if s.startswith("INSERT INTO notes")]) == 3 + 1
    # The same rows as without shared columns: the last row of a key wins, and a
    # conflict keeps ``created``.
    assert rows_of(conn) == [("x", 0, "again", "day 1"), ("x", 1, "text 5", "day 1"),
                             ("x", 2, "text 6", "day 1"), ("x", 3, "text 3", "day 1")]


def test_shared_values_must_match_the_shared_columns(conn: sqlite3.Connection) -> None:
    with pytest.raises(StoreError, match="1 values for the 2 shared columns of notes"):
        SHARED.write(conn, [1, "t"], ("x",))
    with pytest.raises(StoreError, match="3 values are not whole rows of 2 columns of notes"):
        SHARED.write(conn, [1, "t", 2], ("x", "d"))
    assert rows_of(conn) == []
    with pytest.raises(ValueError, match="not some of"):
        Upsert("notes", ("a", "b"), ("a",), shared=("a", "b"))
    with pytest.raises(ValueError, match="not some of"):
        Upsert("notes", ("a", "b"), ("a",), shared=("c",))


def test_a_store_locked_past_its_timeout_is_a_store_error_and_nothing_is_half_done(
        tmp_path: Path) -> None:
    db = Database(tmp_path / "locked.sqlite3")
    db.connection().execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(tmp_path / "locked.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing
    try:
        with pytest.raises(StoreError, match="locked"), db.transaction() as conn:
            conn.execute("INSERT INTO meta(key, value) VALUES ('x', '1')")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not db.connection().in_transaction
    db.set_meta("x", "2")  # the store is usable again
    assert db.get_meta("x") == "2"
    db.close()


def test_a_nested_transaction_that_fails_undoes_only_its_own_writes(tmp_path: Path) -> None:
    db = Database(tmp_path / "nested.sqlite3")
    with db.transaction():
        db.set_meta("outer", "1")
        with pytest.raises(RuntimeError), db.transaction():
            db.set_meta("inner", "1")
            raise RuntimeError("refused")
        db.set_meta("after", "1")
    assert (db.get_meta("outer"), db.get_meta("inner"), db.get_meta("after")) == ("1", None, "1")
    db.close()


def test_an_update_expression_decides_a_columns_value_on_conflict(
        conn: sqlite3.Connection) -> None:
    noted = Upsert("notes", ("a", "b", "text", "created"), ("a", "b"),
                   updates={"created": "COALESCE(excluded.created, created)"})
    noted.write(conn, ["x", 1, "first", "monday", "x", 2, "first", "monday"])
    noted.write(conn, ["x", 1, "second", None, "x", 2, "second", "tuesday", "y", 1, "new", None])
    assert rows_of(conn) == [("x", 1, "second", "monday"), ("x", 2, "second", "tuesday"),
                             ("y", 1, "new", None)]
    with pytest.raises(ValueError, match="updates"):
        Upsert("notes", ("a", "b", "text"), ("a", "b"), updates={"a": "excluded.a"})
