"""Splitting a window that keeps failing: bisection by time, if the server still lives.

A part of a window whose listing keeps failing (retries exhausted, or its
restarts after rejected resumption tokens used up) is most often too long for
the server: a query that times out, tokens that expire before the list ends, or
one poison record. The :class:`Splitter` cuts it in two halves at the server's
granularity (:func:`~tsunagu.harvester.windows.split_window`), down to one day or
one second; before that it asks Identify once, since a server that answers
nothing is down, and splitting would only multiply the failures.
"""

from __future__ import annotations

from collections.abc import Callable

from tsunagu.errors import DeadlineExceededError, HarvestError, SourceParkedError, TsunaguError
from tsunagu.harvester.protocol import parse_identify
from tsunagu.harvester.transport import HttpTransport
from tsunagu.harvester.windows import Window, split_window
from tsunagu.records import Source


class Splitter:
    """Cuts the failing parts of one source's windows in halves."""

    def __init__(self, source: Source, transport: HttpTransport, *, earliest: str | None,
                 issue: Callable[[str], None]) -> None:
        self.source = source
        self.transport = transport
        #: Identify's earliestDatestamp: where a window without ``from`` is cut.
        self.earliest = earliest
        self._issue = issue

    def halves(self, part: Window, set_spec: str | None,
               failure: TsunaguError) -> tuple[Window, Window]:
        """The halves of ``part``; raises when it is one granule or the server is down."""
        halves = split_window(part, earliest=self.earliest)
        if halves is None:
            granule = "a day" if part.day_granularity else "a second"
            raise HarvestError(
                f"{label(part, set_spec)} keeps failing and cannot be split further (it is "
                f"{granule}, the server's granularity): {failure}",
                source_id=self.source.id) from failure
        if not self._server_answers():
            raise failure  # the server is down, not the window too large: keep the checkpoint
        self._issue(f"{label(part, set_spec)} keeps failing ({failure}); splitting it at "
                    f"{halves[0].until}")
        return halves

    def _server_answers(self) -> bool:
        """Does the server still answer Identify (one attempt)?"""
        try:
            response = self.transport.get(self.source.base_url, {"verb": "Identify"},
                                          attempts=1)
            parse_identify(response.body, source_id=self.source.id)
        except (SourceParkedError, DeadlineExceededError):
            raise
        except TsunaguError:
            return False
        return True


def label(part: Window, set_spec: str | None) -> str:
    """``part`` of ``set_spec`` as the run log names it."""
    return (f"the window {part.from_ or '(the beginning)'} .. {part.until} of set "
            f"{set_spec or '(all)'}")
