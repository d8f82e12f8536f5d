"""The movie page's action bar: Back, Refresh Metadata (Force, Preview, Cancel), Identify…, Artwork…,
Write Files and Show sources. The page connects the buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QToolButton

from metarr_desktop.ui.common.controls import STRETCH
from metarr_desktop.ui.common.controls import Gap
from metarr_desktop.ui.common.controls import lay_out
from metarr_desktop.ui.common.controls import push_button


class ActionBar(QHBoxLayout):
    """The buttons above the movie (the Cancel button shows while a refresh runs)."""

    def __init__(self) -> None:
        super().__init__()
        self._build_refresh()
        self._build_others()
        lay_out(
            self,
            self.back_button,
            Gap(12),
            self.refresh_button,
            self.force_box,
            self.preview_box,
            self.cancel_button,
            Gap(12),
            self.identify_button,
            self.assets_button,
            self.write_files_button,
            STRETCH,
            self.sources_button,
        )

    def _build_refresh(self) -> None:
        self.back_button = push_button("← Back", "Back to the library (Esc or Alt+Left)", name="movie-back")
        self.refresh_button = push_button(
            "Refresh Metadata",
            "Ask the providers again and update unlocked fields (Ctrl+R)",
            name="movie-refresh",
        )
        self.refresh_button.setDefault(True)
        self.force_box = QCheckBox("Force (ignore cache)")
        self.force_box.setObjectName("movie-force")
        self.force_box.setToolTip(
            "Ask every provider again even when its cached answer is still fresh (costs requests)"
        )
        self.preview_box = QCheckBox("Preview changes first")
        self.preview_box.setObjectName("movie-preview")
        self.preview_box.setToolTip("Fetch as usual, then show what would change before anything is written")
        self.cancel_button = push_button(
            "Cancel", "Stop the refresh; nothing is changed", name="movie-cancel"
        )
        self.cancel_button.hide()

    def _build_others(self) -> None:
        self.identify_button = push_button(
            "Identify…", "Choose which film this is (search by title, year or id)", name="movie-identify"
        )
        self.assets_button = push_button(
            "Artwork…", "Browse the posters, fanart and logos the providers offer", name="movie-assets"
        )
        self.write_files_button = push_button(
            "Write Files",
            "Write the NFO and artwork next to the movie (see the Files tab)",
            name="movie-write-files",
        )
        self.sources_button = QToolButton()
        self.sources_button.setObjectName("movie-show-sources")
        self.sources_button.setText("Show sources")
        self.sources_button.setCheckable(True)
        self.sources_button.setChecked(True)
        self.sources_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.sources_button.setToolTip("Show which provider supplied each value")
