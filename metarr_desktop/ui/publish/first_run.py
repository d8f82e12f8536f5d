"""The first-run question, as a bar above the pages (never a modal dialog): "Write NFO and artwork
next to my movies: Kodi / Jellyfin / Both / No". Shown until the user answers; the answer is stored
in the ``publish.*`` settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSizePolicy
from PySide6.QtWidgets import QWidget

from metarr_desktop.services.settings import SettingsService
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.publish.presenter import FIRST_RUN_CHOICES
from metarr_desktop.ui.publish.presenter import FIRST_RUN_QUESTION
from metarr_desktop.ui.publish.presenter import apply_first_run_choice
from metarr_desktop.ui.publish.presenter import needs_first_run_choice


class FirstRunBar(QFrame):
    """The question and its four answers.

    Signals:
        answered(str): the user chose; the message for the status bar.
    """

    answered = Signal(str)

    def __init__(self, settings: SettingsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("publish-first-run")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        question = QLabel(FIRST_RUN_QUESTION)
        question.setTextFormat(Qt.TextFormat.PlainText)
        font = question.font()
        font.setBold(True)
        question.setFont(font)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(question)
        self.buttons: dict[str, QPushButton] = {}
        for text, flavour in FIRST_RUN_CHOICES:
            button = QPushButton(text)
            button.setObjectName(f"publish-first-run-{text.lower()}")
            button.clicked.connect(lambda _checked=False, f=flavour: self.choose(f))
            self.buttons[text] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self.setToolTip(
            "Files Metarr did not write are never replaced. Settings › Library files changes this later."
        )
        # The bar never widens the window: the note wraps, and a narrow window clips the rest.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def choose(self, flavour: str | None) -> None:
        message = apply_first_run_choice(self.settings, flavour)
        self.hide()
        self.answered.emit(message)


def first_run_bar(ctx: UiContext) -> FirstRunBar | None:
    """The question, when the window has the library and the user has not answered yet."""
    if ctx.suite is None:
        return None
    settings = ctx.suite.user_settings
    stored = {"publish.enabled"} if settings.is_stored("publish.enabled") else set()
    if not needs_first_run_choice(stored):
        return None
    return FirstRunBar(settings)
