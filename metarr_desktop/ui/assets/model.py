"""The asset browser's list model: the cards of one type (`presenter.Tile`), one row each."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt

from metarr_desktop.core.records import CachedAsset
from metarr_desktop.ui.assets import presenter
from metarr_desktop.ui.assets.presenter import Tile
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.models import RowListModel
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.safe_text import plain_tip


class AssetListModel(RowListModel[Tile]):
    """The cards of one asset type, in the order given (the browser gives the rule's order).

    Attributes:
        rows: the cards shown.
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
        self.box = QSize(*presenter.DEFAULT_BOX)
        self.transparent = False
        self.suggested_id: int | None = None
        if images is not None:
            images.loaded.connect(self._image_changed)
            images.failed.connect(self._image_changed)

    def set_assets(
        self, assets: list[CachedAsset], suggested_id: int | None, box: QSize, *, transparent: bool = False
    ) -> None:
        """One card per candidate (no groups)."""
        self.set_tiles([Tile(a) for a in assets], suggested_id, box, transparent=transparent)

    def set_tiles(
        self, tiles: list[Tile], suggested_id: int | None, box: QSize, *, transparent: bool = False
    ) -> None:
        self.suggested_id = suggested_id
        self.box = QSize(box)
        self.transparent = transparent
        self.set_rows(tiles)

    @property
    def assets(self) -> list[CachedAsset]:
        """The candidates shown (a collapsed group shows its lead only)."""
        return [t.asset for t in self.rows]

    def asset(self, row: int) -> CachedAsset | None:
        return self.rows[row].asset if 0 <= row < len(self.rows) else None

    def tile(self, row: int) -> Tile | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, asset_id: int) -> int:
        """The row of the candidate with this id, or -1 (also for a copy hidden in its group)."""
        for row, tile in enumerate(self.rows):
            if tile.asset.id == asset_id:
                return row
        return -1

    def provider_name(self, provider: str) -> str:
        return self.provider_names.get(provider, provider)

    def row_data(self, tile: Tile, index: Index, role: int) -> Any:
        asset = tile.asset
        suggested = asset.id == self.suggested_id
        if role == Qt.ItemDataRole.DisplayRole:
            return presenter.caption(asset, self.provider_name(asset.provider))
        if role == Qt.ItemDataRole.ToolTipRole:
            text = presenter.tooltip(
                tile, self.provider_name(asset.provider), suggested=suggested, suggested_id=self.suggested_id
            )
            return plain_tip(text)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return presenter.accessible_text(tile, self.provider_name(asset.provider), suggested=suggested)
        if role in (Qt.ItemDataRole.DecorationRole, Role.THUMBNAIL):
            return self.images.cached(asset.url, self.box) if self.images is not None else None
        return self._role(tile, role)

    def _role(self, tile: Tile, role: int) -> Any:
        asset = tile.asset
        values: dict[int, Any] = {
            Role.ASSET: asset,
            Role.ASSET_ID: asset.id,
            Role.ASSET_URL: asset.url,
            Role.SELECTED: asset.is_selected,
            Role.REJECTED: asset.is_rejected,
            Role.SUGGESTED: asset.id == self.suggested_id,
            Role.SIMILAR: len(tile.similar),
            Role.EXPANDED: tile.expanded,
            Role.LEAD_ID: tile.lead_id,
            Role.GROUP: tile.group,
        }
        return values.get(role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def _image_changed(self, url: str) -> None:
        self.rows_changed(
            lambda tile: tile.asset.url == url, [Qt.ItemDataRole.DecorationRole, Role.THUMBNAIL]
        )


__all__ = ["AssetListModel"]
