"""A harvest run report as files to send to an institution: CSV rows and an HTML page.

Both are made from the report of :func:`tsunagu.harvester.report.run_report`.

* CSV (``section, kind, oai_identifier, detail``): the run's counts
  (``summary``), the diff against the previous run (``diff``: new, updated,
  deleted identifiers, at most ``LIST_LIMIT`` per kind), its issues
  (``issue``: errors, repairs, retries, conformance warnings) and quarantined
  records (``quarantine``). A cell a spreadsheet would run as a formula gets a
  leading apostrophe.
* HTML: one self-contained, printable page in Japanese or English (no scripts,
  no external files). Everything that came from a feed is escaped.

:func:`write_report_files` writes both into a folder (``harvest report
--send-to DIR``): there is no mail on the machine; an operator sends the files.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
from html import escape
from pathlib import Path
from typing import Any

from tsunagu.store.cells import defuse_formula

COUNTS = ("new", "updated", "unchanged", "deleted", "quarantined", "repaired", "requests")
CSV_HEADER = ("section", "kind", "oai_identifier", "detail")

_LABELS: dict[str, dict[str, str]] = {
    "title": {"ja": "収集レポート", "en": "Harvest report"},
    "run": {"ja": "実行", "en": "Run"},
    "status": {"ja": "状態", "en": "Status"},
    "started": {"ja": "開始", "en": "Started"},
    "finished": {"ja": "終了", "en": "Finished"},
    "window": {"ja": "対象期間", "en": "Window"},
    "seconds": {"ja": "所要時間（秒）", "en": "Duration (s)"},
    "error": {"ja": "エラー", "en": "Error"},
    "resume_after": {"ja": "再開予定", "en": "Resumes after"},
    "counts": {"ja": "件数", "en": "Counts"},
    "new": {"ja": "新規", "en": "New"},
    "updated": {"ja": "更新", "en": "Updated"},
    "unchanged": {"ja": "変更なし", "en": "Unchanged"},
    "deleted": {"ja": "削除", "en": "Deleted"},
    "quarantined": {"ja": "隔離", "en": "Quarantined"},
    "repaired": {"ja": "修復", "en": "Repaired"},
    "requests": {"ja": "リクエスト", "en": "Requests"},
    "diff": {"ja": "前回との差分", "en": "Changes since the previous run"},
    "issues": {"ja": "問題と警告", "en": "Problems and warnings"},
    "quarantine": {"ja": "隔離されたレコード", "en": "Quarantined records"},
    "identifier": {"ja": "識別子", "en": "Identifier"},
    "kind": {"ja": "種類", "en": "Kind"},
    "message": {"ja": "内容", "en": "Details"},
    "none": {"ja": "なし", "en": "None"},
    "more": {"ja": "件中、先頭のみ表示", "en": "in all; the first ones are shown"},
    "beginning": {"ja": "（最初から）", "en": "(the beginning)"},
}


def report_csv(report: dict[str, Any]) -> str:
    """The report as CSV text (UTF-8 with a byte order mark, for spreadsheets)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in report_rows(report):
        writer.writerow([defuse_formula(value) for value in row])
    return out.getvalue()


