"""`metarr players list | add | set | remove | test | check`: the media players Metarr tells about
changed movies (CONTRACT.md, "Players"). Passwords and tokens are read from standard input and go
where API keys go, never into the database."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from metarr_desktop.cli.common import EXIT_FAILED
from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_command_group
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import add_listing
from metarr_desktop.cli.common import add_subcommand
from metarr_desktop.cli.common import bool_argument
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import emit_rows
from metarr_desktop.cli.common import positive_int
from metarr_desktop.cli.common import report_check
from metarr_desktop.cli.common import say
from metarr_desktop.cli.common import uses_services
from metarr_desktop.core.player_paths import PathMapping
from metarr_desktop.players import PlayerKind
from metarr_desktop.services.players.models import UNSET
from metarr_desktop.services.players.models import PlayerChange
from metarr_desktop.services.players.models import PlayerConfigError
from metarr_desktop.services.players.models import PlayerView


def register(commands: SubCommands) -> None:
    sub = add_command_group(commands, "players", "the media players told about changed movies")
    add_listing(sub, "list", "the configured players", cmd_list)

    add_parser = add_subcommand(sub, "add", "add a Kodi, Jellyfin or Plex", cmd_add)
    add_parser.add_argument("kind", metavar="KIND", type=_kind, help="kodi, jellyfin or plex")
    _options(add_parser, required=True)

    set_parser = add_subcommand(sub, "set", "change a player", cmd_set)
    set_parser.add_argument("id", metavar="ID", type=_id)
    _options(set_parser, required=False)
    set_parser.add_argument("--enabled", metavar="true|false", type=bool_argument, default=UNSET)
    set_parser.add_argument("--clear-maps", action="store_true", help="remove every path mapping")

    remove_parser = add_subcommand(
        sub, "remove", "remove a player, its queue and its password or token", cmd_remove
    )
    remove_parser.add_argument("id", metavar="ID", type=_id)

    test_parser = add_subcommand(
        sub, "test", "check that the player answers and accepts the credentials", cmd_test
    )
    test_parser.add_argument("id", metavar="ID", type=_id)
    add_json_option(test_parser, help=None)

    check_parser = add_subcommand(
        sub, "check", "map one library movie's path and ask the player if it knows it", cmd_check
    )
    check_parser.add_argument("id", metavar="ID", type=_id)
    check_parser.add_argument("movie_id", metavar="MOVIE_ID", type=_id)
    add_json_option(check_parser, help=None)


def _options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--name", metavar="NAME", required=required, default=UNSET)
    parser.add_argument(
        "--url", metavar="URL", required=required, default=UNSET, help="e.g. http://kodi:8080"
    )
    parser.add_argument("--username", metavar="U", default=UNSET, help="Kodi's web server user")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-stdin", action="store_true", help="read Kodi's password from standard input"
    )
    secret.add_argument(
        "--token-stdin", action="store_true", help="read the API key or token from standard input"
    )
    parser.add_argument(
        "--map",
        metavar="LOCAL=REMOTE",
        action="append",
        type=_mapping,
        dest="maps",
        help="a path mapping, e.g. /mnt/media=smb://nas/media/ (repeatable; replaces the stored ones)",
    )
    add_json_option(parser, help="print the player as JSON")


def _kind(text: str) -> PlayerKind:
    try:
        return PlayerKind(text.lower())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected kodi, jellyfin or plex, got {text!r}") from None


def _id(text: str) -> int:
    return positive_int(text)


def _mapping(text: str) -> PathMapping:
    try:
        return PathMapping.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def player_json(view: PlayerView) -> dict[str, Any]:
    return view.to_json()


def _read_secret(what: str) -> str:
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise CliError(f"no {what} on standard input")
    return value


def _change(args: argparse.Namespace) -> PlayerChange:
    secret: Any = UNSET
    if args.password_stdin:
        secret = _read_secret("password")
    elif args.token_stdin:
        secret = _read_secret("token")
    maps: Any = UNSET
    if getattr(args, "clear_maps", False):
        maps = []
    if args.maps:
        maps = list(args.maps)
    return PlayerChange(
        name=args.name,
        url=args.url,
        username=args.username,
        secret=secret,
        path_mappings=maps,
        enabled=getattr(args, "enabled", UNSET),
    )


def _print_player(view: PlayerView, args: argparse.Namespace, verb: str, ctx: CliContext) -> None:
    if args.json:
        emit_json(player_json(view))
    else:
        say(f"player {view.id} ({view.name}): {verb}")
    warning = ctx.services.players.secret_storage_warning
    if (args.password_stdin or args.token_stdin) and warning:
        say(f"metarr: warning: {warning}", err=True)


@uses_services
async def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = [player_json(view) for view in ctx.services.players.all()]
    emit_rows(
        rows,
        args.json,
        ["id", "kind", "name", "enabled", "status", "pending", "last sync", "url", "last error"],
        lambda r: [
            r["id"],
            r["kind"],
            r["name"],
            "yes" if r["enabled"] else "no",
            r["status"],
            r["pending"],
            r["last_sync_at"] or "-",
            r["url"],
            r["last_error"] or "-",
        ],
    )
    return 0


@uses_services
async def cmd_add(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        view = await ctx.services.players.add(args.kind, _change(args))
    except PlayerConfigError as exc:
        raise CliError(str(exc)) from None
    _print_player(view, args, "added", ctx)
    return 0


@uses_services
async def cmd_set(args: argparse.Namespace, ctx: CliContext) -> int:
    change = _change(args)
    if change == PlayerChange():
        raise CliError("nothing to change: give at least one option (see `metarr players set --help`)")
    try:
        view = await ctx.services.players.update(args.id, change)
    except PlayerConfigError as exc:
        raise CliError(f"player {args.id}: {exc}") from None
    _print_player(view, args, "updated", ctx)
    return 0


@uses_services
async def cmd_remove(args: argparse.Namespace, ctx: CliContext) -> int:
    view = ctx.services.players.get(args.id)
    await ctx.services.players.remove(args.id)
    say(f"player {view.id} ({view.name}): removed")
    return 0


@uses_services
async def cmd_test(args: argparse.Namespace, ctx: CliContext) -> int:
    check = await ctx.services.players.test(args.id)
    line = f"player {args.id}: {check.message}"
    return report_check(args.json, check.to_json(), check.ok, line, failure_also_on_stderr=True)


@uses_services
async def cmd_check(args: argparse.Namespace, ctx: CliContext) -> int:
    result = await ctx.services.players.check_mapping(args.id, args.movie_id)
    if args.json:
        emit_json(result.to_json())
    else:
        say(f"local:  {result.local_path or '-'}")
        say(f"player: {result.remote_path or '-'}")
        say(result.message)
    return 0 if result.known is not None else EXIT_FAILED
