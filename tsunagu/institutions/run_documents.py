"""A run report as files for the institution: CSV rows and a printable HTML page.

Only for those who manage the source (another institution's draft is a 404, a
published source of another institution a 403, as everywhere on the dashboard).
"""

from __future__ import annotations

from tsunagu.accounts.rules import Actor
from tsunagu.harvester.report_documents import (
    content_security_policy,
    report_csv,
    report_html,
)
from tsunagu.institutions.dashboard import run_report
from tsunagu.pipeline import Pipeline
from tsunagu.store.source_names import display_name

#: The Content-Security-Policy to serve the HTML page with (its inline style only).
REPORT_PAGE_POLICY = content_security_policy()


def run_report_csv(pipeline: Pipeline, actor: Actor | None, source_id: str,
                   run_id: int) -> str:
    """The run's counts, diff, issues and quarantined records as CSV."""
    return report_csv(run_report(pipeline, actor, source_id, run_id))


def run_report_html(pipeline: Pipeline, actor: Actor | None, source_id: str, run_id: int,
                    *, language: str) -> str:
    """The run's report as one self-contained page, to print or send on."""
    report = run_report(pipeline, actor, source_id, run_id)
    source = pipeline.source(source_id)
    name = display_name(source.name, source.name_en, language)
    return report_html(report, source_name=name, language=language)
