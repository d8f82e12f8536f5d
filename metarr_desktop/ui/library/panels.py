"""The library page's panels around the movies: the report of the last scan, and what is shown
instead of the movies when there are none to show."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QToolButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.library.presenter import EMPTY_LIBRARY_HTML
from metarr_desktop.ui.library.presenter import NO_LIBRARY_HTML
from metarr_desktop.ui.library.presenter import no_match_html


class ReportRow(QWidget):
    """The last scan's report (plain text: it names folders and files) with a close button.

    Attributes:
        report: the report's label.
        close_button: hides the row.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = wrapped_label("library-report")
        self.report.setFrameShape(QLabel.Shape.StyledPanel)
        self.report.setMargin(8)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hide the scan report")
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_text(self, text: str) -> None:
        self.report.setText(text)
        self.show()


class EmptyState(QWidget):
    """Why there are no movies to show: no library, an empty one (with Add folder and Add movie),
    or a filter that matches nothing (with Clear the filter).

    Attributes:
        text: the explanation.
        add_buttons, add_folder_button, add_movie_button: shown for an empty library.
        no_match_buttons, clear_filter_button: shown when the filter matches nothing.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = wrapped_label("library-empty", Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setMargin(24)
        self.add_folder_button = QPushButton("Add folder…")
        self.add_movie_button = QPushButton("Add movie…")
        self.add_buttons = self._button_row(self.add_folder_button, self.add_movie_button)
        self.clear_filter_button = QPushButton("Clear the filter")
        self.no_match_buttons = self._button_row(self.clear_filter_button)
        self.no_match_buttons.hide()
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.text)
        layout.addWidget(self.add_buttons)
        layout.addWidget(self.no_match_buttons)
        layout.addStretch(2)

    @staticmethod
    def _button_row(*buttons: QPushButton) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.addStretch(1)
        for button in buttons:
            layout.addWidget(button)
        layout.addStretch(1)
        return row

    def show_no_library(self) -> None:
        self.text.setText(NO_LIBRARY_HTML)
        self.add_buttons.hide()
        self.no_match_buttons.hide()

    def show_empty_library(self) -> None:
        self.text.setText(EMPTY_LIBRARY_HTML)
        self.no_match_buttons.hide()
        self.add_buttons.show()

    def show_no_match(self, filter_text: str) -> None:
        self.text.setText(no_match_html(filter_text))
        self.add_buttons.hide()
        self.no_match_buttons.show()
