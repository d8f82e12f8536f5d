"""Child processes that a test interrupts with SIGINT, as Ctrl-C would.

A child inherits its parent's ignored signals: when pytest itself runs with SIGINT ignored (started
with `nohup` or from a background shell), a Python child would never see KeyboardInterrupt. Passing
``preexec_fn=default_sigint`` gives the child the default disposition back before it starts, so the
child's Python installs its own Ctrl-C handler as it would in a terminal.
"""

from __future__ import annotations

import signal


def default_sigint() -> None:
    """Run in the child between fork and exec: SIGINT back to its default action."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
