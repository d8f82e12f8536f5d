"""`metarr library add|scan|list|monitor|remove`.

`add` never adds a film twice: with the path or the ids (and edition) of a movie already in the
library it prints that movie and adds nothing (exit 0; ``"existing": true`` in its JSON). It takes an
id alone (``--tmdb 949``): the identification fills the title in. `remove` deletes a movie from the
library, never its files. `scan` reports the movies it added, found again, moved and marked missing,
the TV series it set aside and the extras it skipped.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_command_group
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import add_listing
from metarr_desktop.cli.common import add_subcommand
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import emit_rows
from metarr_desktop.cli.common import external_id
from metarr_desktop.cli.common import parse_bool
from metarr_desktop.cli.common import positive_int
from metarr_desktop.cli.common import say
from metarr_desktop.cli.common import terminal_text
from metarr_desktop.cli.common import year_number
from metarr_desktop.cli.suite import open_suite
from metarr_desktop.cli.suite import progress
from metarr_desktop.cli.suite import require_movie
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.services.library import LibraryError
from metarr_desktop.services.library import movie_json


def register(commands: SubCommands) -> None:
    sub = add_command_group(commands, "library", "add, scan, list and monitor movies")

    add = add_subcommand(sub, "add", "add one movie (a title, or an id alone)", cmd_add)
    add.add_argument("--title", help="needed only without --imdb, --tmdb or --tvdb")
    add.add_argument("--year", type=year_number)
    add.add_argument("--imdb", metavar="ID", help="e.g. tt1375666")
    add.add_argument("--tmdb", metavar="ID", type=external_id, help="e.g. 27205")
    add.add_argument("--tvdb", metavar="ID", type=external_id)
    add.add_argument("--path", metavar="P", help="the movie's folder or file")
    add.add_argument("--edition", metavar="E", help='e.g. "Director\'s Cut" (two editions are two movies)')
    add_json_option(add)

    scan = add_subcommand(
        sub, "scan", "add the movies found in a folder (names and Kodi NFO files)", cmd_scan
    )
    scan.add_argument("directory", metavar="DIR")
    scan.add_argument(
        "--follow-links",
        action="store_true",
        help="also follow symbolic links that lead outside DIR (not followed by default)",
    )
    add_json_option(scan)

    add_listing(sub, "list", "every movie of the library", cmd_list)

    monitor = add_subcommand(
        sub, "monitor", "include (true) or leave out (false) a movie from the schedule", cmd_monitor
    )
    monitor.add_argument("movie_id", type=positive_int, metavar="ID")
    monitor.add_argument("monitored", metavar="true|false")

    remove = add_subcommand(
        sub, "remove", "remove a movie from the library (its files are never touched)", cmd_remove
    )
    remove.add_argument("movie_id", metavar="ID")
    add_json_option(remove)


def absolute_path(path: str | None) -> str | None:
    """The folder or file as an absolute path without ``..`` or ``~`` (a relative one is taken from the
    current folder now, not from wherever a later publish runs); it need not exist (a NAS may be
    offline)."""
    if not path:
        return None
    # Lexical, not Path.resolve(): a symlinked mount keeps the name the players' mappings know.
    return os.path.abspath(Path(path).expanduser())  # noqa: PTH100


async def cmd_add(args: argparse.Namespace, ctx: CliContext) -> int:
    ids = ExternalIds()
    for kind in ("tmdb", "imdb", "tvdb"):
        value = getattr(args, kind)
        if value is not None:
            ids = ids.with_id(kind, value)
    if args.title is None and ids.is_empty():
        raise CliError("give --title, or an id (--imdb, --tmdb or --tvdb)")
    async with open_suite(ctx) as suite:
        try:
            added = suite.library.add_unique(
                args.title, year=args.year, ids=ids, path=absolute_path(args.path), edition=args.edition
            )
        except LibraryError as exc:
            raise CliError(str(exc)) from exc
        record = added.record
        if args.json:
            emit_json({**movie_json(record), "existing": added.existing})
        else:
            label = terminal_text(record.title) + (f" ({record.year})" if record.year else "")
            if added.existing:
                say(f"movie {record.id} is already in the library: {label}; nothing added")
            else:
                say(f"added movie {record.id}: {label}")
    return 0


async def cmd_scan(args: argparse.Namespace, ctx: CliContext) -> int:
    async with open_suite(ctx) as suite:
        try:
            report = await suite.library.scan(args.directory, follow_links=args.follow_links)
        except LibraryError as exc:
            raise CliError(str(exc)) from exc
    for warning in report.warnings:
        progress(f"warning: {terminal_text(warning)}")
    if args.json:
        emit_json(report.to_json())
    else:
        say(
            f"added {len(report.added)}, already in the library {len(report.existing)}, "
            f"moved {len(report.moved)}, missing {len(report.missing)}, "
            f"TV series set aside {len(report.tv)}, warnings {len(report.warnings)}, "
            f"extras skipped {len(report.extras)}"
        )
    return 0


async def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    async with open_suite(ctx) as suite:
        records = await suite.library.all()
    emit_rows(
        [movie_json(r) for r in records],
        args.json,
        ["id", "title", "year", "status", "monitored", "tmdb", "imdb", "last enriched"],
        lambda r: [
            r["id"],
            r["title"],
            r["year"],
            r["status"],
            "yes" if r["monitored"] else "no",
            r["ids"]["tmdb"],
            r["ids"]["imdb"],
            r["last_enriched_at"] or "never",
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


async def cmd_remove(args: argparse.Namespace, ctx: CliContext) -> int:
    movie_id = movie_id_arg(args.movie_id)
    async with open_suite(ctx) as suite:
        require_movie(suite, movie_id)
        record = suite.library.remove(movie_id)
    if args.json:
        emit_json({"removed": movie_json(record)})
    else:
        label = terminal_text(record.title) + (f" ({record.year})" if record.year else "")
        say(f"removed movie {record.id}: {label} (its files were not touched)")
    return 0


def movie_id_arg(text: str) -> int:
    """A movie id: a whole number that fits (a 20-digit one is bad input, never an OverflowError)."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise CliError(f"not a movie id: {terminal_text(text[:40])!r} (expected a whole number)")
    return int(value)
