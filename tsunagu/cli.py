"""The ``tsunagu`` command line: the only place that configures logging.

Subcommands: ``source add|list|harvesting|profile|remove|publish|unpublish``, ``harvest``, ``map``,
``index``, ``serve``, ``demo``, ``user add|list``, ``institution add|list``,
``worker`` and ``health``. Errors from the stages are caught here and printed as
one clear line with exit status 2 (usage) or 1 (failure).
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import logging
import sys
from collections.abc import Sequence

from tsunagu import __version__
from tsunagu.config import Settings
from tsunagu.console import print_mapping_report, print_progress, print_report, print_runs
from tsunagu.errors import ConfigError, TsunaguError
from tsunagu.pipeline import Pipeline
from tsunagu.records import MappingProfile, Sector, Source

logger = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tsunagu", description="Harvest, normalize, index and serve archive metadata."
    )
    parser.add_argument("--version", action="version", version=f"tsunagu {__version__}")
    parser.add_argument("--data-dir", help="data directory (env TSUNAGU_DATA_DIR; "
                        "default ./tsunagu-data)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    source = commands.add_parser("source", help="register and list sources")
    source_commands = source.add_subparsers(dest="source_command", required=True,
                                            metavar="ACTION")
    add = source_commands.add_parser("add", help="register an OAI-PMH source")
    add.add_argument("id", help="short id: a-z, 0-9, '-' and '_'")
    add.add_argument("--url", required=True, help="the OAI-PMH base URL")
    add.add_argument("--name", required=True, help="the institution's or feed's name")
    add.add_argument("--name-en", help="the name in English")
    add.add_argument("--prefix", default="oai_dc", help="metadataPrefix (default oai_dc)")
    add.add_argument("--sector", required=True, choices=[s.value for s in Sector])
    add.add_argument("--set", dest="sets", action="append", default=[],
                     help="harvest only this set (repeatable)")
    add.add_argument("--exclude-set", dest="exclude_sets", action="append", default=[],
                     help="leave out records in this set (repeatable)")
    add.add_argument("--window-days", type=int, help="harvest long ranges in windows of N "
                     "days (0: one window; default: 30)")
    add.add_argument("--default-rights", help="rights URI/text for records that state none")
    add.add_argument("--metadata-rights", help="the licence of the metadata itself")
    add.add_argument("--replace", action="store_true", help="update an existing source")
    source_commands.add_parser("list", help="list registered sources")
    harvesting = source_commands.add_parser(
        "harvesting", help="show or change a source's sets, excluded sets and window size",
        description="Changing the sets (harvested or left out) makes the next harvest a full "
                    "one; records of a set left out are then tombstoned (behind the "
                    "mass-deletion guard).")
    harvesting.add_argument("id")
    harvesting.add_argument("--set", dest="sets", action="append",
                            help="harvest only this set (repeatable; replaces the list)")
    harvesting.add_argument("--all-sets", action="store_true",
                            help="harvest the whole repository, not chosen sets")
    harvesting.add_argument("--exclude-set", dest="exclude_sets", action="append",
                            help="leave out records in this set (repeatable; replaces the "
                                 "list)")
    harvesting.add_argument("--no-exclusions", action="store_true",
                            help="leave out no set")
    harvesting.add_argument("--window-days", type=int,
                            help="windows of N days for long ranges (0: one window)")
    harvesting.add_argument("--default-window", action="store_true",
                            help="windows of the default size again")
    profile = source_commands.add_parser(
        "profile", help="set a source's mapping profile (then run `tsunagu map ID`)")
    profile.add_argument("id")
    profile.add_argument("--mapper", help="map with this format's mapper (a metadataPrefix)")
    profile.add_argument("--xslt", type=argparse.FileType("r", encoding="utf-8"),
                         help="an XSLT 1.0 file applied to each record before mapping")
    profile.add_argument("--landing-url-pattern", help="regex: which URL is the landing page")
    profile.add_argument("--thumbnail-pattern", help="regex: which URL is the thumbnail")
    profile.add_argument("--clear", action="store_true", help="remove the profile")
    remove = source_commands.add_parser("remove", help="remove a source and its records")
    remove.add_argument("id")
    for action in ("publish", "unpublish"):
        status = source_commands.add_parser(
            action, help=f"{action} a source (only published sources are in the index)")
        status.add_argument("id")

    user = commands.add_parser("user", help="user accounts (the first administrator)")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    user_add = user_commands.add_parser("add", help="add an administrator")
    user_add.add_argument("--admin", required=True, metavar="EMAIL",
                          help="the administrator's e-mail address")
    user_add.add_argument("--name", help="the person's name")
    user_add.add_argument("--password-stdin", action="store_true",
                          help="read the password from standard input (first line)")
    user_commands.add_parser("list", help="list users")

    institution = commands.add_parser("institution", help="institutions that register feeds")
    institution_commands = institution.add_subparsers(dest="institution_command",
                                                      required=True, metavar="ACTION")
    institution_add = institution_commands.add_parser("add", help="add an institution")
    institution_add.add_argument("id", help="short id: a-z, 0-9, '-' and '_'")
    institution_add.add_argument("--name", required=True)
    institution_add.add_argument("--name-en")
    institution_commands.add_parser("list", help="list institutions")

    worker = commands.add_parser("worker", help="harvest due sources on their schedules")
    worker.add_argument("--once", action="store_true",
                        help="one round of due harvests, then exit")

    harvest = commands.add_parser(
        "harvest", help="harvest sources (incrementally); report/approve/reject runs",
        description="tsunagu harvest [ID…|--all] [--full] | harvest report SOURCE [--run N] "
                    "[--format text|json|csv|html] [--send-to DIR] | harvest validate SOURCE "
                    "[--json] | harvest approve SOURCE RUN | harvest reject SOURCE RUN")
    harvest.add_argument("ids", nargs="*", help="source ids (default: all), or report "
                         "SOURCE, validate SOURCE, approve SOURCE RUN, reject SOURCE RUN")
    harvest.add_argument("--all", action="store_true", help="harvest every source")
    harvest.add_argument("--full", action="store_true", help="ignore the last harvest date")
    harvest.add_argument("--no-index", action="store_true", help="do not update the index")
    harvest.add_argument("--run", type=int, help="report: this run (default: the latest)")
    harvest.add_argument("--json", action="store_true", help="report, validate: as JSON")
    harvest.add_argument("--format", choices=("text", "json", "csv", "html"),
                         help="report: the output format (default text)")
    harvest.add_argument("--send-to", metavar="DIR",
                         help="report: write the CSV and HTML files for the institution here")
    harvest.add_argument("--lang", choices=("ja", "en"), default="ja",
                         help="report: the language of the HTML file (default ja)")

    health = commands.add_parser(
        "health", help="per source: last run, last success, failures, parked, next due; "
                       "exit 1 if an active source needs attention")
    health.add_argument("--json", action="store_true", help="as JSON")

    remap = commands.add_parser("map", help="re-map a source from its stored raw records")
    remap.add_argument("id")
    remap.add_argument("--report", action="store_true",
                       help="print the mapping report (quality tier, completeness, "
                            "warnings, rights, failures) instead of re-mapping first")
    remap.add_argument("--json", action="store_true", help="the report as JSON")

    index = commands.add_parser("index", help="bring the search index up to date")
    index.add_argument("--rebuild", action="store_true", help="rebuild from the store")

    serve = commands.add_parser("serve", help="serve the site and JSON API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    demo = commands.add_parser(
        "demo", help="serve bundled real feeds locally, harvest, index and serve the site"
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true",
                      help="stop after harvesting and indexing")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx2", "httpcore2"):  # one INFO line per request drowns the progress
        logging.getLogger(noisy).setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        settings = Settings.from_env(data_dir=args.data_dir)
    except ValueError as exc:
        print(f"tsunagu: {exc}", file=sys.stderr)
        return 2
    try:
        return _dispatch(args, settings)
    except TsunaguError as exc:
        print(f"tsunagu: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tsunagu: interrupted", file=sys.stderr)
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "demo":
        from tsunagu.demo.run import run_demo

        return run_demo(settings, host=args.host, port=args.port, serve=not args.no_serve)
    if args.command == "serve":
        return _serve(settings, args.host, args.port)
    pipeline = Pipeline(settings)
    try:
        if args.command == "source":
            return _source(pipeline, args)
        if args.command in ("user", "institution"):
            return _accounts(pipeline, args)
        if args.command == "worker":
            from tsunagu.worker import run_worker

            made = run_worker(pipeline, once=args.once)
            print(f"worker: {made} runs")
            return 0
        if args.command == "health":
            return _health(pipeline, as_json=args.json)
        if args.command == "harvest" and args.ids and args.ids[0] in RUN_ACTIONS:
            return _run_action(pipeline, args)
        if args.command == "harvest":
            runs = pipeline.harvest([] if args.all else args.ids, full=args.full,
                                    progress=print_progress)
            print_runs(runs)
            if not args.no_index:
                print_index_update(pipeline)
            return 0 if all(run.status == "ok" for run in runs) else 1
        if args.command == "map" and args.report:
            report = pipeline.mapping_report(args.id)
            if args.json:
                print(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))
            else:
                print_mapping_report(report)
            return 0
        if args.command == "map":
            outcome = pipeline.remap(args.id)
            print(json.dumps(dataclasses.asdict(outcome)))
            return 0
        if args.command == "index":
            update = pipeline.update_index(rebuild=args.rebuild)
            print(json.dumps(dataclasses.asdict(update)))
            return 0
    finally:
        pipeline.close()
    raise AssertionError(f"unhandled command {args.command}")  # pragma: no cover


RUN_ACTIONS = ("report", "validate", "approve", "reject")


def _run_action(pipeline: Pipeline, args: argparse.Namespace) -> int:
    """``harvest report|validate SOURCE``, ``harvest approve|reject SOURCE RUN``."""
    action, *rest = args.ids
    if action == "report" and len(rest) == 1:
        return _report(pipeline, args, rest[0])
    if action == "validate" and len(rest) == 1:
        return _validate(pipeline, rest[0], as_json=args.json)
    if action in ("approve", "reject") and len(rest) == 2 and rest[1].isdigit():
        run = (pipeline.approve if action == "approve" else pipeline.reject)(
            rest[0], int(rest[1]))
        print_runs([run])
        if action == "approve" and not args.no_index:
            print_index_update(pipeline)
        return 0
    print(f"tsunagu: usage: harvest {action} SOURCE" + (" RUN" if action != "report" else ""),
          file=sys.stderr)
    return 2


def _report(pipeline: Pipeline, args: argparse.Namespace, source_id: str) -> int:
    """``harvest report SOURCE [--run N] [--format F] [--send-to DIR]``."""
    from pathlib import Path

    from tsunagu.harvester.report_documents import report_csv, report_html, write_report_files

    report = pipeline.report(source_id, args.run)
    name = pipeline.source(source_id).name
    if args.send_to:
        for path in write_report_files(report, Path(args.send_to), source_name=name,
                                       language=args.lang):
            print(f"wrote {path}", file=sys.stderr)
    chosen = args.format or ("json" if args.json else None if args.send_to else "text")
    if chosen == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    elif chosen == "csv":
        sys.stdout.write(report_csv(report).removeprefix("\ufeff"))
    elif chosen == "html":
        sys.stdout.write(report_html(report, source_name=name, language=args.lang))
    elif chosen == "text":
        print_report(report)
    return 0


def _validate(pipeline: Pipeline, source_id: str, *, as_json: bool) -> int:
    """``harvest validate SOURCE``: stored records against their format's schema."""
    from tsunagu.harvester.conformance import validate_stored

    result = validate_stored(pipeline.store, source_id)
    if as_json:
        print(json.dumps(dataclasses.asdict(result), ensure_ascii=False, indent=2))
    else:
        print(f"{source_id}: {result.records} records; schema {result.schema or '(none)'}; "
              f"{result.valid} valid, {result.invalid} invalid, {result.skipped} without a "
              "schema")
        for message, count in result.messages:
            print(f"  {count}× {message}")
        for finding in result.findings:
            print(f"  {finding}")
    return 1 if result.invalid else 0


