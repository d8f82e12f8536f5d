"""`metarr authority show | set | reset`: the field-authority rules (document 5)."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

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
from metarr_desktop.core.authority import AuthorityError
from metarr_desktop.services.config import order_following


def register(commands: SubCommands) -> None:
    sub = add_command_group(commands, "authority", "which providers each field is taken from")
    add_listing(sub, "show", "the current rules", cmd_show)
    set_parser = add_subcommand(
        sub, "set", "replace the rules with those of a JSON file (as `show --json`)", cmd_set
    )
    set_parser.add_argument("file", metavar="FILE.json", type=Path)
    add_subcommand(sub, "reset", "back to the defaults", cmd_reset)


@uses_services
async def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    config = ctx.services.authority.get()
    if args.json:
        emit_json(config.to_json())
        return 0
    say(f"provider priority: {', '.join(config.provider_priority)}")
    say(f"fill gaps: {'yes' if config.fill_gaps else 'no'}")
    say(f"prefer my language: {'yes' if config.prefer_language else 'no'}")
    emit_table(
        ["field", "providers", "exclusive"],
        [
            [name, " > ".join(rule.providers), "yes" if rule.exclusive else "no"]
            for name, rule in config.field_authorities.items()
        ],
    )
    return 0


@uses_services
async def cmd_set(args: argparse.Namespace, ctx: CliContext) -> int:
    path: Path = args.file
    try:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise CliError(f"{path} is not valid JSON: {exc}") from None
    try:
        config = ctx.services.authority.set_json(document)
    except AuthorityError as exc:
        raise CliError(f"{path}: {exc}") from None
    await _providers_follow(ctx, config.provider_priority)
    say("field authority updated")
    return 0


async def _providers_follow(ctx: CliContext, priority: list[str]) -> None:
    """One provider order: the providers list follows a new field-authority priority."""
    current = [view.id for view in ctx.services.providers.all()]
    order = order_following(priority, current)
    if order != current:
        await ctx.services.providers.reorder(order)


@uses_services
async def cmd_reset(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        config = ctx.services.authority.reset()
    except AuthorityError as exc:
        raise CliError(str(exc)) from None
    await _providers_follow(ctx, config.provider_priority)
    say("field authority reset to the defaults")
    return 0
