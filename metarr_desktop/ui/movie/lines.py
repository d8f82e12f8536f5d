"""Lines under the movie page's banner: why the movie is (or is not) identified, and its folder with
"Open folder". Both show provider and file text as plain text only."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtCore import Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSizePolicy
from PySide6.QtWidgets import QToolButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.records import MovieRecord
from metarr_desktop.ui.common.controls import any_width
from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.common.safe_text import plain_label
from metarr_desktop.ui.common.safe_text import plain_tip
from metarr_desktop.ui.common.safe_text import visible
from metarr_desktop.ui.movie.presenter import FolderInfo
from metarr_desktop.ui.movie.presenter import folder_info


class WhyLine(QWidget):
    """The identification's outcome in one line, and a "Why?" toggle that shows the whole `why`
    (titles compared, year rule, ids cross-checked, the runner-up and why it lost).

    Attributes:
        summary, details: the line and the sentences under it (hidden until "Why?" is pressed).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("movie-why")
        self.summary = any_width(wrapped_label("movie-why-summary"))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.toggle = QToolButton()
        self.toggle.setObjectName("movie-why-toggle")
        self.toggle.setText("Why?")
        self.toggle.setCheckable(True)
        self.toggle.setToolTip("Show how the match was decided")
        self.toggle.toggled.connect(self._on_toggled)
        self.details = any_width(wrapped_label("movie-why-details"))
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setContentsMargins(16, 0, 0, 0)
        self.details.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.summary, 1)
        row.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.details)
        self.hide()

    def set_why(self, summary: str, lines: list[str], tip: str = "") -> None:
        """Show `summary` (nothing at all when it is empty, `tip` as its tooltip) with `lines`
        behind "Why?"."""
        self.summary.setText(summary)
        self.summary.setToolTip(plain_tip(tip))
        self.details.setText("\n".join(lines))
        self.toggle.setVisible(bool(lines))
        if not lines:
            self.toggle.setChecked(False)
        self.details.setVisible(bool(lines) and self.toggle.isChecked())
        self.setVisible(bool(summary))

    def _on_toggled(self, shown: bool) -> None:
        self.details.setVisible(shown and bool(self.details.text()))
        verb = "Hide" if shown else "Show"
        self.toggle.setToolTip(f"{verb} how the match was decided")


class ElidedLabel(QLabel):
    """A one-line label that elides its text in the middle to fit (a path keeps both ends); the full
    text is in `full_text` and the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        plain_label(self)
        self.full_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_full_text(self, text: str) -> None:
        self.full_text = visible(text)
        self.setToolTip(plain_tip(self.full_text) if text else "")
        self._elide()

    def _elide(self) -> None:
        width = max(self.width(), 40)
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideMiddle, width))

    def minimumSizeHint(self) -> QSize:
        return QSize(40, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()


class FolderLine(QWidget):
    """The movie's folder (elided in the middle, the full path in the tooltip) and "Open folder",
    disabled with the reason when the folder is missing.

    Attributes:
        opener: opens a URL in the system's file manager (`QDesktopServices.openUrl`; tests replace it).
        is_dir, is_file: what the folder check asks the file system (tests replace them).
        info: what is shown.

    Signals:
        message(str): a status line (the folder could not be opened).
    """

    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("movie-folder")
        self.opener: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.is_dir: Callable[[str], bool] = os.path.isdir
        self.is_file: Callable[[str], bool] = os.path.isfile
        self.info = FolderInfo("", "", "")
        self.caption = QLabel("Folder:")
        self.path_label = ElidedLabel()
        self.path_label.setObjectName("movie-folder-path")
        self.open_button = QPushButton("Open folder")
        self.open_button.setObjectName("movie-open-folder")
        self.open_button.clicked.connect(self.open_folder)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.caption)
        row.addWidget(self.path_label, 1)
        row.addWidget(self.open_button)

    def set_movie(self, movie: MovieRecord) -> None:
        self.info = folder_info(movie, is_dir=self.is_dir, is_file=self.is_file)
        self.path_label.set_full_text(self.info.path or "(none)")
        self.open_button.setEnabled(self.info.can_open)
        opens = plain_tip(f"Open {self.info.folder} in the file manager")
        self.open_button.setToolTip(opens if self.info.can_open else self.info.reason)
        self.path_label.setToolTip(
            plain_tip(self.info.path + ("" if self.info.can_open else f"\n{self.info.reason}"))
        )

    def open_folder(self) -> bool:
        """Open the movie's folder in the file manager; False when there is none or it failed."""
        if not self.info.can_open:
            self.message.emit(self.info.reason)
            return False
        if not self.opener(QUrl.fromLocalFile(self.info.folder)):
            self.message.emit(f"Could not open {visible(self.info.folder)} in the file manager.")
            return False
        return True
