"""`metarr inspect ID [FIELD]`: why each field holds its value, and every provider's value of it.

From the cache only (no request): the chosen value with its source, language and rule (`locked`,
`edited`, `exclusive: omdb`, `language: de-DE`, `authority: tmdb > omdb`, `priority`, `kept`), then
each provider that answered, with its value, language, fetch time and why it lost.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import emit_table
from metarr_desktop.cli.suite import open_suite
from metarr_desktop.cli.suite import require_movie
from metarr_desktop.core.fields import ALL_FIELDS


def register(commands: SubCommands) -> None:
    parser = commands.add_parser("inspect", help="why each field holds its value (from the cache)")
    parser.add_argument("movie_id", type=int, metavar="ID")
    parser.add_argument("field", nargs="?", metavar="FIELD", help="one canonical field (default: all)")
    add_json_option(parser)
    parser.set_defaults(handler=cmd_inspect)


def plain(value: Any, width: int = 60) -> str:
    """A value as one short line of plain text (control characters shown as spaces)."""
    if value is None:
        return "-"
    if isinstance(value, list):
        text = ", ".join(str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    text = "".join(c if c.isprintable() else " " for c in text)
    return text if len(text) <= width else text[: width - 1] + "…"


async def cmd_inspect(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.field is not None and args.field not in ALL_FIELDS:
        raise CliError(f"unknown field {args.field!r} (fields: {', '.join(ALL_FIELDS)})")
    async with open_suite(ctx) as suite:
        require_movie(suite, args.movie_id)
        inspection = suite.inspect.inspect(args.movie_id, args.field)
    if args.json:
        emit_json(inspection.to_json())
        return 0
    if not inspection.fields:
        print("No field has a value and no provider answered yet: run `metarr enrich ID` first.")
        return 0
    for name, explained in inspection.fields.items():
        language = f" · {explained.language}" if explained.language else ""
        source = f"[{explained.source or '-'}{language}]"
        print(f"{name}: {plain(explained.value)}  {source}  rule: {explained.rule or '-'}")
        print(f"  {explained.reason}")
        if not explained.applied and explained.merged_source is not None:
            later = f"{plain(explained.merged_value)} [{explained.merged_source}]"
            print(f"  a refresh would change it to {later}")
        rows = [
            [
                "  " + c.provider,
                plain(c.value, 50),
                c.language or "",
                c.fetched_at.isoformat(timespec="seconds") if c.fetched_at else "",
                c.outcome if c.why is None else f"{c.outcome}: {c.why}",
            ]
            for c in explained.candidates
        ]
        if rows:
            emit_table(["  provider", "value", "lang", "fetched", "outcome"], rows)
        print()
    return 0
