"""`metarr publish (ID ... | --all | --pending) [--dry-run] [--force] [--json]`: library files.

Writes each movie's NFO and chosen artwork next to it (CONTRACT.md, "Library files"). Exit 1 when
any movie failed, 0 otherwise, 130 when interrupted (Ctrl-C: the report of the movies done is still
printed, with ``"interrupted": true``); an unknown id is bad input (exit 2, nothing written). Publishing on
demand works whether or not ``publish.enabled`` is on: the setting governs the automatic publish
after an enrichment.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys

from metarr_desktop.cli.common import EXIT_FAILED
from metarr_desktop.cli.common import EXIT_INTERRUPTED
from metarr_desktop.cli.common import EXIT_OK
from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import emit_table
from metarr_desktop.cli.suite import open_suite
from metarr_desktop.cli.suite import progress
from metarr_desktop.cli.suite import require_movie
from metarr_desktop.services.publish import PublishReport

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: str | None) -> str:
    """Text for a terminal: control characters (from file names or provider data) as escapes."""
    if text is None:
        return ""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def register(commands: SubCommands) -> None:
    parser = commands.add_parser(
        "publish", help="write NFO and artwork files next to movies (Kodi and Jellyfin read them)"
    )
    parser.add_argument("movie_ids", type=int, nargs="*", metavar="ID")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every movie of the library")
    which.add_argument(
        "--pending", action="store_true", help="movies changed (for players) since they were last published"
    )
    parser.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")
    parser.add_argument(
        "--force", action="store_true", help="rewrite files even when their content is the same"
    )
    add_json_option(parser)
    parser.set_defaults(handler=cmd_publish)


async def cmd_publish(args: argparse.Namespace, ctx: CliContext) -> int:
    chosen = sum(1 for flag in (bool(args.movie_ids), args.all, args.pending) if flag)
    if chosen != 1:
        raise CliError("give movie ids, --all or --pending (one of them)")
    async with open_suite(ctx) as suite:
        app = suite.app
        if args.all:
            ids = await app.movies.ids_async()
        elif args.pending:
            ids = app.publish.pending()
        else:
            for movie_id in args.movie_ids:
                require_movie(suite, movie_id)
            ids = list(dict.fromkeys(args.movie_ids))
        if len(ids) > 1 and not args.json:
            progress(f"publishing {len(ids)} movies{' (dry run)' if args.dry_run else ''}")
        report = PublishReport()
        try:
            await app.publish.publish(ids, dry_run=args.dry_run, force=args.force, report=report)
        except asyncio.CancelledError:  # Ctrl-C: the report of the movies done, exit 130
            report.interrupted = True
            progress(f"interrupted: {len(report.results)} of {len(ids)} movies were done and are kept")
    if args.json:
        emit_json(report.to_json())
    else:
        rows = []
        for result in report.results:
            for file in result.files:
                rows.append(
                    [result.movie_id, file.action.value, file.kind, shown(file.path), shown(file.reason)]
                )
            if not result.files:
                rows.append([result.movie_id, result.status.value, "", shown(result.folder), ""])
        emit_table(["movie", "action", "kind", "path", "note"], rows)
        for result in report.results:
            if result.error:
                sys.stderr.write(f"metarr: movie {result.movie_id}: {shown(result.error)}\n")
            if args.dry_run and result.diff and len(report.results) == 1:
                sys.stdout.write(shown(result.diff))
        summary = report.summary()
        sys.stdout.write(
            f"written {summary['written']}, unchanged {summary['unchanged']}, skipped {summary['skipped']}, "
            f"failed {summary['failed']}, {summary['bytes_downloaded']} bytes downloaded\n"
        )
    if report.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if report.any_failed else EXIT_OK
