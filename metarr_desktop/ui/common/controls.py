"""The window's everyday controls, built in one call: a push button with its tooltip and action, a
label whose text wraps, a row (or column) of controls with the space between them; and the ways a
label of a movie's text never makes the window wider (`any_width`, `ShortenedLabel`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QWidget

Box = TypeVar("Box", bound=QBoxLayout)


def push_button(
    text: str, tip: str = "", *, name: str = "", clicked: Callable[..., object] | None = None
) -> QPushButton:
    """A button showing `text`, with `tip` as its tooltip, `name` as its object name (the style
    sheet's and the tests' handle) and `clicked` connected; each only when given."""
    button = QPushButton(text)
    if name:
        button.setObjectName(name)
    if tip:
        button.setToolTip(tip)
    if clicked is not None:
        button.clicked.connect(clicked)
    return button


def wrapped_label(name: str, text_format: Qt.TextFormat = Qt.TextFormat.PlainText) -> QLabel:
    """An empty label named `name` whose text wraps; plain text (shown literally) unless told."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(text_format)
    return label


#: The width a wrapped label of a movie's text asks for at least (`any_width`).
TEXT_MIN_WIDTH = 80


def any_width(label: QLabel) -> QLabel:
    """`label` (wrapped) asks for `TEXT_MIN_WIDTH` at least, not for its longest word: a word longer
    than the room there is (a title without spaces, a long name) is cut at the label's edge instead
    of making the window wider. Returned for chaining."""
    label.setMinimumWidth(TEXT_MIN_WIDTH)
    return label


class ShortenedLabel(QLabel):
    """Plain text on one line, shortened with "…" to the width it is given (`text()` stays the whole
    text; give it as the tooltip too): however long a text it shows, it never makes the window
    wider. It asks for room for all of it, and needs `MINIMUM_WIDTH`."""

    MINIMUM_WIDTH = 60

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.MINIMUM_WIDTH, super().minimumSizeHint().height())

    def shown_text(self) -> str:
        """The text as painted: the whole of it, or its start and "…" when it does not fit."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            self.shown_text(),
            self.foregroundRole(),
        )


@dataclass(frozen=True, slots=True)
class Gap:
    """A fixed space between two controls of a row or column (in pixels)."""

    pixels: int


@dataclass(frozen=True, slots=True)
class Stretch:
    """Space that grows to fill the row or column (`factor`: its share of what is left)."""

    factor: int = 1


#: The usual stretch: pushes what follows it to the row's end.
STRETCH = Stretch()


def lay_out(layout: Box, *items: QWidget | Gap | Stretch) -> Box:
    """`layout` with `items` added in order: controls, gaps and stretches. Returns `layout`."""
    for item in items:
        if isinstance(item, Gap):
            layout.addSpacing(item.pixels)
        elif isinstance(item, Stretch):
            layout.addStretch(item.factor)
        else:
            layout.addWidget(item)
    return layout


__all__ = ["STRETCH", "Gap", "Stretch", "lay_out", "push_button", "wrapped_label"]
