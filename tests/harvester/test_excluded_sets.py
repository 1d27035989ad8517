"""Sets a source leaves out (a block-list), against a hostile server on 127.0.0.1.

A record whose header names any excluded set is not stored, also when it is in
an allowed set too; one stored before the set was excluded is tombstoned by the
next harvest, which is a full one, behind the mass-deletion guard.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harvest_support import keep
from hostile_server import HostileServer, Item, items

from tsunagu.cli import main
from tsunagu.config import Settings
from tsunagu.harvester import approve, harvest_source
from tsunagu.records import Sector, Source
from tsunagu.store import Checkpoint, Store


def records() -> list[Item]:
    public = items(30, prefix="oai:x:pub", sets=("public",))
    both = items(4, prefix="oai:x:both", sets=("public", "private"))
    private = items(6, prefix="oai:x:priv", sets=("private",))
    return public + both + private


def register(store: Store, url: str, **kw: object) -> Source:
    source = Source(id="sets", name="Sets", base_url=url, sector=Sector.LIBRARY,
                    **kw)  # type: ignore[arg-type]
    store.sources.add(source)
    return source


def test_records_in_an_excluded_set_are_not_stored(store: Store, settings: Settings) -> None:
    with HostileServer(records()) as server:
        run = harvest_source(register(store, server.url, exclude_sets=("private",)), store,
                             settings, on_page=keep)
    assert run.status == "ok", run.error
    assert store.raw.identifiers("sets") == {f"oai:x:pub{n:05d}" for n in range(30)}
    assert run.new == 30 and run.deleted == 0
    [note] = store.runs.log.issues(run.id, ["excluded"])
    assert "10 records in excluded sets (private)" in note.message


def test_an_excluded_set_with_an_allow_list_leaves_out_records_in_both(
    store: Store, settings: Settings
) -> None:
    with HostileServer(records()) as server:
        run = harvest_source(register(store, server.url, set_specs=("public",),
                                      exclude_sets=("private",)), store, settings,
                             on_page=keep)
    assert run.status == "ok", run.error
    assert len(store.raw.identifiers("sets")) == 30
    assert {r["set"] for r in server.requests if r["verb"] == "ListRecords" and "set" in r} == {
        "public"}


def test_records_stored_before_a_set_was_excluded_are_tombstoned_by_the_next_harvest(
    store: Store, settings: Settings
) -> None:
    with HostileServer(records() + items(60, prefix="oai:x:more", sets=("public",))) as server:
        source = register(store, server.url)
        assert harvest_source(source, store, settings, on_page=keep).new == 100
        assert store.sources.high_water("sets") is not None
        source = store.sources.set_harvesting("sets", exclude_sets=("private",))
        assert store.sources.high_water("sets") is None  # the next harvest is a full one
        run = harvest_source(source, store, settings, on_page=keep)
    assert run.status == "ok", run.error
    assert run.full and run.deleted == 10 and run.new == 0
    assert len(store.raw.identifiers("sets")) == 90
    tomb = store.raw.get("sets", "oai:x:priv00000")
    assert tomb is not None and tomb.deleted
    page = store.pages.of_record("sets", "oai:x:priv00000")  # where it came, excluded
    assert page is not None and page.request.run_id == run.id
    body = store.pages.body(page.id)
    assert body is not None and b"oai:x:priv00000" in body


def test_excluding_a_large_set_is_held_by_the_mass_deletion_guard(
    store: Store, settings: Settings
) -> None:
    with HostileServer(records()) as server:
        source = register(store, server.url)
        harvest_source(source, store, settings, on_page=keep)
        source = store.sources.set_harvesting("sets", exclude_sets=("public",))
        held = harvest_source(source, store, settings, on_page=keep)
    assert held.status == "held" and "34 of 40" in (held.error or "")
    assert len(store.raw.identifiers("sets")) == 40  # nothing deleted yet
    done = approve(store, "sets", held.id, keep)
    assert done.status == "ok" and done.deleted == 34
    assert store.raw.identifiers("sets") == {f"oai:x:priv{n:05d}" for n in range(6)}


def test_a_deleted_header_in_an_excluded_set_leaves_no_tombstone(
    store: Store, settings: Settings
) -> None:
    served = records()
    served[-1].title = None  # a deleted private record, never stored here
    with HostileServer(served) as server:
        run = harvest_source(register(store, server.url, exclude_sets=("private",)), store,
                             settings, on_page=keep)
    assert run.status == "ok" and run.deleted == 0
    assert store.raw.get("sets", served[-1].identifier) is None


def test_the_command_line_sets_the_exclusions_and_refuses_during_an_unfinished_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TSUNAGU_ALLOW_PRIVATE_HOSTS", "1")
    data = ["--data-dir", str(tmp_path / "cli")]
    with HostileServer(records()) as server:
        assert main([*data, "source", "add", "sets", "--url", server.url, "--name", "Sets",
                     "--sector", "library", "--exclude-set", "private",
                     "--window-days", "365"]) == 0
        assert main([*data, "source", "harvesting", "sets"]) == 0
        shown = capsys.readouterr().out
        assert "excluded sets: private" in shown and "windows: 365 days" in shown
        assert main([*data, "harvest", "sets", "--no-index"]) == 0
        assert main([*data, "source", "harvesting", "sets", "--no-exclusions",
                     "--default-window"]) == 0
        out = capsys.readouterr().out
        assert "next harvest is a full one" in out and "30 days (the default)" in out
        cli_store = Store(tmp_path / "cli" / "tsunagu.sqlite3")
        try:
            assert cli_store.raw.count("sets") == 30
            run_id = cli_store.runs.start("sets", None, "2026-11-25T12:00:00Z")
            cli_store.runs.save_checkpoint(Checkpoint(  # a run killed after its first page
                "sets", run_id, None, "2026-11-25T12:00:00Z", None, "10||x|", 1))
        finally:
            cli_store.close()
        assert main([*data, "source", "harvesting", "sets", "--exclude-set", "x"]) == 1
        assert "unfinished" in capsys.readouterr().err

