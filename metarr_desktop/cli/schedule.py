"""`metarr schedule [show|set HH:MM|enable|disable]`: the daily enrich-all of the window.

Headless installs run ``metarr enrich --all`` from cron or a systemd timer instead (packaging/).
"""

from __future__ import annotations

import argparse

from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_command_group
from metarr_desktop.cli.common import add_listing
from metarr_desktop.cli.common import add_subcommand
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import say
from metarr_desktop.cli.suite import open_suite
from metarr_desktop.services.schedule import ScheduleError


def register(commands: SubCommands) -> None:
    sub = add_command_group(commands, "schedule", "the daily enrichment of the library")
    add_listing(sub, "show", "time of day, last and next run", cmd_show)
    setter = add_subcommand(sub, "set", "the time of day (local, HH:MM; default 03:00)", cmd_set)
    setter.add_argument("time", metavar="HH:MM")
    for name, enabled in (("enable", True), ("disable", False)):
        add_subcommand(sub, name, f"{name} the daily run in the window", cmd_toggle, enabled=enabled)


async def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    async with open_suite(ctx) as suite:
        document = suite.schedule.to_json()
    if args.json:
        emit_json(document)
    else:
        state = "enabled" if document["enabled"] else "disabled"
        say(
            f"daily enrichment at {document['time']} ({state}); last run {document['last_run'] or 'never'}; "
            f"next {document['next_run']}"
        )
    return 0


async def cmd_set(args: argparse.Namespace, ctx: CliContext) -> int:
    async with open_suite(ctx) as suite:
        try:
            when = suite.schedule.set_time_of_day(args.time)
        except ScheduleError as exc:
            raise CliError(str(exc)) from exc
    say(f"daily enrichment at {when.strftime('%H:%M')}")
    return 0


async def cmd_toggle(args: argparse.Namespace, ctx: CliContext) -> int:
    async with open_suite(ctx) as suite:
        suite.schedule.set_enabled(args.enabled)
    say(f"daily enrichment {'enabled' if args.enabled else 'disabled'}")
    return 0
