"""Reordering providers by a real drag and drop: starts a virtual X server (Xvfb) and runs
`drag_session.py` on it as a separate pytest session with Qt's xcb platform, its pointer moved by
xdotool (the normal session is offscreen, where `QDrag.exec()` never sees a pointer).

Skipped when Xvfb or xdotool is missing (`bash scripts/ensure-xvfb.sh` installs them). Never hangs:
the inner session has its own deadlines, and this test kills it, and Xvfb, after `SESSION_LIMIT`.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SESSION = Path(__file__).with_name("drag_session.py")
#: The inner session takes about 3 s; past this it is killed and the test fails.
SESSION_LIMIT = 60.0
#: Longest wait for Xvfb to accept connections.
XVFB_START_LIMIT = 10.0

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(
        shutil.which("Xvfb") is None or shutil.which("xdotool") is None,
        reason="a real drag needs Xvfb and xdotool (bash scripts/ensure-xvfb.sh, or: "
        "sudo apt-get install -y xvfb xdotool)",
    ),
]


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End a process we started, and its own process group, for sure."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@contextmanager
def xvfb() -> Iterator[str]:
    """A fresh Xvfb on a free display number (it writes the number to a pipe once it accepts
    connections); yields the display, e.g. ":3", and stops the server afterwards."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], XVFB_START_LIMIT)
        number = os.read(read_end, 64).decode().strip() if ready else ""
        if not number.isdigit():
            _stop(server)
            errors = server.stderr.read().decode(errors="replace") if server.stderr else ""
            pytest.fail(
                f"Xvfb did not start within {XVFB_START_LIMIT} s (exit {server.returncode}):\n{errors}"
            )
        yield f":{number}"
    finally:
        os.close(read_end)
        _stop(server)
        if server.stderr is not None:
            server.stderr.close()


def test_a_real_drag_reorders_providers_and_save_stores_it() -> None:
    with xvfb() as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "QT_ENABLE_HIGHDPI_SCALING": "0",
            "QT_SCALE_FACTOR": "1",
        }
        env.pop("WAYLAND_DISPLAY", None)
        command = [
            sys.executable, "-m", "pytest", str(SESSION),
            "-p", "no:cacheprovider", "-q", "-o", "timeout=40", "--rootdir", str(ROOT),
        ]  # fmt: skip
        started = time.monotonic()
        session = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            output, _ = session.communicate(timeout=SESSION_LIMIT)
        except subprocess.TimeoutExpired:
            _stop(session)
            output, _ = session.communicate()
            pytest.fail(
                f"the Xvfb session did not finish within {SESSION_LIMIT} s and was killed:\n"
                + output.decode(errors="replace")
            )
        elapsed = time.monotonic() - started
    text = output.decode(errors="replace")
    assert session.returncode == 0, f"the Xvfb session failed (exit {session.returncode}):\n{text}"
    # It really ran (a skip inside would also exit 0).
    assert re.search(r"\b1 passed\b", text) and "skipped" not in text, text
    print(f"real drag session: {elapsed:.1f} s on {display}")
