"""The arguments of the ``tsunagu`` command line (what :mod:`tsunagu.cli` parses)."""

from __future__ import annotations

import argparse

from tsunagu import __version__
from tsunagu.records import Sector


def build_parser() -> argparse.ArgumentParser:
    """The ``tsunagu`` command line's commands, options and help texts."""
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
                    "[--run N] [--json] | harvest approve SOURCE RUN | harvest reject SOURCE RUN | "
                    "harvest pages SOURCE [--run N | --record OAI_ID] [--json] | "
                    "harvest page SOURCE PAGE_ID (the page's bytes as received)")
    harvest.add_argument("ids", nargs="*", help="source ids (default: all), or report "
                         "SOURCE, validate SOURCE, approve SOURCE RUN, reject SOURCE RUN, "
                         "pages SOURCE, page SOURCE PAGE_ID")
    harvest.add_argument("--all", action="store_true", help="harvest every source")
    harvest.add_argument("--full", action="store_true", help="ignore the last harvest date")
    harvest.add_argument("--no-index", action="store_true", help="do not update the index")
    harvest.add_argument("--run", type=int,
                         help="report, pages, validate (its kept pages): this run "
                              "(default: the latest)")
    harvest.add_argument("--record", metavar="OAI_ID",
                         help="pages: the page this record was last harvested from")
    harvest.add_argument("--json", action="store_true",
                         help="report, validate, pages: as JSON")
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
