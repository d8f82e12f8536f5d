"""`metarr database set-aside`: the one explicit way to start over when the profile's database cannot
be used.

Every other command refuses a database file that is damaged, truncated or another program's (exit
code 1, one line that names the file and says what to do) and leaves it exactly as it was: a cron job
must never carry on with an empty library by itself, nor a following ``library scan`` rebuild it
with new ids. Restore the file from a backup, or run this command: it moves the file (with its
``-wal`` and ``-shm``) to ``metarr.sqlite3.corrupt-<time>`` beside it and creates a new, empty
library. A database that can be used is left alone (nothing changed, exit code 0).
"""

from __future__ import annotations

import argparse
import shlex

from metarr_desktop.cli.common import EXIT_OK
from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_command_group
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import add_subcommand
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import say
from metarr_desktop.store.database import Database


def register(commands: SubCommands) -> None:
    sub = add_command_group(commands, "database", "the profile's database file")
    add_json_option(
        add_subcommand(
            sub,
            "set-aside",
            "move a database that cannot be used aside and start a new, empty library",
            cmd_set_aside,
        )
    )


def start_over(data_dir: str | None) -> str:
    """How a user of `metarr` starts over (the advice of a `DamagedDatabaseError`)."""
    profile = f" --data-dir {shlex.quote(data_dir)}" if data_dir else ""
    return f"run `metarr{profile} database set-aside` to move it aside and start a new, empty library"


def cmd_set_aside(args: argparse.Namespace, ctx: CliContext) -> int:
    path = ctx.profile.database_path
    database = Database.open(path, set_aside_damaged=True)
    database.close()
    backup = database.backup_path
    if args.json:
        emit_json({"database": str(path), "set_aside": str(backup) if backup else None})
    elif backup is None:
        say(f"the database {path} can be used; nothing was changed")
    else:
        say(f"moved the database to {backup}; a new, empty library was created in {path}")
    return EXIT_OK
