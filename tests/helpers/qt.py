"""Helpers for GUI tests that run on the qasync loop (see STYLE.md, "Testing Qt with asyncio").

`wait_signal` connects a signal to an asyncio future and awaits it with a timeout; it replaces
``qtbot.waitSignal``, which never sees a signal emitted while an async test is awaiting. `shoot`
saves a widget's picture under `SHOTS` (to be looked at).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from typing import Protocol
from typing import TypeVar
from typing import cast

import shiboken6
from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWidget

#: Where the GUI tests save the pictures of their screens.
SHOTS = Path("/tmp/metarr-shots")


async def wait_signal(
    signal: SignalInstance,
    timeout: float = 5,  # noqa: ASYNC109 (waiting for a signal needs its own deadline)
    *,
    check: Callable[..., bool] | None = None,
) -> tuple[Any, ...]:
    """Wait until `signal` is emitted (and `check(*args)` is true, when given); return its arguments."""
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def on_signal(*args: Any) -> None:
        if not future.done() and (check is None or check(*args)):
            future.set_result(args)

    signal.connect(on_signal)
    try:
        return await asyncio.wait_for(future, timeout)
    finally:
        signal.disconnect(on_signal)


def arm_signal(signal: SignalInstance) -> asyncio.Future[tuple[Any, ...]]:
    """A future of the next emission, connected now (for signals emitted by the very next call)."""
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def on_signal(*args: Any) -> None:
        if not future.done():
            future.set_result(args)
            signal.disconnect(on_signal)

    signal.connect(on_signal)
    return future


async def until(
    condition: Callable[[], bool],
    timeout: float = 5,  # noqa: ASYNC109 (a polling helper with its own deadline)
    step: float = 0.005,
) -> None:
    """Let the loop run until `condition()` holds (tiny waits; fails after `timeout` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("condition not reached in time")
        await asyncio.sleep(step)


async def settle(rounds: int = 3) -> None:
    """Give Qt a few turns to lay out and paint (before a grab).

    Only awaits: calling ``processEvents()`` inside a coroutine lets qasync run other tasks' steps
    re-entrantly, and a task woken then can lose its step and never finish.
    """
    for _ in range(rounds):
        await asyncio.sleep(0.01)


def recorded(signal: SignalInstance) -> list[Any]:
    """Every value `signal` emits from now on, in order (a signal of one argument)."""
    seen: list[Any] = []
    signal.connect(seen.append)
    return seen


class _Loads(Protocol):
    async def load(self) -> None: ...


PageT = TypeVar("PageT", bound=QWidget)


async def shown_and_loaded(qtbot: Any, page: PageT, width: int, height: int) -> PageT:
    """`page` handed to `qtbot`, shown at `width` x `height`, and its data loaded (`page.load()`)."""
    qtbot.addWidget(page)
    page.resize(width, height)
    page.show()
    await cast(_Loads, page).load()
    return page


def shoot(widget: QWidget, name: str) -> Path:
    """Save `widget` as /tmp/metarr-shots/<name>.png (to look at)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


def lay_out(widget: QWidget) -> None:
    """Apply every pending layout now, without yielding to the loop (which would let simulated time,
    and with it the held answers, move on before the grab)."""
    for each in [widget, *widget.findChildren(QWidget)]:
        layout = each.layout()
        if layout is not None:
            layout.activate()


@contextlib.contextmanager
def deleted_on_the_qt_thread(opened: list[Any]) -> Iterator[None]:
    """Collect earlier tests' garbage before the block, then close and delete the widgets put in
    `opened` during it, here on the Qt thread: a collection triggered in a worker thread (the
    sandbox's) would otherwise destroy them, and their timers, in that thread."""
    gc.collect()
    yield
    while opened:
        widget: QWidget = opened.pop()
        if shiboken6.isValid(widget):
            widget.close()
            shiboken6.delete(widget)
    gc.collect()
