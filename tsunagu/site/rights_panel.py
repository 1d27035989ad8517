"""The "What may I do with this?" panel of an item: answers per use and credit lines.

Pure data for the template and the JSON twin, built from the record alone with
:mod:`tsunagu.uses` and :mod:`tsunagu.credits`, so the page, the API and the
index filters give one answer.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tsunagu.credits import Credit, credit_lines
from tsunagu.records import Record, Rights
from tsunagu.uses import UseAnswer, assess_uses


@dataclasses.dataclass(frozen=True)
class RightsPanel:
    rights: Rights
    answers: tuple[UseAnswer, ...]
    credit: Credit


def build_rights_panel(record: Record) -> RightsPanel:
    rights = record.rights.content
    return RightsPanel(rights, assess_uses(rights), credit_lines(record, rights))


def panel_payload(panel: RightsPanel) -> dict[str, Any]:
    """``uses`` (per use: answer, reasons, conditions, notes) and ``credit`` (ja, en)."""
    return {
        "uses": {
            answer.use.value: {
                "answer": answer.answer.value,
                "reasons": list(answer.reasons),
                "conditions": list(answer.conditions),
                "notes": list(answer.notes),
            }
            for answer in panel.answers
        },
        "credit": {"ja": panel.credit.ja, "en": panel.credit.en},
    }
