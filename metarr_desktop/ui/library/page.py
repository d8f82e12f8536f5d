"""The library page: every movie in a table or a poster grid, filtered as you type, with adding,
enriching and removing.

The table (``table.py``) is a `LibraryModel` (``model.py``) over the light rows of
`LibraryService.rows`, fast with 100,000 movies. The poster grid (``poster_grid.py``) shows the
same model with the same selection model: the filter, the sort order and the selected movies are
the same in both, and switching brings the selection into view. List / Posters (Ctrl+Shift+L /
Ctrl+Shift+P, in the filter bar of ``filter_bar.py``) switch between them; the choice and the
poster size are kept in the window's settings file. In the grid a Sort box stands in for the
table's header. Above them: Add folder (a folder dialog, then `LibraryService.scan` as a job whose
report, in plain text, is shown on the page), Add movie (`AddMovieDialog`: a title, or an id
alone), Identify (for a movie that needs identification), Enrich selected and Enrich all (jobs
through ``ctx.jobs`` with progress and Cancel, ``jobs.py``; each movie's row is re-read as it
finishes, and every movie finished before a Cancel stays enriched).

Keyboard: Ctrl+F goes to the filter box, Enter there moves to the first movie; Enter or a double
click on a movie opens it (`movieActivated`); Delete over the movies removes the selection from the
library after a confirmation (its files are never touched). The context menu offers Open, Identify,
Enrich, Sync to players, Write files, Preview changes and Remove from library.

Without a library service the page explains why there is no list; an empty library shows Add folder
and Add movie buttons instead of an empty table, and a filter matching nothing says so
(``panels.py``). What the page says is composed in ``presenter.py`` (no widgets).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtCore import QItemSelection
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QPoint
from PySide6.QtCore import QSettings
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QStackedLayout
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.services.jobs import Job
from metarr_desktop.services.library import ScanReport
from metarr_desktop.ui.common import shortcuts
from metarr_desktop.ui.common.bridge import async_slot
from metarr_desktop.ui.common.bridge import dialog_result
from metarr_desktop.ui.common.bridge import spawn
from metarr_desktop.ui.common.controls import push_button
from metarr_desktop.ui.common.page import PageView
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.library.add_movie_dialog import AddMovieDialog
from metarr_desktop.ui.library.filter_bar import FilterBar
from metarr_desktop.ui.library.jobs import remove_movies
from metarr_desktop.ui.library.jobs import start_enrichment
from metarr_desktop.ui.library.jobs import start_scan
from metarr_desktop.ui.library.model import Column
from metarr_desktop.ui.library.model import LibraryModel
from metarr_desktop.ui.library.model import RowState
from metarr_desktop.ui.library.panels import EmptyState
from metarr_desktop.ui.library.panels import ReportRow
from metarr_desktop.ui.library.poster_grid import DEFAULT_POSTER_WIDTH
from metarr_desktop.ui.library.poster_grid import PosterGridView
from metarr_desktop.ui.library.poster_grid import clamp_poster_width
from metarr_desktop.ui.library.poster_grid import selection_ranges
from metarr_desktop.ui.library.presenter import DEFAULT_VIEW
from metarr_desktop.ui.library.presenter import GRID_SORTS
from metarr_desktop.ui.library.presenter import POSTER_WIDTH_SETTING
from metarr_desktop.ui.library.presenter import RELOAD_INTERVAL_MS
from metarr_desktop.ui.library.presenter import VIEW_SETTING
from metarr_desktop.ui.library.presenter import ViewMode
from metarr_desktop.ui.library.presenter import count_text
from metarr_desktop.ui.library.presenter import grid_sort_index
from metarr_desktop.ui.library.presenter import remove_action_text
from metarr_desktop.ui.library.presenter import scan_report_text
from metarr_desktop.ui.library.presenter import scan_summary
from metarr_desktop.ui.library.presenter import stored_view
from metarr_desktop.ui.library.table import LibraryTable
from metarr_desktop.ui.players.presenter import describe_report
from metarr_desktop.ui.preview.flow import start_bulk_preview
from metarr_desktop.ui.publish.job import start_write_files

__all__ = [
    "POSTER_WIDTH_SETTING",
    "VIEW_SETTING",
    "LibraryModel",
    "LibraryPage",
    "ViewMode",
    "page_settings",
    "row_spans",
]


def page_settings(ctx: UiContext) -> QSettings | None:
    """The window's settings file in the profile (``main_window.window_settings``); QSettings objects
    on one file share their values within the process. None without a profile."""
    if ctx.suite is None:
        return None
    return QSettings(str(ctx.suite.profile_root / "window.ini"), QSettings.Format.IniFormat)


def row_spans(selection: QItemSelection, shown: int) -> list[tuple[int, int]]:
    """The rows of `selection` below `shown` as sorted, disjoint ``(start, stop)`` spans (stop
    excluded), read from its ranges and never from its indexes: selecting all of 100,000 movies is
    one range, and walking its indexes would visit 100,000 rows (times the columns)."""
    spans: list[tuple[int, int]] = []
    for start, stop in sorted((r.top(), min(r.bottom() + 1, shown)) for r in selection_ranges(selection)):
        if start >= stop:
            continue
        if spans and start <= spans[-1][1]:
            if stop > spans[-1][1]:
                spans[-1] = (spans[-1][0], stop)
        else:
            spans.append((start, stop))
    return spans


class LibraryPage(PageView):
    """The movie table or poster grid with its filter, toolbar, scan report and empty states.

    Attributes:
        model: the movies (filtered and sorted by the model itself).
        table: the list view.
        grid: the poster grid (the same model and selection model as the table).
        view_mode: which of the two is shown.
        settings: where the view and the poster size are kept (None: not kept).
        filter_bar, filter_edit, count_label: the filter box and "12 of 100,000 movies" (hidden while
            the library is empty).
        list_button, grid_button: the List / Posters switch.
        sort_combo, size_slider: the grid's order and poster size (shown with the grid, with their
            labels sort_label and size_label).
        add_folder_button, add_movie_button, identify_button, enrich_selected_button,
        enrich_all_button, posters_button: the toolbar (posters_button: thumbnails in the list).
        report_row, report: the last scan's report (hidden until a scan ends).
        empty_state, empty: the explanation shown instead of the movies (no service, empty
            library, no match).
        folder_dialog, add_dialog, remove_dialog: the dialog open now, if any (tests drive them).
        context_menu: the last context menu opened (replaced by the next one).
        available: whether a library service was given.

    Signals:
        loaded(): the page shows its final content.
        message(str): a line for the status bar.
        movieActivated(int): open this movie (Enter or a double click on its row).
        identifyRequested(int): the user asked to identify this movie.
        moviesRemoved(list): these movies were removed from the library (their ids).
    """

    movieActivated = Signal(int)
    identifyRequested = Signal(int)
    moviesRemoved = Signal(list)

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, settings: QSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("library-page")
        self.available = ctx.library is not None
        self.settings = settings if settings is not None else page_settings(ctx)
        self.view_mode = ViewMode.LIST
        self._shown = False  # the first load() has ended
        self.folder_dialog: QFileDialog | None = None
        self.add_dialog: AddMovieDialog | None = None
        self.remove_dialog: QMessageBox | None = None
        self.context_menu: QMenu | None = None
        self._pending_reload: set[int] = set()
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_INTERVAL_MS)
        self._reload_timer.timeout.connect(self._reload_pending)
        self.model = LibraryModel(
            images=ctx.images,
            provider_names=self._provider_names(),
            now=ctx.clock.now,
            parent=self,
        )
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_header())
        layout.addWidget(self._build_filter_bar())
        self.report_row = ReportRow()
        self.report = self.report_row.report
        self.report_close = self.report_row.close_button
        layout.addWidget(self.report_row)
        self.stack = QStackedLayout()
        self.stack.addWidget(self._build_table())
        self.stack.addWidget(self._build_grid(ctx))
        self.stack.addWidget(self._build_empty_state())
        layout.addLayout(self.stack, 1)
        self._build_shortcuts()
        self._restore_view()
        self._update_count()
        self._update_actions()

    # -- building ----------------------------------------------------------------------------------

    def _build_header(self) -> QHBoxLayout:
        """The title and the toolbar."""
        title = QLabel("Library")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.add_folder_button = push_button(
            "Add folder…", "Scan a folder for movies and add the new ones", clicked=self._on_add_folder
        )
        self.add_movie_button = push_button(
            "Add movie…", "Add one movie by its title, or by an id alone", clicked=self._on_add_movie
        )
        self.identify_button = push_button(
            "Identify…", "Choose which film the selected movie is", clicked=self.identify_current
        )
        self.enrich_selected_button = push_button(
            "Enrich selected",
            "Fetch fresh metadata for the selected movies now",
            clicked=self.enrich_selected,
        )
        self.enrich_all_button = push_button(
            "Enrich all",
            "Bring every monitored movie up to date (answers younger than the cache's age are reused)",
            clicked=self.enrich_all,
        )
        self.write_files_button = push_button(
            "Write files",
            "Write the NFO and artwork next to the selected movies",
            name="library-write-files",
            clicked=self.write_files_selected,
        )
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        for button in (
            self.add_folder_button,
            self.add_movie_button,
            self.identify_button,
            self.enrich_selected_button,
            self.enrich_all_button,
            self.write_files_button,
        ):
            header.addWidget(button)
        return header

    def _build_filter_bar(self) -> FilterBar:
        """The filter and view controls; their widgets are also the page's attributes."""
        bar = self.filter_bar = FilterBar()
        self.filter_edit = bar.filter_edit
        self.count_label = bar.count_label
        self.posters_button = bar.posters_button
        self.sort_label, self.sort_combo = bar.sort_label, bar.sort_combo
        self.size_label, self.size_slider = bar.size_label, bar.size_slider
        self.list_button, self.grid_button = bar.list_button, bar.grid_button
        self.view_buttons = bar.view_buttons
        self.filter_edit.textChanged.connect(self.set_filter)
        self.filter_edit.returnPressed.connect(self._filter_entered)
        self.posters_button.toggled.connect(self.set_posters)
        self.sort_combo.activated.connect(self._grid_sort_chosen)
        self.size_slider.valueChanged.connect(self._size_chosen)
        self.list_button.clicked.connect(lambda: self.set_view_mode(ViewMode.LIST))
        self.grid_button.clicked.connect(lambda: self.set_view_mode(ViewMode.POSTERS))
        return bar

    def _build_table(self) -> LibraryTable:
        self.table = LibraryTable(self.model)
        self.table.customContextMenuRequested.connect(lambda point: self._context_menu(self.table, point))
        self.table.activated.connect(self._activated)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._show_sort)
        self._show_sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.table.selectionModel().currentRowChanged.connect(self._update_actions)
        self.model.dataChanged.connect(self._update_actions)
        self.model.layoutChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self.set_posters(True)
        return self.table

    def _build_grid(self, ctx: UiContext) -> PosterGridView:
        """The poster grid over the same model and the same selection as the table."""
        self.grid = PosterGridView(ctx.images)
        self.grid.setModel(self.model)
        own_selection = self.grid.selectionModel()
        self.grid.setSelectionModel(self.table.selectionModel())
        own_selection.deleteLater()
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(lambda point: self._context_menu(self.grid, point))
        self.grid.activated.connect(self._activated)
        self.grid.posterWidthChanged.connect(self._poster_width_changed)
        return self.grid

    def _build_empty_state(self) -> EmptyState:
        state = self.empty_page = self.empty_state = EmptyState()
        self.empty = state.text
        self.empty_buttons, self.no_match_buttons = state.add_buttons, state.no_match_buttons
        self.empty_add_folder, self.empty_add_movie = state.add_folder_button, state.add_movie_button
        self.clear_filter_button = state.clear_filter_button
        self.empty_add_folder.clicked.connect(self._on_add_folder)
        self.empty_add_movie.clicked.connect(self._on_add_movie)
        self.clear_filter_button.clicked.connect(self._clear_filter)
        return state

    def _build_shortcuts(self) -> None:
        """Ctrl+F, Ctrl+Shift+L / Ctrl+Shift+P, and Delete over the movies (removes the selection)."""
        self.find_shortcut = QShortcut(shortcuts.FILTER_LIBRARY.sequence(), self)
        self.find_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_shortcut.activated.connect(self.focus_filter)
        self.list_shortcut = QShortcut(shortcuts.LIBRARY_VIEWS.sequence(0), self)
        self.list_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.list_shortcut.activated.connect(lambda: self.set_view_mode(ViewMode.LIST))
        self.grid_shortcut = QShortcut(shortcuts.LIBRARY_VIEWS.sequence(1), self)
        self.grid_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.grid_shortcut.activated.connect(lambda: self.set_view_mode(ViewMode.POSTERS))
        self.remove_action = QAction("Remove from library…", self)
        self.remove_action.setShortcut(shortcuts.REMOVE_MOVIES.sequence())
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(self._on_remove)
        for view in (self.table, self.grid):
            view.addAction(self.remove_action)

    def _provider_names(self) -> dict[str, str]:
        return self.ctx.provider_names()

    # -- loading ---------------------------------------------------------------------------------

    async def load(self) -> None:
        """Read every movie (or explain why there is no list) and show the first screen."""
        library = self.ctx.library
        if library is None:
            self.empty_state.show_no_library()
            self.filter_bar.hide()
            self.stack.setCurrentWidget(self.empty_page)
            self._update_actions()
            self.loaded.emit()
            return
        self.model.provider_names = self._provider_names()
        rows = await library.rows()
        self.model.set_rows(rows)
        self._shown = True
        self.show_list_or_empty()
        self.loaded.emit()

    async def reload_movies(self, ids: list[int]) -> None:
        """Re-read these movies' rows (new ones are added, deleted ones dropped)."""
        library = self.ctx.library
        if library is None or not ids:
            return
        wanted = list(dict.fromkeys(ids))
        rows = await library.rows(wanted)
        found = {row.id for row in rows}
        self.model.update_rows(rows, removed=[i for i in wanted if i not in found])
        self.show_list_or_empty()

    def show_list_or_empty(self) -> None:
        self.filter_bar.setVisible(self.model.total > 0)
        self._update_stack()
        self._update_count()
        self._update_actions()

    def _update_stack(self) -> None:
        """Show the table or the grid; or why there is nothing to show (no library, an empty one,
        no match)."""
        if not self.available:
            self.stack.setCurrentWidget(self.empty_page)
            return
        if not self._shown:
            self.stack.setCurrentWidget(self.current_view())
            return
        if not self.model.total:
            self.empty_state.show_empty_library()
            self.stack.setCurrentWidget(self.empty_page)
        elif not self.model.rowCount() and self.model.filter_text:
            self.empty_state.show_no_match(self.filter_edit.text().strip())
            self.stack.setCurrentWidget(self.empty_page)
        else:
            self.stack.setCurrentWidget(self.current_view())

    def _clear_filter(self) -> None:
        self.filter_edit.clear()
        self.filter_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- list or posters ---------------------------------------------------------------------------

    def current_view(self) -> QAbstractItemView:
        """The view shown for the movies (the table or the grid)."""
        return self.grid if self.view_mode is ViewMode.POSTERS else self.table

    def set_view_mode(self, mode: ViewMode, *, remember: bool = True) -> None:
        """Show the movies as a table or a poster grid, keeping the selection (brought into view);
        the choice is remembered unless `remember` is False (a one-off view, e.g. for a screenshot)."""
        before = self.current_view()
        had_focus = before.hasFocus()
        self.view_mode = mode
        posters = mode is ViewMode.POSTERS
        button = self.grid_button if posters else self.list_button
        if not button.isChecked():
            button.setChecked(True)
        self.posters_button.setVisible(not posters)
        for widget in (self.sort_label, self.sort_combo, self.size_label, self.size_slider):
            widget.setVisible(posters)
        self._update_stack()
        view = self.current_view()
        current = self.table.currentIndex()
        if current.isValid() and current.column() != Column.TITLE:
            # The grid shows the Title column only: its current card is the current row's title.
            self.table.selectionModel().setCurrentIndex(
                current.siblingAtColumn(Column.TITLE), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        self._reveal_selection()
        if had_focus and view is not before:
            view.setFocus(Qt.FocusReason.OtherFocusReason)
        if remember and self.settings is not None and self.settings.value(VIEW_SETTING) != mode.value:
            self.settings.setValue(VIEW_SETTING, mode.value)
            self.settings.sync()

    def _restore_view(self) -> None:
        width, mode = DEFAULT_POSTER_WIDTH, DEFAULT_VIEW
        if self.settings is not None:
            stored = self.settings.value(POSTER_WIDTH_SETTING, DEFAULT_POSTER_WIDTH)
            try:
                width = clamp_poster_width(int(str(stored)))
            except ValueError:
                width = DEFAULT_POSTER_WIDTH
            mode = stored_view(self.settings.value(VIEW_SETTING, DEFAULT_VIEW.value))
        self.grid.set_poster_width(width)
        self.size_slider.setValue(self.grid.poster_width)
        self.set_view_mode(mode)

    def _reveal_selection(self) -> None:
        """Scroll the shown view to the current movie, or else to the first selected one."""
        target: QModelIndex | None = None
        current = self.table.currentIndex()
        selection = self.table.selectionModel().selection()
        if current.isValid() and (not selection or self.table.selectionModel().isSelected(current)):
            target = current
        elif selection:
            target = self.model.index(min(r.top() for r in selection_ranges(selection)), Column.TITLE)
        if target is None or not target.isValid():
            return
        if self.view_mode is ViewMode.POSTERS:
            self.grid.scroll_to_movie_index(target)
        else:
            self.table.scrollTo(target)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.filter_bar.paint_view_icons()

    def _size_chosen(self, width: int) -> None:
        self.grid.set_poster_width(width)

    def _poster_width_changed(self, width: int) -> None:
        if self.size_slider.value() != width:
            self.size_slider.setValue(width)
        if self.settings is not None:
            self.settings.setValue(POSTER_WIDTH_SETTING, width)

    def _grid_sort_chosen(self, choice: int) -> None:
        if 0 <= choice < len(GRID_SORTS):
            sort = GRID_SORTS[choice]
            order = Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
            self.table.sortByColumn(sort.column, order)
            self._reveal_selection()

    def _show_sort(self, column: int, order: Qt.SortOrder) -> None:
        number = grid_sort_index(column, order == Qt.SortOrder.DescendingOrder)
        if number is not None:
            self.sort_combo.setCurrentIndex(number)

    # -- filter, posters, selection ---------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._update_count()
        if self._shown and self.model.total:
            self._update_stack()

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _filter_entered(self) -> None:
        if self.model.rowCount():
            self.current_view().setFocus(Qt.FocusReason.OtherFocusReason)
            self._select_row(0)

    def _update_count(self) -> None:
        model = self.model
        self.count_label.setText(count_text(model.total, model.rowCount(), bool(model.filter_text)))

    def set_posters(self, shown: bool) -> None:
        self.model.set_posters(shown)
        self.table.set_row_height(shown)
        if self.posters_button.isChecked() != shown:
            self.posters_button.setChecked(shown)

    def selected_spans(self) -> list[tuple[int, int]]:
        """The selected view rows as sorted, disjoint ``(start, stop)`` spans (`row_spans`)."""
        return row_spans(self.table.selectionModel().selection(), self.model.rowCount())

    def selected_count(self) -> int:
        """How many movies are selected, counted from the selection's ranges (never row by row)."""
        return sum(stop - start for start, stop in self.selected_spans())

    def selected_ids(self) -> list[int]:
        """The selected movies' ids, in view order (read from the selection's ranges: selecting
        all of 100,000 movies is a single range)."""
        ids: list[int] = []
        for start, stop in self.selected_spans():
            ids.extend(self.model.shown_ids(start, stop))
        return ids

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.movie_id(index.row())

    def select_movie(self, movie_id: int) -> bool:
        """Make this movie the current, selected row (False when it is not shown)."""
        row = self.model.view_row_of(movie_id)
        if row < 0:
            return False
        self._select_row(row)
        return True

    def _select_row(self, row: int) -> None:
        """Make this row the current and only selected one, and scroll the shown view to it."""
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, Column.TITLE), flags.ClearAndSelect | flags.Rows
        )
        self._reveal_selection()

    def _current_needs_identification(self) -> bool:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return False
        return self.model.state_at(index.row()) is RowState.NEEDS_IDENTIFICATION

    def _update_actions(self, *_args: object) -> None:
        ready = self.available and self.ctx.suite is not None
        self.add_folder_button.setEnabled(self.available)
        self.add_movie_button.setEnabled(self.available)
        self.enrich_all_button.setEnabled(ready and self.model.total > 0)
        selected = ready and self.table.selectionModel().hasSelection()
        self.enrich_selected_button.setEnabled(selected)
        self.write_files_button.setEnabled(selected)
        self.identify_button.setEnabled(self._current_needs_identification())
        self.filter_edit.setEnabled(self.available)
        self.posters_button.setEnabled(self.available)

    # -- opening and identifying -------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid() and index.row() < self.model.rowCount():
            self.movieActivated.emit(self.model.movie_id(index.row()))

    def identify_current(self) -> None:
        movie_id = self.current_id()
        if movie_id is not None:
            self.identifyRequested.emit(movie_id)

    def _context_menu(self, view: QAbstractItemView, point: QPoint) -> None:
        """The menu of the movie under `point` in `view`; a right click inside a selection of several
        movies keeps it (the menu then enriches them all)."""
        index = view.indexAt(point)
        if not index.isValid():
            return
        flags = QItemSelectionModel.SelectionFlag
        selection = self.table.selectionModel()
        if selection.isSelected(index):
            selection.setCurrentIndex(index, flags.NoUpdate)
        else:
            selection.setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        if self.context_menu is not None:
            self.context_menu.deleteLater()
        self.context_menu = self.build_context_menu(index.row())
        self.context_menu.popup(view.viewport().mapToGlobal(point))

    def build_context_menu(self, row: int) -> QMenu:
        """The context menu of a row: Open, Identify (when it needs identification), Enrich."""
        movie_id = self.model.movie_id(row)
        menu = QMenu(self)
        menu.setObjectName("library-menu")
        opened = menu.addAction("Open")
        opened.triggered.connect(lambda: self.movieActivated.emit(movie_id))
        if self.model.state_at(row) is RowState.NEEDS_IDENTIFICATION:
            identify = menu.addAction("Identify…")
            identify.triggered.connect(lambda: self.identifyRequested.emit(movie_id))
        menu.addSeparator()
        count = self.selected_count()
        enrich = menu.addAction("Enrich" if count <= 1 else f"Enrich {count:,} movies")
        enrich.setEnabled(self.ctx.suite is not None)
        enrich.triggered.connect(self.enrich_selected)
        if self.ctx.players is not None and self.ctx.players.all():  # only once a player is set up
            sync = menu.addAction("Sync to players" if count <= 1 else f"Sync {count:,} movies to players")
            sync.triggered.connect(lambda: spawn(self.sync_selected()))
        write = menu.addAction("Write files" if count <= 1 else f"Write files of {count:,} movies")
        write.setEnabled(self.ctx.suite is not None)
        write.triggered.connect(self.write_files_selected)
        if self.model.state_at(row) is not RowState.NEEDS_IDENTIFICATION:  # identify those first
            text = "Preview changes…" if count <= 1 else f"Preview changes for {count:,} movies…"
            preview = menu.addAction(text)
            preview.setEnabled(self.ctx.suite is not None)
            preview.triggered.connect(lambda: start_bulk_preview(self, self.selected_ids() or [movie_id]))
        menu.addSeparator()
        remove = menu.addAction(remove_action_text(count))
        remove.setObjectName("library-remove")
        remove.setEnabled(self.ctx.library is not None)
        remove.triggered.connect(self._on_remove)
        return menu

    # -- removing ----------------------------------------------------------------------------------

    def _on_remove(self) -> None:
        spawn(self.remove_selected())

    async def remove_selected(self) -> list[int]:
        """ "Remove from library…" (the context menu, or Delete over the movies) for the selection,
        after a confirmation that says the files on disk are not touched. The ids removed."""
        ids = self.selected_ids()
        if not ids:
            current = self.current_id()
            ids = [current] if current is not None else []
        if not ids:
            self.message.emit("Select the movies to remove first.")
            return []
        return await remove_movies(self, ids)

    async def sync_selected(self) -> str:
        """ "Sync to players" for the selection: tell every player about these movies now."""
        ids = self.selected_ids()
        if self.ctx.players is None or not ids:
            return ""
        text = describe_report(await self.ctx.players.sync(ids))
        self.message.emit(text)
        return text

    # -- adding ------------------------------------------------------------------------------------

    @async_slot()
    async def _on_add_folder(self) -> None:
        await self.add_folder()

    async def add_folder(self) -> Job | None:
        """Ask for a folder (a non-native dialog, opened without blocking), then scan it as a job."""
        if self.ctx.library is None:
            return None
        dialog = QFileDialog(self, "Add a folder of movies")
        dialog.setObjectName("library-folder-dialog")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setDirectory(str(Path.home()))
        self.folder_dialog = dialog
        try:
            code = await dialog_result(dialog)
            chosen = dialog.selectedFiles()
        finally:
            self.folder_dialog = None
            dialog.deleteLater()
        if code != QDialog.DialogCode.Accepted or not chosen:
            return None
        return self.start_scan(chosen[0])

    def start_scan(self, folder: str) -> Job | None:
        """Scan `folder` for movies as a job; the report is shown on the page when it ends."""
        return start_scan(self, folder)

    def show_scan_report(self, folder: str, report: ScanReport) -> None:
        self.show_report_text(scan_report_text(folder, report))
        self.message.emit(f"Scan of {folder}: {scan_summary(report)}.")

    def show_report_text(self, text: str) -> None:
        """Show a report (plain text) above the movies."""
        self.report_row.show_text(text)

    def hide_report(self) -> None:
        self.report_row.hide()

    @async_slot()
    async def _on_add_movie(self) -> None:
        await self.add_movie()

    async def add_movie(self) -> int | None:
        """Ask for one movie and add it; its id, or None when cancelled."""
        library = self.ctx.library
        if library is None:
            return None
        dialog = AddMovieDialog(
            library,
            find_existing=library.find_by_ids,
            look_up=self.ctx.suite.identification if self.ctx.suite is not None else None,
            parent=self,
        )
        self.add_dialog = dialog
        try:
            code = await dialog_result(dialog)
        finally:
            self.add_dialog = None
            dialog.deleteLater()
        added = dialog.added
        if code != QDialog.DialogCode.Accepted or added is None:
            return None
        await self.reload_movies([added.id])
        if not self.select_movie(added.id) and self.model.filter_text:
            self.filter_edit.clear()
            self.select_movie(added.id)
        year = f" ({added.year})" if added.year else ""
        self.message.emit(f"Added {added.title}{year}.")
        return added.id

    # -- enriching ---------------------------------------------------------------------------------

    def enrich_selected(self) -> Job | None:
        ids = self.selected_ids()
        if not ids:
            self.message.emit("Select the movies to enrich first.")
            return None
        return self.start_enrichment(ids)

    def write_files_selected(self) -> Job | None:
        """Write the selected movies' NFO and artwork as one job (`ui.publish.job`)."""
        ids = self.selected_ids()
        if not ids:
            self.message.emit("Select the movies whose files to write first.")
            return None
        return start_write_files(self.ctx, ids, self.name_of, self.message.emit)

    def enrich_all(self) -> Job | None:
        return self.start_enrichment(None)

    def start_enrichment(self, ids: list[int] | None) -> Job | None:
        """Enrich these movies (None: the whole library) as a job with progress and Cancel.

        Each finished movie's row is re-read (a few at a time); a cancelled job keeps every movie
        finished before it stopped.
        """
        return start_enrichment(self, ids)

    def title_of(self, movie_id: int) -> str:
        row = self.model.view_row_of(movie_id)
        return self.model.row_at(row).title if row >= 0 else f"movie {movie_id}"

    def name_of(self, movie_id: int) -> str:
        row = self.model.view_row_of(movie_id)
        if row < 0:
            return f"movie {movie_id}"
        movie = self.model.row_at(row)
        return f"{movie.title} ({movie.year})" if movie.year else movie.title

    def queue_reload(self, movie_id: int) -> None:
        self._pending_reload.add(movie_id)
        if not self._reload_timer.isActive():
            self._reload_timer.start()

    def reload_soon(self) -> None:
        if self._pending_reload:
            spawn(self.flush_reloads())

    def _reload_pending(self) -> None:
        self.reload_soon()

    async def flush_reloads(self) -> None:
        """Re-read every movie finished since the last reload, now."""
        self._reload_timer.stop()
        ids, self._pending_reload = sorted(self._pending_reload), set()
        if ids:
            await self.reload_movies(ids)
