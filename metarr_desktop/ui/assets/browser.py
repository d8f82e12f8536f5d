"""The asset browser: a movie's cached artwork candidates, by type, to select, reject or restore.

Document 3: the browser shows only what the provider cache already holds (through
`services.assets.AssetService`), so opening it never asks a provider; thumbnails come through the
image loader (a separate image host, disk-cached). A movie without cached candidates shows how to
get some (refresh its metadata).

Each type (posters, fanart, clear logos, ...) has a tab with a grid of thumbnails
(`AssetListModel` + `AssetDelegate` in a `QListView` in icon mode), each labelled with its size,
language, provider and votes. The chosen candidate carries a "Selected" badge, rejected ones are
greyed out, and the one the selection rule proposes (`core.artwork.suggested_asset`: language, then
rating, votes and size) carries a "Suggested" badge; "Use suggested" selects it. Copies of one
picture (near-equal perceptual hashes) are one card with a "+N similar" badge; a click opens the
group (`presenter`). A candidate never published has no hash yet: the browser asks the image loader
to hash the thumbnail it downloads (`ImageLoader.want_hash`, then `hashed`), keeps the hash
(`AssetService.record_perceptual_hash`) and regroups, keeping the current card (or the card of the
group it joined) and the scroll position.

Open it with `open_asset_browser(ctx, movie_id, parent)` (or build `AssetBrowserDialog`, await its
`load()`, then `ui.bridge.dialog_result`).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtGui import QFontMetrics
from PySide6.QtGui import QPalette
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QListView
from PySide6.QtWidgets import QStackedWidget
from PySide6.QtWidgets import QStyleOptionViewItem
from PySide6.QtWidgets import QTabBar
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.artwork import Languages
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.records import CachedAsset
from metarr_desktop.services.assets import AssetService
from metarr_desktop.ui.assets import presenter
from metarr_desktop.ui.assets.delegate import AssetDelegate
from metarr_desktop.ui.assets.model import AssetListModel
from metarr_desktop.ui.assets.presenter import EMPTY_TEXT
from metarr_desktop.ui.assets.presenter import KIND_NAMES
from metarr_desktop.ui.assets.presenter import TYPE_SHAPES
from metarr_desktop.ui.common import shortcuts
from metarr_desktop.ui.common.bridge import dialog_result
from metarr_desktop.ui.common.controls import STRETCH
from metarr_desktop.ui.common.controls import Gap
from metarr_desktop.ui.common.controls import lay_out
from metarr_desktop.ui.common.controls import push_button
from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.common.safe_text import plain_label
from metarr_desktop.ui.common.theme import error_colour
from metarr_desktop.ui.context import UiContext

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TypeView:
    """How one asset type is shown: its tab label and the box its thumbnails fit in."""

    label: str
    box: QSize
    transparent: bool = False


#: How long the browser waits for more thumbnails' hashes before it regroups (milliseconds).
REGROUP_DELAY_MS = 100

#: The types the browser shows, in tab order (videos are not artwork).
TYPE_VIEWS: dict[AssetType, TypeView] = {
    t: TypeView(shape.label, QSize(shape.width, shape.height), shape.transparent)
    for t, shape in TYPE_SHAPES.items()
}


class AssetBrowserDialog(QDialog):
    """A movie's cached artwork candidates, by type, with Select, Reject/Restore and Use suggested.

    Attributes:
        movie_id: the movie shown.
        language: the preferred language of the selection rule, or the `artwork.languages` order
            (the default: the user's setting); candidates are listed in its order.
        model: the cards of the type shown.
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
        self._shown: presenter.TypeView = presenter.TypeView([], None, [])
        #: The keys of the groups of copies the user opened.
        self._expanded: set[int] = set()
        self._db_warned = False
        self._build_header()
        self._build_grid()
        self._build_footer()
        self._build_layout()
        self._update_buttons()

    # -- building ------------------------------------------------------------------------------------

    def _build_header(self) -> None:
        self.heading = plain_label(QLabel("Artwork"))
        heading_font = QFont(self.heading.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.25)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.hint = QLabel(presenter.HINT_TEXT)
        self.hint.setWordWrap(True)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.tabs = QTabBar()
        self.tabs.setExpanding(False)
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._tab_changed)

    def _build_grid(self) -> None:
        self.model = AssetListModel(self.ctx.images, self.ctx.provider_names(), self)
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
        self.delegate.similarClicked.connect(self.toggle_similar, Qt.ConnectionType.QueuedConnection)
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        self.view.doubleClicked.connect(lambda _index: self.select_current())
        #: Thumbnails' hashes arrive one by one: the grid is regrouped once per burst.
        self._regroup_timer = QTimer(self)
        self._regroup_timer.setSingleShot(True)
        self._regroup_timer.setInterval(REGROUP_DELAY_MS)
        self._regroup_timer.timeout.connect(self.regroup)
        if self.ctx.images is not None:
            self.ctx.images.hashed.connect(self._thumbnail_hashed)

        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("assetsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setMargin(40)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)

    def _build_footer(self) -> None:
        self.status = wrapped_label("assetStatus")
        self.details = QLabel()
        self.details.setObjectName("assetDetails")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setTextFormat(Qt.TextFormat.RichText)  # built here, every piece escaped

        self.suggest_button = push_button(
            "Use suggested",
            "Select the candidate the rule proposes (★ Suggested)",
            clicked=self.use_suggested,
        )
        self.similar_button = push_button(
            "Show similar",
            "Show or hide the other copies of this picture (Space)",
            clicked=self.toggle_similar_current,
        )
        self.select_button = push_button("Select", "Use this candidate (Enter)", clicked=self.select_current)
        self.reject_button = push_button(
            "Reject", "Never choose this candidate automatically (Delete)", clicked=self.toggle_reject_current
        )
        self.close_button = push_button("Close", clicked=self.accept)
        buttons = (
            self.suggest_button,
            self.similar_button,
            self.select_button,
            self.reject_button,
            self.close_button,
        )
        for button in buttons:
            button.setAutoDefault(False)  # Enter selects the current candidate (a shortcut of the grid)
        for shortcut, slot in (
            (shortcuts.SELECT_ASSET.sequence(0), self.select_current),
            (shortcuts.SELECT_ASSET.sequence(1), self.select_current),
            (shortcuts.REJECT_ASSET.sequence(), self.toggle_reject_current),
            (shortcuts.SIMILAR_ASSETS.sequence(), self.toggle_similar_current),
        ):
            QShortcut(shortcut, self.view, slot, context=Qt.ShortcutContext.WidgetShortcut)

    def _build_layout(self) -> None:
        buttons = lay_out(
            QHBoxLayout(),
            self.suggest_button,
            self.similar_button,
            STRETCH,
            self.select_button,
            self.reject_button,
            Gap(12),
            self.close_button,
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addWidget(self.tabs)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    # -- loading -------------------------------------------------------------------------------------

    async def load(self) -> None:
        """Read the movie and its cached candidates (the cache only: no provider is asked)."""
        self.reload()
        self.loaded.emit()

    def _service(self) -> AssetService | None:
        suite = self.ctx.suite
        return None if suite is None else suite.assets

    def reload(self, *, keep: int | None = None) -> None:
        """Read the candidates again, keeping the type shown and the current candidate (or `keep`)."""
        shown = self.current_type()
        current = keep if keep is not None else self.current_asset_id()
        service = self._service()
        if service is None:
            self._by_type = {}
            self._show_types(None)
            self.empty.setText(presenter.UNAVAILABLE_TEXT)
            return
        record = service.movie(self.movie_id)
        title = presenter.heading(record.title if record else None, record.year if record else None)
        self.heading.setText(title)
        if record is not None:
            self.setWindowTitle(title)
        grouped = service.by_type(self.movie_id) if record is not None else {}
        self._by_type = {t: assets for t, assets in grouped.items() if t in TYPE_SHAPES}
        self._ask_thumbnail_hashes()
        self._show_types(shown)
        if current is not None:
            self._make_current(current)

    def _show_types(self, wanted: AssetType | None) -> None:
        types = presenter.shown_types(self._by_type)
        self.tabs.blockSignals(True)
        try:
            while self.tabs.count():
                self.tabs.removeTab(0)
            for asset_type in types:
                self.tabs.addTab(presenter.tab_label(asset_type, len(self._by_type[asset_type])))
            self._types = types
            chosen = wanted if wanted in types else (types[0] if types else None)
            if chosen is not None:
                self.tabs.setCurrentIndex(types.index(chosen))
        finally:
            self.tabs.blockSignals(False)
        self.tabs.setVisible(bool(types))
        self.stack.setCurrentWidget(self.view if types else self.empty)
        self._fill(chosen)

    def _fill(self, asset_type: AssetType | None, current: int | None = None) -> None:
        """Show the cards of `asset_type`; the current one is `current`, else the selected one."""
        if asset_type is None:
            self._shown = presenter.TypeView([], None, [])
            self.model.set_assets([], None, QSize(*presenter.DEFAULT_BOX))
            self._update_buttons()
            return
        shown = presenter.present(
            self._by_type.get(asset_type, []), asset_type, self.language, self._expanded
        )
        self._shown = shown
        view = TYPE_VIEWS[asset_type]
        suggested = shown.suggested.id if shown.suggested else None
        self.model.set_tiles(shown.tiles, suggested, view.box, transparent=view.transparent)
        option = QStyleOptionViewItem()
        option.initFrom(self.view)
        self.view.setGridSize(self.delegate.sizeHint(option, QModelIndex()))
        if current is None:  # the selected card, else the first
            cards = [t.asset for t in shown.tiles]
            current = next((a.id for a in cards if a.is_selected), cards[0].id if cards else None)
        self._make_current(current)

    def _tab_changed(self, position: int) -> None:
        if 0 <= position < len(self._types):
            self._fill(self._types[position])

    def _make_current(self, asset_id: int | None) -> None:
        """Make this candidate current, opening its group when it is a hidden copy."""
        row = self.model.row_of(asset_id) if asset_id is not None else -1
        if row < 0 and asset_id is not None:
            key = presenter.group_key(self._shown.assets, asset_id)
            if key is not None and key not in self._expanded:
                self._expanded.add(key)
                self._fill(self.current_type(), asset_id)
                return
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
        """The candidate the rule proposes for the type shown (also when it is a hidden copy)."""
        return self._shown.suggested

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
        tile = self.model.tile(self.view.currentIndex().row())
        group = tile.group if tile is not None else None
        self.similar_button.setEnabled(group is not None)
        self.similar_button.setVisible(any(t.group is not None for t in self._shown.tiles))
        if tile is not None and tile.similar and not tile.expanded:
            self.similar_button.setText(f"Show {len(tile.similar)} similar")
        else:
            self.similar_button.setText("Hide similar" if group is not None else "Show similar")
        self.details.setText(self._details(asset) if asset is not None else "")

    def _details(self, asset: CachedAsset) -> str:
        """The current candidate in two lines: what it is and its notes, then its URL (elided)."""
        first, *rest = presenter.summary_parts(asset, self.model.provider_name(asset.provider))
        parts = [f"<b>{html.escape(first)}</b>", *(html.escape(p) for p in rest)]
        notes = presenter.notes(asset, suggested=asset.id == self.model.suggested_id)
        summary = " · ".join(parts) + (f" — {html.escape(', '.join(notes))}" if notes else "")
        width = max(200, self.view.width() - 20)
        url = QFontMetrics(self.details.font()).elidedText(asset.url, Qt.TextElideMode.ElideMiddle, width)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        return f'{summary}<br><span style="color:{muted}">{html.escape(url)}</span>'

    # -- groups of copies ----------------------------------------------------------------------------

    def _ask_thumbnail_hashes(self) -> None:
        """Ask the loader for the thumbnail hash of each candidate without a hash (`hashed` brings
        it once the thumbnail is shown); one it has already is kept at once."""
        images = self.ctx.images
        if images is None:
            return
        for url in {a.url for assets in self._by_type.values() for a in assets if a.perceptual_hash is None}:
            value = images.perceptual_hash(url)
            if value is not None:
                self._keep_hash(url, value)
            else:
                images.want_hash(url)

    def _thumbnail_hashed(self, url: str, value: str) -> None:
        if self._keep_hash(url, value) & {self.current_type()}:
            self._regroup_timer.start()

    def _keep_hash(self, url: str, value: str) -> set[AssetType]:
        """Record a thumbnail's hash for the candidates at `url` that have none; the types changed."""
        self._by_type, changed = presenter.with_hash(self._by_type, url, value)
        service = self._service()
        if not changed or service is None:
            return changed
        for asset in (a for assets in self._by_type.values() for a in assets if a.url == url):
            try:
                service.record_perceptual_hash(asset.id, value)
            except StoreError as exc:
                if not self._db_warned:  # the grid is still regrouped; only the memory is lost
                    self._db_warned = True
                    log.info("asset browser: hashes are not saved: %s", exc.reason)
        return changed

    def regroup(self) -> None:
        """Show the type's groups again after hashes arrived: the current card stays current (or the
        card of the group it joined), and the grid keeps its scroll position."""
        asset_type = self.current_type()
        if asset_type is None:
            return
        bar = self.view.verticalScrollBar()
        position = bar.value()
        current = self.current_asset_id()
        shown = presenter.present(
            self._by_type.get(asset_type, []), asset_type, self.language, self._expanded
        )
        if _layout(shown.tiles) == _layout(self._shown.tiles):
            self._shown = shown  # no new group: the grid stays as it is (no reset, no flicker)
            return
        keep = presenter.card_of(shown.tiles, current) if current is not None else None
        self._fill(asset_type, keep)
        self.view.doItemsLayout()  # the scroll range of the new grid, now rather than at the next paint
        bar.setValue(position)

    def toggle_similar(self, group: int) -> None:
        """Open or close the group of copies with this key, keeping the current card."""
        if group in self._expanded:
            self._expanded.discard(group)
        else:
            self._expanded.add(group)
        current = self.current_asset_id()
        lead = next((t.asset.id for t in self._shown.tiles if t.group == group and t.lead_id is None), None)
        if group not in self._expanded and current is not None:
            tile = self.model.tile(self.model.row_of(current))
            if tile is not None and tile.group == group:
                current = lead  # a copy being hidden: its lead becomes current
        self._fill(self.current_type(), current)

    def toggle_similar_current(self) -> None:
        tile = self.model.tile(self.view.currentIndex().row())
        if tile is not None and tile.group is not None:
            self.toggle_similar(tile.group)

    def expanded_groups(self) -> set[int]:
        return set(self._expanded)

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
        service = self._service()
        if service is None:
            return False
        change = {"select": service.select, "reject": service.reject, "restore": service.restore}[action]
        asset = next((a for assets in self._by_type.values() for a in assets if a.id == asset_id), None)
        try:
            change(self.movie_id, asset_id)
        except KeyError:
            self._say(presenter.GONE_TEXT, error=True)
            self.reload()
            return False
        except StoreError as exc:
            self._say(f"Could not save your choice: {exc.reason}", error=True)
            return False
        self.reload(keep=asset_id)
        if asset is not None:
            self._say(presenter.done_text(done, asset, self.model.provider_name(asset.provider), note))
        self.assetsChanged.emit(self.movie_id)
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        palette = self.status.palette()
        colour = error_colour(palette) if error else palette.color(QPalette.ColorRole.WindowText)
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.status.setPalette(palette)
        self.status.setText(text)
        self.message.emit(text)


def _layout(tiles: list[presenter.Tile]) -> list[tuple[int, tuple[int, ...], bool]]:
    """What the grid shows of its cards: each card's candidate, its copies, whether they are open."""
    return [(t.asset.id, tuple(a.id for a in t.similar), t.expanded) for t in tiles]


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
    "EMPTY_TEXT",
    "KIND_NAMES",
    "AssetBrowserDialog",
    "AssetDelegate",
    "AssetListModel",
    "TypeView",
    "open_asset_browser",
]
