"""The window's everyday controls, built in one call: a push button with its tooltip and action, a
label whose text wraps, a row (or column) of controls with the space between them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import Qt
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
