"""The providers page (document 5, UI 1): priority by drag and drop, enable switches, settings per
provider, field-authority overrides and the fill-gaps switch, with Save and Revert.

Picard's pattern: the models hold plain lists (``[(provider_id, enabled), ...]`` and the overrides),
`load()` fills them from the services, `save()` reads them back and stores them through the same
services as ``metarr providers set`` and ``metarr authority set``, and `problems()` is the validity
check (errors block Save; warnings are shown but do not).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtCore import QEvent
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import QRect
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPalette
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QListView
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QStyle
from PySide6.QtWidgets import QStyledItemDelegate
from PySide6.QtWidgets import QStyleOptionButton
from PySide6.QtWidgets import QStyleOptionViewItem
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.authority import AuthorityError
from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.fields import label
from metarr_desktop.core.languages import language_rule
from metarr_desktop.services.config import ConfigError
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.config import ProviderView
from metarr_desktop.ui.common import shortcuts
from metarr_desktop.ui.common.bridge import async_slot
from metarr_desktop.ui.common.bridge import dialog_result
from metarr_desktop.ui.common.controls import STRETCH
from metarr_desktop.ui.common.controls import lay_out
from metarr_desktop.ui.common.controls import push_button
from metarr_desktop.ui.common.page import PageView
from metarr_desktop.ui.common.pages import title_label
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.theme import error_colour
from metarr_desktop.ui.common.theme import warning_colour
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.providers.dialog import ProviderSettingsDialog
from metarr_desktop.ui.providers.models import FieldAuthorityModel
from metarr_desktop.ui.providers.models import OverrideRow
from metarr_desktop.ui.providers.models import ProviderOrderModel
from metarr_desktop.ui.providers.models import ProviderRow

#: Fields offered for overrides: the canonical fields without the ids.
OVERRIDABLE_FIELDS = tuple(f for f in ALL_FIELDS if not f.endswith("_id"))


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation message; errors block Save."""

    text: str
    error: bool = True


class ProviderRowDelegate(QStyledItemDelegate):
    """Draws a provider row (check box, grip, rank and name, a hint) with a Settings button on the
    right; a click on the button emits `settingsClicked`.

    Signals:
        settingsClicked(str): the provider id of the row whose button was pressed.
    """

    settingsClicked = Signal(str)
    BUTTON_WIDTH = 92

    def button_rect(self, option_rect: QRect) -> QRect:
        height = min(30, option_rect.height() - 8)
        return QRect(
            option_rect.right() - self.BUTTON_WIDTH - 6,
            option_rect.top() + (option_rect.height() - height) // 2,
            self.BUTTON_WIDTH,
            height,
        )

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + self.BUTTON_WIDTH + 16, max(size.height() + 14, 40))

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        hint = index.data(Role.HINT) or ""
        grip = "\u2630  "
        opt.text = f"{grip}{opt.text}"
        opt.rect = option.rect.adjusted(0, 0, -(self.BUTTON_WIDTH + 12), 0)
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        # Background of the whole row first, so that the button area is selected too.
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if hint:
            painter.save()
            colour = warning_colour(option.palette)
            if option.state & QStyle.StateFlag.State_Selected:
                colour = option.palette.color(QPalette.ColorRole.HighlightedText)
            painter.setPen(colour)
            text_rect = opt.rect.adjusted(0, 0, -8, 0)
            painter.drawText(
                text_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), hint
            )
            painter.restore()
        button = QStyleOptionButton()
        button.rect = self.button_rect(option.rect)
        button.text = "Settings…"
        button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        button.palette = option.palette
        button.fontMetrics = option.fontMetrics
        style.drawControl(QStyle.ControlElement.CE_PushButton, button, painter, widget)

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if isinstance(event, QMouseEvent) and self.button_rect(option.rect).contains(
            event.position().toPoint()
        ):
            if event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
                self.settingsClicked.emit(str(index.data(Role.PROVIDER_ID)))
            return True  # the button area neither selects nor toggles
        return super().editorEvent(event, model, option, index)


