"""The library page: every movie in a table or a poster grid, filtered as you type, with adding and
enriching.

The table is a `LibraryModel` (``ui/library_model.py``) over the light rows of
`LibraryService.rows`, fast with 100,000 movies. The poster grid (``ui/poster_grid.py``) shows the
same model with the same selection model: the filter, the sort order and the selected movies are
the same in both, and switching brings the selection into view. List / Posters (Ctrl+Shift+L /
Ctrl+Shift+P) switch between them; the choice and the poster size are kept in the window's settings
file. In the grid a Sort box stands in for the table's header. Above them: Add folder (a folder dialog, then
`LibraryService.scan` as a job whose report is shown on the page), Add movie (`AddMovieDialog`),
Identify (for a movie that needs identification), Enrich selected and Enrich all (jobs through
``ctx.jobs`` with progress and Cancel; each movie's row is re-read as it finishes, and every movie
finished before a Cancel stays enriched).

Keyboard: Ctrl+F goes to the filter box, Enter there moves to the first movie; Enter or a double
click on a movie opens it (`movieActivated`); the context menu offers Open, Identify, Enrich and Sync
to players.

Without a library service the page explains why there is no list; an empty library shows Add folder
and Add movie buttons instead of an empty table, and a filter matching nothing says so.
"""

from __future__ import annotations

import asyncio
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSlider,
    QStackedLayout,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from metarr_desktop.core.providers import Priority
from metarr_desktop.services.enrich_job import EnrichJobReporter
from metarr_desktop.services.enrichment import EnrichOptions, EnrichReport, EnrichResult, Mode
from metarr_desktop.services.jobs import Job, JobHandle, JobState
from metarr_desktop.services.library import ScanReport
from metarr_desktop.ui.common.bridge import async_slot, dialog_result, spawn
from metarr_desktop.ui.common.page import PageView
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.library.add_movie_dialog import AddMovieDialog
from metarr_desktop.ui.library.model import POSTER_ROW_HEIGHT, THUMB_SIZE, Column, LibraryModel, RowState
from metarr_desktop.ui.library.poster_grid import (
    DEFAULT_POSTER_WIDTH,
    MAX_POSTER_WIDTH,
    MIN_POSTER_WIDTH,
    POSTER_WIDTH_STEP,
    PosterGridView,
    clamp_poster_width,
    selection_ranges,
    view_icon,
)
from metarr_desktop.ui.players.presenter import describe_report
from metarr_desktop.ui.publish.job import start_write_files

Index = QModelIndex | QPersistentModelIndex

#: Options of the two enrichment buttons: what a person asked for now, and the whole library the way
#: ``metarr enrich --all`` and the daily schedule do it (unmonitored movies skipped).
ENRICH_SELECTED = EnrichOptions(mode=Mode.MANUAL, priority=Priority.USER)
ENRICH_ALL = EnrichOptions(mode=Mode.AUTO, priority=Priority.BACKGROUND)

#: Finished movies are re-read together, at most this often (milliseconds).
RELOAD_INTERVAL_MS = 250
#: Warnings of a scan listed on the page (all of them go to the job's events).
WARNINGS_SHOWN = 5
WARNINGS_NOTED = 200

COMPACT_ROW_HEIGHT = 26


class ViewMode(StrEnum):
    """How the page shows the movies."""

    LIST = "list"
    POSTERS = "posters"


#: Where the view and the poster size are kept (the window's settings file, ``window.ini``).
VIEW_SETTING = "library/view"
POSTER_WIDTH_SETTING = "library/poster_width"
DEFAULT_VIEW = ViewMode.LIST

#: The grid's Sort box (the table sorts by its header; both set the same order): label, column, order.
_ASC, _DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
GRID_SORTS = (
    ("Title A–Z", Column.TITLE, _ASC),
    ("Title Z–A", Column.TITLE, _DESC),
    ("Year, newest first", Column.YEAR, _DESC),
    ("Year, oldest first", Column.YEAR, _ASC),
    ("Needing attention first", Column.STATUS, _ASC),
    ("Enriched first", Column.STATUS, _DESC),
    ("Recently enriched first", Column.ENRICHED, _DESC),
    ("Longest unenriched first", Column.ENRICHED, _ASC),
)


