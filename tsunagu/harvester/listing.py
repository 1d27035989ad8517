"""The listing of one run: its windows, each over every set, page by page, with recovery.

:class:`Listing` asks ListRecords for the run's windows planned up front
(:class:`~tsunagu.harvester.windows.WindowPlan`), window after window, each
over every set of the source; each page is stored with its checkpoint in one
transaction (:mod:`tsunagu.harvester.pages`), and the checkpoint saved with a
part's last page says where the run goes on: the rest of the set's window, the
next set, the next window, or the run's completion (``stage="finishing"``).
The high-water mark moves with the last page of each window.

An OAI-PMH error is recovered from as :func:`~tsunagu.harvester.recovery.next_step`
decides (retry a rejected token, restart the part, ask from earliestDatestamp or
at day granularity, ask an undefined error code again); a part that keeps
failing, or whose network errors outlast the transport's retries, is split in
two by time (:mod:`tsunagu.harvester.splitting`) and the halves listed in turn.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Sequence

from tsunagu.config import Settings
from tsunagu.errors import (
    BlockedAddressError,
    DeadlineExceededError,
    HarvestError,
    OAIError,
    ResponseTooLargeError,
    SourceParkedError,
    TransportError,
    TsunaguError,
)
from tsunagu.harvester.client import OAIClient
from tsunagu.harvester.conformance import ConformanceCheck
from tsunagu.harvester.deletions import SHORT_LIST
from tsunagu.harvester.page_writer import (
    ConformanceJob,
    IssueJob,
    PageJob,
    PageWriter,
    flushed,
)
from tsunagu.harvester.pages import PageStore
from tsunagu.harvester.recovery import Step, Tries, next_step
from tsunagu.harvester.splitting import Splitter, label
from tsunagu.harvester.windows import (
    Window,
    WindowPlan,
    as_days,
    format_datestamp,
    parse_datestamp,
    rest_of,
)
from tsunagu.records import Source
from tsunagu.store import Checkpoint, Store
from tsunagu.store.run_log import RequestEntry

#: The run's request log since the last call, and how many requests were made since,
#: for the page of the given number (the run keeps them until that page is stored).
RequestTaker = Callable[[int], tuple[tuple[RequestEntry, ...], int]]


class Listing:
    """Lists the windows of one run, from its start or from its checkpoint."""

    def __init__(self, source: Source, store: Store, settings: Settings, oai: OAIClient, *,
                 writer: PageWriter, pages_store: PageStore, take_requests: RequestTaker,
                 run_id: int, pages: int, deadline: float, earliest: str | None,
                 issue: Callable[[str], None]) -> None:
        self.source = source
        self.store = store
        self.settings = settings
        self.oai = oai
        self.writer = writer
        self.pages_store = pages_store  # keeps an answer that could not be read
        self.take_requests = take_requests
        self.run_id = run_id
        self.pages = pages  # pages stored by the run, the checkpoint's number
        self.deadline = deadline
        self.sent_token: str | None = None
        self.splitter = Splitter(source, oai.transport, earliest=earliest, issue=issue)
        self.conformance = ConformanceCheck(store, settings)
        self.plan = WindowPlan(Window(None, ""), 0)  # set when the listing starts
        self._issue = issue

    def windows(self, run_window: Window, checkpoint: Checkpoint | None) -> Window:
        """List the run's windows in order, each over every set; returns the run's window.

        The high-water mark moves as each window completes (in the transaction of
        its last page), never backwards; a resumed run goes on in the window its
        checkpoint lies in.
        """
        days = self.source.window_days
        self.plan = WindowPlan(run_window, self.settings.window_days if days is None else days,
                               self.splitter.earliest)
        window = self.plan.first() if checkpoint is None else self.plan.containing(
            Window(checkpoint.from_param, checkpoint.until_param or run_window.until))
        while True:
            window = self._sets(window, checkpoint)
            checkpoint = None
            following = self.plan.after(window)
            if following is None:
                return self.plan.run
            window = following

    def _sets(self, window: Window, checkpoint: Checkpoint | None) -> Window:
        set_specs: Sequence[str | None] = self.source.set_specs or (None,)
        resume_set = checkpoint.set_spec if checkpoint else None
        skipping = checkpoint is not None and resume_set in set_specs
        for position, set_spec in enumerate(set_specs):
            if skipping and set_spec != resume_set:
                continue  # finished before the interruption
            part, token = window, None
            if skipping and checkpoint:  # the part of the window and the page it stood at
                part = Window(checkpoint.from_param, checkpoint.until_param or window.until)
                token = checkpoint.token
            skipping = False
            following = set_specs[position + 1] if position + 1 < len(set_specs) else None
            window = self._list_set(window, part, set_spec, token, following,
                                    last=position + 1 == len(set_specs))
        return window

    def _list_set(self, window: Window, part: Window, set_spec: str | None, token: str | None,
                  following: str | None, *, last: bool) -> Window:
        """List one set over ``window``, from ``part`` (and ``token``) to the window's end.

        After an OAI-PMH error the part goes on as :func:`.recovery.next_step` says;
        a part that keeps failing is split in two (:mod:`.splitting`) and the halves
        listed in turn (the right ones wait in ``pending``, nearest last).
        """
        tries = Tries()
        pending: list[Window] = []
        while True:
            failure: TsunaguError
            try:
                self._list(part, set_spec, token, self._end(window, part, set_spec, following,
                                                            last=last))
            except OAIError as exc:
                sent = self.sent_token
                start = self._from_earliest(part)
                step, tries = next_step(exc.code, sent, tries,
                                        first_request=token is None and sent is None,
                                        earliest_usable=start is not None,
                                        in_days=part.day_granularity)
                if step is Step.RESEND:
                    token = sent
                    self.oai.transport.pause(self.oai.transport.backoff(1), "rejected token")
                    continue
                if step is Step.RESTART:
                    token = None
                    self._issue(f"resumption token rejected ({exc.message}); restarting "
                                f"{label(part, set_spec)}")
                    continue
                if step is Step.FROM_EARLIEST:
                    # A server that lists only bounded ranges (NDL Search: at most a year)
                    # refuses the first window, which has no ``from``.
                    self._issue(f"the server refused a list without from ({exc.message}); "
                                f"asking from earliestDatestamp {start}")
                    part = Window(start, part.until)
                    continue
                if step is Step.IN_DAYS:
                    window, part = as_days(window), as_days(part)
                    pending = [as_days(rest) for rest in pending]
                    self.plan = dataclasses.replace(self.plan, run=as_days(self.plan.run))
                    self.store.runs.set_window(self.run_id, self.plan.run.from_,
                                               self.plan.run.until)
                    self._issue(f"the server refused from/until in seconds ({exc.message}); "
                                "asking again at day granularity")
                    continue
                if step is Step.ASK_AGAIN:
                    token = sent  # the same request once more
                    wait = self.oai.transport.backoff(1)
                    self._issue(f"{exc.message}, in {label(part, set_spec)}: not a code "
                                f"OAI-PMH defines; asking again in {wait:.1f}s")
                    self.oai.transport.pause(wait, f"OAI-PMH error {exc.code}")
                    continue
                if step is Step.FAIL:
                    raise
                failure = exc
            except TransportError as exc:
                if isinstance(exc, (SourceParkedError, BlockedAddressError,
                                    ResponseTooLargeError)):
                    raise
                failure = exc
            else:
                rest = rest_of(window, part)  # after a part resumed from a checkpoint
                if pending:
                    part = pending.pop()
                elif rest is not None:
                    part = rest
                else:
                    return window
                token, tries = None, Tries()
                continue
            left, right = self.splitter.halves(part, set_spec, failure)
            pending.append(right)
            part, token, tries = left, None, Tries()

    def _from_earliest(self, part: Window) -> str | None:
        """Identify's earliestDatestamp as the ``from`` of ``part``, if it has none (and
        the datestamp is usable and not after its ``until``)."""
        earliest = parse_datestamp(self.splitter.earliest)
        until = parse_datestamp(part.until)
        if part.from_ is not None or earliest is None or until is None or earliest > until:
            return None
        return format_datestamp(earliest, day=part.day_granularity)

    def _end(self, window: Window, part: Window, set_spec: str | None,
             following: str | None, *, last: bool) -> tuple[Checkpoint, str | None]:
        """The checkpoint saved with the last page of ``part`` (where the run goes on),
        and the high-water mark that page moves to when it completes ``window``."""
        sid, run_id = self.source.id, self.run_id
        rest = rest_of(window, part)
        if rest is not None:  # the rest of this set's window
            return Checkpoint(sid, run_id, rest.from_, rest.until, set_spec, None, 0), None
        if not last:
            return Checkpoint(sid, run_id, window.from_, window.until, following, None, 0), None
        after = self.plan.after(window)
        if after is not None:  # the next window, from its first set
            first = self.source.set_specs[0] if self.source.set_specs else None
            return (Checkpoint(sid, run_id, after.from_, after.until, first, None, 0),
                    window.until)
        return Checkpoint(sid, run_id, window.from_, window.until, set_spec, None, 0,
                          stage="finishing"), None

    def _list(self, part: Window, set_spec: str | None, token: str | None,
              end: tuple[Checkpoint, str | None]) -> None:
        self.sent_token = token
        # Pages are handed to the run's writer (:mod:`.page_writer`: a store process,
        # or a thread) while the next ones are fetched and parsed; leaving the block
        # waits until every page handed over is stored. closing(): if storing a page
        # fails, the request sent ahead for the next one is let go at once (it holds
        # its host).
        pages = self.oai.list_records(from_=part.from_, until=part.until, set_spec=set_spec,
                                      token=token)
        writer = self.writer
        received, announced = 0, None  # for a list read from its first page, here
        try:
            with flushed(writer), contextlib.closing(pages):  # the request ahead let go first
                for page, params in pages:
                    received += len(page.records) + len(page.rejected)
                    announced = page.complete_list_size or announced
                    if page.token is None and token is None and announced and (
                            received < announced):
                        writer.submit(IssueJob(
                            self.run_id, SHORT_LIST,
                            f"{label(part, set_spec)}: the list ended after {received} of "
                            f"the {announced} records its server announced"
                            " (completeListSize)"))
                    mark = None
                    if page.token is not None:
                        checkpoint = Checkpoint(self.source.id, self.run_id, part.from_,
                                                part.until, set_spec, page.token,
                                                self.pages + 1)
                    else:
                        checkpoint, mark = (dataclasses.replace(end[0], pages=self.pages + 1),
                                            end[1])
                    self.pages = checkpoint.pages
                    requests, made = self.take_requests(checkpoint.pages)
                    writer.submit(PageJob(page, checkpoint, mark, self.oai.last, part, set_spec,
                                          params.get("resumptionToken"), requests, made))
                    if self.conformance.wanted(page):  # warnings only, by the writer
                        writer.submit(ConformanceJob(self.run_id, self.oai.last.body, page))
                    self.sent_token = page.token
                    if time.monotonic() > self.deadline:
                        raise DeadlineExceededError(f"the run reached its deadline of "
                                                    f"{self.settings.run_deadline:.0f}s")
        except HarvestError as exc:
            unread = self.oai.take_unread()
            if unread is not None:  # kept with the error: the failure can be reproduced
                self.pages_store.keep_unread(unread, exc, self.run_id, self.pages + 1,
                                            window=part, set_spec=set_spec)
            raise