def report_rows(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The CSV rows (without the header)."""
    run = report["run"]
    rows = [("summary", name, "", str(run[name])) for name in COUNTS]
    rows += [("summary", "status", "", str(run["status"])),
             ("summary", "seconds", "", f"{run['seconds']:.1f}")]
    if run.get("error"):
        rows.append(("summary", "error", "", str(run["error"])))
    for kind, diff in report["diff"].items():
        rows += [("diff", kind, str(identifier), "") for identifier in diff["identifiers"]]
    for issue in report["issues"]:
        rows.append(("issue", str(issue["kind"]), str(issue["oai_identifier"] or ""),
                     str(issue["message"])))
    for item in report["quarantined"]:
        rows.append(("quarantine", str(item["stage"]), str(item["oai_identifier"] or ""),
                     str(item["reason"])))
    return rows


def report_html(report: dict[str, Any], *, source_name: str, language: str = "ja") -> str:
    """The report as one printable HTML page (``language``: ``ja`` or ``en``)."""
    lang = "en" if language == "en" else "ja"

    def label(key: str) -> str:
        return escape(_LABELS[key][lang])

    run = report["run"]
    title = f"{label('title')}: {escape(source_name)} ({label('run')} {int(run['id'])})"
    facts = [("status", run["status"]), ("started", run["started_at"]),
             ("finished", run["finished_at"] or "-"),
             ("window", f"{run['from_param'] or _LABELS['beginning'][lang]} .. "
                        f"{run['until_param'] or '-'}"),
             ("seconds", f"{run['seconds']:.1f}")]
    if run.get("error"):
        facts.append(("error", run["error"]))
    if run.get("resume_after"):
        facts.append(("resume_after", run["resume_after"]))
    parts = [
        "<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{title}</title>", f"<style>{_STYLE}</style></head><body>",
        f"<h1>{title}</h1>", "<dl>",
        *(f"<dt>{label(key)}</dt><dd>{escape(str(value))}</dd>" for key, value in facts),
        "</dl>", f"<h2>{label('counts')}</h2><table><tr>",
        *(f"<th>{label(name)}</th>" for name in COUNTS), "</tr><tr>",
        *(f"<td>{int(run[name])}</td>" for name in COUNTS), "</tr></table>",
        f"<h2>{label('diff')}</h2>",
    ]
    for kind, diff in report["diff"].items():
        shown = diff["identifiers"]
        more = (f" ({int(diff['count'])} {label('more')})" if diff["count"] > len(shown)
                else "")
        parts.append(f"<h3>{label(kind)}: {int(diff['count'])}{more}</h3>")
        if shown:
            parts.append("<ul>" + "".join(f"<li>{escape(str(i))}</li>" for i in shown)
                         + "</ul>")
    parts += _table(label("issues"), [label("kind"), label("identifier"), label("message")],
                    [(i["kind"], i["oai_identifier"] or "-", i["message"])
                     for i in report["issues"]], label("none"))
    parts += _table(label("quarantine"), [label("kind"), label("identifier"),
                                          label("message")],
                    [(q["stage"], q["oai_identifier"] or "-", q["reason"])
                     for q in report["quarantined"]], label("none"))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report_files(report: dict[str, Any], directory: Path, *, source_name: str,
                       language: str = "ja") -> tuple[Path, Path]:
    """Write ``<source>-run-<id>.csv`` and ``.html`` into ``directory``; their paths."""
    run = report["run"]
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{run['source_id']}-run-{int(run['id'])}"
    csv_path, html_path = directory / f"{stem}.csv", directory / f"{stem}.html"
    csv_path.write_bytes(report_csv(report).encode("utf-8"))  # CRLF kept as written
    html_path.write_text(report_html(report, source_name=source_name, language=language),
                         encoding="utf-8")
    return csv_path, html_path


def _table(title: str, headers: list[str], rows: list[tuple[Any, Any, Any]],
           empty: str) -> list[str]:
    if not rows:
        return [f"<h2>{title}</h2>", f"<p>{empty}</p>"]
    return [f"<h2>{title}</h2>", "<table><tr>", *(f"<th>{h}</th>" for h in headers), "</tr>",
            *("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>"
              for row in rows), "</table>"]


_STYLE = ("body{font-family:sans-serif;margin:2em;max-width:60em}"
          "table{border-collapse:collapse;margin:.5em 0}"
          "th,td{border:1px solid #999;padding:.2em .5em;text-align:left;"
          "vertical-align:top;word-break:break-all}"
          "dt{font-weight:bold;float:left;clear:left;width:10em}dd{margin-left:11em}"
          "@media print{body{margin:0}}")


def content_security_policy() -> str:
    """A policy for serving the HTML page: nothing but its own inline style may load."""
    digest = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
    return (f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'")