def _health(pipeline: Pipeline, *, as_json: bool) -> int:
    """``tsunagu health``: exit 1 when an active source needs attention."""
    from tsunagu.store.health import source_health, summarize

    health = source_health(pipeline.store.db)
    summary = summarize(health)
    if as_json:
        print(json.dumps({"ok": summary.ok, "summary": dataclasses.asdict(summary),
                          "sources": [dict(dataclasses.asdict(item), healthy=item.healthy)
                                      for item in health]}, ensure_ascii=False, indent=2))
    else:
        for item in health:
            mark = "ok " if item.healthy else "!! "
            print(f"{mark}{item.source_id}\t{item.state}{'' if item.active else ' (inactive)'}"
                  f"\tlast run {item.last_run_at or '-'}\tlast success "
                  f"{item.last_success or '-'}\tfailures {item.consecutive_failures}"
                  f"\tparked until {item.parked_until or '-'}\tnext due {item.next_due or '-'}"
                  + (f"\t{item.error}" if item.error and not item.healthy else ""))
        print(f"{summary.active} active sources: {summary.healthy} healthy, "
              f"{summary.unhealthy} need attention")
    return 0 if summary.ok else 1


def _source(pipeline: Pipeline, args: argparse.Namespace) -> int:
    if args.source_command == "add":
        pipeline.add_source(Source(
            id=args.id, name=args.name, name_en=args.name_en, base_url=args.url,
            metadata_prefix=args.prefix, sector=Sector(args.sector), set_specs=tuple(args.sets),
            default_rights=args.default_rights, metadata_rights=args.metadata_rights,
            exclude_sets=tuple(args.exclude_sets), window_days=args.window_days,
        ), replace=args.replace)
        if args.replace and (args.exclude_sets or args.window_days is not None):
            pipeline.store.sources.set_harvesting(
                args.id, exclude_sets=tuple(args.exclude_sets) or None,
                window_days=args.window_days)
        print(f"registered {args.id}")
    elif args.source_command == "harvesting":
        _harvesting(pipeline, args)
    elif args.source_command == "list":
        counts = pipeline.store.records.counts_by_source()
        for source in pipeline.store.sources.list():
            print(f"{source.id}\t{source.sector}\t{counts.get(source.id, 0)}\t"
                  f"{source.name}\t{source.base_url}")
    elif args.source_command == "profile":
        new = MappingProfile() if args.clear else MappingProfile(
            mapper=args.mapper, xslt=args.xslt.read() if args.xslt else None,
            landing_url_pattern=args.landing_url_pattern,
            thumbnail_pattern=args.thumbnail_pattern)
        pipeline.set_profile(args.id, new)
        print(f"profile of {args.id} saved; run `tsunagu map {args.id}` to apply it")
    elif args.source_command == "remove":
        pipeline.store.sources.remove(args.id)
        print(f"removed {args.id}; run `tsunagu index` to update the index")
    elif args.source_command in ("publish", "unpublish"):
        update = (pipeline.publish if args.source_command == "publish"
                  else pipeline.unpublish)(args.id)
        print(f"{args.source_command}ed {args.id}; index: {update.documents} documents")
    return 0


