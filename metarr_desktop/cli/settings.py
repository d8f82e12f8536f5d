"""`metarr settings show [--json]` / `metarr settings set KEY VALUE` / `metarr settings reset KEY`.

Every user setting is declared once in `core.settings`; these commands list and change them. A value
is a JSON value or a plain string (lists also take comma-separated words); a wrong type or an
unknown key is bad input (exit 2) and changes nothing.
"""

from __future__ import annotations

import argparse
import json

from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_command_group
from metarr_desktop.cli.common import add_listing
from metarr_desktop.cli.common import add_subcommand
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import emit_table
from metarr_desktop.cli.common import say
from metarr_desktop.cli.common import uses_services
from metarr_desktop.core.settings import SettingValueError


def register(commands: SubCommands) -> None:
    sub = add_command_group(commands, "settings", "the user settings (language, cache, publishing, ...)")
    add_listing(sub, "show", "every setting with its value, default and description", cmd_show)
    set_parser = add_subcommand(sub, "set", "change one setting (a JSON value or a plain string)", cmd_set)
    set_parser.add_argument("key", metavar="KEY")
    set_parser.add_argument("value", metavar="VALUE")
    reset = add_subcommand(sub, "reset", "put one setting back to its default", cmd_reset)
    reset.add_argument("key", metavar="KEY")


def _shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


@uses_services
async def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    document = ctx.services.user_settings.show()
    if args.json:
        emit_json(document)
        return 0
    emit_table(
        ["setting", "value", "default", "description"],
        [
            [key, _shown(entry["value"]), _shown(entry["default"]), entry["description"]]
            for key, entry in document.items()
        ],
    )
    return 0


@uses_services
async def cmd_set(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        value = ctx.services.user_settings.set_text(args.key, args.value)
    except SettingValueError as exc:
        raise CliError(str(exc)) from exc
    say(f"{args.key} = {_shown(value)}")
    return 0


@uses_services
async def cmd_reset(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        value = ctx.services.user_settings.reset(args.key)
    except SettingValueError as exc:
        raise CliError(str(exc)) from exc
    say(f"{args.key} = {_shown(value)} (default)")
    return 0
