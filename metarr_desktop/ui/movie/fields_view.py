"""The fields table of the movie page: one model/view table (`FieldsModel`) with painted delegates for
the field names, the values (with artwork thumbnails and a checking editor), the source badges and the
lock toggles."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtCore import QEvent
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import QRect
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QKeyEvent
from PySide6.QtGui import QMouseEvent
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QAbstractItemDelegate
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QStyle
from PySide6.QtWidgets import QStyledItemDelegate
from PySide6.QtWidgets import QStyleOptionViewItem
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.fields import label
from metarr_desktop.services.movie_fields import FieldValueError
from metarr_desktop.services.movie_fields import input_hint
from metarr_desktop.services.movie_fields import normalise_value
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.theme import error_colour
from metarr_desktop.ui.common.theme import is_dark
from metarr_desktop.ui.movie.chips import badge_size
from metarr_desktop.ui.movie.chips import lock_colour
from metarr_desktop.ui.movie.chips import paint_badge
from metarr_desktop.ui.movie.chips import paint_padlock
from metarr_desktop.ui.movie.chips import source_colour
from metarr_desktop.ui.movie.models import FieldsModel

#: Fields edited in a multi-line editor (Ctrl+Enter saves).
LONG_TEXT_FIELDS = frozenset({"plot", "outline"})
#: Artwork fields whose value is drawn with a thumbnail, and the thumbnail's box.
THUMBNAIL_FIELDS = frozenset({"poster", "fanart", "clearlogo", "clearart", "banner", "thumb", "disc"})
THUMB_SIZE = QSize(72, 44)


class FieldNameDelegate(QStyledItemDelegate):
    """The Field column: a field's name (muted), or a group's title as a section heading."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        if not index.data(Role.GROUP_HEADING):
            super().paint(painter, option, index)
            return
        painter.save()
        palette = option.palette
        rect = QRect(option.rect)
        painter.fillRect(rect, palette.color(QPalette.ColorRole.Window))
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(option.font.pointSizeF() * 1.05)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        text_rect = rect.adjusted(6, 8, -6, -2)
        painter.drawText(
            text_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), str(index.data())
        )
        line = QColor(palette.color(QPalette.ColorRole.Mid))
        painter.setPen(QPen(line, 1))
        painter.drawLine(rect.left() + 6, rect.bottom(), rect.right() - 6, rect.bottom())
        painter.restore()

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if not index.data(Role.GROUP_HEADING):
            option.palette.setColor(
                QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.PlaceholderText)
            )

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(Role.GROUP_HEADING):
            return QSize(size.width(), size.height() + 18)
        return QSize(size.width(), size.height() + 10)


