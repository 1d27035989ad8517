"""Per-source rights report: what an institution should fix in its rights statements.

``rights_report(records)`` counts the content rights of a source's records per
canonical code and per reuse level, lists the raw statements that stayed
``UNKNOWN`` or became ``CUSTOM`` (institution terms, wording read by rule) with
their counts, and counts the records flagged ``needs_check`` or with a
``rights_conflict`` — the CLI (``tsunagu map SOURCE --report``) and the
institution dashboard show it.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable

from tsunagu.mappings.rights import RIGHTS_CONFLICT
from tsunagu.records import Record

#: How many example record ids are kept per finding.
EXAMPLES = 5


@dataclasses.dataclass(frozen=True)
class RawCount:
    """A raw statement, how many records carry it, and a few of their ids."""

    raw: str
    count: int
    examples: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class RightsReport:
    total: int
    by_code: tuple[tuple[str, int], ...]
    by_level: tuple[tuple[str, int], ...]
    unknown: tuple[RawCount, ...]
    custom: tuple[RawCount, ...]
    conflicts: tuple[RawCount, ...]
    needs_check: int
    no_statement: int


def rights_report(records: Iterable[Record]) -> RightsReport:
    """The report over ``records`` (typically all records of one source)."""
    total = needs_check = no_statement = 0
    codes: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    groups: dict[str, dict[str, list[str]]] = {"unknown": {}, "custom": {}, "conflict": {}}
    for record in records:
        rights = record.rights.content
        total += 1
        codes[rights.code] += 1
        levels[rights.reuse.value] += 1
        needs_check += rights.needs_check
        if not rights.raw:
            no_statement += 1
        elif rights.code == "UNKNOWN":
            groups["unknown"].setdefault(rights.raw, []).append(record.id)
        elif rights.code == "CUSTOM":
            groups["custom"].setdefault(rights.raw, []).append(record.id)
        if RIGHTS_CONFLICT in record.warnings:
            groups["conflict"].setdefault(rights.raw, []).append(record.id)
    return RightsReport(
        total=total,
        by_code=tuple(sorted(codes.items(), key=lambda item: (-item[1], item[0]))),
        by_level=tuple(sorted(levels.items(), key=lambda item: (-item[1], item[0]))),
        unknown=_counted(groups["unknown"]),
        custom=_counted(groups["custom"]),
        conflicts=_counted(groups["conflict"]),
        needs_check=needs_check,
        no_statement=no_statement,
    )


def _counted(group: dict[str, list[str]]) -> tuple[RawCount, ...]:
    ranked = sorted(group.items(), key=lambda item: (-len(item[1]), item[0]))
    return tuple(RawCount(raw, len(ids), tuple(ids[:EXAMPLES])) for raw, ids in ranked)
