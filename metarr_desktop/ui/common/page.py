"""`PageView`: what every page of the window shares, as Picard's options pages share load/save/check.

A page loads its data from the services when it is first shown (and again on Reload), says so with
`loaded`, and reports what the user should read in the status bar with `message`.

Signals:
    loaded(): the page has (re)loaded its data.
    message(str): a line for the status bar.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget


class PageView(QWidget):
    """The base of the window's pages."""

    loaded = Signal()
    message = Signal(str)

    async def load(self) -> None:
        """Read the page's data from the services and show it (a page with data overrides this)."""
        self.loaded.emit()


__all__ = ["PageView"]
