"""Recovery from an OAI-PMH error in a listing: what to try next, as a decision table.

When a ListRecords request of one part of a window (one set, from one ``from``
to one ``until``) answers with an OAI-PMH error, :func:`next_step` decides what
the listing does, from the error code and what was already tried for the part
(:class:`Tries`); it does nothing itself. In order:

=====================  ==========================================  =================
code                   when                                        step
=====================  ==========================================  =================
badResumptionToken     a token was sent, not yet retried           ``RESEND``
badResumptionToken     fewer than ``MAX_RESTARTS`` restarts        ``RESTART``
badArgument            first request, earliestDatestamp usable     ``FROM_EARLIEST``
badArgument            first request, asked in seconds             ``IN_DAYS``
not defined by 2.0     this request not yet asked again            ``ASK_AGAIN``
defined by 2.0         (not badResumptionToken)                    ``FAIL``
anything else          (retries used up)                           ``SPLIT``
=====================  ==========================================  =================

The first request of a part is one sent without a resumption token.
"""

from __future__ import annotations

import dataclasses
import enum

MAX_RESTARTS = 2  # restarts of a part after rejected resumption tokens
#: The error codes OAI-PMH 2.0 defines (section 3.6), each handled as the protocol
#: says; any other (``unknownError``, a server's own) is the server's trouble and
#: is asked again once, then fails the part like a network error.
OAI_ERROR_CODES = frozenset({
    "badArgument", "badResumptionToken", "badVerb", "cannotDisseminateFormat",
    "idDoesNotExist", "noRecordsMatch", "noMetadataFormats", "noSetHierarchy"})


class Step(enum.Enum):
    """What the listing does after an OAI-PMH error."""

    RESEND = "send the rejected resumption token once more, after a backoff"
    RESTART = "list the part again from its start, without a token"
    FROM_EARLIEST = "ask again with Identify's earliestDatestamp as the part's from"
    IN_DAYS = "ask again with from/until at day granularity, for the rest of the run"
    ASK_AGAIN = "send the same request once more, after a backoff"
    FAIL = "the error ends the run"
    SPLIT = "the part keeps failing: split it in two by time"


@dataclasses.dataclass(frozen=True)
class Tries:
    """What was already tried for the part being listed (a new part starts afresh)."""

    restarts: int = 0  # restarts after rejected tokens
    retried: str | None = None  # the rejected token sent once more
    asked_again: frozenset[str | None] = frozenset()  # requests asked again, by token


def next_step(code: str, sent_token: str | None, tries: Tries, *, first_request: bool,
              earliest_usable: bool, in_days: bool) -> tuple[Step, Tries]:
    """The step after error ``code`` answered a request sent with ``sent_token``, and
    the part's tries counting it.

    ``first_request``: the request was the part's first (no token); ``earliest_usable``:
    the part has no ``from`` and Identify's earliestDatestamp can be it;
    ``in_days``: the part is already at day granularity.
    """
    if code == "badResumptionToken" and sent_token and tries.retried != sent_token:
        return Step.RESEND, dataclasses.replace(tries, retried=sent_token)
    if code == "badResumptionToken" and tries.restarts < MAX_RESTARTS:
        return Step.RESTART, dataclasses.replace(tries, restarts=tries.restarts + 1)
    if code == "badArgument" and first_request and earliest_usable:
        return Step.FROM_EARLIEST, tries
    if code == "badArgument" and first_request and not in_days:
        return Step.IN_DAYS, tries
    if code not in OAI_ERROR_CODES and sent_token not in tries.asked_again:
        return Step.ASK_AGAIN, dataclasses.replace(
            tries, asked_again=tries.asked_again | {sent_token})
    if code in OAI_ERROR_CODES and code != "badResumptionToken":
        return Step.FAIL, tries
    return Step.SPLIT, tries
