"""The asset browser's card painter: the thumbnail (loaded on first sight), its badges, two lines of
text, and the "+N similar" badge of a group of copies (a click on a collapsed group, or on the badge,
opens or closes it)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtCore import QEvent
from PySide6.QtCore import QObject
from PySide6.QtCore import QRect
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QFontMetrics
from PySide6.QtGui import QMouseEvent
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QStyle
from PySide6.QtWidgets import QStyledItemDelegate
from PySide6.QtWidgets import QStyleOptionViewItem

from metarr_desktop.core.records import CachedAsset
from metarr_desktop.ui.assets import presenter
from metarr_desktop.ui.assets.model import AssetListModel
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.theme import error_colour
from metarr_desktop.ui.common.theme import is_dark

PADDING = 8
#: The narrowest card, so that its two lines of text fit beside a narrow poster thumbnail.
MIN_CARD_WIDTH = 184
SELECTED_COLOURS = ("#2e7d32", "#81c784")
SUGGESTED_COLOURS = ("#b26a00", "#ffca6e")
SIMILAR_COLOURS = ("#37474f", "#b0bec5")


def _scheme_colour(pair: tuple[str, str], palette: QPalette) -> QColor:
    return QColor(pair[1] if is_dark(palette) else pair[0])


def _badge_font(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    bold.setPointSizeF(max(7.0, bold.pointSizeF() * 0.8))
    return bold


class AssetDelegate(QStyledItemDelegate):
    """Paints a candidate as a card: the thumbnail (loading it on first sight), its badges, and two
    lines of text (size and language; provider and votes). Rejected cards are greyed out; a group's
    lead carries "+N similar", its listed copies a "Similar" mark.

    Signals:
        similarClicked(int): the group with this key was clicked (to open or close it); queued, so
            that the model is not reset while the view handles the click.
    """

    similarClicked = Signal(int)

    def __init__(self, model: AssetListModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def text_height(self, option: QStyleOptionViewItem) -> int:
        return 2 * QFontMetrics(option.font).height() + 6

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        box = self.model.box
        width = max(MIN_CARD_WIDTH, box.width() + 2 * PADDING) + 8
        return QSize(width, box.height() + 2 * PADDING + self.text_height(option) + 8)

    # -- geometry ------------------------------------------------------------------------------------

    @staticmethod
    def card_rect(rect: QRect) -> QRectF:
        return QRectF(rect).adjusted(4, 4, -4, -4)

    def stage_rect(self, rect: QRect) -> QRect:
        """Where the thumbnail is drawn inside a card's item rectangle."""
        card = self.card_rect(rect)
        box = self.model.box
        left, width = round(card.left()) + PADDING, round(card.width()) - 2 * PADDING
        return QRect(
            left + (width - box.width()) // 2, round(card.top()) + PADDING, box.width(), box.height()
        )

    def similar_rect(self, rect: QRect, font: QFont, similar: int, expanded: bool) -> QRectF:
        """The "+N similar" badge of a group's lead (bottom right of its thumbnail)."""
        stage = self.stage_rect(rect)
        metrics = QFontMetrics(_badge_font(font))
        width = metrics.horizontalAdvance(presenter.similar_badge(similar, expanded)) + 14
        height = metrics.height() + 6
        return QRectF(stage.right() - 4 - width, stage.bottom() - 4 - height, width, height)

    # -- clicks --------------------------------------------------------------------------------------

    def editorEvent(
        self, event: QEvent, model: QAbstractItemModel, option: QStyleOptionViewItem, index: Index
    ) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
        ):
            similar = int(index.data(Role.SIMILAR) or 0)
            group = index.data(Role.GROUP)
            expanded = bool(index.data(Role.EXPANDED))
            if similar and group is not None:
                badge = self.similar_rect(option.rect, option.font, similar, expanded)
                if not expanded or badge.contains(event.position()):
                    self.similarClicked.emit(int(group))
        return super().editorEvent(event, model, option, index)

    # -- painting ------------------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        asset = index.data(Role.ASSET)
        if not isinstance(asset, CachedAsset):
            return
        palette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = self.card_rect(option.rect)
        current = bool(option.state & QStyle.StateFlag.State_Selected)
        copy = index.data(Role.LEAD_ID) is not None
        fill = QColor(palette.color(QPalette.ColorRole.AlternateBase if copy else QPalette.ColorRole.Base))
        if current:
            fill = QColor(palette.color(QPalette.ColorRole.Highlight))
            fill.setAlpha(60 if is_dark(palette) else 40)
        border = QColor(palette.color(QPalette.ColorRole.Mid))
        width = 1.0
        if asset.is_selected:
            border, width = _scheme_colour(SELECTED_COLOURS, palette), 2.5
        elif current:
            border, width = QColor(palette.color(QPalette.ColorRole.Highlight)), 2.0
        pen = QPen(border, width)
        if copy and not asset.is_selected and not current:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(card.adjusted(width / 2, width / 2, -width / 2, -width / 2), 6, 6)

        stage = self.stage_rect(option.rect)
        self._paint_stage(painter, stage, palette)
        self._paint_thumbnail(painter, stage, asset, index, palette)
        self._paint_badges(painter, stage, asset, index, palette)
        self._paint_similar(painter, option, index, palette)
        inner_left = round(card.left()) + PADDING
        text_rect = QRect(
            inner_left, stage.bottom() + 6, round(card.width()) - 2 * PADDING, self.text_height(option)
        )
        self._paint_text(painter, text_rect, asset, option)
        painter.restore()

    def _paint_stage(self, painter: QPainter, stage: QRect, palette: QPalette) -> None:
        dark = is_dark(palette)
        base = QColor("#2b2f33") if dark else QColor("#e4e7ea")
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(base)
        painter.drawRect(stage)
        if self.model.transparent:  # a checkerboard shows what is see-through
            other = QColor("#34393e") if dark else QColor("#f3f4f6")
            painter.setBrush(other)
            step = 10
            for y in range(stage.top(), stage.bottom() + 1, step):
                for x in range(stage.left(), stage.right() + 1, step):
                    if ((x - stage.left()) // step + (y - stage.top()) // step) % 2:
                        painter.drawRect(QRect(x, y, step, step).intersected(stage))

    def _paint_thumbnail(
        self, painter: QPainter, stage: QRect, asset: CachedAsset, index: Index, palette: QPalette
    ) -> None:
        images = self.model.images
        pixmap = index.data(Role.THUMBNAIL)
        if pixmap is not None and not pixmap.isNull():
            size = pixmap.size().scaled(stage.size(), Qt.AspectRatioMode.KeepAspectRatio)
            if pixmap.width() <= stage.width() and pixmap.height() <= stage.height():
                size = pixmap.size()
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(stage.center())
            if asset.is_rejected:
                painter.setOpacity(0.3)
            painter.drawPixmap(target, pixmap)
            painter.setOpacity(1.0)
            return
        if images is None:
            note = "No preview"
        elif images.has_failed(asset.url):
            note = "Preview unavailable"
        else:
            note = "Loading…"
            images.request(asset.url, self.model.box)
        painter.setPen(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        painter.drawText(stage, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, note)

    @staticmethod
    def _pill(painter: QPainter, rect: QRectF, text: str, colour: QColor) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(QColor("#1b1b1b") if colour.lightness() > 150 else QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_badges(
        self, painter: QPainter, stage: QRect, asset: CachedAsset, index: Index, palette: QPalette
    ) -> None:
        font = _badge_font(painter.font())
        painter.setFont(font)
        metrics = QFontMetrics(font)
        height = metrics.height() + 4

        badges: list[tuple[str, QColor]] = []
        if asset.is_selected:
            badges.append(("✓ Selected", _scheme_colour(SELECTED_COLOURS, palette)))
        elif asset.is_rejected:
            badges.append(("Rejected", error_colour(palette)))
        if index.data(Role.SUGGESTED):
            badges.append(("★ Suggested", _scheme_colour(SUGGESTED_COLOURS, palette)))
        widths = [metrics.horizontalAdvance(text) + 12 for text, _ in badges]
        # Side by side (left, right) when they fit; otherwise one under the other, on the left.
        stacked = sum(widths) + 12 > stage.width()
        for position, ((text, colour), width) in enumerate(zip(badges, widths, strict=True)):
            right = position == len(badges) - 1 and position > 0 and not stacked
            x = stage.right() - 4 - width if right else stage.left() + 4
            y = stage.top() + 4 + (position * (height + 3) if stacked else 0)
            self._pill(painter, QRectF(x, y, width, height), text, colour)

    def _paint_similar(
        self, painter: QPainter, option: QStyleOptionViewItem, index: Index, palette: QPalette
    ) -> None:
        similar = int(index.data(Role.SIMILAR) or 0)
        colour = _scheme_colour(SIMILAR_COLOURS, palette)
        painter.setFont(_badge_font(option.font))
        if similar:
            expanded = bool(index.data(Role.EXPANDED))
            rect = self.similar_rect(option.rect, option.font, similar, expanded)
            self._pill(painter, rect, presenter.similar_badge(similar, expanded), colour)
        elif index.data(Role.LEAD_ID) is not None:
            stage = self.stage_rect(option.rect)
            metrics = QFontMetrics(_badge_font(option.font))
            width, height = metrics.horizontalAdvance("≈ Similar") + 12, metrics.height() + 4
            rect = QRectF(stage.left() + 4, stage.bottom() - 4 - height, width, height)
            self._pill(painter, rect, "≈ Similar", colour)

    def _paint_text(
        self, painter: QPainter, rect: QRect, asset: CachedAsset, option: QStyleOptionViewItem
    ) -> None:
        palette = option.palette
        group = QPalette.ColorGroup.Disabled if asset.is_rejected else QPalette.ColorGroup.Active
        colour = palette.color(group, QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        line = QFontMetrics(option.font).height()
        bold = QFont(option.font)
        bold.setBold(True)
        first = QRect(rect.left(), rect.top(), rect.width(), line)
        language = presenter.language_text(asset)
        painter.setFont(option.font)
        language_width = QFontMetrics(option.font).horizontalAdvance(language)
        painter.setPen(muted if not asset.is_rejected else colour)
        painter.drawText(first, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, language)
        painter.setFont(bold)
        painter.setPen(colour)
        size_rect = first.adjusted(0, 0, -(language_width + 8), 0)
        painter.drawText(
            size_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(bold).elidedText(
                presenter.size_text(asset), Qt.TextElideMode.ElideRight, size_rect.width()
            ),
        )
        second = QRect(rect.left(), rect.top() + line + 2, rect.width(), line)
        text = presenter.provider_line(asset, self.model.provider_name(asset.provider))
        painter.setFont(option.font)
        painter.setPen(colour if not asset.is_rejected else muted)
        painter.drawText(
            second,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(option.font).elidedText(text, Qt.TextElideMode.ElideRight, second.width()),
        )


__all__ = ["AssetDelegate"]