class ProviderListView(QListView):
    """The reorderable provider list (internal drag and drop; Alt+Up/Alt+Down move the current row)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMovement(QListView.Movement.Snap)
        self.setUniformItemSizes(True)
        self.setAlternatingRowColors(True)
        self.setAccessibleName("Provider priority")


class OverrideEditor(QDialog):
    """Choose and order the providers of one field override (a checkable, reorderable list).

    Attributes:
        model: all providers; checked ones are used, in list order.
    """

    def __init__(
        self,
        field: str,
        providers: list[str],
        names: dict[str, str],
        order: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Providers for {label(field)}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        ordered = list(providers) + [p for p in order if p not in providers]
        self.model = ProviderOrderModel(
            [ProviderRow(p, names.get(p, p), p in providers) for p in ordered], self
        )
        self.view = ProviderListView()
        self.view.setModel(self.model)
        up = QPushButton("Move up")
        down = QPushButton("Move down")
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(up)
        buttons_row.addWidget(down)
        buttons_row.addStretch(1)
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {error_colour(self.palette()).name()};")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Tick the providers {label(field)} may come from, best first:"))
        layout.addWidget(self.view)
        layout.addLayout(buttons_row)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.model.dataChanged.connect(self._check)
        self._check()

    def chosen(self) -> list[str]:
        return [pid for pid, used in self.model.pairs() if used]

    def _check(self) -> None:
        ok = bool(self.chosen())
        self.problem.setText("" if ok else "Choose at least one provider.")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def _move(self, step: int) -> None:
        row = self.view.currentIndex().row()
        if row >= 0 and self.model.move(row, row + step):
            self.view.setCurrentIndex(self.model.index(row + step))


class ProvidersPage(PageView):
    """Provider priority, enable switches, field-authority overrides and fill-gaps.

    Attributes:
        order: the provider list model ((provider_id, enabled) pairs, best first).
        overrides: the field-authority overrides model.
        views: the providers as last loaded or saved, by id.

    Signals:
        loaded(): `load()` finished.
        savedChanges(): `save()` stored everything.
        dirtyChanged(bool): whether there are unsaved changes.
        message(str): a status message for the window's status bar.
    """

    savedChanges = Signal()
    unsaved_changes = "the provider configuration"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("providers-page")
        self.views: dict[str, ProviderView] = {}
        self._baseline: tuple[list[tuple[str, bool]], list[OverrideRow], bool, bool] = ([], [], True, True)
        self._loading = False
        self.open_dialog: ProviderSettingsDialog | None = None
        self._chain: list[str] = []
        self.override_editor: OverrideEditor | None = None

        self.order = ProviderOrderModel(parent=self)
        self.overrides = FieldAuthorityModel(parent=self)

        priority_box = self._build_priority()
        authority_box = self._build_authority()
        self.fill_gaps = QCheckBox(
            "Fill gaps: use secondary providers for fields the preferred ones leave empty"
        )
        self.fill_gaps.setChecked(True)
        self.prefer_language = QCheckBox(
            "Prefer my language: a value in a language earlier in the language chain wins over the "
            "order above (e.g. TMDB's German plot over OMDb's English one)"
        )
        self.prefer_language.setChecked(True)

        actions = self._build_actions()
        title = title_label("Provider configuration")

        columns = QHBoxLayout()
        columns.addWidget(priority_box, 2)
        columns.addWidget(authority_box, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(columns, 1)
        layout.addWidget(self.fill_gaps)
        layout.addWidget(self.prefer_language)
        layout.addLayout(actions)

        for signal in (
            self.order.dataChanged,
            self.order.rowsMoved,
            self.order.modelReset,
            self.overrides.dataChanged,
            self.overrides.rowsInserted,
            self.overrides.rowsRemoved,
            self.overrides.modelReset,
        ):
            signal.connect(self._on_changed)
        self.fill_gaps.toggled.connect(self._on_changed)
        self.prefer_language.toggled.connect(self._on_changed)
        self.prefer_language.toggled.connect(lambda _on: self._show_language_rule())
        self.list.selectionModel().currentChanged.connect(self._sync_buttons)
        self.table.selectionModel().currentChanged.connect(self._sync_buttons)
        self._sync_buttons()
        self._update_validity()

    # -- building ----------------------------------------------------------------------------------

    def _build_priority(self) -> QGroupBox:
        """The providers in priority order (drag, or Alt+Up / Alt+Down), with their settings."""
        priority_box = QGroupBox("Provider priority")
        self.list = ProviderListView()
        self.list.setModel(self.order)
        self.delegate = ProviderRowDelegate(self.list)
        self.delegate.settingsClicked.connect(self._on_settings_requested)
        self.list.setItemDelegate(self.delegate)
        self.list.setMinimumHeight(4 * 42 + 6)
        self.up_button = push_button(
            "Move up", "Move the selected provider up (Alt+Up)", clicked=lambda: self.move_current(-1)
        )
        self.down_button = push_button(
            "Move down", "Move the selected provider down (Alt+Down)", clicked=lambda: self.move_current(1)
        )
        self.settings_button = push_button(
            "Settings…", "Settings of the selected provider (Enter)", clicked=self._on_settings_current
        )
        QShortcut(shortcuts.MOVE_PROVIDER.sequence(0), self.list, lambda: self.move_current(-1))
        QShortcut(shortcuts.MOVE_PROVIDER.sequence(1), self.list, lambda: self.move_current(1))
        QShortcut(shortcuts.PROVIDER_SETTINGS.sequence(), self.list, self._on_settings_current)
        hint = QLabel(
            "Drag to reorder (or Alt+Up / Alt+Down). Providers are asked in this order; untick to skip one."
        )
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        priority_layout = QVBoxLayout(priority_box)
        priority_layout.addWidget(hint)
        priority_layout.addWidget(self.list)
        priority_layout.addLayout(
            lay_out(QHBoxLayout(), self.up_button, self.down_button, STRETCH, self.settings_button)
        )
        return priority_box

    def _build_authority(self) -> QGroupBox:
        """The field-authority overrides, with the field to add and the buttons to edit them."""
        authority_box = QGroupBox("Field authority overrides")
        self.table = QTableView()
        self.table.setModel(self.overrides)
        self.table.setAccessibleName("Field authority overrides")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._on_override_double_clicked)
        QShortcut(shortcuts.EDIT_OVERRIDE.sequence(0), self.table, self._on_edit_override)
        QShortcut(shortcuts.EDIT_OVERRIDE.sequence(1), self.table, self.remove_current_override)
        self.field_choice = QComboBox()
        self.field_choice.setAccessibleName("Field to override")
        self.field_choice.setMinimumContentsLength(18)
        self.add_button = push_button("Add override", clicked=self._on_add_override)
        self.edit_button = push_button("Edit providers…", clicked=self._on_edit_override)
        self.remove_button = push_button("Remove", clicked=self.remove_current_override)
        authority_layout = QVBoxLayout(authority_box)
        authority_layout.addWidget(self.table)
        authority_layout.addLayout(
            lay_out(
                QHBoxLayout(),
                self.field_choice,
                self.add_button,
                STRETCH,
                self.edit_button,
                self.remove_button,
            )
        )
        return authority_box

    def _build_actions(self) -> QHBoxLayout:
        """What stops a save, beside Revert and Save."""
        self.problem_label = QLabel()
        self.problem_label.setObjectName("problems")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.RichText)
        self.problem_label.hide()
        self.revert_button = push_button("Revert", "Discard unsaved changes", clicked=self._on_revert_clicked)
        self.save_button = push_button(
            "Save", "Store the priority, switches and overrides (Ctrl+S)", clicked=self._on_save_clicked
        )
        self.save_button.setDefault(True)
        actions = QHBoxLayout()
        actions.addWidget(self.problem_label, 1)
        actions.addStretch(0)
        actions.addWidget(self.revert_button, 0, Qt.AlignmentFlag.AlignTop)
        actions.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        return actions

    # -- loading and saving ----------------------------------------------------------------------

    async def load(self) -> None:
        """Fill the page from the services (discarding unsaved changes)."""
        self._loading = True
        try:
            views = self.ctx.providers.all()
            authority = self.ctx.authority.get()
            self.views = {v.id: v for v in views}
            names = {v.id: v.spec.name for v in views}
            self.order.set_rows(
                [ProviderRow(v.id, v.spec.name, v.config.enabled, self._hint(v)) for v in views]
            )
            self.overrides.names = names
            self.overrides.set_rows(
                [
                    OverrideRow(f, tuple(a.providers), a.exclusive)
                    for f, a in authority.field_authorities.items()
                ]
            )
            self.fill_gaps.setChecked(authority.fill_gaps)
            self.prefer_language.setChecked(authority.prefer_language)
            self._chain = self.ctx.language_policy().chain()
            self._show_language_rule()
            self._baseline = self._state()
            self._refresh_field_choice()
        finally:
            self._loading = False
        self._on_changed()
        self.loaded.emit()

    def _show_language_rule(self) -> None:
        """The overrides name the language rule ("language: de-DE first") while it is on."""
        on = self.prefer_language.isChecked()
        self.overrides.set_language_rule(language_rule(self._chain) if on else "")

    def _hint(self, view: ProviderView) -> str:
        if view.start_error:
            return "could not start"
        if view.spec.needs_api_key and not view.has_api_key:
            return "no API key"
        return ""

    def _state(self) -> tuple[list[tuple[str, bool]], list[OverrideRow], bool, bool]:
        return (
            self.order.pairs(),
            list(self.overrides.rows),
            self.fill_gaps.isChecked(),
            self.prefer_language.isChecked(),
        )

    def authority_config(self) -> FieldAuthorityConfig:
        """The field-authority configuration the page describes (global priority = the list order)."""
        return FieldAuthorityConfig(
            self.order.ids(),
            self.overrides.authorities(),
            self.fill_gaps.isChecked(),
            self.prefer_language.isChecked(),
        )

    def is_dirty(self) -> bool:
        return self._state() != self._baseline

    def problems(self) -> list[Problem]:
        """The validity check: errors (block Save) and warnings."""
        found: list[Problem] = []
        pairs = self.order.pairs()
        enabled = {pid for pid, on in pairs if on}
        if pairs and not enabled:
            found.append(Problem("Enable at least one provider: with none, nothing can be fetched."))
        for row in self.overrides.rows:
            name = label(row.field)
            if not row.providers:
                found.append(Problem(f"{name}: choose at least one provider."))
            elif not enabled.intersection(row.providers):
                found.append(
                    Problem(f"{name}: all of its providers are disabled, so it stays empty.", error=False)
                )
        try:
            self.authority_config().validate(self.order.ids())
        except AuthorityError as exc:
            found.extend(
                Problem(p[0].upper() + p[1:] + ".")
                for p in exc.problems
                if not p.endswith("needs at least one provider")  # already said, in the user's words
            )
        for pid, on in pairs:
            view = self.views.get(pid)
            if not on:
                continue
            if view is not None and view.spec.needs_api_key and not view.has_api_key:
                found.append(
                    Problem(
                        f"{view.spec.name} is enabled but has no API key: open its Settings to add one.",
                        error=False,
                    )
                )
        return found

    def is_valid(self) -> bool:
        return not any(p.error for p in self.problems())

    async def save(self) -> bool:
        """Store the page through the services; on a rule broken, show why and keep the changes."""
        if not self.is_valid():
            self._update_validity()
            return False
        config = self.authority_config()
        self.save_button.setEnabled(False)
        try:
            baseline_enabled = dict(self._baseline[0])
            for pid, on in self.order.pairs():
                if baseline_enabled.get(pid) != on:
                    await self.ctx.providers.update(pid, ProviderUpdate(enabled=on))
            if self.order.ids() != [pid for pid, _ in self._baseline[0]]:
                await self.ctx.providers.reorder(self.order.ids())
            self.ctx.authority.set(config)
        except (ConfigError, AuthorityError) as exc:
            self._show_problems([Problem(p[0].upper() + p[1:] + ".") for p in exc.problems])
            self.save_button.setEnabled(True)
            return False
        except OSError as exc:  # the keyring or the database failed: tell the user, keep the page
            if isinstance(exc, StoreError) and exc.is_bug:
                raise  # this program's bug, not the machine's: the crash report shows it
            self._show_problems([Problem(f"Could not save: {exc}")])
            self.save_button.setEnabled(True)
            return False
        self.views = {v.id: v for v in self.ctx.providers.all()}
        self._baseline = self._state()
        self._on_changed()
        self.message.emit("Provider configuration saved.")
        self.savedChanges.emit()
        return True

    @async_slot()
    async def _on_save_clicked(self) -> None:
        await self.save()

    @async_slot()
    async def _on_revert_clicked(self) -> None:
        await self.load()
        self.message.emit("Unsaved provider changes discarded.")

    # -- editing -----------------------------------------------------------------------------------

    def move_current(self, step: int) -> bool:
        row = self.list.currentIndex().row()
        if row < 0 or not self.order.move(row, row + step):
            return False
        self.list.setCurrentIndex(self.order.index(row + step))
        return True

    def _refresh_field_choice(self) -> None:
        used = set(self.overrides.fields())
        current = self.field_choice.currentData()
        self.field_choice.clear()
        for name in OVERRIDABLE_FIELDS:
            if name not in used:
                self.field_choice.addItem(label(name), name)
        index = self.field_choice.findData(current)
        if index >= 0:
            self.field_choice.setCurrentIndex(index)
        self.add_button.setEnabled(self.field_choice.count() > 0)

    def add_override(self, field: str, providers: list[str] | None = None, exclusive: bool = False) -> int:
        """Add an override for `field` (by default: the first enabled provider of the list)."""
        if providers is None:
            enabled = [pid for pid, on in self.order.pairs() if on]
            providers = enabled[:1] or self.order.ids()[:1]
        row = self.overrides.add(OverrideRow(field, tuple(providers), exclusive))
        self._refresh_field_choice()
        self.table.selectRow(row)
        return row

    def _on_add_override(self) -> None:
        field = self.field_choice.currentData()
        if field:
            self.add_override(str(field))

    def remove_current_override(self) -> bool:
        row = self.table.currentIndex().row()
        if row < 0 or not self.overrides.remove(row):
            return False
        self._refresh_field_choice()
        return True

    @async_slot(QModelIndex)
    async def _on_override_double_clicked(self, index: QModelIndex) -> None:
        if index.column() != FieldAuthorityModel.EXCLUSIVE:
            await self.edit_override(index.row())

    @async_slot()
    async def _on_edit_override(self) -> None:
        row = self.table.currentIndex().row()
        if row >= 0:
            await self.edit_override(row)

    async def edit_override(self, row: int) -> bool:
        """Open the provider chooser of one override; True when it was changed."""
        override = self.overrides.rows[row]
        editor = OverrideEditor(
            override.field, list(override.providers), self.overrides.names, self.order.ids(), self
        )
        self.override_editor = editor
        try:
            if await dialog_result(editor) != QDialog.DialogCode.Accepted:
                return False
            self.overrides.setData(self.overrides.index(row, 1), editor.chosen(), Role.PROVIDERS)
            return True
        finally:
            self.override_editor = None
            editor.deleteLater()

    # -- the settings dialog ---------------------------------------------------------------------------

    @async_slot()
    async def _on_settings_current(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            await self.open_settings(str(index.data(Role.PROVIDER_ID)))

    @async_slot(str)
    async def _on_settings_requested(self, provider_id: str) -> None:
        await self.open_settings(provider_id)

    async def open_settings(self, provider_id: str) -> ProviderView | None:
        """Open a provider's settings dialog (``open()``, awaited); returns the saved view, if any."""
        if self.open_dialog is not None:
            self.open_dialog.raise_()
            return None
        dialog = ProviderSettingsDialog(self.ctx, provider_id, self)
        self.open_dialog = dialog
        try:
            await dialog_result(dialog)
        finally:
            self.open_dialog = None
            dialog.deleteLater()
        view = dialog.saved_view
        if view is not None:
            self._apply_saved_view(view)
            self.message.emit(f"{view.spec.name} settings saved.")
        return view

    def _apply_saved_view(self, view: ProviderView) -> None:
        """Take a dialog's saved change into the list without losing the page's other edits."""
        self.views[view.id] = view
        was_dirty = self.is_dirty()
        pairs, overrides, fill, prefer = self._baseline
        self._baseline = (
            [(p, view.config.enabled if p == view.id else on) for p, on in pairs],
            overrides,
            fill,
            prefer,
        )
        self.order.set_enabled(view.id, view.config.enabled)
        self.order.set_hint(view.id, self._hint(view))
        if not was_dirty:
            self._baseline = self._state()
        self._on_changed()

    # -- state --------------------------------------------------------------------------------------

    def _on_changed(self, *_args: object) -> None:
        if self._loading:
            return
        self._update_validity()
        self._report_dirty()
        self._sync_buttons()

    def _update_validity(self) -> None:
        self._show_problems(self.problems())

    def _show_problems(self, problems: list[Problem]) -> None:
        palette = self.palette()
        lines = []
        for problem in problems:
            colour = error_colour(palette) if problem.error else warning_colour(palette)
            mark = "✗" if problem.error else "⚠"
            text = problem.text.replace("&", "&amp;").replace("<", "&lt;")
            lines.append(f'<span style="color:{colour.name()}">{mark} {text}</span>')
        self.problem_label.setText("<br>".join(lines))
        self.problem_label.setVisible(bool(lines))
        errors = any(p.error for p in problems)
        self.save_button.setEnabled(self.is_dirty() and not errors)

    def _sync_buttons(self, *_args: object) -> None:
        row = self.list.currentIndex().row()
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.order.rowCount() - 1)
        self.settings_button.setEnabled(row >= 0)
        has_override = self.table.currentIndex().isValid()
        self.edit_button.setEnabled(has_override)
        self.remove_button.setEnabled(has_override)
        dirty = self.is_dirty()
        self.revert_button.setEnabled(dirty)
        self.save_button.setEnabled(dirty and self.is_valid())


__all__ = ["OVERRIDABLE_FIELDS", "OverrideEditor", "Problem", "ProvidersPage"]
