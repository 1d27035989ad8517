"""What the CLI prints: text that came from a feed stays on its line."""

from __future__ import annotations

import pytest

from tsunagu.console import print_pages, shown
from tsunagu.store import PageRequest, StoredPage


@pytest.mark.parametrize(("text", "expected"), [
    ("富嶽三十六景 view 1", "富嶽三十六景 view 1"),
    ("line\nfake: ok", "line\\nfake: ok"),
    ("a\tb\rc", "a\\tb\\rc"),
    ("\x1b[2Jcleared", "\\x1b[2Jcleared"),
    ("\u202eevil", "\\u202eevil"),  # a bidi override
    ("\x85next", "\\x85next"),  # C1 next line
])
def test_feed_text_is_shown_on_one_line(text: str, expected: str) -> None:
    assert shown(text) == expected


def test_a_kept_page_listed_from_a_hostile_feed_stays_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    request = PageRequest("s", 1, 2, "http://x/oai?verb=ListRecords&resumptionToken=t",
                          response_date="2026-11-25\nrun 9 page 1\tstored")
    print_pages([StoredPage(7, request, "failed", "bad\r\nok", "2026-11-25T00:00:00Z", 10)],
                as_json=False)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.count("\t") == 5
    assert "2026-11-25\\nrun 9 page 1\\tstored" in out and "bad\\r\\nok" in out
