"""The decision table after an OAI-PMH error in a listing, row by row and in sequence."""

from __future__ import annotations

import pytest

from tsunagu.harvester.recovery import MAX_RESTARTS, OAI_ERROR_CODES, Step, Tries, next_step


def step(code: str, sent: str | None, tries: Tries = Tries(), *, first: bool = False,
         earliest: bool = False, in_days: bool = False) -> tuple[Step, Tries]:
    return next_step(code, sent, tries, first_request=first, earliest_usable=earliest,
                     in_days=in_days)


def test_a_rejected_token_is_sent_once_more_then_the_part_restarts_then_it_splits() -> None:
    tries = Tries()
    taken: list[Step] = []
    for _ in range(2 * (MAX_RESTARTS + 1)):  # the same token rejected on every attempt
        outcome, tries = step("badResumptionToken", "tok-7", tries)
        taken.append(outcome)
    # Once resent, the token is not resent again: the restarts follow, then the split.
    assert taken[:1 + MAX_RESTARTS] == [Step.RESEND] + [Step.RESTART] * MAX_RESTARTS
    assert set(taken[1 + MAX_RESTARTS:]) == {Step.SPLIT}
    assert tries == Tries(restarts=MAX_RESTARTS, retried="tok-7")


def test_a_new_token_rejected_after_a_restart_is_resent_once_too() -> None:
    outcome, tries = step("badResumptionToken", "tok-1")
    assert (outcome, tries) == (Step.RESEND, Tries(retried="tok-1"))
    outcome, tries = step("badResumptionToken", "tok-1", tries)
    assert (outcome, tries) == (Step.RESTART, Tries(restarts=1, retried="tok-1"))
    outcome, tries = step("badResumptionToken", "tok-2", tries)
    assert (outcome, tries) == (Step.RESEND, Tries(restarts=1, retried="tok-2"))


def test_a_rejected_token_with_no_token_sent_restarts_without_a_resend() -> None:
    assert step("badResumptionToken", None)[0] is Step.RESTART
    assert step("badResumptionToken", "")[0] is Step.RESTART  # an empty token is none


def test_bad_argument_to_a_first_request_asks_from_earliest_then_in_days() -> None:
    assert step("badArgument", None, first=True, earliest=True) == (Step.FROM_EARLIEST, Tries())
    assert step("badArgument", None, first=True) == (Step.IN_DAYS, Tries())
    # Already in days, or not the part's first request: the protocol error ends the run.
    assert step("badArgument", None, first=True, in_days=True)[0] is Step.FAIL
    assert step("badArgument", "tok-3", earliest=True)[0] is Step.FAIL


def test_an_undefined_code_is_asked_again_once_per_request_then_splits() -> None:
    outcome, tries = step("unknownError", "tok-4")
    assert (outcome, tries) == (Step.ASK_AGAIN, Tries(asked_again=frozenset({"tok-4"})))
    assert step("unknownError", "tok-4", tries)[0] is Step.SPLIT
    # Another request of the same part (the next page, or the first without a token).
    outcome, tries = step("serverBusy", None, tries)
    assert (outcome, tries) == (Step.ASK_AGAIN, Tries(asked_again=frozenset({"tok-4", None})))
    assert step("serverBusy", None, tries)[0] is Step.SPLIT


@pytest.mark.parametrize("code", sorted(OAI_ERROR_CODES - {"badResumptionToken"}))
def test_every_other_defined_code_ends_the_run(code: str) -> None:
    assert step(code, "tok-5") == (Step.FAIL, Tries())
    assert step(code, None, Tries(restarts=1)) == (Step.FAIL, Tries(restarts=1))


def test_the_codes_are_those_oai_pmh_2_defines() -> None:
    assert len(OAI_ERROR_CODES) == 8
    assert "unknownError" not in OAI_ERROR_CODES
