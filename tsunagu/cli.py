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

from tsunagu.arguments import build_parser
from tsunagu.config import Settings
from tsunagu.console import (
    print_health,
    print_mapping_report,
    print_pages,
    print_progress,
    print_report,
    print_runs,
    print_validation,
)
from tsunagu.errors import ConfigError, NotFoundError, TsunaguError
from tsunagu.pipeline import Pipeline
from tsunagu.records import MappingProfile, Sector, Source

logger = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
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


RUN_ACTIONS = ("report", "validate", "approve", "reject", "pages", "page")


def _run_action(pipeline: Pipeline, args: argparse.Namespace) -> int:
    """``harvest report|validate SOURCE``, ``harvest approve|reject SOURCE RUN``."""
    action, *rest = args.ids
    if action == "report" and len(rest) == 1:
        return _report(pipeline, args, rest[0])
    if action == "validate" and len(rest) == 1:
        return _validate(pipeline, rest[0], run_id=args.run, as_json=args.json)
    if action == "pages" and len(rest) == 1:
        return _pages(pipeline, rest[0], args)
    if action == "page" and len(rest) == 2 and rest[1].isdigit():
        return _page(pipeline, rest[0], int(rest[1]))
    if action in ("approve", "reject") and len(rest) == 2 and rest[1].isdigit():
        run = (pipeline.approve if action == "approve" else pipeline.reject)(
            rest[0], int(rest[1]))
        print_runs([run])
        if action == "approve" and not args.no_index:
            print_index_update(pipeline)
        return 0
    usage = {"report": "SOURCE", "validate": "SOURCE", "pages": "SOURCE",
             "page": "SOURCE PAGE_ID"}.get(action, "SOURCE RUN")
    print(f"tsunagu: usage: harvest {action} {usage}", file=sys.stderr)
    return 2


def _pages(pipeline: Pipeline, source_id: str, args: argparse.Namespace) -> int:
    """``harvest pages SOURCE [--run N] [--record OAI_ID] [--json]``: the kept pages."""
    pipeline.source(source_id)  # an unknown source is an error, not an empty list
    store = pipeline.store
    if args.record:
        found = store.pages.of_record(source_id, args.record)
        if found is None:
            raise NotFoundError(f"no kept page holds {args.record} of {source_id}",
                                source_id=source_id)
        pages = [found]
    else:
        run = store.runs.get(args.run) if args.run else store.runs.latest(source_id)
        if run is None or run.source_id != source_id:
            raise NotFoundError(f"no harvest run {args.run or ''} of {source_id}".replace(
                "  ", " "), source_id=source_id)
        pages = store.pages.of_run(run.id)
    print_pages(pages, as_json=args.json)
    return 0


def _page(pipeline: Pipeline, source_id: str, page_id: int) -> int:
    """``harvest page SOURCE PAGE_ID``: a kept page's bytes, as received, to stdout."""
    found = pipeline.store.pages.get(page_id)
    body = pipeline.store.pages.body(page_id)
    if found is None or body is None or found.request.source_id != source_id:
        raise NotFoundError(f"no kept page {page_id} of {source_id}", source_id=source_id)
    sys.stdout.buffer.write(body)
    sys.stdout.buffer.flush()
    return 0


def _report(pipeline: Pipeline, args: argparse.Namespace, source_id: str) -> int:
    """``harvest report SOURCE [--run N] [--format F] [--send-to DIR]``."""
    from pathlib import Path

    from tsunagu.harvester.report_documents import report_csv, report_html, write_report_files
    from tsunagu.store.source_names import display_name

    report = pipeline.report(source_id, args.run)
    source = pipeline.source(source_id)
    name = display_name(source.name, source.name_en, args.lang)
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


def _validate(pipeline: Pipeline, source_id: str, *, run_id: int | None,
              as_json: bool) -> int:
    """``harvest validate SOURCE [--run N]``: stored records against their format's
    schema, and the kept pages of the latest run (or run N) against OAI-PMH's."""
    from tsunagu.harvester.conformance import validate_stored
    from tsunagu.harvester.page_validation import validate_run_pages

    result = validate_stored(pipeline.store, source_id)
    pages = validate_run_pages(pipeline.store, source_id, run_id)
    print_validation(source_id, result, pages, as_json=as_json)
    return 1 if result.invalid or (pages is not None and pages.invalid) else 0


def _health(pipeline: Pipeline, *, as_json: bool) -> int:
    """``tsunagu health``: exit 1 when an active source needs attention."""
    from tsunagu.store.health import source_health, summarize

    health = source_health(pipeline.store.db)
    summary = summarize(health)
    print_health(health, summary, as_json=as_json)
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
    source = store.sources.get(args.id)
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
        before, source = source, store.sources.set_harvesting(
            args.id, set_specs=sets, exclude_sets=excluded, window_days=args.window_days,
            default_window=args.default_window)
        if (source.set_specs, source.exclude_sets) != (before.set_specs, before.exclude_sets):
            print(f"the sets of {args.id} changed: its next harvest is a full one")
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
