"""The movie page's action bar: Back, Refresh Metadata (Force, Preview, Cancel), Identify…, Artwork…,
Write Files and Show sources. The page connects the buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QToolButton


class ActionBar(QHBoxLayout):
    """The buttons above the movie (the Cancel button shows while a refresh runs)."""

    def __init__(self) -> None:
        super().__init__()
        self._build_refresh()
        self._build_others()
        self.addWidget(self.back_button)
        self.addSpacing(12)
        self.addWidget(self.refresh_button)
        self.addWidget(self.force_box)
        self.addWidget(self.preview_box)
        self.addWidget(self.cancel_button)
        self.addSpacing(12)
        self.addWidget(self.identify_button)
        self.addWidget(self.assets_button)
        self.addWidget(self.write_files_button)
        self.addStretch(1)
        self.addWidget(self.sources_button)

    def _build_refresh(self) -> None:
        self.back_button = QPushButton("← Back")
        self.back_button.setObjectName("movie-back")
        self.back_button.setToolTip("Back to the library (Esc or Alt+Left)")
        self.refresh_button = QPushButton("Refresh Metadata")
        self.refresh_button.setObjectName("movie-refresh")
        self.refresh_button.setToolTip("Ask the providers again and update unlocked fields (Ctrl+R)")
        self.refresh_button.setDefault(True)
        self.force_box = QCheckBox("Force (ignore cache)")
        self.force_box.setObjectName("movie-force")
        self.force_box.setToolTip(
            "Ask every provider again even when its cached answer is still fresh (costs requests)"
        )
        self.preview_box = QCheckBox("Preview changes first")
        self.preview_box.setObjectName("movie-preview")
        self.preview_box.setToolTip("Fetch as usual, then show what would change before anything is written")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("movie-cancel")
        self.cancel_button.setToolTip("Stop the refresh; nothing is changed")
        self.cancel_button.hide()

    def _build_others(self) -> None:
        self.identify_button = QPushButton("Identify…")
        self.identify_button.setObjectName("movie-identify")
        self.identify_button.setToolTip("Choose which film this is (search by title, year or id)")
        self.assets_button = QPushButton("Artwork…")
        self.assets_button.setObjectName("movie-assets")
        self.assets_button.setToolTip("Browse the posters, fanart and logos the providers offer")
        self.write_files_button = QPushButton("Write Files")
        self.write_files_button.setObjectName("movie-write-files")
        self.write_files_button.setToolTip("Write the NFO and artwork next to the movie (see the Files tab)")
        self.sources_button = QToolButton()
        self.sources_button.setObjectName("movie-show-sources")
        self.sources_button.setText("Show sources")
        self.sources_button.setCheckable(True)
        self.sources_button.setChecked(True)
        self.sources_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.sources_button.setToolTip("Show which provider supplied each value")
