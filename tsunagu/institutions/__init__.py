"""The institution side (issue #7): register feeds, validate them in a sandbox, publish,
watch their runs, and get all data and activity back.

Services for the site's pages and the JSON API (and the CLI): each takes the
:class:`~tsunagu.pipeline.Pipeline` and the acting user or API token, checks the
authorization rule itself (:mod:`tsunagu.accounts.rules`) and returns frozen
dataclasses. A draft source of another institution is a ``NotFoundError``.
"""

from tsunagu.institutions.dashboard import (
    SourceSummary,
    approve_run,
    harvest_now,
    institution_sources,
    quarantined_records,
    reject_run,
    run_report,
    source_quality,
    source_runs,
    source_tier,
)
from tsunagu.institutions.exports import (
    ActivityReport,
    activity_report,
    export_activity_csv,
    export_raw_records,
    export_records_csv,
    export_records_jsonl,
)
from tsunagu.institutions.registration import (
    FeedForm,
    TablePreview,
    fetch_link,
    is_linked,
    keep_link,
    link_feed,
    preview_table,
    probe_oai,
    refresh_linked_feed,
    register_feed,
    update_feed,
    upload_static_repository,
    upload_table,
)
from tsunagu.institutions.sandbox import (
    Check,
    RecordPreview,
    SandboxReport,
    last_sandbox,
    preview_record,
    publish_source,
    run_sandbox,
    unpublish_source,
)

__all__ = [
    "ActivityReport",
    "Check",
    "FeedForm",
    "RecordPreview",
    "SandboxReport",
    "SourceSummary",
    "TablePreview",
    "activity_report",
    "approve_run",
    "export_activity_csv",
    "export_raw_records",
    "export_records_csv",
    "export_records_jsonl",
    "fetch_link",
    "harvest_now",
    "institution_sources",
    "is_linked",
    "keep_link",
    "last_sandbox",
    "link_feed",
    "preview_record",
    "preview_table",
    "probe_oai",
    "publish_source",
    "quarantined_records",
    "refresh_linked_feed",
    "register_feed",
    "reject_run",
    "run_report",
    "run_sandbox",
    "source_quality",
    "source_runs",
    "source_tier",
    "unpublish_source",
    "update_feed",
    "upload_static_repository",
    "upload_table",
]
