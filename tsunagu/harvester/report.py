"""The report of a harvest run: counts, duration, requests, issues and the diff.

Built from the store for ``tsunagu harvest report`` (text or JSON). The diff
against the previous run is what this run changed: the identifiers it added,
changed and deleted (unchanged records are not listed).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from tsunagu.errors import NotFoundError
from tsunagu.store import Store

#: At most this many identifiers per list in a report (the counts are exact).
LIST_LIMIT = 200


def run_report(store: Store, source_id: str, run_id: int | None = None) -> dict[str, Any]:
    """The report of run ``run_id`` (default: the latest run) of a source, as plain data."""
    store.sources.get(source_id)
    if run_id is None:
        latest = store.runs.latest(source_id)
        if latest is None:
            raise NotFoundError("the source has not been harvested yet", source_id=source_id)
        run = latest
    else:
        run = store.runs.get(run_id)
        if run.source_id != source_id:
            raise NotFoundError(f"run {run_id} is not a run of this source",
                                source_id=source_id)
    requests = store.runs.log.requests(run.id)
    statuses = Counter(str(entry.status or "error") for entry in requests)
    changes = store.runs.log.changes(run.id)
    previous = store.runs.previous(run.id)
    quarantined = store.quarantine.list(source_id, run_id=run.id)
    return {
        "run": dataclasses.asdict(run),
        "previous_run": None if previous is None else previous.id,
        "diff": {
            kind: {"count": len(ids), "identifiers": ids[:LIST_LIMIT]}
            for kind, ids in changes.items()
        },
        "requests": {
            "count": len(requests),
            "by_status": dict(sorted(statuses.items())),
            "bytes": sum(entry.bytes for entry in requests),
            "seconds": round(sum(entry.ms for entry in requests) / 1000, 3),
            "log": [dataclasses.asdict(entry) for entry in requests[:LIST_LIMIT]],
        },
        "issues": [dataclasses.asdict(issue) for issue in store.runs.log.issues(run.id)],
        "quarantined": [
            {"oai_identifier": item.oai_identifier, "stage": item.stage, "reason": item.reason}
            for item in quarantined[:LIST_LIMIT]
        ],
    }
