"""The Identify dialog's candidate list: the delegate that paints a candidate, the list view, and
the input fields whose Down arrow moves to the list."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QFontMetrics
from PySide6.QtGui import QKeyEvent
from PySide6.QtGui import QMouseEvent
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPaintEvent
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPixmap
from PySide6.QtGui import QTextLayout
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QListView
from PySide6.QtWidgets import QStyle
from PySide6.QtWidgets import QStyledItemDelegate
from PySide6.QtWidgets import QStyleOptionViewItem
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.matching import Candidate
from metarr_desktop.services.formatting import DisplayStatus
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.theme import status_colour
from metarr_desktop.ui.identify.model import THUMB
from metarr_desktop.ui.identify.presenter import confidence_status


def elide_lines(text: str, font: QFont, width: int, lines: int) -> list[str]:
    """`text` laid out in at most `lines` lines of `width` pixels, the last one elided."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    out: list[str] = []
    metrics = QFontMetrics(font)
    while len(out) < lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        start, length = line.textStart(), line.textLength()
        if len(out) == lines - 1:
            rest = text[start:].replace("\n", " ")
            out.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
            break
        out.append(text[start : start + length].rstrip())
    layout.endLayout()
    return out


class CandidateDelegate(QStyledItemDelegate):
    """Paints one candidate: poster, title and year, provider chips and ids, two lines of the
    overview, and the confidence as a percentage over a bar."""

    PADDING = 8
    SCORE_WIDTH = 96

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(480, THUMB.height() + 2 * self.PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        candidate = index.data(Role.CANDIDATE)
        if not isinstance(candidate, Candidate):
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        palette: QPalette = option.palette
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        soft_colour = QColor(text_colour) if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        if selected:
            soft_colour.setAlpha(200)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pad = self.PADDING
        poster = QRect(rect.left() + pad, rect.top() + pad, THUMB.width(), THUMB.height())
        self._paint_poster(painter, poster, index.data(Qt.ItemDataRole.DecorationRole), candidate, palette)

        score = QRect(
            rect.right() - self.SCORE_WIDTH - pad, rect.top() + pad, self.SCORE_WIDTH, THUMB.height()
        )
        self._paint_score(painter, score, candidate, bool(index.data(Role.EXACT)), palette, text_colour)

        left = poster.right() + 14
        width = score.left() - 14 - left
        base = QFont(option.font)
        title_font = QFont(base)
        title_font.setBold(True)
        title_font.setPointSizeF(base.pointSizeF() * 1.1)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.88)
        title_metrics = QFontMetrics(title_font)
        y = rect.top() + pad

        # Title, then the year in a lighter colour.
        year_text = f"  {candidate.year}" if candidate.year else ""
        year_width = QFontMetrics(base).horizontalAdvance(year_text)
        title = title_metrics.elidedText(
            candidate.title, Qt.TextElideMode.ElideRight, max(40, width - year_width)
        )
        painter.setFont(title_font)
        painter.setPen(text_colour)
        title_rect = QRect(left, y, width, title_metrics.height())
        painter.drawText(title_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
        if year_text:
            painter.setFont(base)
            painter.setPen(soft_colour)
            after = left + title_metrics.horizontalAdvance(title)
            painter.drawText(
                QRect(after, y, year_width + 4, title_metrics.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                year_text,
            )
        y += title_metrics.height() + 3

        # Provider chips, then the release date and ids.
        painter.setFont(small)
        small_metrics = QFontMetrics(small)
        chip_height = small_metrics.height() + 2
        x = left
        for name in index.data(Role.PROVIDER_NAMES) or []:
            chip_width = small_metrics.horizontalAdvance(name) + 12
            if x + chip_width > left + width:
                break
            chip = QRectF(x, y, chip_width, chip_height)
            if selected:
                fill = QColor(palette.color(QPalette.ColorRole.HighlightedText))
                fill.setAlpha(55)
            else:
                fill = QColor(palette.color(QPalette.ColorRole.Highlight))
                fill.setAlpha(38)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(chip, chip_height / 2, chip_height / 2)
            painter.setPen(text_colour)
            painter.drawText(chip, int(Qt.AlignmentFlag.AlignCenter), name)
            x += chip_width + 4
        details = str(index.data(Role.DETAILS) or "")
        if details and x < left + width - 40:
            painter.setPen(soft_colour)
            painter.drawText(
                QRect(x + 6, y, left + width - x - 6, chip_height),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                small_metrics.elidedText(details, Qt.TextElideMode.ElideRight, left + width - x - 6),
            )
        y += chip_height + 4

        # Two lines of the overview (the whole of it is in the tooltip).
        painter.setFont(base)
        base_metrics = QFontMetrics(base)
        overview = candidate.overview or "No overview."
        painter.setPen(text_colour if candidate.overview else soft_colour)
        for line in elide_lines(overview, base, width, 2):
            painter.drawText(
                QRect(left, y, width, base_metrics.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                line,
            )
            y += base_metrics.height()
        painter.restore()

    @staticmethod
    def _paint_poster(
        painter: QPainter, rect: QRect, pixmap: object, candidate: Candidate, palette: QPalette
    ) -> None:
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            scaled = pixmap.scaled(
                rect.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(rect.center())
            painter.drawPixmap(target, scaled)
            return
        painter.save()  # the initial's big font must not reach the score painted next
        fill = QColor(palette.color(QPalette.ColorRole.Mid))
        fill.setAlpha(70)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(rect), 4, 4)
        font = QFont(painter.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        initial = next((ch for ch in candidate.title if ch.isalnum()), "?").upper()
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), initial)
        painter.restore()

    def _paint_score(
        self,
        painter: QPainter,
        rect: QRect,
        candidate: Candidate,
        exact: bool,
        palette: QPalette,
        text_colour: QColor,
    ) -> None:
        confidence = max(0.0, min(100.0, candidate.confidence))
        colour = status_colour(DisplayStatus.HEALTHY if exact else confidence_status(confidence), palette)
        font = QFont(painter.font())
        big = QFont(font)
        big.setBold(True)
        big.setPointSizeF(font.pointSizeF() * 1.25)
        big_height = QFontMetrics(big).height()
        top = rect.top() + (rect.height() - big_height - 22) // 2
        painter.setFont(big)
        painter.setPen(text_colour)
        label = "exact" if exact else f"{confidence:.0f}%"
        painter.drawText(
            QRect(rect.left(), top, rect.width(), big_height),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            label,
        )
        bar = QRectF(rect.left() + 8, top + big_height + 4, rect.width() - 8, 6)
        track = QColor(palette.color(QPalette.ColorRole.Mid))
        track.setAlpha(90)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 3, 3)
        filled = QRectF(
            bar.left(), bar.top(), max(bar.height(), bar.width() * confidence / 100.0), bar.height()
        )
        painter.setBrush(colour)
        painter.drawRoundedRect(filled, 3, 3)
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.85)
        painter.setFont(small)
        soft = QColor(text_colour)
        soft.setAlpha(150)
        painter.setPen(soft)
        painter.drawText(
            QRect(rect.left(), int(bar.bottom()) + 2, rect.width(), QFontMetrics(small).height()),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
            "found by id" if exact else "match",
        )


class CandidateList(QListView):
    """The candidates; Enter or a double click chooses the current one. While there are none, a
    short placeholder says why ("Searching…", "No films found").

    Attributes:
        placeholder: the text shown while the list is empty.

    Signals:
        chosen(int): the row the user chose.
    """

    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = ""
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlternatingRowColors(True)
        self.setMouseTracking(True)
        self.setAccessibleName("Candidates")

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if not self.placeholder or (model is not None and model.rowCount() > 0):
            return
        painter = QPainter(self.viewport())
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.placeholder)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.currentIndex().isValid():
                self.chosen.emit(self.currentIndex().row())
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and event.button() == Qt.MouseButton.LeftButton:
            self.setCurrentIndex(index)
            self.chosen.emit(index.row())
            event.accept()
            return
        super().mouseDoubleClickEvent(event)


class InputField(QLineEdit):
    """A line edit whose Down arrow moves to the candidate list."""

    downPressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.downPressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)
