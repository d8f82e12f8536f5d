"""The field inspector dialog, opened from the movie page by clicking a field's source badge or
pressing Ctrl+I on a field (`attach_inspector`).

It shows the chosen value, its source and the rule that chose it; every provider's value with its
language and fetch time and why it lost; and two actions on the selected provider: "Use this
value" (applied with that source and locked) and "Always prefer this provider for this field" (the
field-authority rule edited, and said so). Reading is from the cache only: no request. The dialog
is opened with `open()`, never `exec()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.services.inspect import InspectError
from metarr_desktop.services.inspect import InspectService
from metarr_desktop.ui.common import shortcuts
from metarr_desktop.ui.common.bridge import spawn
from metarr_desktop.ui.common.controls import push_button
from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.common.pages import bold_font
from metarr_desktop.ui.common.pages import fix_columns
from metarr_desktop.ui.common.tables import read_only_rows
from metarr_desktop.ui.common.theme import error_colour
from metarr_desktop.ui.common.theme import warning_colour
from metarr_desktop.ui.inspect.model import CandidatesModel
from metarr_desktop.ui.inspect.presenter import InspectorPresenter
from metarr_desktop.ui.movie.models import FieldsModel

if TYPE_CHECKING:
    from metarr_desktop.ui.movie.page import MovieDetailPage


def _label(name: str) -> QLabel:
    widget = wrapped_label(name)  # plain text: provider text is data
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


class FieldInspectorDialog(QDialog):
    """One field of one movie, explained.

    Signals:
        changed(str): the movie changed (a value was used, or the rule edited); the field's name.
    """

    changed = Signal(str)

    def __init__(self, presenter: InspectorPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.setObjectName("field-inspector")
        self.setWindowTitle(presenter.title)
        self.resize(860, 500)
        self.model = CandidatesModel(self)
        self._build_labels()
        self._build_table()
        buttons = self._build_buttons()

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.chosen)
        layout.addWidget(self.rule)
        layout.addWidget(self.reason)
        layout.addWidget(self.pending)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.show_presenter()

    def _build_labels(self) -> None:
        """The heading, the chosen value, its rule and reason, what is pending, the status line."""
        self.heading = _label("inspector-heading")
        self.heading.setFont(bold_font(self, 1.15))
        self.chosen = _label("inspector-chosen")
        self.rule = _label("inspector-rule")
        self.rule.setFont(bold_font(self))
        self.reason = _label("inspector-reason")
        self.pending = _label("inspector-pending")
        self.status = _label("inspector-status")
        self.status.hide()

    def _build_table(self) -> None:
        """Every provider's value, one selectable row each."""
        self.table = read_only_rows(QTableView())
        self.table.setObjectName("inspector-candidates")
        self.table.setAccessibleName("Every provider's value")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        fix_columns(
            self.table.horizontalHeader(),
            {CandidatesModel.PROVIDER: 110, CandidatesModel.LANGUAGE: 80, CandidatesModel.FETCHED: 100},
            stretch=(CandidatesModel.VALUE, CandidatesModel.VERDICT),
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())

    def _build_buttons(self) -> QDialogButtonBox:
        """Close, and the two actions on the selected provider."""
        self.use_button = push_button(
            "Use this value",
            "Store the selected provider's value, marked with its source, and lock it",
            name="inspector-use",
            clicked=self.use_selected,
        )
        self.prefer_button = push_button(
            "Always prefer this provider for this field",
            "Put the selected provider first in this field's authority rule",
            name="inspector-prefer",
            clicked=self.prefer_selected,
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.use_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.prefer_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        return buttons

    def show_presenter(self) -> None:
        """Fill the dialog from the presenter (after `load` or an action)."""
        presenter = self.presenter
        self.heading.setText(presenter.title)
        self.chosen.setText(f"Value: {presenter.chosen_text()}")
        self.rule.setText(presenter.rule_line())
        self.reason.setText(presenter.reason())
        self.pending.setText(presenter.pending())
        self.pending.setVisible(bool(presenter.pending()))
        palette = self.pending.palette()
        palette.setColor(self.pending.foregroundRole(), warning_colour(self.palette()))
        self.pending.setPalette(palette)
        row = self.selected_row()
        selected = self.model.rows[row].provider if 0 <= row < len(self.model.rows) else None
        self.model.set_rows(presenter.rows)
        self.table.setColumnHidden(CandidatesModel.LANGUAGE, not any(r.language for r in presenter.rows))
        self.table.resizeRowsToContents()
        if presenter.rows and not (selected and self.select_provider(selected)):
            self.table.selectRow(0)
        self._update_actions()

    def selected_row(self) -> int:
        index = self.table.currentIndex() if hasattr(self, "table") else QModelIndex()
        return index.row() if index.isValid() else -1

    def select_provider(self, provider: str) -> bool:
        for row, candidate in enumerate(self.presenter.rows):
            if candidate.provider == provider:
                self.table.selectRow(row)
                return True
        return False

    def _update_actions(self) -> None:
        row = self.selected_row()
        self.use_button.setEnabled(self.presenter.can_use(row))
        self.prefer_button.setEnabled(self.presenter.can_prefer(row))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        palette = self.status.palette()
        colour = error_colour(self.palette()) if error else self.palette().color(self.foregroundRole())
        palette.setColor(self.status.foregroundRole(), colour)
        self.status.setPalette(palette)
        self.status.show()

    def use_selected(self) -> bool:
        """Store the selected provider's value (with its source, locked)."""
        return self._act(self.presenter.can_use, self.presenter.use, (InspectError, KeyError))

    def prefer_selected(self) -> bool:
        """Put the selected provider first in the field's authority rule."""
        return self._act(self.presenter.can_prefer, self.presenter.prefer, (InspectError, ValueError))

    def _act(
        self,
        allowed: Callable[[int], bool],
        action: Callable[[int], str],
        errors: tuple[type[Exception], ...],
    ) -> bool:
        """Run `action` on the selected row if `allowed`; say what it did, or (on one of `errors`)
        why it could not."""
        row = self.selected_row()
        if not allowed(row):
            return False
        try:
            text = action(row)
        except errors as exc:
            # A KeyError's str() quotes its message: show the message itself.
            self._say(str(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc), error=True)
            return False
        self.show_presenter()
        self._say(text)
        self.changed.emit(self.presenter.field)
        return True


def open_inspector(page: MovieDetailPage, field: str) -> FieldInspectorDialog | None:
    """Open the inspector on `field` of the page's movie (None when there is nothing to inspect)."""
    suite = page.ctx.suite
    if suite is None or page.movie_id is None or page.detail is None:
        return None
    service: InspectService = suite.inspect
    presenter = InspectorPresenter(
        service, page.movie_id, field, names=page.ctx.provider_names(), now=page.ctx.clock.now
    )
    try:
        presenter.load()
    except InspectError as exc:
        page.show_notice(str(exc), "error")
        return None
    dialog = FieldInspectorDialog(presenter, page)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    source = page.detail.fields[field].source if field in page.detail.fields else None
    if source:
        dialog.select_provider(source)
    dialog.changed.connect(lambda _name: spawn(page.load()))
    dialog.open()
    return dialog


def attach_inspector(page: MovieDetailPage) -> None:
    """Open the inspector from the page: a click on a source badge, or Ctrl+I on the current field."""

    def clicked(index: QModelIndex) -> None:
        if index.column() == FieldsModel.SOURCE:
            name = page.fields.field_at(index)
            if name is not None:
                open_inspector(page, name)

    def current() -> None:
        name = page.fields.field_at(page.table.currentIndex())
        if name is not None:
            open_inspector(page, name)

    page.table.clicked.connect(clicked)
    QShortcut(shortcuts.INSPECT_FIELD.sequence(), page, current)
