"""The preview dialogs: one movie's change set (old → new with its source, new artwork as
thumbnails; once the movie's files are published, the NFO diff of accepting the ticked fields;
accept all, accept the ticked fields, or discard), and the summary of a preview of many
movies (per field counts, the movies; accept or leave out fields across all of them).

Both are opened with `open()` (never `exec()`); accepting runs as a coroutine (`async_slot`) that
applies from the cache, so no request is sent.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QScrollArea
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.ui.common.bridge import async_slot
from metarr_desktop.ui.common.bridge import spawn
from metarr_desktop.ui.common.controls import push_button
from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.pages import bold_font
from metarr_desktop.ui.common.pages import fix_columns
from metarr_desktop.ui.common.tables import read_only_rows
from metarr_desktop.ui.preview.models import FieldSummaryModel
from metarr_desktop.ui.preview.models import MovieSummaryModel
from metarr_desktop.ui.preview.models import PreviewChangesModel
from metarr_desktop.ui.preview.presenter import BulkPreviewPresenter
from metarr_desktop.ui.preview.presenter import ChangeRow
from metarr_desktop.ui.preview.presenter import PreviewPresenter

POSTER_SIZE = QSize(80, 120)
WIDE_SIZE = QSize(160, 90)


def _label(name: str, text: str) -> QLabel:
    label = wrapped_label(name)
    label.setText(text)
    return label


def _heading(name: str, text: str, dialog: QWidget) -> QLabel:
    heading = _label(name, text)
    heading.setFont(bold_font(dialog, 1.15))
    return heading


def _status(name: str) -> QLabel:
    """The line that says how accepting went (hidden until then)."""
    status = wrapped_label(name)
    status.hide()
    return status


def _table(name: str, accessible_name: str, model: QAbstractItemModel) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    read_only_rows(view)
    view.setAccessibleName(accessible_name)
    view.setModel(model)
    return view


class Thumbnail(QWidget):
    """A new picture of the preview, with its caption ("Poster, new")."""

    def __init__(self, row: ChangeRow, images: ImageLoader | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = row.new_url or ""
        self.size_wanted = POSTER_SIZE if row.field in ("poster", "disc") else WIDE_SIZE
        self.images = images
        self.picture = QLabel()
        self.picture.setObjectName(f"preview-thumb-{row.field}")
        self.picture.setFixedSize(self.size_wanted)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setFrameShape(QLabel.Shape.StyledPanel)
        self.picture.setText("Loading…" if images is not None else "No preview")
        caption = _label("preview-thumb-caption", f"{row.label}, new · {row.source_name}")
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(caption)
        if images is not None:
            images.loaded.connect(self._loaded)
            images.failed.connect(self._failed)
            cached = images.cached(self.url, self.size_wanted)
            if cached is not None:
                self.show_pixmap(cached)
            else:
                images.request(self.url, self.size_wanted)

    def show_pixmap(self, pixmap: QPixmap) -> None:
        self.picture.setPixmap(
            pixmap.scaled(
                self.size_wanted,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def _loaded(self, url: str) -> None:
        if url == self.url and self.images is not None:
            pixmap = self.images.cached(self.url, self.size_wanted)
            if pixmap is not None:
                self.show_pixmap(pixmap)

    def _failed(self, url: str) -> None:
        if url == self.url:
            self.picture.setText("Not available")


class PreviewDialog(QDialog):
    """One movie's previewed refresh.

    Signals:
        applied(object): the preview was accepted (its `AcceptResult`); the movie changed.
    """

    applied = Signal(object)

    def __init__(
        self, presenter: PreviewPresenter, images: ImageLoader | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.accepting = False  # an Accept is running
        self.setObjectName("preview-dialog")
        self.setWindowTitle(f"Preview: {presenter.title}")
        self.resize(900, 560)
        self.model = PreviewChangesModel(presenter, self)
        self.model.tickedChanged.connect(self._update_actions)

        self.heading = _heading("preview-heading", presenter.heading(), self)
        self._build_artwork(images)
        self.table = _table("preview-changes", "Changes the refresh would make", self.model)
        fix_columns(
            self.table.horizontalHeader(),
            {PreviewChangesModel.APPLY: 60, PreviewChangesModel.FIELD: 130, PreviewChangesModel.SOURCE: 110},
            stretch=(PreviewChangesModel.OLD, PreviewChangesModel.NEW),
        )
        self.table.setVisible(bool(presenter.rows))
        self._build_nfo_view()
        self.sync = _label("preview-sync", presenter.sync_note())
        self.sync.setVisible(bool(presenter.sync_note()))
        self.status = _status("preview-status")
        buttons = self._build_buttons()

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.artwork)
        if self.nfo_shown:
            panes = QSplitter(Qt.Orientation.Vertical)
            panes.setObjectName("preview-panes")
            panes.addWidget(self.table)
            panes.addWidget(self.nfo_box)
            panes.setSizes([200, 340])
            self.resize(900, 700)
            layout.addWidget(panes, 1)
        else:
            layout.addWidget(self.table, 1)
        layout.addWidget(self.sync)
        layout.addWidget(self.status)
        if not presenter.rows:
            layout.addStretch(1)
        layout.addLayout(buttons)
        self._update_actions()
        if self.nfo_shown:
            self.model.tickedChanged.connect(self.refresh_nfo)
            self.refresh_nfo()

    def _build_artwork(self, images: ImageLoader | None) -> None:
        """The new pictures in a row that scrolls, never widening the dialog."""
        strip_widget = QWidget()
        strip = QHBoxLayout(strip_widget)
        strip.setContentsMargins(0, 0, 0, 0)
        self.thumbnails = [Thumbnail(row, images) for row in self.presenter.artwork()]
        for thumbnail in self.thumbnails:
            strip.addWidget(thumbnail)
        strip.addStretch(1)
        self.artwork = QScrollArea()
        self.artwork.setObjectName("preview-artwork")
        self.artwork.setWidget(strip_widget)
        self.artwork.setWidgetResizable(True)
        self.artwork.setFrameShape(QScrollArea.Shape.NoFrame)
        self.artwork.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.artwork.setFixedHeight(POSTER_SIZE.height() + 64)
        self.artwork.setVisible(bool(self.thumbnails))

    def _build_buttons(self) -> QHBoxLayout:
        self.accept_all_button = push_button(
            "Accept all",
            "Apply every change shown, from the cache (no new request)",
            name="preview-accept-all",
            clicked=self._on_accept_all,
        )
        self.accept_button = push_button(
            "Accept ticked fields",
            "Apply only the ticked fields, from the cache",
            name="preview-accept",
            clicked=self._on_accept_ticked,
        )
        self.discard_button = push_button(
            "Discard", "Close the preview; nothing is changed", name="preview-discard", clicked=self.discard
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.accept_all_button)
        return buttons

    def _build_nfo_view(self) -> None:
        """The NFO diff: on disk against what Metarr would write after accepting (plain text)."""
        self.nfo_shown = self.presenter.shows_nfo()
        self.nfo_box = QWidget()
        self.nfo_box.setObjectName("preview-nfo")
        box = QVBoxLayout(self.nfo_box)
        box.setContentsMargins(0, 0, 0, 0)
        caption = _label("preview-nfo-caption", "NFO on disk → after accepting the ticked fields")
        self.nfo_diff = QPlainTextEdit()
        self.nfo_diff.setObjectName("preview-nfo-diff")
        self.nfo_diff.setAccessibleName("NFO diff")
        self.nfo_diff.setReadOnly(True)
        self.nfo_diff.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.nfo_diff.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.nfo_diff.setPlainText("Comparing the NFO…")
        box.addWidget(caption)
        box.addWidget(self.nfo_diff, 1)
        self.nfo_box.setVisible(self.nfo_shown)
        self._nfo_generation = 0

    def refresh_nfo(self) -> None:
        spawn(self.load_nfo())

    async def load_nfo(self) -> str:
        """Compare the NFO again for the fields ticked now (a later call wins over an earlier one)."""
        self._nfo_generation += 1
        generation = self._nfo_generation
        text = await self.presenter.nfo_diff()
        # A closed preview is deleted when the page opens the next one: its late diff goes nowhere.
        if generation == self._nfo_generation and shiboken6.isValid(self):
            self.nfo_diff.setPlainText(text)
        return text

    def _update_actions(self) -> None:
        has_rows = bool(self.presenter.rows) and self.presenter.outcome is None
        self.accept_all_button.setEnabled(has_rows)
        self.accept_button.setEnabled(has_rows and self.presenter.can_accept())
        if self.presenter.outcome is not None or not self.presenter.rows:
            self.discard_button.setText("Close")

    @async_slot()
    async def _on_accept_all(self) -> None:
        await self.accept_all()

    @async_slot()
    async def _on_accept_ticked(self) -> None:
        await self.accept_ticked()

    async def accept_all(self) -> str:
        return await self._accept([r.field for r in self.presenter.rows])

    async def accept_ticked(self) -> str:
        return await self._accept(self.presenter.chosen())

    async def _accept(self, fields: list[str]) -> str:
        self.accept_all_button.setEnabled(False)
        self.accept_button.setEnabled(False)
        self.accepting = True  # closed meanwhile, it is not deleted before its answer is shown
        try:
            text = await self.presenter.accept(fields)
        finally:
            self.accepting = False
        self.status.setText(text)
        self.status.show()
        self._update_actions()
        if self.presenter.outcome is not None:
            self.applied.emit(self.presenter.outcome)
        return text

    def discard(self) -> None:
        self.reject()


class BulkPreviewDialog(QDialog):
    """The preview of many movies, by field.

    Signals:
        applied(object): the preview was accepted (the `EnrichReport` of applying it).
    """

    applied = Signal(object)

    def __init__(self, presenter: BulkPreviewPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accepting = False  # an Accept is running
        self.presenter = presenter
        self.setObjectName("bulk-preview-dialog")
        self.setWindowTitle("Preview of a refresh")
        self.resize(900, 560)
        self.fields_model = FieldSummaryModel(presenter, self)
        self.movies_model = MovieSummaryModel(presenter, self)
        self.fields_model.tickedChanged.connect(self._ticked)

        self.heading = _heading("bulk-preview-heading", presenter.summary_text(), self)
        splitter = self._build_tables()
        self.note = _label("bulk-preview-note", presenter.accept_text())
        self.status = _status("bulk-preview-status")
        buttons = self._build_buttons()

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._ticked()

    def _build_tables(self) -> QSplitter:
        """The fields (tickable) beside the movies."""
        self.fields_view = _table("bulk-preview-fields", "Fields that would change", self.fields_model)
        fix_columns(
            self.fields_view.horizontalHeader(),
            {FieldSummaryModel.ACCEPT: 64, FieldSummaryModel.MOVIES: 80},
            stretch=(FieldSummaryModel.FIELD,),
        )
        self.movies_view = _table("bulk-preview-movies", "Movies that would change", self.movies_model)
        movies_header = self.movies_view.horizontalHeader()
        movies_header.setSectionResizeMode(MovieSummaryModel.MOVIE, QHeaderView.ResizeMode.Interactive)
        movies_header.resizeSection(MovieSummaryModel.MOVIE, 220)
        movies_header.setSectionResizeMode(MovieSummaryModel.FIELDS, QHeaderView.ResizeMode.Stretch)
        splitter = QSplitter()
        splitter.addWidget(self.fields_view)
        splitter.addWidget(self.movies_view)
        splitter.setSizes([300, 600])
        return splitter

    def _build_buttons(self) -> QHBoxLayout:
        self.accept_button = push_button(
            "Accept ticked fields",
            "Apply the ticked fields to every movie listed, from the cache",
            name="bulk-preview-accept",
            clicked=self._on_accept,
        )
        self.discard_button = push_button("Discard", name="bulk-preview-discard", clicked=self.reject)
        self.all_button = push_button("Tick all", name="bulk-preview-all", clicked=lambda: self.set_all(True))
        self.none_button = push_button(
            "Untick all", name="bulk-preview-none", clicked=lambda: self.set_all(False)
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.accept_button)
        return buttons

    def set_all(self, included: bool) -> None:
        """Accept (or leave out) every field."""
        for row in self.presenter.field_rows:
            row.included = included
        self.fields_model.ticks_changed()
        self._ticked()

    def _ticked(self) -> None:
        self.note.setText(self.presenter.accept_text())
        self.movies_model.refresh()
        self.accept_button.setEnabled(self.presenter.outcome is None and bool(self.presenter.movies()))

    @async_slot()
    async def _on_accept(self) -> None:
        await self.accept_fields()

    async def accept_fields(self) -> str:
        self.accept_button.setEnabled(False)
        self.accepting = True  # closed meanwhile, it is not deleted before its answer is shown
        try:
            text = await self.presenter.accept()
        finally:
            self.accepting = False
        self.status.setText(text)
        self.status.show()
        self.discard_button.setText("Close")
        if self.presenter.outcome is not None:
            self.applied.emit(self.presenter.outcome)
        return text
