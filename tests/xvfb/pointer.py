"""The real X pointer of a virtual screen, driven with xdotool, for drag-and-drop tests.

QTest's synthetic mouse events never reach `QDrag.exec()`, which runs a nested event loop fed by
the X server; moving the server's own pointer (XTEST, through xdotool) makes the drag real. A gesture
runs as one xdotool process in the background, so the Qt thread keeps running its loop meanwhile.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from dataclasses import dataclass
from dataclasses import field
from types import TracebackType

from PySide6.QtCore import QPoint


def drag_gesture(start: QPoint, end: QPoint, steps: int = 12) -> list[str]:
    """xdotool commands of a user's drag: rest on `start`, press, travel to `end` in `steps`
    moves, hover there a moment (so the drop indicator follows), release."""
    commands = ["mousemove", str(start.x()), str(start.y()), "sleep", "0.1"]
    commands += ["mousedown", "1", "sleep", "0.05"]
    for step in range(1, steps + 1):
        x = start.x() + (end.x() - start.x()) * step // steps
        y = start.y() + (end.y() - start.y()) * step // steps
        commands += ["mousemove", str(x), str(y), "sleep", "0.02"]
    commands += ["sleep", "0.15", "mouseup", "1"]
    return commands


def click_gesture(at: QPoint) -> list[str]:
    """xdotool commands of a plain left click at `at`."""
    return ["mousemove", str(at.x()), str(at.y()), "sleep", "0.05", "click", "1"]


@dataclass
class XPointer:
    """Runs xdotool against one X display.

    Attributes:
        display: the X display, e.g. ":7".
        running: the gesture in progress, if any.
    """

    display: str
    running: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @staticmethod
    def available() -> bool:
        return shutil.which("xdotool") is not None

    def _command(self, commands: list[str]) -> list[str]:
        return ["xdotool", *commands]

    def _env(self) -> dict[str, str]:
        return {"DISPLAY": self.display, "PATH": "/usr/bin:/bin:/usr/local/bin"}

    def start(self, commands: list[str]) -> subprocess.Popen[bytes]:
        """Start a gesture in the background (its own process); `finished()` tells when it is done."""
        self.running = subprocess.Popen(
            self._command(commands), env=self._env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        return self.running

    def finished(self) -> bool:
        return self.running is None or self.running.poll() is not None

    def output(self) -> str:
        """What the last gesture printed (read once it has finished)."""
        if self.running is None or self.running.stdout is None or not self.finished():
            return ""
        return self.running.stdout.read().decode(errors="replace").strip()

    def cancel_drag(self) -> None:
        """End a drag that is stuck: Escape (Qt cancels the drag on it), then release the button.
        Safe to call from any thread, and when nothing is being dragged."""
        if self.running is not None and self.running.poll() is None:
            self.running.kill()
        subprocess.run(
            self._command(["key", "Escape", "mouseup", "1"]),
            env=self._env(),
            timeout=5,
            check=False,
            capture_output=True,
        )


class Watchdog:
    """Cancels a stuck drag from another thread after `seconds` (`fired` then says so).

    Used as a context manager around a gesture: it is a backstop for when the Qt thread itself is
    stuck in `QDrag.exec()` and the test's own deadline can never run.
    """

    def __init__(self, pointer: XPointer, seconds: float) -> None:
        self.pointer = pointer
        self.seconds = seconds
        self.fired = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        self.pointer.cancel_drag()

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._timer.cancel()
