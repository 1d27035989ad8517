"""Console output for long CLI work: progress lines and run summary tables."""

from __future__ import annotations

import dataclasses
import json
import sys
import threading
from collections.abc import Sequence
from typing import Any

from tsunagu.harvester import Progress
from tsunagu.harvester.conformance import StoredValidation
from tsunagu.harvester.page_validation import RunPagesValidation
from tsunagu.pipeline import MappingReport
from tsunagu.store import HarvestRun, StoredPage
from tsunagu.store.health import HealthSummary, SourceHealth, health_payload

_LOCK = threading.Lock()  # sources are harvested in parallel threads


def shown(text: object) -> str:
    """``text`` safe for one terminal line: what came from a feed may carry CR, LF, tabs,
    escape sequences or bidi controls, shown here as ``\\x..``/``\\u....`` escapes."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in value)


def print_progress(progress: Progress) -> None:
    """One progress line per page (overwritten in place on a terminal)."""
    total = f" of {progress.complete_list_size}" if progress.complete_list_size else ""
    line = f"{progress.source_id}: page {progress.pages}, {progress.records}{total} records"
    with _LOCK:
        if sys.stderr.isatty():
            print(f"\r{line}\033[K", end="", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr)


def print_runs(runs: Sequence[HarvestRun]) -> None:
    """A summary table of harvest runs."""
    if sys.stderr.isatty():
        print(file=sys.stderr)
    header = ("source", "status", "new", "updated", "unchanged", "deleted", "quarantined",
              "requests", "repaired", "run", "seconds")
    rows = [header] + [
        (run.source_id, run.status, str(run.new), str(run.updated), str(run.unchanged),
         str(run.deleted), str(run.quarantined), str(run.requests), str(run.repaired),
         str(run.id), f"{run.seconds:.1f}")
        for run in runs
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    for run in runs:
        if run.error:
            until = f" (until {run.resume_after})" if run.status == "parked" else ""
            print(f"{run.source_id}: {run.status}{until}: {shown(run.error)}", file=sys.stderr)


def print_report(report: dict[str, Any]) -> None:
    """A harvest run report as text (``tsunagu harvest report``)."""
    run = report["run"]
    print(f"run {run['id']} of {run['source_id']}: {run['status']}"
          f"{' (full)' if run['full'] else ''}, {run['seconds']:.1f}s active, "
          f"started {run['started_at']}, finished {run['finished_at'] or '-'}")
    print(f"window: from {run['from_param'] or '(beginning)'} until {run['until_param']}")
    if run["error"]:
        print(f"error: {shown(run['error'])}")
    if run["resume_after"]:
        print(f"resumes after: {run['resume_after']}")
    print("counts: " + ", ".join(f"{name} {run[name]}" for name in (
        "new", "updated", "unchanged", "deleted", "quarantined", "repaired")))
    requests = report["requests"]
    by_status = ", ".join(f"{status}: {n}" for status, n in requests["by_status"].items())
    print(f"requests: {requests['count']} ({by_status}), {requests['bytes']} bytes, "
          f"{requests['seconds']}s waiting for the server")
    previous = report["previous_run"]
    print(f"diff against {'run ' + str(previous) if previous else 'an empty store'}:")
    for kind, diff in report["diff"].items():
        listed = ", ".join(shown(identifier) for identifier in diff["identifiers"][:10])
        more = " …" if diff["count"] > 10 else ""
        print(f"  {kind}: {diff['count']}{': ' + listed + more if listed else ''}")
    for issue in report["issues"]:
        print(f"  [{issue['kind']}] {shown(issue['oai_identifier'] or '-')}: "
              f"{shown(issue['message'])}")
    for item in report["quarantined"]:
        print(f"  [quarantined/{item['stage']}] {shown(item['oai_identifier'] or '-')}: "
              f"{shown(item['reason'])}")


def print_mapping_report(report: MappingReport) -> None:
    """The mapping report of one source as text (``tsunagu map SOURCE --report``)."""
    quality, rights = report.quality, report.rights
    print(f"source {report.source_id}: {report.records} records, quality tier {quality.tier}"
          + (f" (next: {quality.next_tier})" if quality.next_tier else ""))
    print("tiers: " + ", ".join(f"{tier} {count}" for tier, count in quality.tiers.items()))
    print("completeness:")
    for name, share in quality.completeness.items():
        print(f"  {name:<16} {share:6.1%}")
    if quality.top_warnings:
        print("top warnings:")
        for code, count in quality.top_warnings:
            print(f"  {code:<24} {count}")
    for hint in quality.hints:
        print(f"to reach {hint.tier}: {hint.en} ({hint.missing} records) / {hint.ja}")
    print("rights by level: " + ", ".join(f"{level} {n}" for level, n in rights.by_level))
    print("rights by code:  " + ", ".join(f"{code} {n}" for code, n in rights.by_code))
    for raw in rights.unknown[:10]:
        print(f"  unknown: {raw.raw!r} ({raw.count})")
    if report.failed:
        print(f"{len(report.failed)} records could not be mapped:")
        for identifier, reason in report.failed[:20]:
            print(f"  {identifier}: {reason}")


def print_validation(source_id: str, result: StoredValidation,
                     pages: RunPagesValidation | None = None, *, as_json: bool) -> None:
    """``harvest validate``: the stored records checked against their format's schema,
    then a run's kept pages against OAI-PMH's (JSON: the records' fields as before, and
    ``pages``, null when the source has no run)."""
    if as_json:
        print(json.dumps({**dataclasses.asdict(result),
                          "pages": dataclasses.asdict(pages) if pages else None},
                         ensure_ascii=False, indent=2))
        return
    print(f"{source_id}: {result.records} records; schema {result.schema or '(none)'}; "
          f"{result.valid} valid, {result.invalid} invalid, {result.skipped} without a schema")
    for message, count in result.messages:
        print(f"  {count}× {shown(message)}")
    for finding in result.findings:
        print(f"  {shown(finding)}")
    if pages is None:
        print(f"{source_id}: no harvest run, so no kept pages to validate")
        return
    print(f"run {pages.run_id}: {pages.total} kept pages against {pages.schema}; "
          f"{pages.valid} valid, {pages.invalid} invalid, {pages.failed} kept as failed "
          f"({pages.not_validated} not OAI-PMH XML, not validated)")
    for message, count in pages.messages:
        print(f"  {count}× {shown(message)}")
    for page in pages.results:
        verdict = {True: "valid", False: "invalid",
                   None: "not OAI-PMH XML, not validated"}[page.valid]
        failed = f" (failed: {shown(page.error)})" if page.status == "failed" else ""
        print(f"  page {page.page} (kept as {page.page_id}): {verdict}{failed}")
        for finding in page.findings[:3]:
            print(f"    line {finding.line}: {shown(finding.message)}"
                  + (f" [record {shown(finding.oai_identifier)}]"
                     if finding.oai_identifier else ""))
        if len(page.findings) > 3:
            print(f"    … {len(page.findings) - 3} more")


def print_health(health: Sequence[SourceHealth], summary: HealthSummary, *,
                 as_json: bool) -> None:
    """``tsunagu health``: one line per source, then the summary."""
    if as_json:
        print(json.dumps(health_payload(summary, health), ensure_ascii=False, indent=2))
        return
    for item in health:
        mark = "ok " if item.healthy else "!! "
        print(f"{mark}{item.source_id}\t{item.state}{'' if item.active else ' (inactive)'}"
              f"\tlast run {item.last_run_at or '-'}\tlast success "
              f"{item.last_success or '-'}\tfailures {item.consecutive_failures}"
              f"\tparked until {item.parked_until or '-'}\tnext due {item.next_due or '-'}"
              + (f"\t{shown(item.error)}" if item.error and not item.healthy else ""))
    print(f"{summary.active} active sources: {summary.healthy} healthy, "
          f"{summary.unhealthy} need attention")


def print_pages(pages: Sequence[StoredPage], *, as_json: bool) -> None:
    """Kept response pages (``tsunagu harvest pages``): one line each, or JSON."""
    if as_json:
        print(json.dumps([{"id": page.id, **dataclasses.asdict(page.request),
                           "status": page.status, "error": page.error,
                           "received_at": page.received_at, "size": page.size}
                          for page in pages], ensure_ascii=False, indent=2))
        return
    for page in pages:
        request = page.request
        note = f"  {shown(page.error)}" if page.error else ""
        print(f"{page.id}\trun {request.run_id} page {request.page}\t{page.status}\t"
              f"{page.size} bytes\t{shown(request.response_date)}\t{shown(request.url)}{note}")
