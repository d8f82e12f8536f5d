"""`metarr lock ID FIELD` / `metarr unlock ID FIELD`: a locked field is never changed by enrichment."""

from __future__ import annotations

import argparse

from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import positive_int
from metarr_desktop.cli.common import say
from metarr_desktop.cli.suite import open_suite
from metarr_desktop.cli.suite import require_movie
from metarr_desktop.core.fields import ALL_FIELDS


def register(commands: SubCommands) -> None:
    for name, helptext, locked in (
        ("lock", "keep a field as it is (enrichment never changes it)", True),
        ("unlock", "let enrichment change a field again", False),
    ):
        parser = commands.add_parser(name, help=helptext)
        parser.add_argument("movie_id", type=positive_int, metavar="ID")
        parser.add_argument("field", metavar="FIELD")
        parser.set_defaults(handler=cmd_lock, locked=locked)


def _check_field(name: str) -> str:
    if name not in ALL_FIELDS:
        raise CliError(f"unknown field {name!r} (fields: {', '.join(ALL_FIELDS)})")
    return name


async def cmd_lock(args: argparse.Namespace, ctx: CliContext) -> int:
    """`lock` (``args.locked``) or `unlock`."""
    field = _check_field(args.field)
    async with open_suite(ctx) as suite:
        require_movie(suite, args.movie_id)
        movies = suite.app.movies
        (movies.lock if args.locked else movies.unlock)(args.movie_id, field)
    say(f"movie {args.movie_id}: {field} {'locked' if args.locked else 'unlocked'}")
    return 0
