"""`metarr assets ID [--type TYPE]`: the cached asset candidates of a movie; never a network call.

`metarr assets select|reject|restore ID ASSET_ID`: what the asset browser does to one candidate
(select it for publishing, deselecting the others of its type; reject it; take a rejection back).
"""

from __future__ import annotations

import argparse
from typing import Any

from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import emit_table
from metarr_desktop.cli.common import positive_int
from metarr_desktop.cli.common import uses_services
from metarr_desktop.core.assets import AssetType
from metarr_desktop.services.assets import AssetService
from metarr_desktop.services.assets import UnknownAssetError

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


def register(commands: SubCommands) -> None:
    parser = commands.add_parser("assets", help="a movie's cached artwork and video candidates")
    parser.add_argument(
        "words",
        nargs="+",
        metavar="ID | select|reject|restore ID ASSET_ID",
        help="a movie id to list its candidates, or an action on one candidate",
    )
    parser.add_argument("--type", choices=[t.value for t in AssetType], help="only this asset type")
    add_json_option(parser)
    parser.set_defaults(handler=cmd_assets)


ACTIONS = ("select", "reject", "restore")


def _id(text: str, what: str) -> int:
    try:
        return positive_int(text)
    except argparse.ArgumentTypeError as exc:
        raise CliError(f"{what}: {exc}") from None


@uses_services
async def cmd_assets(args: argparse.Namespace, ctx: CliContext) -> int:
    words: list[str] = args.words
    if words[0] in ACTIONS:
        if len(words) != 3:
            raise CliError(f"usage: metarr assets {words[0]} ID ASSET_ID")
        return change_asset(ctx, words[0], _id(words[1], "movie id"), _id(words[2], "asset id"), args.json)
    if len(words) != 1:
        raise CliError("usage: metarr assets ID, or metarr assets select|reject|restore ID ASSET_ID")
    args.id = _id(words[0], "movie id")
    wanted = AssetType(args.type) if args.type else None
    assets = AssetService.for_app(ctx.services).candidates(args.id, wanted)
    rows: list[dict[str, Any]] = []
    for asset in assets:
        data = asset.to_json()
        rows.append({key: data[key] for key in CONTRACT_KEYS} | data)
    if args.json:
        emit_json(rows)
        return 0
    emit_table(
        ["id", "type", "provider", "size", "lang", "votes", "score", "analyzed", "selected", "url"],
        [
            [
                r["id"],
                r["type"],
                r["provider"],
                f"{r['width']}x{r['height']}" if r["width"] and r["height"] else "-",
                r["language"] or "-",
                r["votes"] if r["votes"] is not None else "-",
                r["score"] if r["score"] is not None else "-",
                "yes" if r["analyzed"] else "",
                "yes" if r["is_selected"] else "rejected" if r["is_rejected"] else "",
                r["url"],
            ]
            for r in rows
        ],
    )
    return 0


def change_asset(ctx: CliContext, action: str, movie_id: int, asset_id: int, as_json: bool) -> int:
    """Select, reject or restore one of the movie's candidates, as the asset browser does (`select`
    also makes it the movie's field of that type, locked)."""
    service = AssetService.for_app(ctx.services)
    change = {"select": service.select, "reject": service.reject, "restore": service.restore}[action]
    try:
        asset = change(movie_id, asset_id)
    except UnknownAssetError:
        raise CliError(f"movie {movie_id} has no asset {asset_id} (see `metarr assets {movie_id}`)") from None
    if as_json:
        emit_json(asset.to_json())
    else:
        done = {"select": "selected", "reject": "rejected", "restore": "restored"}[action]
        print(f"movie {movie_id}: asset {asset_id} {done}")
    return 0
