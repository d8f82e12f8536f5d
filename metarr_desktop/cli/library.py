"""`metarr library add|scan|list|monitor`."""

from __future__ import annotations

import argparse

from metarr_desktop.cli.common import (
    CliContext,
    CliError,
    emit_json,
    emit_table,
    external_id,
    parse_bool,
    positive_int,
    say,
    year_number,
)
from metarr_desktop.cli.suite import open_suite, progress, require_movie
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.services.library import LibraryError, movie_json


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("library", help="add, scan, list and monitor movies")
    sub = parser.add_subparsers(dest="library_command", required=True, metavar="SUBCOMMAND")

    add = sub.add_parser("add", help="add one movie")
    add.add_argument("--title", required=True)
    add.add_argument("--year", type=year_number)
    add.add_argument("--imdb", metavar="ID", help="e.g. tt1375666")
    add.add_argument("--tmdb", metavar="ID", type=external_id, help="e.g. 27205")
    add.add_argument("--tvdb", metavar="ID", type=external_id)
    add.add_argument("--path", metavar="P", help="the movie's folder or file")
    add.add_argument("--json", action="store_true", help="one JSON document on stdout")
    add.set_defaults(handler=cmd_add)

    scan = sub.add_parser("scan", help="add the movies found in a folder (names and Kodi NFO files)")
    scan.add_argument("directory", metavar="DIR")
    scan.add_argument("--json", action="store_true", help="one JSON document on stdout")
    scan.set_defaults(handler=cmd_scan)

    listing = sub.add_parser("list", help="every movie of the library")
    listing.add_argument("--json", action="store_true", help="one JSON document on stdout")
    listing.set_defaults(handler=cmd_list)

    monitor = sub.add_parser("monitor", help="include (true) or leave out (false) a movie from the schedule")
    monitor.add_argument("movie_id", type=positive_int, metavar="ID")
    monitor.add_argument("monitored", metavar="true|false")
    monitor.set_defaults(handler=cmd_monitor)


async def cmd_add(args: argparse.Namespace, ctx: CliContext) -> int:
    ids = ExternalIds()
    for kind in ("tmdb", "imdb", "tvdb"):
        value = getattr(args, kind)
        if value is not None:
            ids = ids.with_id(kind, value)
    async with open_suite(ctx) as suite:
        try:
            record = suite.library.add(args.title, year=args.year, ids=ids, path=args.path)
        except LibraryError as exc:
            raise CliError(str(exc)) from exc
        if args.json:
            emit_json(movie_json(record))
        else:
            say(f"added movie {record.id}: {record.title}" + (f" ({record.year})" if record.year else ""))
    return 0


async def cmd_scan(args: argparse.Namespace, ctx: CliContext) -> int:
    async with open_suite(ctx) as suite:
        try:
            report = await suite.library.scan(args.directory)
        except LibraryError as exc:
            raise CliError(str(exc)) from exc
    for warning in report.warnings:
        progress(f"warning: {warning}")
    if args.json:
        emit_json(report.to_json())
    else:
        say(
            f"added {len(report.added)}, already in the library {len(report.existing)}, "
            f"warnings {len(report.warnings)}"
        )
    return 0


async def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    async with open_suite(ctx) as suite:
        records = await suite.library.all()
    rows = [movie_json(r) for r in records]
    if args.json:
        emit_json(rows)
        return 0
    emit_table(
        ["id", "title", "year", "status", "monitored", "tmdb", "imdb", "last enriched"],
        [
            [
                r["id"],
                r["title"],
                r["year"],
                r["status"],
                "yes" if r["monitored"] else "no",
                r["ids"]["tmdb"],
                r["ids"]["imdb"],
                r["last_enriched_at"] or "never",
            ]
            for r in rows
        ],
    )
    return 0


async def cmd_monitor(args: argparse.Namespace, ctx: CliContext) -> int:
    monitored = parse_bool(args.monitored)
    async with open_suite(ctx) as suite:
        require_movie(suite, args.movie_id)
        record = suite.library.set_monitored(args.movie_id, monitored)
    say(f"movie {record.id} is {'monitored' if record.monitored else 'not monitored'}")
    return 0
