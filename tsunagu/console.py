"""Console output for long CLI work: progress lines and run summary tables."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from tsunagu.harvester import Progress
from tsunagu.store import HarvestRun


def print_progress(progress: Progress) -> None:
    """One progress line per page (overwritten in place on a terminal)."""
    total = f" of {progress.complete_list_size}" if progress.complete_list_size else ""
    line = f"{progress.source_id}: page {progress.pages}, {progress.records}{total} records"
    if sys.stderr.isatty():
        print(f"\r{line}\033[K", end="", file=sys.stderr, flush=True)
    else:
        print(line, file=sys.stderr)


def print_runs(runs: Sequence[HarvestRun]) -> None:
    """A summary table of harvest runs."""
    if sys.stderr.isatty():
        print(file=sys.stderr)
    header = ("source", "status", "new", "updated", "unchanged", "deleted", "quarantined",
              "requests")
    rows = [header] + [
        (run.source_id, run.status, str(run.new), str(run.updated), str(run.unchanged),
         str(run.deleted), str(run.quarantined), str(run.requests))
        for run in runs
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    for run in runs:
        if run.error:
            print(f"{run.source_id}: {run.error}", file=sys.stderr)
