"""The "Library files" settings page: which players, the NFO's name, which artwork, how much extra
fanart, and whether to publish after each enrichment. `load()` fills the widgets from the settings,
`save()` writes them back (Picard's options-page pattern); `LibraryFilesDialog` hosts the page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.services.settings import SettingsService
from metarr_desktop.ui.common.pages import title_label
from metarr_desktop.ui.publish.presenter import ARTWORK_CHOICES
from metarr_desktop.ui.publish.presenter import FLAVOUR_LABELS
from metarr_desktop.ui.publish.presenter import KIND_LABELS
from metarr_desktop.ui.publish.presenter import NFO_NAME_LABELS
from metarr_desktop.ui.publish.presenter import LibraryFilesValues


class LibraryFilesPage(QWidget):
    """The page's widgets over `LibraryFilesValues`.

    Signals:
        saved(): the values were written to the settings.
    """

    saved = Signal()

    def __init__(self, settings: SettingsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("library-files-settings")
        title = title_label("Library files", 1.3)
        intro = QLabel(
            "Metarr can write an NFO file and artwork next to each movie, so that Kodi and Jellyfin show "
            "the same metadata. It never replaces a file it did not write, except to merge its own tags "
            "into an existing NFO (the original is kept once beside it)."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)

        self.enabled = QCheckBox("Write NFO and artwork next to my movies")
        self.enabled.setObjectName("publish-enabled")
        self.after = QCheckBox("Automatically after an enrichment changes what players show")
        self.after.setObjectName("publish-after-enrichment")
        self.flavour = QComboBox()
        self.flavour.setObjectName("publish-flavour")
        for value, label in FLAVOUR_LABELS.items():
            self.flavour.addItem(label, value)
        self.nfo_name = QComboBox()
        self.nfo_name.setObjectName("publish-nfo-name")
        for value, label in NFO_NAME_LABELS.items():
            self.nfo_name.addItem(label, value)
        self.extrafanart = QSpinBox()
        self.extrafanart.setObjectName("publish-extrafanart")
        self.extrafanart.setRange(0, 20)
        self.extrafanart.setSuffix(" images")

        artwork = QGroupBox("Artwork")
        grid = QGridLayout(artwork)
        self.artwork: dict[str, QCheckBox] = {}
        for number, kind in enumerate(ARTWORK_CHOICES):
            box = QCheckBox(KIND_LABELS[kind])
            box.setObjectName(f"publish-artwork-{kind}")
            self.artwork[kind] = box
            grid.addWidget(box, number // 4, number % 4)
        keyart_note = QLabel("Key art is read by Kodi only.")
        keyart_note.setEnabled(False)
        grid.addWidget(keyart_note, 2, 0, 1, 4)

        form = QFormLayout()
        form.addRow(self.enabled)
        form.addRow(self.after)
        form.addRow("Players:", self.flavour)
        form.addRow("NFO file name:", self.nfo_name)
        form.addRow("Extra fanart:", self.extrafanart)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(artwork)
        layout.addStretch(1)
        self.enabled.toggled.connect(self._sync_enabled)
        self.load()

    def _sync_enabled(self, on: bool) -> None:
        self.after.setEnabled(on)

    def values(self) -> LibraryFilesValues:
        return LibraryFilesValues(
            enabled=self.enabled.isChecked(),
            after_enrichment=self.after.isChecked(),
            flavour=str(self.flavour.currentData()),
            nfo_name=str(self.nfo_name.currentData()),
            artwork=[kind for kind, box in self.artwork.items() if box.isChecked()],
            extrafanart=self.extrafanart.value(),
        )

    def load(self) -> None:
        values = LibraryFilesValues.load(self.settings)
        self.enabled.setChecked(values.enabled)
        self.after.setChecked(values.after_enrichment)
        self.flavour.setCurrentIndex(max(0, self.flavour.findData(values.flavour)))
        self.nfo_name.setCurrentIndex(max(0, self.nfo_name.findData(values.nfo_name)))
        self.extrafanart.setValue(values.extrafanart)
        for kind, box in self.artwork.items():
            box.setChecked(kind in values.artwork)
        self._sync_enabled(values.enabled)

    def problems(self) -> list[str]:
        return self.values().problems()

    def save(self) -> bool:
        values = self.values()
        if values.problems():
            return False
        values.save(self.settings)
        self.saved.emit()
        return True


class LibraryFilesDialog(QDialog):
    """The page in a dialog with OK / Cancel (opened with ``open()``, never ``exec()``)."""

    def __init__(self, settings: SettingsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Library files")
        self.setObjectName("library-files-dialog")
        self.page = LibraryFilesPage(settings, self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page)
        layout.addWidget(buttons)
        self.resize(560, 460)

    def _on_ok(self) -> None:
        if self.page.save():
            self.accept()
