"""The providers page's models: provider order (drag and drop) and field-authority overrides."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QByteArray
from PySide6.QtCore import QMimeData
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import Qt

from metarr_desktop.core.authority import FieldAuthority
from metarr_desktop.core.fields import label
from metarr_desktop.core.languages import LANGUAGE_FIELDS
from metarr_desktop.ui.common.models import ROOT
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.models import RowListModel
from metarr_desktop.ui.common.models import RowTableModel
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.safe_text import plain_tip


@dataclass(frozen=True, slots=True)
class ProviderRow:
    """One row of the provider list.

    Attributes:
        id: provider id.
        name: display name.
        enabled: the user's switch.
        hint: a short note shown under the name ("no API key"), or "".
    """

    id: str
    name: str
    enabled: bool
    hint: str = ""


PROVIDER_MIME = "application/x-metarr-provider-ids"


class ProviderOrderModel(RowListModel[ProviderRow]):
    """The providers in priority order with their enabled switch; reordered by drag and drop.

    Rows move with `moveRows` (what `QListView` calls for an internal move) or `move`; the check
    state is the enabled switch. `pairs()` reads the model back as ``[(provider_id, enabled), ...]``.

    Attributes:
        rows: the providers, best first.
    """

    def __init__(self, rows: list[ProviderRow] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows = list(rows or [])

    # -- reading the whole list ------------------------------------------------------------------

    def pairs(self) -> list[tuple[str, bool]]:
        return [(row.id, row.enabled) for row in self.rows]

    def ids(self) -> list[str]:
        return [row.id for row in self.rows]

    def row_of(self, provider_id: str) -> int:
        for number, row in enumerate(self.rows):
            if row.id == provider_id:
                return number
        raise KeyError(provider_id)

    def set_hint(self, provider_id: str, hint: str) -> None:
        number = self.row_of(provider_id)
        self.rows[number] = replace(self.rows[number], hint=hint)
        index = self.index(number)
        self.dataChanged.emit(index, index, [Role.HINT, Qt.ItemDataRole.ToolTipRole])

    def set_enabled(self, provider_id: str, enabled: bool) -> None:
        self.setData(self.index(self.row_of(provider_id)), enabled, Role.ENABLED)

    # -- Qt model API ------------------------------------------------------------------------------

    def row_data(self, row: ProviderRow, index: Index, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{index.row() + 1}.  {row.name}"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if row.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            text = f"{row.name} ({row.id}): {'enabled' if row.enabled else 'disabled'}"
            return plain_tip(f"{text}. {row.hint}" if row.hint else text)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.name}, priority {index.row() + 1}, {'enabled' if row.enabled else 'disabled'}"
        if role == Role.PROVIDER_ID:
            return row.id
        if role == Role.ENABLED:
            return row.enabled
        if role == Role.PRIORITY:
            return index.row() + 1
        if role == Role.HINT:
            return row.hint
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return False
        if role == Qt.ItemDataRole.CheckStateRole:
            enabled = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role == Role.ENABLED:
            enabled = bool(value)
        else:
            return False
        row = self.rows[index.row()]
        if row.enabled != enabled:
            self.rows[index.row()] = replace(row, enabled=enabled)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole, Role.ENABLED])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemIsDragEnabled
        )

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update(
            {
                int(Role.PROVIDER_ID): QByteArray(b"providerId"),
                int(Role.ENABLED): QByteArray(b"enabled"),
                int(Role.PRIORITY): QByteArray(b"priority"),
            }
        )
        return names

    # -- moving ----------------------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [PROVIDER_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        mime = QMimeData()
        ids = [self.rows[i.row()].id for i in sorted(indexes, key=lambda i: i.row()) if i.isValid()]
        mime.setData(PROVIDER_MIME, QByteArray("\n".join(ids).encode()))
        return mime

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        """A drop from another view: move the named providers to `row` (used when the list view
        does not move rows itself)."""
        if action == Qt.DropAction.IgnoreAction:
            return True
        if not data.hasFormat(PROVIDER_MIME) or action != Qt.DropAction.MoveAction:
            return False
        ids = bytes(data.data(PROVIDER_MIME).data()).decode().split("\n")
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self.rows))
        for provider_id in ids:
            if provider_id not in self.ids():
                return False
            source = self.row_of(provider_id)
            self.move(source, target)
            target = self.row_of(provider_id) + 1
        return False  # moved here already: tell the view not to remove the source rows

    def moveRows(
        self, source_parent: Index, source_row: int, count: int, dest_parent: Index, dest_child: int
    ) -> bool:
        """Move `count` rows starting at `source_row` to before `dest_child` (Qt's convention)."""
        if source_parent.isValid() or dest_parent.isValid() or count < 1:
            return False
        if source_row < 0 or source_row + count > len(self.rows) or not 0 <= dest_child <= len(self.rows):
            return False
        if source_row <= dest_child <= source_row + count:
            return dest_child in (source_row, source_row + count)  # a no-op move
        if not self.beginMoveRows(ROOT, source_row, source_row + count - 1, ROOT, dest_child):
            return False
        moving = self.rows[source_row : source_row + count]
        del self.rows[source_row : source_row + count]
        insert_at = dest_child - count if dest_child > source_row else dest_child
        self.rows[insert_at:insert_at] = moving
        self.endMoveRows()
        self._renumbered()
        return True

    def move(self, source: int, target: int) -> bool:
        """Move one row so that it ends up at position `target` (0-based, after removal)."""
        if not 0 <= source < len(self.rows):
            return False
        target = max(0, min(target, len(self.rows) - 1))
        if source == target:
            return False
        dest = target + 1 if target > source else target
        return self.moveRows(ROOT, source, 1, ROOT, dest)

    def _renumbered(self) -> None:
        if self.rows:
            self.dataChanged.emit(
                self.index(0),
                self.index(len(self.rows) - 1),
                [Qt.ItemDataRole.DisplayRole, Role.PRIORITY, Qt.ItemDataRole.AccessibleTextRole],
            )


# --------------------------------------------------------------------------------------------------
# Field-authority overrides
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OverrideRow:
    """One field-authority override: the field, its providers best first, exclusive or not."""

    field: str
    providers: tuple[str, ...]
    exclusive: bool = False

    def to_authority(self) -> FieldAuthority:
        return FieldAuthority(list(self.providers), self.exclusive)


class FieldAuthorityModel(RowTableModel[OverrideRow]):
    """Per-field overrides: Field | Providers (best first) | Exclusive | Language rule.

    Attributes:
        rows: the overrides in display order.
        names: provider id -> display name (for the providers column).
        language_rule: the merge's language rule as named for people ("language: de-DE first"),
            shown for the fields it can reorder; empty when the rule is off.
    """

    FIELD, PROVIDERS, EXCLUSIVE, RULE = range(4)
    HEADERS = ("Field", "Providers (best first)", "Exclusive", "Language rule")

    def __init__(self, names: dict[str, str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.names: dict[str, str] = dict(names or {})
        self.language_rule = ""

    def set_language_rule(self, rule: str) -> None:
        if rule != self.language_rule:
            self.language_rule = rule
            self.column_changed(self.RULE, [])

    def rule_text(self, row: OverrideRow) -> str:
        """The language rule of one override: none for an exclusive one (no other provider may
        answer) or a field no provider tags with a language."""
        if row.exclusive or row.field not in LANGUAGE_FIELDS:
            return ""
        return self.language_rule

    def authorities(self) -> dict[str, FieldAuthority]:
        return {row.field: row.to_authority() for row in self.rows}

    def fields(self) -> list[str]:
        return [row.field for row in self.rows]

    def add(self, row: OverrideRow) -> int:
        """Append an override (or replace the one for the same field); returns its row."""
        for number, existing in enumerate(self.rows):
            if existing.field == row.field:
                self.rows[number] = row
                self.dataChanged.emit(self.index(number, 0), self.index(number, self.RULE))
                return number
        number = len(self.rows)
        self.beginInsertRows(ROOT, number, number)
        self.rows.append(row)
        self.endInsertRows()
        return number

    def remove(self, number: int) -> bool:
        return self.removeRows(number, 1)

    def removeRows(self, row: int, count: int, parent: Index = ROOT) -> bool:
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self.rows):
            return False
        self.beginRemoveRows(ROOT, row, row + count - 1)
        del self.rows[row : row + count]
        self.endRemoveRows()
        return True

    def providers_text(self, providers: tuple[str, ...]) -> str:
        if not providers:
            return "(no provider)"
        return " > ".join(self.names.get(p, p) for p in providers)

    def row_data(self, row: OverrideRow, index: Index, role: int) -> Any:
        column = index.column()
        if role == Role.FIELD:
            return row.field
        if role == Role.PROVIDERS:
            return list(row.providers)
        if role == Role.EXCLUSIVE:
            return row.exclusive
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.FIELD:
                return label(row.field)
            if column == self.PROVIDERS:
                return self.providers_text(row.providers)
            if column == self.RULE:
                return self.rule_text(row)
            return None
        if role == Qt.ItemDataRole.CheckStateRole and column == self.EXCLUSIVE:
            return Qt.CheckState.Checked if row.exclusive else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.FIELD:
                return row.field
            if column == self.PROVIDERS:
                return "Double-click or press F2 to choose and order the providers"
            if column == self.RULE:
                return (
                    "Within these providers, a value in a language earlier in your language chain wins"
                    if self.rule_text(row)
                    else "The language rule does not reorder this field"
                )
            return "Exclusive: never fall back to other providers for this field"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return False
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == self.EXCLUSIVE:
            new = replace(row, exclusive=Qt.CheckState(value) == Qt.CheckState.Checked)
        elif role == Role.EXCLUSIVE:
            new = replace(row, exclusive=bool(value))
        elif role == Role.PROVIDERS:
            new = replace(row, providers=tuple(str(p) for p in value))
        else:
            return False
        self.rows[index.row()] = new
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), 2))
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.EXCLUSIVE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags


# --------------------------------------------------------------------------------------------------
# Provider health
# --------------------------------------------------------------------------------------------------


__all__ = ["PROVIDER_MIME", "FieldAuthorityModel", "OverrideRow", "ProviderOrderModel", "ProviderRow"]