def _harvesting(pipeline: Pipeline, args: argparse.Namespace) -> None:
    """``source harvesting ID [...]``: show, or change, what a source harvests."""
    store = pipeline.store
    sets = () if args.all_sets else tuple(args.sets) if args.sets else None
    excluded = () if args.no_exclusions else tuple(args.exclude_sets) if (
        args.exclude_sets) else None
    if any(value is not None for value in (sets, excluded, args.window_days)) or (
            args.default_window):
        checkpoint = store.runs.checkpoint(args.id)
        if checkpoint is not None:  # its windows and sets were planned with the old values
            raise ConfigError(f"run {checkpoint.run_id} of {args.id} is unfinished; let it "
                              f"finish (`tsunagu harvest {args.id}`) before changing this",
                              source_id=args.id)
        before = store.sources.get(args.id)
        source = store.sources.set_harvesting(args.id, set_specs=sets, exclude_sets=excluded,
                                              window_days=args.window_days,
                                              default_window=args.default_window)
        if (source.set_specs, source.exclude_sets) != (before.set_specs, before.exclude_sets):
            print(f"the sets of {args.id} changed: its next harvest is a full one")
    else:
        source = store.sources.get(args.id)
    days = source.window_days
    print(f"sets: {', '.join(source.set_specs) or '(the whole repository)'}")
    print(f"excluded sets: {', '.join(source.exclude_sets) or '(none)'}")
    print("windows: " + ("one window" if days == 0 else f"{days} days" if days is not None
                         else f"{pipeline.settings.window_days} days (the default)"))