class ValueDelegate(QStyledItemDelegate):
    """The Value column: wrapped text; its editor checks what is typed for the field.

    A value the field cannot hold keeps the editor open (Enter does nothing) with a red frame and
    the reason; leaving the editor then discards it.

    Signals:
        validation(str, str): (field, reason) while the text is not acceptable; (field, "") once it is.
        refused(str, str): (field, reason) an edit was discarded because it was not acceptable.
    """

    validation = Signal(str, str)
    refused = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.images: ImageLoader | None = None
        self._requested: set[str] = set()

    def thumbnail_url(self, index: Index) -> str | None:
        """The artwork address of this row when a thumbnail is drawn for it."""
        if self.images is None or str(index.data(Role.FIELD)) not in THUMBNAIL_FIELDS:
            return None
        value = index.data(Qt.ItemDataRole.EditRole)
        return str(value) if value else None

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        height = size.height() + 10
        if self.thumbnail_url(index):
            height = max(height, THUMB_SIZE.height() + 10)
        return QSize(size.width(), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        url = self.thumbnail_url(index)
        if url is None or self.images is None:
            super().paint(painter, option, index)
            return
        SourceDelegate._background(painter, option)
        box = QRect(option.rect.left() + 4, option.rect.top() + 5, THUMB_SIZE.width(), THUMB_SIZE.height())
        pixmap = self.images.cached(url, THUMB_SIZE)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if pixmap is None:
            if url not in self._requested:
                self._requested.add(url)
                self.images.request(url, THUMB_SIZE)
            shade = QColor(option.palette.color(QPalette.ColorRole.Mid))
            shade.setAlpha(70)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(shade)
            painter.drawRoundedRect(QRectF(box), 3, 3)
        else:
            ratio = pixmap.devicePixelRatio() or 1.0
            size = QSize(int(pixmap.width() / ratio), int(pixmap.height() / ratio))
            size.scale(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(
                box.left(), box.top() + (box.height() - size.height()) // 2, size.width(), size.height()
            )
            painter.drawPixmap(target, pixmap)
        painter.restore()
        shifted = QStyleOptionViewItem(option)
        shifted.rect = option.rect.adjusted(THUMB_SIZE.width() + 12, 0, 0, 0)
        super().paint(painter, shifted, index)

    def forget_requests(self) -> None:
        """Ask again for thumbnails that were requested before (another movie is shown)."""
        self._requested.clear()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        name = str(index.data(Role.FIELD))
        editor: QLineEdit | QPlainTextEdit
        if name in LONG_TEXT_FIELDS:
            editor = QPlainTextEdit(parent)
            editor.setTabChangesFocus(True)
            editor.setToolTip("Ctrl+Enter saves, Esc cancels; empty clears the field")
            editor.textChanged.connect(lambda: self._check(editor, name))
        else:
            editor = QLineEdit(parent)
            editor.setPlaceholderText(f"{label(name)}: {input_hint(name)}; empty clears it")
            editor.setToolTip(f"{label(name)}: {input_hint(name)}. Enter saves, Esc cancels")
            editor.textChanged.connect(lambda _text: self._check(editor, name))
        editor.setObjectName(f"editor-{name}")
        editor.setProperty("field", name)
        editor.setAccessibleName(f"Edit {label(name)}")
        editor.setAutoFillBackground(True)
        return editor

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Index) -> None:
        rect = QRect(option.rect)
        if isinstance(editor, QPlainTextEdit):
            rect.setHeight(max(rect.height(), 110))
        editor.setGeometry(rect)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)
            editor.selectAll()

    @staticmethod
    def editor_text(editor: QWidget) -> str:
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if isinstance(editor, QLineEdit):
            return editor.text()
        return ""

    def _check(self, editor: QWidget, name: str) -> str:
        try:
            normalise_value(name, self.editor_text(editor))
        except FieldValueError as exc:
            reason = str(exc)
        else:
            reason = ""
        colour = error_colour(editor.palette()).name()
        kind = "QPlainTextEdit" if isinstance(editor, QPlainTextEdit) else "QLineEdit"
        editor.setStyleSheet(
            f"{kind} {{ border: 2px solid {colour}; border-radius: 3px; }}" if reason else ""
        )
        self.validation.emit(name, reason)
        return reason

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        name = str(index.data(Role.FIELD))
        reason = self._check(editor, name)
        if reason:
            self.refused.emit(name, reason)
            return
        model.setData(index, self.editor_text(editor), Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, QWidget)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if isinstance(watched, QPlainTextEdit) and not (
                    event.modifiers() & Qt.KeyboardModifier.ControlModifier
                ):
                    return False  # a new line in the plot
                name = str(watched.property("field"))
                if self._check(watched, name):
                    return True  # refused: the editor stays open with the reason
                self.commitData.emit(watched)
                self.closeEditor.emit(watched, QStyledItemDelegate.EndEditHint.NoHint)
                return True
        return super().eventFilter(watched, event)