def page_settings(ctx: UiContext) -> QSettings | None:
    """The window's settings file in the profile (``main_window.window_settings``); QSettings objects
    on one file share their values within the process. None without a profile."""
    if ctx.suite is None:
        return None
    return QSettings(str(ctx.suite.app.profile.root / "window.ini"), QSettings.Format.IniFormat)


class PosterDelegate(QStyledItemDelegate):
    """Draws every poster in the same box (centred, never stretched), so that titles line up."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if option.features & QStyleOptionViewItem.ViewItemFeature.HasDecoration:
            option.decorationSize = THUMB_SIZE


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


def _movies(count: int) -> str:
    return f"{count:,} movie" if count == 1 else f"{count:,} movies"


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
        report: the last scan's report (hidden until a scan ends).
        empty: the explanation shown instead of the movies (no service, empty library, no match).
        folder_dialog, add_dialog: the dialog open now, if any (tests drive them).
        context_menu: the last context menu opened (replaced by the next one).
        available: whether a library service was given.

    Signals:
        loaded(): the page shows its final content.
        message(str): a line for the status bar.
        movieActivated(int): open this movie (Enter or a double click on its row).
        identifyRequested(int): the user asked to identify this movie.
    """

    movieActivated = Signal(int)
    identifyRequested = Signal(int)

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

        title = QLabel("Library")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)

        self.add_folder_button = QPushButton("Add folder…")
        self.add_folder_button.setToolTip("Scan a folder for movies and add the new ones")
        self.add_folder_button.clicked.connect(self._on_add_folder)
        self.add_movie_button = QPushButton("Add movie…")
        self.add_movie_button.setToolTip("Add one movie by title, year and (optionally) its id")
        self.add_movie_button.clicked.connect(self._on_add_movie)
        self.identify_button = QPushButton("Identify…")
        self.identify_button.setToolTip("Choose which film the selected movie is")
        self.identify_button.clicked.connect(self.identify_current)
        self.enrich_selected_button = QPushButton("Enrich selected")
        self.enrich_selected_button.setToolTip("Fetch fresh metadata for the selected movies now")
        self.enrich_selected_button.clicked.connect(self.enrich_selected)
        self.enrich_all_button = QPushButton("Enrich all")
        self.enrich_all_button.setToolTip(
            "Bring every monitored movie up to date (answers younger than the cache's age are reused)"
        )
        self.enrich_all_button.clicked.connect(self.enrich_all)
        self.write_files_button = QPushButton("Write files")
        self.write_files_button.setObjectName("library-write-files")
        self.write_files_button.setToolTip("Write the NFO and artwork next to the selected movies")
        self.write_files_button.clicked.connect(self.write_files_selected)

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

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("library-filter")
        self.filter_edit.setPlaceholderText("Filter by title or year (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter movies")
        self.filter_edit.textChanged.connect(self.set_filter)
        self.filter_edit.returnPressed.connect(self._filter_entered)
        self.count_label = QLabel()
        self.count_label.setObjectName("library-count")
        self.posters_button = QToolButton()
        self.posters_button.setText("Thumbnails")
        self.posters_button.setCheckable(True)
        self.posters_button.setChecked(True)
        self.posters_button.setToolTip("Show poster thumbnails in the list (taller rows)")
        self.posters_button.toggled.connect(self.set_posters)

        self.sort_label = QLabel("Sort:")
        self.sort_combo = QComboBox()
        self.sort_combo.setObjectName("library-grid-sort")
        self.sort_combo.setAccessibleName("Sort the posters")
        self.sort_combo.setToolTip("The order of the posters (the list's column order, in words)")
        for label, _column, _order in GRID_SORTS:
            self.sort_combo.addItem(label)
        self.sort_combo.activated.connect(self._grid_sort_chosen)
        self.size_label = QLabel("Size:")
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setObjectName("library-poster-size")
        self.size_slider.setAccessibleName("Poster size")
        self.size_slider.setToolTip("Poster size (or Ctrl+wheel over the posters)")
        self.size_slider.setRange(MIN_POSTER_WIDTH, MAX_POSTER_WIDTH)
        self.size_slider.setSingleStep(POSTER_WIDTH_STEP)
        self.size_slider.setPageStep(POSTER_WIDTH_STEP * 3)
        self.size_slider.setFixedWidth(110)
        self.size_slider.valueChanged.connect(self._size_chosen)

        self.list_button = QToolButton()
        self.list_button.setText("List")
        self.list_button.setToolTip("Show the movies as a table (Ctrl+Shift+L)")
        self.grid_button = QToolButton()
        self.grid_button.setText("Posters")
        self.grid_button.setToolTip("Show the movies as a poster grid (Ctrl+Shift+P)")
        self.view_buttons = QButtonGroup(self)
        self.view_buttons.setExclusive(True)
        for switch_button in (self.list_button, self.grid_button):
            switch_button.setCheckable(True)
            switch_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.view_buttons.addButton(switch_button)
        self.list_button.setChecked(True)
        self.list_button.clicked.connect(lambda: self.set_view_mode(ViewMode.LIST))
        self.grid_button.clicked.connect(lambda: self.set_view_mode(ViewMode.POSTERS))
        self._paint_view_icons()

        self.filter_bar = QWidget()
        filter_row = QHBoxLayout(self.filter_bar)
        filter_row.setContentsMargins(0, 0, 0, 0)
        filter_row.addWidget(self.filter_edit, 1)
        filter_row.addWidget(self.count_label)
        filter_row.addSpacing(12)
        filter_row.addWidget(self.posters_button)
        filter_row.addWidget(self.sort_label)
        filter_row.addWidget(self.sort_combo)
        filter_row.addSpacing(10)
        filter_row.addWidget(self.size_label)
        filter_row.addWidget(self.size_slider)
        filter_row.addSpacing(12)
        switch = QHBoxLayout()
        switch.setSpacing(0)
        switch.addWidget(self.list_button)
        switch.addWidget(self.grid_button)
        filter_row.addLayout(switch)

        self.report = QLabel()
        self.report.setObjectName("library-report")
        self.report.setWordWrap(True)
        self.report.setTextFormat(Qt.TextFormat.RichText)
        self.report.setFrameShape(QLabel.Shape.StyledPanel)
        self.report.setMargin(8)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report_close = QToolButton()
        self.report_close.setText("✕")
        self.report_close.setAutoRaise(True)
        self.report_close.setToolTip("Hide the scan report")
        self.report_close.clicked.connect(self.hide_report)
        self.report_row = QWidget()
        report_layout = QHBoxLayout(self.report_row)
        report_layout.setContentsMargins(0, 0, 0, 0)
        report_layout.addWidget(self.report, 1)
        report_layout.addWidget(self.report_close, 0, Qt.AlignmentFlag.AlignTop)
        self.report_row.hide()

        self.table = QTableView()
        self.table.setObjectName("library-table")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(Column.TITLE, PosterDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setSortingEnabled(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(lambda point: self._context_menu(self.table, point))
        self.table.activated.connect(self._activated)
        heading = self.table.horizontalHeader()
        # The header gets a selection model of its own, always empty. Sharing the table's (Qt's
        # default) makes every paint of the header ask `isColumnSelected` for each column, and Qt
        # answers that by visiting every row of the column: with 100,000 movies all selected, each
        # header paint cost 4 x 100,000 calls of the model's flags() (about 5 s after a select all,
        # a shift-click to the last row or a hover over the header). Whole rows are selected here,
        # so the header has nothing to highlight anyway (like the movie page's field table).
        heading.setHighlightSections(False)
        heading.setSelectionModel(QItemSelectionModel(self.model, heading))
        heading.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((Column.YEAR, 64), (Column.STATUS, 250), (Column.ENRICHED, 130)):
            heading.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            heading.resizeSection(column, width)
        heading.setSortIndicator(Column.TITLE, Qt.SortOrder.AscendingOrder)
        heading.sortIndicatorChanged.connect(self._show_sort)
        self._show_sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.table.selectionModel().currentRowChanged.connect(self._update_actions)
        self.model.dataChanged.connect(self._update_actions)
        self.model.layoutChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self.set_posters(True)

        self.grid = PosterGridView(ctx.images)
        self.grid.setModel(self.model)
        own_selection = self.grid.selectionModel()
        self.grid.setSelectionModel(self.table.selectionModel())
        own_selection.deleteLater()
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(lambda point: self._context_menu(self.grid, point))
        self.grid.activated.connect(self._activated)
        self.grid.posterWidthChanged.connect(self._poster_width_changed)

        self.empty = QLabel()
        self.empty.setObjectName("library-empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.empty.setMargin(24)
        self.empty_add_folder = QPushButton("Add folder…")
        self.empty_add_folder.clicked.connect(self._on_add_folder)
        self.empty_add_movie = QPushButton("Add movie…")
        self.empty_add_movie.clicked.connect(self._on_add_movie)
        self.empty_buttons = QWidget()
        buttons = QHBoxLayout(self.empty_buttons)
        buttons.addStretch(1)
        buttons.addWidget(self.empty_add_folder)
        buttons.addWidget(self.empty_add_movie)
        buttons.addStretch(1)
        self.clear_filter_button = QPushButton("Clear the filter")
        self.clear_filter_button.clicked.connect(self._clear_filter)
        self.no_match_buttons = QWidget()
        no_match = QHBoxLayout(self.no_match_buttons)
        no_match.addStretch(1)
        no_match.addWidget(self.clear_filter_button)
        no_match.addStretch(1)
        self.no_match_buttons.hide()
        self.empty_page = QWidget()
        empty_layout = QVBoxLayout(self.empty_page)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty)
        empty_layout.addWidget(self.empty_buttons)
        empty_layout.addWidget(self.no_match_buttons)
        empty_layout.addStretch(2)

        self.stack = QStackedLayout()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.empty_page)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.report_row)
        layout.addLayout(self.stack, 1)

        self.find_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        self.find_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_shortcut.activated.connect(self.focus_filter)
        self.list_shortcut = QShortcut(QKeySequence("Ctrl+Shift+L"), self)
        self.list_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.list_shortcut.activated.connect(lambda: self.set_view_mode(ViewMode.LIST))
        self.grid_shortcut = QShortcut(QKeySequence("Ctrl+Shift+P"), self)
        self.grid_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.grid_shortcut.activated.connect(lambda: self.set_view_mode(ViewMode.POSTERS))

        self._restore_view()
        self._update_count()
        self._update_actions()

    def _provider_names(self) -> dict[str, str]:
        return self.ctx.provider_names()

    # -- loading ---------------------------------------------------------------------------------

    async def load(self) -> None:
        """Read every movie (or explain why there is no list) and show the first screen."""
        library = self.ctx.library
        if library is None:
            self.empty.setText(
                "<h3>The library is not available</h3>"
                "<p>This window was opened without a library, so there is no list of movies to show. "
                "The <tt>metarr</tt> command manages the library meanwhile "
                "(<tt>metarr library scan DIR</tt>, <tt>metarr library list</tt>, "
                "<tt>metarr enrich --all</tt>), and the Providers, Health and Activity pages work.</p>"
            )
            self.empty_buttons.hide()
            self.filter_bar.hide()
            self.stack.setCurrentWidget(self.empty_page)
            self._update_actions()
            self.loaded.emit()
            return
        self.model.provider_names = self._provider_names()
        rows = await library.rows()
        self.model.set_rows(rows)
        self._shown = True
        self._show_list_or_empty()
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
        self._show_list_or_empty()

    def _show_list_or_empty(self) -> None:
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
            self.empty.setText(
                "<h3>Your library is empty</h3>"
                "<p>Add a folder of movies: each movie folder or video file in it becomes a movie, "
                "named from its NFO file or its name. Or add one movie by its title.</p>"
            )
            self.no_match_buttons.hide()
            self.empty_buttons.show()
            self.stack.setCurrentWidget(self.empty_page)
        elif not self.model.rowCount() and self.model.filter_text:
            self.empty.setText(
                f"<h3>No movie matches “{_html(self.filter_edit.text().strip())}”</h3>"
                "<p>The filter finds movies whose title or year contains every word typed, "
                "whatever the case and accents.</p>"
            )
            self.empty_buttons.hide()
            self.no_match_buttons.show()
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
            chosen = str(self.settings.value(VIEW_SETTING, DEFAULT_VIEW.value))
            mode = ViewMode(chosen) if chosen in {m.value for m in ViewMode} else DEFAULT_VIEW
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

    def _paint_view_icons(self) -> None:
        palette = self.palette()
        self.list_button.setIcon(QIcon(view_icon("list", palette)))
        self.grid_button.setIcon(QIcon(view_icon("posters", palette)))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._paint_view_icons()

    def _size_chosen(self, width: int) -> None:
        self.grid.set_poster_width(width)

    def _poster_width_changed(self, width: int) -> None:
        if self.size_slider.value() != width:
            self.size_slider.setValue(width)
        if self.settings is not None:
            self.settings.setValue(POSTER_WIDTH_SETTING, width)

    def _grid_sort_chosen(self, choice: int) -> None:
        if 0 <= choice < len(GRID_SORTS):
            _label, column, order = GRID_SORTS[choice]
            self.table.sortByColumn(column, order)
            self._reveal_selection()

    def _show_sort(self, column: int, order: Qt.SortOrder) -> None:
        for number, (_label, sort_column, sort_order) in enumerate(GRID_SORTS):
            if sort_column == column and sort_order == order:
                self.sort_combo.setCurrentIndex(number)
                return

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
        total, shown = self.model.total, self.model.rowCount()
        if self.model.filter_text:
            self.count_label.setText(f"{shown:,} of {_movies(total)}")
        else:
            self.count_label.setText(_movies(total))

    def set_posters(self, shown: bool) -> None:
        self.model.set_posters(shown)
        height = POSTER_ROW_HEIGHT if shown else COMPACT_ROW_HEIGHT
        self.table.verticalHeader().setDefaultSectionSize(height)
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
        self.enrich_selected_button.setEnabled(ready and self.table.selectionModel().hasSelection())
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
        return menu

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
        library = self.ctx.library
        if library is None:
            return None

        async def body(handle: JobHandle) -> ScanReport:
            handle.note(f"Scanning {folder}")
            report = await library.scan(folder)
            for warning in report.warnings[:WARNINGS_NOTED]:
                handle.note(warning)
            await self.reload_movies(report.added)
            self.show_scan_report(folder, report)
            return report

        job = self.ctx.jobs.start(f"Scan {folder}", body)
        job_task = job.task
        if job_task is not None:
            job_task.add_done_callback(lambda _task: self._scan_ended(job, folder))
        self.message.emit(f"Scanning {folder}…")
        return job

    def _scan_ended(self, job: Job, folder: str) -> None:
        if job.state is JobState.CANCELLED:
            self.message.emit(f"The scan of {folder} was cancelled; nothing was added.")
        elif job.error:
            self.show_report_text(f"<b>The scan of {_html(folder)} failed:</b> {_html(job.error)}")
            self.message.emit(f"The scan of {folder} failed: {job.error}")

    def show_scan_report(self, folder: str, report: ScanReport) -> None:
        added, existing, warnings = len(report.added), len(report.existing), len(report.warnings)
        summary = (
            f"{_movies(added)} added, {existing:,} already in the library, "
            f"{warnings:,} warning{'' if warnings == 1 else 's'}"
        )
        lines = [f"<b>Scan of {_html(folder)}:</b> {summary}."]
        if report.warnings:
            shown = "".join(f"<li>{_html(w)}</li>" for w in report.warnings[:WARNINGS_SHOWN])
            more = warnings - WARNINGS_SHOWN
            tail = f"<p>…and {more:,} more (listed on the Activity page).</p>" if more > 0 else ""
            lines.append(f"<ul style='margin: 2px 0'>{shown}</ul>{tail}")
        self.show_report_text("".join(lines))
        self.message.emit(f"Scan of {folder}: {summary}.")

    def show_report_text(self, html: str) -> None:
        self.report.setText(html)
        self.report_row.show()

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
        suite = self.ctx.suite
        dialog = AddMovieDialog(
            library, find_existing=suite.app.movies.find_by_ids if suite is not None else None, parent=self
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
        return start_write_files(self.ctx, ids, self._name, self.message.emit)

    def enrich_all(self) -> Job | None:
        return self.start_enrichment(None)

    def start_enrichment(self, ids: list[int] | None) -> Job | None:
        """Enrich these movies (None: the whole library) as a job with progress and Cancel.

        Each finished movie's row is re-read (a few at a time); a cancelled job keeps every movie
        finished before it stopped.
        """
        suite = self.ctx.suite
        if suite is None:
            self.message.emit("Enrichment is not available in this window.")
            return None
        if ids is None:
            title = "Enrich all movies"
        elif len(ids) == 1:
            row = self.model.view_row_of(ids[0])
            name = self.model.row_at(row).title if row >= 0 else f"movie {ids[0]}"
            title = f"Enrich {name}"
        else:
            title = f"Enrich {len(ids):,} movies"
        enrichment = suite.enrichment

        async def body(handle: JobHandle) -> EnrichReport:
            report = EnrichReport()
            handle.set_total(len(ids) if ids is not None else self.model.total)

            reporter = EnrichJobReporter(handle, self._name, self.ctx.provider_names())

            def progress(current: EnrichReport, result: EnrichResult) -> None:
                reporter.on_result(current, result)
                self._queue_reload(result.movie_id)

            try:
                if ids is None:
                    await enrichment.enrich_all(
                        ENRICH_ALL, on_progress=progress, report=report, progress_of=reporter.progress_of
                    )
                else:
                    await enrichment.enrich_many(
                        ids,
                        ENRICH_SELECTED,
                        on_progress=progress,
                        report=report,
                        progress_of=reporter.progress_of,
                    )
            except asyncio.CancelledError:
                self._reload_soon()
                self.message.emit(
                    f"{title}: cancelled after {_movies(len(report.results))}; those stay enriched."
                )
                raise
            await self.flush_reloads()
            self.message.emit(f"{title}: {_summary(report)}.")
            return report

        job = self.ctx.jobs.start(title, body)
        self.message.emit(f"{title}…")
        return job

    def _name(self, movie_id: int) -> str:
        row = self.model.view_row_of(movie_id)
        if row < 0:
            return f"movie {movie_id}"
        movie = self.model.row_at(row)
        return f"{movie.title} ({movie.year})" if movie.year else movie.title

    def _queue_reload(self, movie_id: int) -> None:
        self._pending_reload.add(movie_id)
        if not self._reload_timer.isActive():
            self._reload_timer.start()

    def _reload_soon(self) -> None:
        if self._pending_reload:
            spawn(self.flush_reloads())

    def _reload_pending(self) -> None:
        self._reload_soon()

    async def flush_reloads(self) -> None:
        """Re-read every movie finished since the last reload, now."""
        self._reload_timer.stop()
        ids, self._pending_reload = sorted(self._pending_reload), set()
        if ids:
            await self.reload_movies(ids)


def _summary(report: EnrichReport) -> str:
    counts = report.summary()
    parts = [
        f"{counts['enriched']:,} enriched",
        f"{counts['unchanged']:,} unchanged",
    ]
    for key, label in (
        ("skipped", "skipped"),
        ("needs_identification", "need identification"),
        ("failed", "failed"),
    ):
        if counts[key]:
            parts.append(f"{counts[key]:,} {label}")
    return ", ".join(parts)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["LibraryModel", "LibraryPage"]
