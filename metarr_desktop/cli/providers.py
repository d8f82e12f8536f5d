"""`metarr providers ...`."""

from __future__ import annotations

import argparse
from typing import Any

from metarr_desktop.cli.common import CliContext, emit_json, emit_table
from metarr_desktop.providers.registry import ProviderSpec


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("providers", help="list and configure metadata providers")
    sub = parser.add_subparsers(dest="providers_command", required=True, metavar="SUBCOMMAND")
    list_parser = sub.add_parser("list", help="the providers in priority order")
    list_parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    list_parser.set_defaults(handler=cmd_list)


def spec_json(spec: ProviderSpec, priority: int) -> dict[str, Any]:
    return {
        "id": spec.id,
        "name": spec.name,
        "enabled": True,
        "priority": priority,
        "base_url": spec.default_base_url,
        "has_api_key": False,
        "rate_limit": spec.default_rate_limit.to_json() if spec.default_rate_limit else None,
        "daily_quota": spec.default_daily_quota,
        "capabilities": spec.capabilities.to_json(),
        "builtin": spec.builtin,
    }


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = [spec_json(spec, index) for index, spec in enumerate(ctx.registry, start=1)]
    if args.json:
        emit_json(rows)
        return 0
    emit_table(
        ["#", "id", "name", "enabled", "rate", "quota", "base url"],
        [
            [
                r["priority"],
                r["id"],
                r["name"],
                "yes" if r["enabled"] else "no",
                f"{r['rate_limit']['requests']}/{r['rate_limit']['window_seconds']:g}s"
                if r["rate_limit"]
                else "-",
                r["daily_quota"] or "-",
                r["base_url"],
            ]
            for r in rows
        ],
    )
    return 0