class SourceDelegate(QStyledItemDelegate):
    """The Source column: a coloured badge with the provider's name, or EDITED for a hand edit."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self._background(painter, option)
        source = index.data(Role.SOURCE)
        text = str(index.data(Role.SOURCE_NAME) or "")
        if not source or not text:
            return
        size = badge_size(text, option.font)
        rect = QRectF(
            option.rect.left() + 6,
            option.rect.top() + (option.rect.height() - size.height()) / 2,
            min(size.width(), option.rect.width() - 10),
            size.height(),
        )
        paint_badge(painter, rect, text, source_colour(str(source), option.palette), option.palette)

    @staticmethod
    def _background(painter: QPainter, option: QStyleOptionViewItem) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        text = str(index.data(Role.SOURCE_NAME) or "")
        size = badge_size(text or "TMDB", option.font)
        return QSize(size.width() + 14, size.height() + 14)


class LockDelegate(QStyledItemDelegate):
    """The Lock column: a padlock tool button; a click (or Space) locks or unlocks the field."""

    BUTTON = QSize(30, 26)

    def button_rect(self, option: QStyleOptionViewItem) -> QRect:
        rect = option.rect
        return QRect(
            rect.left() + (rect.width() - self.BUTTON.width()) // 2,
            rect.top() + (rect.height() - self.BUTTON.height()) // 2,
            self.BUTTON.width(),
            self.BUTTON.height(),
        )

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        SourceDelegate._background(painter, option)
        if index.data(Role.GROUP_HEADING):
            return
        locked = bool(index.data(Role.LOCKED))
        palette = option.palette
        button = QRectF(self.button_rect(option)).adjusted(0.5, 0.5, -0.5, -0.5)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if locked:
            accent = lock_colour(palette)
            fill = QColor(accent)
            fill.setAlpha(60 if is_dark(palette) else 38)
            painter.setPen(QPen(accent, 1))
            painter.setBrush(fill)
            painter.drawRoundedRect(button, 5, 5)
            colour = accent
        else:
            if hovered:
                painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
                painter.setBrush(palette.color(QPalette.ColorRole.Button))
                painter.drawRoundedRect(button, 5, 5)
            colour = QColor(palette.color(QPalette.ColorRole.PlaceholderText))
            if not hovered:
                colour.setAlpha(150)
        painter.restore()
        icon = QRectF(button.center().x() - 8, button.center().y() - 8.5, 16, 16)
        paint_padlock(painter, icon, locked, colour)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(self.BUTTON.width() + 12, self.BUTTON.height() + 8)

    def editorEvent(
        self, event: QEvent, model: QAbstractItemModel, option: QStyleOptionViewItem, index: Index
    ) -> bool:
        if not (model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable):
            return False
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick) and isinstance(
            event, QMouseEvent
        ):
            return self.button_rect(option).contains(event.position().toPoint())
        if kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            if event.button() != Qt.MouseButton.LeftButton or not self.button_rect(option).contains(
                event.position().toPoint()
            ):
                return False
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() not in (Qt.Key.Key_Space, Qt.Key.Key_Select):
                return False
        else:
            return False
        return toggle_lock(model, index)


def toggle_lock(model: QAbstractItemModel, index: Index) -> bool:
    """Flip the lock of the field in `index`'s row (through the model's Lock column)."""
    lock_index = model.index(index.row(), FieldsModel.LOCK)
    locked = bool(lock_index.data(Role.LOCKED))
    state = Qt.CheckState.Unchecked if locked else Qt.CheckState.Checked
    return model.setData(lock_index, state, Qt.ItemDataRole.CheckStateRole)


class FieldsView(QTableView):
    """The fields table: group rows span the row; rows grow to fit wrapped values."""

    def __init__(self, model: FieldsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("movie-fields")
        self.setAccessibleName("Fields")
        self.setModel(model)
        self.fields_model = model
        self.setShowGrid(False)
        self.setWordWrap(True)
        self.setMouseTracking(True)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.horizontalHeader()
        header.setSectionResizeMode(FieldsModel.FIELD, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(FieldsModel.VALUE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(FieldsModel.SOURCE, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(FieldsModel.LOCK, QHeaderView.ResizeMode.Fixed)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.resizeSection(FieldsModel.FIELD, 150)
        header.resizeSection(FieldsModel.SOURCE, 104)
        header.resizeSection(FieldsModel.LOCK, 52)
        header.setHighlightSections(False)
        self.names = FieldNameDelegate(self)
        self.values = ValueDelegate(self)
        self.sources = SourceDelegate(self)
        self.locks = LockDelegate(self)
        self.setItemDelegateForColumn(FieldsModel.FIELD, self.names)
        self.setItemDelegateForColumn(FieldsModel.VALUE, self.values)
        self.setItemDelegateForColumn(FieldsModel.SOURCE, self.sources)
        self.setItemDelegateForColumn(FieldsModel.LOCK, self.locks)
        # Only the wrapped Value column sets a row's height, and a window resize moves it many times
        # in a row: the rows are fitted once, when the loop is idle again.
        self._fit_later = QTimer(self, singleShot=True, interval=0)
        self._fit_later.timeout.connect(self._fit_rows)
        header.sectionResized.connect(
            lambda index, *_: self._fit_later.start() if index == FieldsModel.VALUE else None
        )
        model.modelReset.connect(self._after_reset)
        model.dataChanged.connect(lambda first, *_: self.resizeRowToContents(first.row()))
        self._after_reset()

    def _after_reset(self) -> None:
        self.clearSpans()
        for row in self.fields_model.group_rows():
            self.setSpan(row, 0, 1, self.fields_model.columnCount())
        self._fit_rows()

    def _fit_rows(self) -> None:
        self.resizeRowsToContents()

    def cancel_edit(self) -> None:
        """Close an open value editor without saving it (another movie is about to be shown)."""
        for editor in self.viewport().findChildren(QWidget):
            if editor.objectName().startswith("editor-"):
                self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.RevertModelCache)

    def value_index(self, name: str) -> QModelIndex:
        return self.fields_model.index(self.fields_model.row_of(name), FieldsModel.VALUE)
