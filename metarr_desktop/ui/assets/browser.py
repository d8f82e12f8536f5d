"""The asset browser: a movie's cached artwork candidates, by type, to select, reject or restore.

Document 3: the browser shows only what the provider cache already holds
(`ProviderCacheManager.get_cached_assets`), so opening it never asks a provider; thumbnails come
through the image loader (a separate image host, disk-cached). A movie without cached candidates
shows how to get some (refresh its metadata).

Each type (posters, fanart, clear logos, ...) has a tab with a grid of thumbnails
(`AssetListModel` + `AssetDelegate` in a `QListView` in icon mode), each labelled with its size,
language, provider and votes. The chosen candidate carries a "Selected" badge, rejected ones are
greyed out, and the one the selection rule proposes (`core.artwork.suggested_asset`: language, then
rating, votes and size) carries a "Suggested" badge; "Use suggested" selects it.

Open it with `open_asset_browser(ctx, movie_id, parent)` (or build `AssetBrowserDialog`, await its
`load()`, then `ui.bridge.dialog_result`).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from metarr_desktop.core.artwork import Languages, ordered, suggested_asset
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.records import CachedAsset
from metarr_desktop.store.database import describe_db_error, is_db_error
from metarr_desktop.ui.common.bridge import dialog_result
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.safe_text import plain_label, plain_tip
from metarr_desktop.ui.common.theme import error_colour, is_dark
from metarr_desktop.ui.context import UiContext

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


@dataclass(frozen=True, slots=True)
class TypeView:
    """How one asset type is shown: its tab label and the box its thumbnails fit in."""

    label: str
    box: QSize
    transparent: bool = False


#: The types the browser shows, in tab order (videos are not artwork).
TYPE_VIEWS: dict[AssetType, TypeView] = {
    AssetType.POSTER: TypeView("Posters", QSize(140, 210)),
    AssetType.FANART: TypeView("Fanart", QSize(256, 144)),
    AssetType.BACKDROP: TypeView("Backdrops", QSize(256, 144)),
    AssetType.CLEARLOGO: TypeView("Clear logos", QSize(240, 96), transparent=True),
    AssetType.LOGO: TypeView("Logos", QSize(240, 96), transparent=True),
    AssetType.CLEARART: TypeView("Clear art", QSize(240, 135), transparent=True),
    AssetType.BANNER: TypeView("Banners", QSize(330, 61)),
    AssetType.THUMB: TypeView("Thumbs", QSize(256, 144)),
    AssetType.DISCART: TypeView("Discs", QSize(170, 170), transparent=True),
}

#: One candidate of a type, as messages name it.
KIND_NAMES: dict[AssetType, str] = {
    AssetType.POSTER: "poster",
    AssetType.FANART: "fanart",
    AssetType.BACKDROP: "backdrop",
    AssetType.CLEARLOGO: "clear logo",
    AssetType.LOGO: "logo",
    AssetType.CLEARART: "clear art",
    AssetType.BANNER: "banner",
    AssetType.THUMB: "thumb",
    AssetType.DISCART: "disc",
}

EMPTY_TEXT = (
    "<h3>No artwork candidates yet</h3>"
    "<p>Refresh the movie's metadata to fetch artwork candidates from the providers; they are kept "
    "in the cache and shown here.</p>"
)


class AssetRole(IntEnum):
    """Item roles of `AssetListModel`."""

    ASSET = Qt.ItemDataRole.UserRole + 60
    ASSET_ID = Qt.ItemDataRole.UserRole + 61
    URL = Qt.ItemDataRole.UserRole + 62
    SELECTED = Qt.ItemDataRole.UserRole + 63
    REJECTED = Qt.ItemDataRole.UserRole + 64
    SUGGESTED = Qt.ItemDataRole.UserRole + 65
    THUMBNAIL = Qt.ItemDataRole.UserRole + 66


def size_text(asset: CachedAsset) -> str:
    if asset.width and asset.height:
        return f"{asset.width} × {asset.height}"
    return "Size unknown"


def language_text(asset: CachedAsset) -> str:
    return asset.language.upper() if asset.language else "No text"


def votes_text(asset: CachedAsset) -> str:
    parts: list[str] = []
    if asset.rating is not None:
        parts.append(f"★ {asset.rating:.1f}")
    if asset.votes is not None:
        parts.append(f"{asset.votes} vote" + ("" if asset.votes == 1 else "s"))
    return " · ".join(parts)


# --------------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------------


class AssetListModel(QAbstractListModel):
    """The candidates of one asset type, in the store's order (best score, most votes first).

    Attributes:
        images: the thumbnail loader (None: placeholders only).
        box: the size thumbnails are scaled to fit.
        provider_names: provider id -> display name.
        suggested_id: the candidate the selection rule proposes (None when every one is rejected).
    """

    def __init__(
        self,
        images: ImageLoader | None = None,
        provider_names: dict[str, str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.images = images
        self.provider_names = dict(provider_names or {})
        self.box = QSize(140, 210)
        self.transparent = False
        self.suggested_id: int | None = None
        self._assets: list[CachedAsset] = []
        if images is not None:
            images.loaded.connect(self._image_changed)
            images.failed.connect(self._image_changed)

    def set_assets(
        self, assets: list[CachedAsset], suggested_id: int | None, box: QSize, *, transparent: bool = False
    ) -> None:
        self.beginResetModel()
        self._assets = list(assets)
        self.suggested_id = suggested_id
        self.box = QSize(box)
        self.transparent = transparent
        self.endResetModel()

    @property
    def assets(self) -> list[CachedAsset]:
        return list(self._assets)

    def asset(self, row: int) -> CachedAsset | None:
        return self._assets[row] if 0 <= row < len(self._assets) else None

    def row_of(self, asset_id: int) -> int:
        """The row of the candidate with this id, or -1."""
        for row, asset in enumerate(self._assets):
            if asset.id == asset_id:
                return row
        return -1

    def provider_name(self, provider: str) -> str:
        return self.provider_names.get(provider, provider)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._assets)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._assets):
            return None
        asset = self._assets[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            extra = votes_text(asset)
            parts = [size_text(asset), language_text(asset), self.provider_name(asset.provider)]
            return " · ".join([*parts, extra] if extra else parts)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(self._tooltip(asset))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            states = [s for s, on in (("selected", asset.is_selected), ("rejected", asset.is_rejected)) if on]
            if asset.id == self.suggested_id:
                states.append("suggested")
            text = str(self.data(index, Qt.ItemDataRole.DisplayRole))
            return f"{text} ({', '.join(states)})" if states else text
        if role in (Qt.ItemDataRole.DecorationRole, AssetRole.THUMBNAIL):
            return self.images.cached(asset.url, self.box) if self.images is not None else None
        if role == AssetRole.ASSET:
            return asset
        if role == AssetRole.ASSET_ID:
            return asset.id
        if role == AssetRole.URL:
            return asset.url
        if role == AssetRole.SELECTED:
            return asset.is_selected
        if role == AssetRole.REJECTED:
            return asset.is_rejected
        if role == AssetRole.SUGGESTED:
            return asset.id == self.suggested_id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def _tooltip(self, asset: CachedAsset) -> str:
        lines = [
            f"{size_text(asset)}, {language_text(asset) if asset.language else 'no text'}",
            f"From {self.provider_name(asset.provider)}"
            + (f" ({votes_text(asset)})" if votes_text(asset) else ""),
            asset.url,
        ]
        if asset.is_selected:
            lines.append("Selected" + (" automatically" if asset.selected_by == "auto" else " by you"))
        if asset.is_rejected:
            lines.append("Rejected: never chosen automatically")
        if asset.id == self.suggested_id:
            lines.append("Suggested: the best by language, rating, votes and size")
        return "\n".join(lines)

    def _image_changed(self, url: str) -> None:
        for row, asset in enumerate(self._assets):
            if asset.url == url:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole, AssetRole.THUMBNAIL])


# --------------------------------------------------------------------------------------------------
# Delegate
# --------------------------------------------------------------------------------------------------

PADDING = 8
#: The narrowest card, so that its two lines of text fit beside a narrow poster thumbnail.
MIN_CARD_WIDTH = 184
SELECTED_COLOURS = ("#2e7d32", "#81c784")
SUGGESTED_COLOURS = ("#b26a00", "#ffca6e")


def _scheme_colour(pair: tuple[str, str], palette: QPalette) -> QColor:
    return QColor(pair[1] if is_dark(palette) else pair[0])


class AssetDelegate(QStyledItemDelegate):
    """Paints a candidate as a card: the thumbnail (loading it on first sight), its badges, and two
    lines of text (size and language; provider and votes). Rejected cards are greyed out."""

    def __init__(self, model: AssetListModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def text_height(self, option: QStyleOptionViewItem) -> int:
        return 2 * QFontMetrics(option.font).height() + 6

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        box = self.model.box
        width = max(MIN_CARD_WIDTH, box.width() + 2 * PADDING) + 8
        return QSize(width, box.height() + 2 * PADDING + self.text_height(option) + 8)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        asset = index.data(AssetRole.ASSET)
        if not isinstance(asset, CachedAsset):
            return
        palette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(option.rect).adjusted(4, 4, -4, -4)
        current = bool(option.state & QStyle.StateFlag.State_Selected)
        fill = QColor(palette.color(QPalette.ColorRole.Base))
        if current:
            fill = QColor(palette.color(QPalette.ColorRole.Highlight))
            fill.setAlpha(60 if is_dark(palette) else 40)
        border = QColor(palette.color(QPalette.ColorRole.Mid))
        width = 1.0
        if asset.is_selected:
            border, width = _scheme_colour(SELECTED_COLOURS, palette), 2.5
        elif current:
            border, width = QColor(palette.color(QPalette.ColorRole.Highlight)), 2.0
        painter.setPen(QPen(border, width))
        painter.setBrush(fill)
        painter.drawRoundedRect(card.adjusted(width / 2, width / 2, -width / 2, -width / 2), 6, 6)

        box = self.model.box
        inner = QRect(
            round(card.left()) + PADDING, round(card.top()) + PADDING, round(card.width()) - 2 * PADDING, 0
        )
        stage = QRect(
            inner.left() + (inner.width() - box.width()) // 2, inner.top(), box.width(), box.height()
        )
        self._paint_stage(painter, stage, palette)
        self._paint_thumbnail(painter, stage, asset, index, palette)
        self._paint_badges(painter, stage, asset, index, palette)
        text_rect = QRect(inner.left(), stage.bottom() + 6, inner.width(), self.text_height(option))
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
        pixmap = index.data(AssetRole.THUMBNAIL)
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

    def _paint_badges(
        self, painter: QPainter, stage: QRect, asset: CachedAsset, index: Index, palette: QPalette
    ) -> None:
        font = QFont(painter.font())
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        height = metrics.height() + 4

        badges: list[tuple[str, QColor]] = []
        if asset.is_selected:
            badges.append(("✓ Selected", _scheme_colour(SELECTED_COLOURS, palette)))
        elif asset.is_rejected:
            badges.append(("Rejected", error_colour(palette)))
        if index.data(AssetRole.SUGGESTED):
            badges.append(("★ Suggested", _scheme_colour(SUGGESTED_COLOURS, palette)))
        widths = [metrics.horizontalAdvance(text) + 12 for text, _ in badges]
        # Side by side (left, right) when they fit; otherwise one under the other, on the left.
        stacked = sum(widths) + 12 > stage.width()
        for position, ((text, colour), width) in enumerate(zip(badges, widths, strict=True)):
            right = position == len(badges) - 1 and position > 0 and not stacked
            x = stage.right() - 4 - width if right else stage.left() + 4
            y = stage.top() + 4 + (position * (height + 3) if stacked else 0)
            rect = QRectF(x, y, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(rect, height / 2, height / 2)
            painter.setPen(QColor("#1b1b1b") if colour.lightness() > 150 else QColor("white"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

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
        language = language_text(asset)
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
            QFontMetrics(bold).elidedText(size_text(asset), Qt.TextElideMode.ElideRight, size_rect.width()),
        )
        second = QRect(rect.left(), rect.top() + line + 2, rect.width(), line)
        extra = votes_text(asset)
        text = self.model.provider_name(asset.provider) + (f" · {extra}" if extra else "")
        painter.setFont(option.font)
        painter.setPen(colour if not asset.is_rejected else muted)
        painter.drawText(
            second,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(option.font).elidedText(text, Qt.TextElideMode.ElideRight, second.width()),
        )


# --------------------------------------------------------------------------------------------------
# Dialog
# --------------------------------------------------------------------------------------------------


class AssetBrowserDialog(QDialog):
    """A movie's cached artwork candidates, by type, with Select, Reject/Restore and Use suggested.

    Attributes:
        movie_id: the movie shown.
        language: the preferred language of the selection rule, or the `artwork.languages` order
            (the default: the user's setting); candidates are listed in its order.
        model: the candidates of the type shown.
        tabs: one tab per type that has candidates.
        view: the thumbnail grid.

    Signals:
        loaded(): `load` finished (the candidates are shown).
        assetsChanged(int): a candidate of this movie was selected, rejected or restored.
        message(str): what the last action did (also shown in the dialog's status line).
    """

    loaded = Signal()
    assetsChanged = Signal(int)
    message = Signal(str)

    def __init__(
        self,
        ctx: UiContext,
        movie_id: int,
        parent: QWidget | None = None,
        *,
        language: Languages | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.movie_id = movie_id
        self.language: Languages = language if language is not None else ctx.language_policy().artwork_order()
        self.setWindowTitle("Artwork")
        self.setObjectName("assetBrowser")
        self.resize(980, 720)
        self._by_type: dict[AssetType, list[CachedAsset]] = {}
        self._types: list[AssetType] = []

        self.heading = plain_label(QLabel("Artwork"))
        heading_font = QFont(self.heading.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.25)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.hint = QLabel(
            "Only the candidates already in the cache are shown; refreshing the movie fetches new ones. "
            "They are ordered by your artwork languages (Language and region). TMDB tags images by "
            "language only, so pt-BR and pt-PT artwork both show as PT and cannot be told apart."
        )
        self.hint.setWordWrap(True)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.tabs = QTabBar()
        self.tabs.setExpanding(False)
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._tab_changed)

        self.model = AssetListModel(ctx.images, ctx.provider_names(), self)
        self.view = QListView()
        self.view.setObjectName("assetGrid")
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setUniformItemSizes(True)
        self.view.setSpacing(4)
        self.view.setWordWrap(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setModel(self.model)
        self.delegate = AssetDelegate(self.model, self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        self.view.doubleClicked.connect(lambda _index: self.select_current())

        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("assetsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setMargin(40)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)

        self.status = plain_label(QLabel())
        self.status.setObjectName("assetStatus")
        self.status.setWordWrap(True)
        self.details = QLabel()
        self.details.setObjectName("assetDetails")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setTextFormat(Qt.TextFormat.RichText)

        self.suggest_button = QPushButton("Use suggested")
        self.suggest_button.setToolTip("Select the candidate the rule proposes (★ Suggested)")
        self.select_button = QPushButton("Select")
        self.select_button.setToolTip("Use this candidate (Enter)")
        self.reject_button = QPushButton("Reject")
        self.reject_button.setToolTip("Never choose this candidate automatically (Delete)")
        self.close_button = QPushButton("Close")
        self.suggest_button.clicked.connect(self.use_suggested)
        self.select_button.clicked.connect(self.select_current)
        self.reject_button.clicked.connect(self.toggle_reject_current)
        self.close_button.clicked.connect(self.accept)
        for button in (self.suggest_button, self.select_button, self.reject_button, self.close_button):
            button.setAutoDefault(False)  # Enter selects the current candidate (a shortcut of the grid)
        for shortcut, slot in (
            (QKeySequence(Qt.Key.Key_Return), self.select_current),
            (QKeySequence(Qt.Key.Key_Enter), self.select_current),
            (QKeySequence(QKeySequence.StandardKey.Delete), self.toggle_reject_current),
        ):
            QShortcut(shortcut, self.view, slot, context=Qt.ShortcutContext.WidgetShortcut)

        buttons = QHBoxLayout()
        buttons.addWidget(self.suggest_button)
        buttons.addStretch(1)
        buttons.addWidget(self.select_button)
        buttons.addWidget(self.reject_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addWidget(self.tabs)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- loading -------------------------------------------------------------------------------------

    async def load(self) -> None:
        """Read the movie and its cached candidates (the cache only: no provider is asked)."""
        self.reload()
        self.loaded.emit()

    def reload(self, *, keep: int | None = None) -> None:
        """Read the candidates again, keeping the type shown and the current candidate (or `keep`)."""
        shown = self.current_type()
        current = keep if keep is not None else self.current_asset_id()
        suite = self.ctx.suite
        if suite is None:
            self._by_type = {}
            self._show_types(None)
            self.empty.setText("<h3>Artwork is not available</h3><p>The library service is not running.</p>")
            return
        self._set_heading(suite)
        grouped = suite.assets.by_type(self.movie_id) if suite.assets.movie(self.movie_id) else {}
        self._by_type = {t: assets for t, assets in grouped.items() if t in TYPE_VIEWS}
        self._show_types(shown)
        if current is not None:
            self._make_current(current)

    def _set_heading(self, suite: Any) -> None:
        record = suite.assets.movie(self.movie_id)
        if record is None:
            self.heading.setText("Artwork")
            return
        title = f"{record.title} ({record.year})" if record.year else record.title
        self.heading.setText(f"Artwork — {title}")
        self.setWindowTitle(f"Artwork — {title}")

    def _show_types(self, wanted: AssetType | None) -> None:
        types = [t for t in TYPE_VIEWS if self._by_type.get(t)]
        self.tabs.blockSignals(True)
        try:
            while self.tabs.count():
                self.tabs.removeTab(0)
            for asset_type in types:
                self.tabs.addTab(f"{TYPE_VIEWS[asset_type].label} ({len(self._by_type[asset_type])})")
            self._types = types
            chosen = wanted if wanted in types else (types[0] if types else None)
            if chosen is not None:
                self.tabs.setCurrentIndex(types.index(chosen))
        finally:
            self.tabs.blockSignals(False)
        self.tabs.setVisible(bool(types))
        self.stack.setCurrentWidget(self.view if types else self.empty)
        self._fill(chosen)

    def _fill(self, asset_type: AssetType | None) -> None:
        if asset_type is None:
            self.model.set_assets([], None, QSize(140, 210))
            self._update_buttons()
            return
        assets = ordered(self._by_type.get(asset_type, []), self.language)
        suggested = suggested_asset(assets, asset_type, self.language)
        view = TYPE_VIEWS[asset_type]
        self.model.set_assets(
            assets, suggested.id if suggested else None, view.box, transparent=view.transparent
        )
        option = QStyleOptionViewItem()
        option.initFrom(self.view)
        self.view.setGridSize(self.delegate.sizeHint(option, QModelIndex()))
        self._make_current(next((a.id for a in assets if a.is_selected), assets[0].id if assets else None))

    def _tab_changed(self, position: int) -> None:
        if 0 <= position < len(self._types):
            self._fill(self._types[position])

    def _make_current(self, asset_id: int | None) -> None:
        row = self.model.row_of(asset_id) if asset_id is not None else -1
        if row >= 0:
            index = self.model.index(row, 0)
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.view.scrollTo(index)
        self._update_buttons()

    # -- state ---------------------------------------------------------------------------------------

    def current_type(self) -> AssetType | None:
        position = self.tabs.currentIndex()
        return self._types[position] if 0 <= position < len(self._types) else None

    def show_type(self, asset_type: AssetType) -> bool:
        """Show the candidates of `asset_type`; False when it has none."""
        if asset_type not in self._types:
            return False
        self.tabs.setCurrentIndex(self._types.index(asset_type))
        return True

    def types(self) -> list[AssetType]:
        """The types that have candidates, in tab order."""
        return list(self._types)

    def current_asset(self) -> CachedAsset | None:
        return self.model.asset(self.view.currentIndex().row())

    def current_asset_id(self) -> int | None:
        asset = self.current_asset()
        return asset.id if asset is not None else None

    def suggested(self) -> CachedAsset | None:
        """The candidate the rule proposes for the type shown."""
        suggested_id = self.model.suggested_id
        row = self.model.row_of(suggested_id) if suggested_id is not None else -1
        return self.model.asset(row)

    def _update_buttons(self, *_: object) -> None:
        asset = self.current_asset()
        suggested = self.suggested()
        self.select_button.setEnabled(asset is not None and not asset.is_selected)
        self.reject_button.setEnabled(asset is not None)
        self.reject_button.setText("Restore" if asset is not None and asset.is_rejected else "Reject")
        self.reject_button.setToolTip(
            "Allow this candidate again (Delete)"
            if asset is not None and asset.is_rejected
            else "Never choose this candidate automatically (Delete)"
        )
        self.suggest_button.setEnabled(suggested is not None and not suggested.is_selected)
        self.details.setText(self._details(asset) if asset is not None else "")

    def _details(self, asset: CachedAsset) -> str:
        """The current candidate in two lines: what it is and its notes, then its URL (elided)."""
        parts = [f"<b>{html.escape(size_text(asset))}</b>", html.escape(language_text(asset))]
        parts.append(html.escape(self.model.provider_name(asset.provider)))
        if votes_text(asset):
            parts.append(html.escape(votes_text(asset)))
        notes = []
        if asset.is_selected:
            notes.append("selected" + (" automatically" if asset.selected_by == "auto" else ""))
        if asset.is_rejected:
            notes.append("rejected: never chosen automatically")
        if asset.id == self.model.suggested_id:
            notes.append("suggested: the best by language, rating, votes and size")
        summary = " · ".join(parts) + (f" — {html.escape(', '.join(notes))}" if notes else "")
        width = max(200, self.view.width() - 20)
        url = QFontMetrics(self.details.font()).elidedText(asset.url, Qt.TextElideMode.ElideMiddle, width)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        return f'{summary}<br><span style="color:{muted}">{html.escape(url)}</span>'

    # -- actions -------------------------------------------------------------------------------------

    def select_current(self) -> None:
        asset = self.current_asset()
        if asset is not None and not asset.is_selected:
            self.select_asset(asset.id)

    def toggle_reject_current(self) -> None:
        asset = self.current_asset()
        if asset is None:
            return
        if asset.is_rejected:
            self.restore_asset(asset.id)
        else:
            self.reject_asset(asset.id)

    def use_suggested(self) -> None:
        suggested = self.suggested()
        if suggested is not None:
            self.select_asset(suggested.id)

    def select_asset(self, asset_id: int) -> bool:
        """Choose this candidate for its type (the previous choice is dropped): the movie's field of
        that type shows it from now on, locked so that refreshes keep it (`AssetService.select`)."""
        return self._change(asset_id, "Selected", "select", note=" It is now the movie's own, locked.")

    def reject_asset(self, asset_id: int) -> bool:
        """Reject this candidate: greyed, never suggested (and deselected if it was chosen)."""
        return self._change(asset_id, "Rejected", "reject")

    def restore_asset(self, asset_id: int) -> bool:
        """Undo a rejection."""
        return self._change(asset_id, "Restored", "restore")

    def _change(self, asset_id: int, done: str, action: str, *, note: str = "") -> bool:
        """Apply the user's choice through the asset service, then show the list again; False when
        it failed."""
        suite = self.ctx.suite
        if suite is None:
            return False
        service = suite.assets
        change = {"select": service.select, "reject": service.reject, "restore": service.restore}[action]
        asset = next((a for assets in self._by_type.values() for a in assets if a.id == asset_id), None)
        try:
            change(self.movie_id, asset_id)
        except KeyError:
            self._say("That candidate is no longer in the cache; the list is updated.", error=True)
            self.reload()
            return False
        except Exception as exc:
            if not is_db_error(exc):
                raise
            self._say(f"Could not save your choice: {describe_db_error(exc)}", error=True)
            return False
        self.reload(keep=asset_id)
        if asset is not None:
            kind = KIND_NAMES.get(asset.type, asset.type.value)
            provider = self.model.provider_name(asset.provider)
            size = f" ({size_text(asset)})" if asset.width and asset.height else ""
            self._say(f"{done} the {provider} {kind}{size}.{note}")
        self.assetsChanged.emit(self.movie_id)
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        palette = self.status.palette()
        colour = error_colour(palette) if error else palette.color(QPalette.ColorRole.WindowText)
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.status.setPalette(palette)
        self.status.setText(text)
        self.message.emit(text)


async def open_asset_browser(
    ctx: UiContext,
    movie_id: int,
    parent: QWidget | None = None,
    *,
    on_changed: Callable[[int], None] | None = None,
) -> int:
    """Open the asset browser of `movie_id` (window-modal, with ``open()``) and wait until it closes.

    `on_changed(movie_id)` is called after each select, reject or restore. Returns the dialog's
    result code.
    """
    dialog = AssetBrowserDialog(ctx, movie_id, parent)
    if on_changed is not None:
        dialog.assetsChanged.connect(on_changed)
    await dialog.load()
    try:
        return await dialog_result(dialog)
    finally:
        dialog.deleteLater()


__all__ = [
    "AssetBrowserDialog",
    "AssetDelegate",
    "AssetListModel",
    "AssetRole",
    "TypeView",
    "open_asset_browser",
]
