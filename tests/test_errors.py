"""The error tree: errors keep their context when pickled (a store process's failure
reaches the harvest's process whole)."""

from __future__ import annotations

import pickle

from tsunagu.errors import (
    ErrorBudgetExceededError,
    OAIError,
    SourceParkedError,
    StoreError,
    TsunaguError,
)


def round_trip(error: TsunaguError) -> TsunaguError:
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, TsunaguError)
    return copy


def test_errors_keep_their_class_message_and_context_through_pickle() -> None:
    budget = round_trip(ErrorBudgetExceededError("4 records quarantined", source_id="tate",
                                                 record_id="tate:1", field="xml"))
    assert type(budget) is ErrorBudgetExceededError
    assert (budget.message, budget.source_id, budget.record_id, budget.field) == (
        "4 records quarantined", "tate", "tate:1", "xml")
    assert str(budget) == "4 records quarantined [source=tate, record=tate:1, field=xml]"


def test_errors_whose_init_takes_more_than_a_message_survive_pickle() -> None:
    # OAIError(code, message) and SourceParkedError(message, wait_seconds): the default
    # pickling would call them with their message alone, and fail.
    oai = round_trip(OAIError("badResumptionToken", "expired", source_id="z"))
    assert isinstance(oai, OAIError) and oai.code == "badResumptionToken"
    assert str(oai) == "OAI-PMH error badResumptionToken: expired [source=z]"
    parked = round_trip(SourceParkedError("503 for an hour", 3600.0, source_id="z"))
    assert isinstance(parked, SourceParkedError) and parked.wait_seconds == 3600.0
    assert str(round_trip(StoreError("locked"))) == "locked"
