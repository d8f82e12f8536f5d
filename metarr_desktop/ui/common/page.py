"""`PageView`: what every page of the window shares, as Picard's options pages share load/save/check.

A page loads its data from the services when it is first shown (and again on Reload), says so with
`loaded`, and reports what the user should read in the status bar with `message`.

A page that edits settings can have unsaved changes: it answers `is_dirty()`, says when that
changes with `dirtyChanged` (`_report_dirty` emits it only on a change), stores them with `save()`
and names them in `unsaved_changes` ("the provider configuration"). The window shows "* " in its
title while a page has unsaved changes, and asks about them before leaving the page or quitting.

Signals:
    loaded(): the page has (re)loaded its data.
    message(str): a line for the status bar.
    dirtyChanged(bool): whether the page has unsaved changes now.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget


class PageView(QWidget):
    """The base of the window's pages."""

    loaded = Signal()
    message = Signal(str)
    dirtyChanged = Signal(bool)

    #: What the page's unsaved changes are, for the window's question ("the provider configuration").
    unsaved_changes = "the page's changes"
    _dirty_reported = False

    async def load(self) -> None:
        """Read the page's data from the services and show it (a page with data overrides this)."""
        self.loaded.emit()

    def is_dirty(self) -> bool:
        """Whether the page has changes that are not saved (a page that edits overrides this)."""
        return False

    async def save(self) -> bool:
        """Store the page's changes; False when they could not be stored (the page shows why)."""
        return True

    def _report_dirty(self) -> None:
        """Emit `dirtyChanged` when `is_dirty()` is no longer what was last reported."""
        dirty = self.is_dirty()
        if dirty != self._dirty_reported:
            self._dirty_reported = dirty
            self.dirtyChanged.emit(dirty)


def unsaved_question(changes: list[str]) -> str:
    """The unsaved-changes question's sentence for the `unsaved_changes` of the pages that have some: "The
    provider configuration and the Language and region page have changes that are not saved."
    """
    subject = changes[-1] if len(changes) == 1 else f"{', '.join(changes[:-1])} and {changes[-1]}"
    verb = "has" if len(changes) == 1 else "have"
    return f"{subject[:1].upper()}{subject[1:]} {verb} changes that are not saved."


__all__ = ["PageView", "unsaved_question"]
