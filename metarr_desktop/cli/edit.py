"""`metarr set ID FIELD VALUE`: edit one field by hand, as the movie page does: the value is checked,
stored with the source "user" and the field is locked (enrichment never changes it afterwards)."""

from __future__ import annotations

import argparse

from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.suite import open_suite
from metarr_desktop.cli.suite import require_movie
from metarr_desktop.services.movie_fields import FieldValueError
from metarr_desktop.services.movie_fields import is_editable
from metarr_desktop.services.movie_fields import write_edit


def register(commands: SubCommands) -> None:
    parser = commands.add_parser("set", help="edit a field by hand (it is locked, as in the window)")
    parser.add_argument("movie_id", type=int, metavar="ID")
    parser.add_argument("field", metavar="FIELD")
    parser.add_argument("value", metavar="VALUE", help="lists (genres, cast ...) separated by commas")
    add_json_option(parser, help="print the field as JSON")
    parser.set_defaults(handler=cmd_set)


async def cmd_set(args: argparse.Namespace, ctx: CliContext) -> int:
    if not is_editable(args.field):
        raise CliError(f"{args.field!r} is not a field that can be edited by hand")
    async with open_suite(ctx) as suite:
        require_movie(suite, args.movie_id)
        app = suite.app
        try:
            detail = write_edit(app.database, app.movies, args.movie_id, args.field, args.value)
        except FieldValueError as exc:
            raise CliError(f"{args.field}: {exc}") from None
    if args.json:
        emit_json(
            {
                "movie_id": args.movie_id,
                "field": detail.name,
                "value": detail.value,
                "source": detail.source,
                "locked": detail.locked,
            }
        )
    else:
        print(f"movie {args.movie_id}: {detail.name} set and locked")
    return 0
