"""`metarr providers list | set | test | health` over the stored provider configuration."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Mapping
from typing import Any

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
from metarr_desktop.cli.common import positive_float
from metarr_desktop.cli.common import positive_int
from metarr_desktop.cli.common import report_check
from metarr_desktop.cli.common import say
from metarr_desktop.cli.common import uses_services
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.services.config import UNSET
from metarr_desktop.services.config import ConfigError
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.config import ProviderView


def register(commands: SubCommands) -> None:
    sub = add_command_group(commands, "providers", "list and configure metadata providers")
    add_listing(sub, "list", "the providers in priority order", cmd_list)

    set_parser = add_subcommand(sub, "set", "change a provider's configuration", cmd_set)
    set_parser.add_argument("id", metavar="ID", help="provider id (see `providers list`)")
    set_parser.add_argument("--enabled", metavar="true|false", type=bool_argument, default=UNSET)
    keys = set_parser.add_mutually_exclusive_group()
    keys.add_argument("--api-key", metavar="KEY", default=UNSET, help="the API key (stored in the keyring)")
    keys.add_argument("--api-key-stdin", action="store_true", help="read the API key from standard input")
    keys.add_argument("--clear-api-key", action="store_true", help="remove the stored API key")
    set_parser.add_argument(
        "--base-url", metavar="URL", default=UNSET, help="replaces the service's address; 'default' resets it"
    )
    set_parser.add_argument(
        "--rate",
        metavar="N/SECONDS",
        type=_rate,
        default=UNSET,
        help="at most N requests per SECONDS, or none",
    )
    set_parser.add_argument("--daily-quota", metavar="N|none", type=_optional_int, default=UNSET)
    set_parser.add_argument("--priority", metavar="N", type=_int, default=UNSET, help="position, 1 first")
    set_parser.add_argument("--user-timeout", metavar="SECONDS|none", type=_optional_float, default=UNSET)
    set_parser.add_argument(
        "--background-timeout", metavar="SECONDS|none", type=_optional_float, default=UNSET
    )
    add_json_option(set_parser, help="print the provider as JSON")

    test_parser = add_subcommand(sub, "test", "check the stored API key with one real request", cmd_test)
    test_parser.add_argument("id", metavar="ID")
    add_json_option(test_parser, help=None)

    reenable_parser = add_subcommand(
        sub,
        "reenable",
        "close an auto-disabled provider's circuit and lift every block (Retry-After, quota)",
        cmd_reenable,
    )
    reenable_parser.add_argument("id", metavar="ID")
    add_json_option(reenable_parser, help="print its health as JSON")

    health_parser = add_subcommand(sub, "health", "each provider's health and rate-limit state", cmd_health)
    add_json_option(health_parser, help=None)


# -- argument types (argparse turns ValueError / ArgumentTypeError into a usage error, exit 2) ------


def _int(text: str) -> int:
    return positive_int(text)


def _optional_int(text: str) -> int | None:
    return None if text.strip().lower() == "none" else positive_int(text)


def _optional_float(text: str) -> float | None:
    if text.strip().lower() == "none":
        return None
    return positive_float(text)


def _rate(text: str) -> RateLimit | None:
    if text.strip().lower() == "none":
        return None
    requests, slash, seconds = text.partition("/")
    try:
        if not slash:
            raise ValueError
        return RateLimit(positive_int(requests), positive_float(seconds))
    except (ValueError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(
            f"expected N/SECONDS with positive numbers (e.g. 40/1, 30/10), got {text!r}"
        ) from None


# -- commands ---------------------------------------------------------------------------------------


def provider_json(view: ProviderView) -> dict[str, Any]:
    """A provider as CONTRACT.md shows it: a whole-second rate-limit window is a JSON integer
    (``"window_seconds": 1``, not ``1.0``); a fractional one stays a number with a fraction."""
    row = view.to_json()
    rate = row["rate_limit"]
    if rate is not None and not math.isfinite(float(rate["window_seconds"])):
        row["rate_limit"] = rate = None  # stored by an older version that accepted 1/1e309 or 1/nan
    if rate is not None and float(rate["window_seconds"]).is_integer():
        row["rate_limit"] = {**rate, "window_seconds": int(rate["window_seconds"])}
    return row


def _rate_text(row: Mapping[str, Any]) -> str:
    rate = row["rate_limit"]
    return f"{rate['requests']}/{rate['window_seconds']:g}s" if rate else "-"


@uses_services
async def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    providers = ctx.services.providers
    rows = [provider_json(view) for view in providers.all()]
    emit_rows(
        rows,
        args.json,
        ["#", "id", "name", "enabled", "key", "rate", "quota", "base url"],
        lambda r: [
            r["priority"],
            r["id"],
            r["name"],
            "yes" if r["enabled"] else "no",
            "set" if r["has_api_key"] else ("missing" if r["needs_api_key"] else "-"),
            _rate_text(r),
            r["daily_quota"] or "-",
            r["base_url"],
        ],
    )
    if not args.json and providers.key_storage_warning:
        say(f"metarr: warning: {providers.key_storage_warning}", err=True)
    return 0


def _read_key_from_stdin() -> str:
    key = sys.stdin.readline().strip()
    if not key:
        raise CliError("no API key on standard input")
    return key


@uses_services
async def cmd_set(args: argparse.Namespace, ctx: CliContext) -> int:
    providers = ctx.services.providers
    view = providers.get(args.id)
    base_url = args.base_url
    if isinstance(base_url, str) and base_url.strip().lower() == "default":
        base_url = view.spec.default_base_url
    api_key = _read_key_from_stdin() if args.api_key_stdin else args.api_key
    change = ProviderUpdate(
        enabled=args.enabled,
        api_key=api_key,
        clear_api_key=args.clear_api_key,
        base_url=base_url,
        rate_limit=args.rate,
        daily_quota=args.daily_quota,
        priority=args.priority,
        user_timeout_s=args.user_timeout,
        background_timeout_s=args.background_timeout,
    )
    if change == ProviderUpdate():
        raise CliError("nothing to change: give at least one option (see `metarr providers set --help`)")
    try:
        updated = await providers.update(args.id, change)
    except ConfigError as exc:
        raise CliError(f"{args.id}: {exc}") from None
    if args.json:
        emit_json(provider_json(updated))
    else:
        say(f"{updated.id}: updated")
        if api_key is not UNSET and providers.key_storage_warning:
            say(f"metarr: warning: {providers.key_storage_warning}", err=True)
    return 0


@uses_services
async def cmd_test(args: argparse.Namespace, ctx: CliContext) -> int:
    check = await ctx.services.providers.test_key(args.id)
    line = f"{check.provider_id}: {check.message}"
    return report_check(args.json, check.to_json(), check.valid is True, line, failure_also_on_stderr=False)


@uses_services
async def cmd_reenable(args: argparse.Namespace, ctx: CliContext) -> int:
    """The Health page's Re-enable: the circuit closes, a `Retry-After` and a reported-spent quota
    are forgotten (the requests counted today stay counted). Saved at once."""
    pool = ctx.services.pool
    if args.id not in pool:
        raise CliError(f"unknown or unavailable provider {args.id!r} (see `metarr providers list`)")
    pool.reenable(args.id)
    health = pool.get(args.id).health_snapshot()
    if args.json:
        emit_json(health.to_json())
    else:
        sys.stdout.write(f"{args.id}: re-enabled ({health.status.value})\n")
    return 0


@uses_services
async def cmd_health(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = [health.to_json() for health in ctx.services.providers.health()]

    def maybe(value: Any, suffix: str = "") -> str:
        return "-" if value is None else f"{value}{suffix}"

    emit_rows(
        rows,
        args.json,
        ["id", "status", "uptime", "latency", "failures", "today", "limited until", "last error"],
        lambda r: [
            r["id"],
            r["status"] + (" (auto-disabled)" if r["auto_disabled"] else ""),
            maybe(r["uptime_percent"], "%"),
            maybe(r["avg_latency_ms"], " ms"),
            r["consecutive_failures"],
            f"{r['requests_today']}/{r['daily_quota']}" if r["daily_quota"] else r["requests_today"],
            maybe(r["rate_limited_until"]),
            maybe(r["last_error"]),
        ],
    )
    return 0
