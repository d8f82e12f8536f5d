"""`metarr sandbox`: serve the simulated provider APIs on loopback until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import json
import shlex
import signal
import sys
import threading
from types import FrameType

from metarr_desktop.cli.common import EXIT_FAILED
from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.core.errors import StoreError
from metarr_desktop.sandbox.catalog import parse_catalog_spec
from metarr_desktop.sandbox.demo import DEMO_KEYS
from metarr_desktop.sandbox.demo import configure_profile
from metarr_desktop.sandbox.faults import parse_faults
from metarr_desktop.sandbox.limits import SandboxLimits
from metarr_desktop.sandbox.server import Latency
from metarr_desktop.sandbox.server import SandboxServer
from metarr_desktop.services.context import AppServices
from metarr_desktop.store.profile import ProfileError
from metarr_desktop.store.secrets import SecretStoreError


def register(commands: SubCommands) -> None:
    parser = commands.add_parser(
        "sandbox",
        help="serve simulated TMDB, OMDb, TheTVDB and fanart.tv APIs on loopback",
        description=(
            "Serve simulated TMDB, OMDb, TheTVDB and fanart.tv APIs until interrupted. The first line "
            "on stdout is a JSON object with the base URL of each."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--catalog", default="demo", help="demo (default) or synthetic:N")
    parser.add_argument("--latency-ms", default="0", metavar="N|MIN-MAX", help="delay per request")
    parser.add_argument(
        "--faults",
        default="",
        metavar="SPEC",
        help="e.g. tmdb:500@0.2,fanart:timeout@0.1,omdb:malformed@0.05",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed for faults and latency")
    parser.add_argument("--limit-scale", type=float, default=1.0, help="multiply every rate limit")
    parser.add_argument("--no-limits", action="store_true", help="no rate limits and no daily quotas")
    parser.add_argument("--omdb-quota", type=int, default=None, metavar="N", help="OMDb's daily quota (1000)")
    parser.add_argument(
        "--hang-seconds", type=float, default=60.0, help="how long a 'timeout' fault holds a request"
    )
    parser.add_argument(
        "--configure",
        action="store_true",
        help="also point the profile's providers at this sandbox, with the demo keys (refused when the "
        "profile holds a key of your own: use --data-dir for a separate profile)",
    )
    parser.set_defaults(handler=cmd_sandbox)


def build_server(args: argparse.Namespace) -> SandboxServer:
    """A server from the command's options; bad values are a usage error (exit 2)."""
    try:
        catalog = parse_catalog_spec(args.catalog)
        latency = Latency.parse(args.latency_ms)
        faults = parse_faults(args.faults)
        limits = SandboxLimits.none() if args.no_limits else SandboxLimits().scaled(args.limit_scale)
        if args.omdb_quota is not None:
            if args.omdb_quota < 0:
                raise ValueError("the OMDb quota must be 0 or more")
            limits = limits.with_quota("omdb", args.omdb_quota)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if not 0 <= args.port <= 65535:
        raise CliError(f"bad port {args.port}: expected 0 to 65535")
    return SandboxServer(
        catalog,
        host=args.host,
        port=args.port,
        latency=latency,
        faults=faults,
        limits=limits,
        seed=args.seed,
        hang_seconds=args.hang_seconds,
    )


def own_keys(ctx: CliContext) -> list[str]:
    """The providers for which the profile holds an API key that is not the sandbox's demo key."""
    services = AppServices.open(ctx.data_dir)
    try:
        return [pid for pid, demo in DEMO_KEYS.items() if services.secrets.get(pid) not in (None, demo)]
    finally:
        asyncio.run(services.aclose())


def configure(ctx: CliContext, server: SandboxServer) -> None:
    """Point the profile's providers at the running sandbox with the demo keys (`--configure`)."""
    try:
        mine = own_keys(ctx)
        if mine:
            raise CliError(
                f"the profile {ctx.profile.root} holds your own API key for {', '.join(mine)}; "
                "--configure would point it at the sandbox: give a separate profile with "
                "--data-dir DIR (e.g. metarr --data-dir ~/metarr-sandbox sandbox --configure)",
                EXIT_FAILED,
            )
        asyncio.run(configure_profile(ctx.profile.root, server))
    except (ProfileError, StoreError, SecretStoreError) as exc:
        raise CliError(str(exc), EXIT_FAILED) from exc


def cmd_sandbox(args: argparse.Namespace, ctx: CliContext) -> int:
    server = build_server(args)
    try:
        urls = server.start()
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", 1) from exc
    if args.configure:
        try:
            configure(ctx, server)
        except BaseException:
            server.stop()
            raise
    stop = threading.Event()

    def on_terminate(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_terminate)
    sys.stdout.write(json.dumps(urls) + "\n")
    sys.stdout.flush()
    sys.stderr.write(
        f"metarr: sandbox serving catalog {server.catalog.name} ({len(server.catalog)} titles);"
        " Ctrl-C stops it\n"
    )
    if args.configure:
        data_dir = f"--data-dir {shlex.quote(str(ctx.data_dir))} " if ctx.data_dir else ""
        sys.stderr.write(
            f"metarr: the profile {ctx.profile.root} now uses this sandbox with the demo keys; "
            f"try, from another terminal: metarr {data_dir}search Inception\n"
        )
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
    return 0