def _accounts(pipeline: Pipeline, args: argparse.Namespace) -> int:
    """``user add --admin EMAIL``, ``user list``, ``institution add|list`` (the operator)."""
    from tsunagu.accounts import create_admin, create_institution

    store = pipeline.store
    if args.command == "user" and args.user_command == "add":
        user = create_admin(store, args.admin, _read_password(args.password_stdin),
                            name=args.name)
        print(f"added administrator {user.email} (user {user.id})")
    elif args.command == "user":
        for person in store.users.list():
            print(f"{person.id}\t{person.email}\t{person.role}\t{person.status}\t"
                  f"{person.institution_id or '-'}")
    elif args.institution_command == "add":
        institution = create_institution(store, None, args.id, args.name, name_en=args.name_en)
        print(f"added institution {institution.id}")
    else:
        for institution in store.institutions.list():
            print(f"{institution.id}\t{institution.name}\t{institution.name_en or ''}")
    return 0


def _read_password(from_stdin: bool) -> str:
    """The password from stdin's first line, or asked twice on a terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ConfigError("no terminal to ask the password on; use --password-stdin",
                          field="password")
    password = getpass.getpass("password: ")
    if getpass.getpass("again: ") != password:
        raise ConfigError("the two passwords differ", field="password")
    return password


def _serve(settings: Settings, host: str, port: int) -> int:
    import uvicorn

    from tsunagu.site import create_app

    print(f"tsunagu: serving on http://{host}:{port}/", file=sys.stderr)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    return 0


def print_index_update(pipeline: Pipeline) -> None:
    update = pipeline.update_index()
    verb = "rebuilt" if update.rebuilt else "updated"
    print(f"index {verb}: {update.changes} changes, {update.documents} documents")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
