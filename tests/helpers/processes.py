"""Child processes that a test interrupts with SIGINT, as Ctrl-C would.

A child inherits its parent's ignored signals: when pytest itself runs with SIGINT ignored (started
with `nohup` or from a background shell), a Python child would never see KeyboardInterrupt. Passing
``preexec_fn=default_sigint`` gives the child the default disposition back before it starts, so the
child's Python installs its own Ctrl-C handler as it would in a terminal. `interruptible_cli`
starts `metarr` so.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Mapping
from typing import Any


def default_sigint() -> None:
    """Run in the child between fork and exec: SIGINT back to its default action."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interruptible_cli(*argv: str, env: Mapping[str, str], **options: Any) -> subprocess.Popen[str]:
    """`metarr *argv` (``python -m metarr_desktop.cli``) as a child that SIGINT interrupts, with
    `env` and the other `subprocess.Popen` options; its stdout and stderr are piped, as text."""
    return subprocess.Popen(
        [sys.executable, "-m", "metarr_desktop.cli", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=default_sigint,
        **options,
    )
