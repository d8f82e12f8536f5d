"""`metarr assets ID [--type TYPE]`: the cached asset candidates of a movie; never a network call."""

from __future__ import annotations

import argparse
from typing import Any

from metarr_desktop.cli.common import CliContext, emit_json, emit_table, positive_int, uses_services
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType

#: The keys of CONTRACT.md, in order; more follow them.
CONTRACT_KEYS = (
    "id",
    "type",
    "url",
    "width",
    "height",
    "language",
    "provider",
    "votes",
    "score",
    "is_selected",
    "fetched_at",
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("assets", help="a movie's cached artwork and video candidates")
    parser.add_argument("id", metavar="ID", type=positive_int, help="the movie id")
    parser.add_argument("--type", choices=[t.value for t in AssetType], help="only this asset type")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.set_defaults(handler=cmd_assets)


@uses_services
async def cmd_assets(args: argparse.Namespace, ctx: CliContext) -> int:
    services = ctx.services
    services.movies.require(args.id)
    assets = services.cache.get_cached_assets(EntityType.MOVIE, args.id, args.type)
    rows: list[dict[str, Any]] = []
    for asset in assets:
        data = asset.to_json()
        rows.append({key: data[key] for key in CONTRACT_KEYS} | data)
    if args.json:
        emit_json(rows)
        return 0
    emit_table(
        ["id", "type", "provider", "size", "lang", "votes", "score", "selected", "url"],
        [
            [
                r["id"],
                r["type"],
                r["provider"],
                f"{r['width']}x{r['height']}" if r["width"] and r["height"] else "-",
                r["language"] or "-",
                r["votes"] if r["votes"] is not None else "-",
                r["score"] if r["score"] is not None else "-",
                "yes" if r["is_selected"] else "",
                r["url"],
            ]
            for r in rows
        ],
    )
    return 0
