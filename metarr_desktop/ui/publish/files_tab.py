"""The movie page's Files tab: what is on disk against what Metarr would write, and "Write Files".

The list (`FilesModel`) has one row per file with its action ("Will be written (new)", "Left
alone", ...) and why. Selecting the NFO shows its unified diff; selecting artwork shows the file on
disk and the one Metarr writes side by side. The preview is a dry run: nothing is written and
nothing is downloaded that is not in the image cache already. File names, paths and NFO text are
shown as plain text only.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtGui import QImage
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QStackedWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.services.publish import MovieResult
from metarr_desktop.services.publish import PublishService
from metarr_desktop.services.publish.files import Action
from metarr_desktop.ui.common.bridge import spawn
from metarr_desktop.ui.common.controls import any_width
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.models import RowTableModel
from metarr_desktop.ui.common.pages import row_table
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.publish.presenter import FileRow
from metarr_desktop.ui.publish.presenter import file_rows
from metarr_desktop.ui.publish.presenter import nfo_diff_text
from metarr_desktop.ui.publish.presenter import preview_summary

THUMB = QSize(260, 260)


class FilesModel(RowTableModel[FileRow]):
    """The files of one movie's publish (or preview).

    Attributes:
        rows: one `FileRow` per file.
    """

    HEADERS = ("File", "Kind", "Action", "Note")

    def row_data(self, row: FileRow, index: Index, role: int) -> object:
        if role == Role.FILE_ROW:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = index.column()
            if column == 0:
                return row.path if role == Qt.ItemDataRole.ToolTipRole else row.name
            if column == 1:
                return row.kind_label
            if column == 2:
                return row.action_label
            if column == 3:
                return row.note
        return None


def _pixmap(data: bytes | None) -> QPixmap | None:
    if not data:
        return None
    image = QImage.fromData(data)
    if image.isNull():
        return None
    return QPixmap.fromImage(
        image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    )


class _Thumb(QWidget):
    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(caption)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.picture = QLabel()
        self.picture.setTextFormat(Qt.TextFormat.PlainText)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(QSize(120, 120))
        self.picture.setWordWrap(True)
        self.picture.setFrameShape(QLabel.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.picture, 1)

    def show_bytes(self, data: bytes | None, empty: str) -> None:
        pixmap = _pixmap(data)
        if pixmap is None:
            self.picture.setPixmap(QPixmap())
            self.picture.setText(empty)
        else:
            self.picture.setText("")
            self.picture.setPixmap(pixmap)


class FilesTab(QWidget):
    """The Files tab.

    Attributes:
        movie_id: the movie shown.
        result: the last preview or publish of it.
        model: its files.

    Signals:
        message(str): a status message for the window.
        written(object): a publish finished (its `MovieResult`).
    """

    message = Signal(str)
    written = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("movie-files")
        self.movie_id: int | None = None
        self.result: MovieResult | None = None
        self.model = FilesModel(self)

        self.summary = QLabel("Open the tab to see which files Metarr writes next to this movie.")
        self.summary.setObjectName("files-summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        any_width(self.summary)  # it may name the movie's path: never wider than the window
        self.preview_button = QPushButton("Check Again")
        self.preview_button.setObjectName("files-preview")
        self.preview_button.setToolTip(
            "Compare what is on disk with what Metarr would write (writes nothing)"
        )
        self.preview_button.clicked.connect(self._on_preview)
        self.write_button = QPushButton("Write Files")
        self.write_button.setObjectName("files-write")
        self.write_button.setToolTip("Write the NFO and artwork next to the movie now")
        self.write_button.clicked.connect(self._on_write)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.preview_button)
        top.addWidget(self.write_button)

        self.table = row_table("files-table", self.model)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)

        self.diff = QPlainTextEdit()
        self.diff.setObjectName("files-diff")
        self.diff.setReadOnly(True)
        self.diff.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.diff.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.on_disk = _Thumb("On disk")
        self.metarr = _Thumb("Metarr writes")
        pictures = QWidget()
        row = QHBoxLayout(pictures)
        row.addWidget(self.on_disk, 1)
        row.addWidget(self.metarr, 1)
        self.hint = QLabel("Select a file to compare it.")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = QStackedWidget()
        self.detail.addWidget(self.hint)
        self.detail.addWidget(self.diff)
        self.detail.addWidget(pictures)
        self.pictures = pictures

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        # Never taller or wider than the page's other tabs need: the splitter's parts shrink.
        self.setMinimumSize(320, 60)
        self._set_busy(False)

    # -- data ----------------------------------------------------------------------------------------

    def set_movie(self, movie_id: int | None) -> None:
        if movie_id != self.movie_id:
            self.movie_id = movie_id
            self.result = None
            self.model.set_rows([])
            self.detail.setCurrentWidget(self.hint)
            self.summary.setText("Checking the movie's files…" if movie_id is not None else "")

    def invalidate(self) -> None:
        """The movie changed (a refresh, an edit): check its files again when shown."""
        self.result = None
        if self.isVisible():
            spawn(self.preview())

    def _publish(self) -> PublishService | None:
        suite = self.ctx.suite
        return suite.publish if suite is not None else None

    async def preview(self) -> MovieResult | None:
        """Compare what is on disk with what Metarr would write (a dry run) and show it."""
        return await self._run(dry_run=True)

    async def write(self) -> MovieResult | None:
        """Write the movie's files now and show what was done."""
        result = await self._run(dry_run=False)
        if result is not None:
            self.written.emit(result)
            self.message.emit(f"Files of this movie: {preview_summary(result)}")
        return result

    async def _run(self, *, dry_run: bool) -> MovieResult | None:
        publish = self._publish()
        if publish is None or self.movie_id is None:
            self.summary.setText("Library files are not available in this window.")
            return None
        self._set_busy(True)
        try:
            result: MovieResult = await publish.publish_one(self.movie_id, dry_run=dry_run)
        except Exception as exc:  # a store failure: shown, never a traceback dialog
            self.summary.setText(f"The files cannot be checked: {exc}")
            return None
        finally:
            self._set_busy(False)
        self.show_result(result)
        return result

    def show_result(self, result: MovieResult) -> None:
        self.result = result
        self.model.set_rows(file_rows(result))
        self.summary.setText(preview_summary(result))
        if self.model.rows:
            self.table.selectRow(0)
        else:
            self.detail.setCurrentWidget(self.hint)

    def _set_busy(self, busy: bool) -> None:
        ready = not busy and self.ctx.suite is not None
        self.preview_button.setEnabled(ready)
        self.write_button.setEnabled(ready)

    # -- the detail pane -----------------------------------------------------------------------------

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(Role.FILE_ROW) if current.isValid() else None
        if not isinstance(row, FileRow):
            self.detail.setCurrentWidget(self.hint)
            return
        if row.is_nfo:
            self.diff.setPlainText(nfo_diff_text(row))
            self.detail.setCurrentWidget(self.diff)
            return
        self.on_disk.show_bytes(row.old, "No file yet")
        if row.action is Action.KEPT:
            self.metarr.show_bytes(None, row.note or "Left alone")
        else:
            self.metarr.show_bytes(row.new, "Not downloaded yet: Write Files downloads it")
        self.detail.setCurrentWidget(self.pictures)

    # -- slots ---------------------------------------------------------------------------------------

    def _on_preview(self) -> None:
        spawn(self.preview())

    def _on_write(self) -> None:
        spawn(self.write())
