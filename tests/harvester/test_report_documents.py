"""Run report files (CSV rows, printable HTML) from a real run of the hostile server."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from harvest_support import keep
from hostile_server import Fault, HostileServer, Item, items

from tsunagu.config import Settings
from tsunagu.harvester import harvest_source
from tsunagu.harvester.report import run_report
from tsunagu.harvester.report_documents import (
    content_security_policy,
    report_csv,
    report_html,
    write_report_files,
)
from tsunagu.records import Sector, Source
from tsunagu.store import Store


@pytest.fixture
def report(tmp_path: Path, settings: Settings) -> Iterator[dict[str, object]]:
    served = items(12)
    # the server writes identifiers as given: this one reads as ``oai:x:<b>1</b>&``
    served[0] = Item("oai:x:&lt;b&gt;1&lt;/b&gt;&amp;", served[0].datestamp, "<script>x")
    store = Store(tmp_path / "store.sqlite3")
    try:
        with HostileServer(served, faults=[Fault("bad_record", at=2)]) as server:
            source = Source(id="hostile", name="Hostile", base_url=server.url,
                            sector=Sector.ARCHIVE)
            store.sources.add(source)
            run = harvest_source(source, store, settings, on_page=keep)
        assert run.status == "ok" and run.quarantined == 1, run.error
        yield run_report(store, "hostile")
    finally:
        store.close()


def test_csv_rows(report: dict[str, object]) -> None:
    text = report_csv(report)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert ["summary", "new", "", "11"] in rows and ["summary", "quarantined", "", "1"] in rows
    assert ["diff", "new", "oai:x:<b>1</b>&", ""] in rows
    (quarantined,) = [row for row in rows if row[0] == "quarantine"]
    assert quarantined[1] == "parsing" and quarantined[2] == "oai:hostile:00010"
    assert any(row[:2] == ["issue", "conformance"] for row in rows)


def test_html_escapes_identifiers_and_lists_everything(report: dict[str, object]) -> None:
    page = report_html(report, source_name="<i>Hostile</i>", language="en")
    assert "<b>" not in page and "<i>" not in page
    assert "oai:x:&lt;b&gt;1&lt;/b&gt;&amp;" in page and "&lt;i&gt;Hostile&lt;/i&gt;" in page
    assert "Quarantined records" in page and "oai:hostile:00010" in page
    assert "<script" not in page and "src=" not in page  # self-contained, nothing loads


def test_the_policy_allows_exactly_the_inline_style() -> None:
    import base64
    import hashlib
    import re

    page = report_html({"run": {"id": 1, "source_id": "s", "status": "ok", "started_at": "",
                                "finished_at": None, "from_param": None, "until_param": None,
                                "seconds": 0.0, "error": None, "resume_after": None,
                                **dict.fromkeys(("new", "updated", "unchanged", "deleted",
                                                 "quarantined", "repaired", "requests"), 0)},
                        "diff": {}, "issues": [], "quarantined": []}, source_name="s")
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in content_security_policy()


def test_write_both_files(report: dict[str, object], tmp_path: Path) -> None:
    csv_path, html_path = write_report_files(report, tmp_path / "out", source_name="Hostile")
    assert csv_path.name.endswith(".csv") and html_path.name.endswith(".html")
    assert '<html lang="ja">' in html_path.read_text(encoding="utf-8")
    assert csv_path.read_bytes().count(b"\r\n") > 10  # CSV line ends, untranslated
