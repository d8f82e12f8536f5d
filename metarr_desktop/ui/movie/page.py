"""The movie detail page (document 5, UI 4 "Entity Enrichment Status").

One movie: its poster and fanart, title, status, when it was last enriched and from which providers
(and which providers still owe an answer); every canonical field with its value, a source badge
([TMDB], [OMDb], [EDITED] for a hand edit; "Show sources" hides them) and a lock toggle; the ratings
per source, never blended; Refresh Metadata (manual, optionally ignoring the cache) as a job with
each provider's progress live on the page, then the change set; and the movie's enrichment history.

A refresh of a movie that is not identified yet starts by identifying it (search by title and year,
then id lookups): the panel says which phase runs ("Identifying…", then "Fetching…") and the same
provider chips show each provider's part of it as it happens ("searching…", "3 results", "looking
up…", "found", "failed", "skipped: rate limited"), through `IdentifyingRefreshProgress`.

When the movie is identified in the Identify dialog ("Identify as this"), the page fetches the film
at once and shows that refresh. The last identification's `why` (titles compared, year rule, ids
cross-checked, the runner-up and why it lost) is a line under the banner, also after a restart or
when `metarr identify` or the schedule made it (the decision is stored with the movie), with the
movie's folder and "Open folder". Esc (outside an editor), Alt+Left and Back return to the library.

Editing a field (double-click or F2 on its value) stores it with the source "user" and locks it, so
no refresh changes it, and the page says so. A value the field cannot hold is refused in the editor,
which stays open with the reason.

The fields are one model/view table (`FieldsModel`, `fields_view.FieldsView`) with painted delegates
for the badges and the lock toggles, not a widget per field. The banner is `header.MovieHeader`, the
Last refresh tab `refresh_panel.RefreshPanel`, the History tab `history_tab.HistoryView`; what they
say is worked out in `presenter` (Qt-free).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QKeyEvent
from PySide6.QtGui import QKeySequence
from PySide6.QtGui import QPalette
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QAbstractItemDelegate
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QStackedLayout
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.fields import label
from metarr_desktop.core.records import UnknownEntityError
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Mode
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.identification import IdentifyResult
from metarr_desktop.services.jobs import Job
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.jobs import JobState
from metarr_desktop.services.library import LibraryError
from metarr_desktop.services.movie_fields import FieldDetail
from metarr_desktop.services.movie_fields import FieldValueError
from metarr_desktop.services.movie_fields import MovieDetail
from metarr_desktop.services.movie_fields import normalise_value
from metarr_desktop.ui.common.bridge import async_slot
from metarr_desktop.ui.common.bridge import spawn
from metarr_desktop.ui.common.controls import any_width
from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.common.page import PageView
from metarr_desktop.ui.common.safe_text import escape
from metarr_desktop.ui.common.theme import error_colour
from metarr_desktop.ui.common.theme import warning_colour
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.inspect.dialog import attach_inspector
from metarr_desktop.ui.movie import presenter
from metarr_desktop.ui.movie.actions import ActionBar
from metarr_desktop.ui.movie.chips import chips_from
from metarr_desktop.ui.movie.chips import lock_colour
from metarr_desktop.ui.movie.fields_view import THUMBNAIL_FIELDS
from metarr_desktop.ui.movie.fields_view import FieldsView
from metarr_desktop.ui.movie.fields_view import toggle_lock
from metarr_desktop.ui.movie.header import BannerArtwork
from metarr_desktop.ui.movie.header import MovieHeader
from metarr_desktop.ui.movie.history_tab import HistoryView
from metarr_desktop.ui.movie.lines import FolderLine
from metarr_desktop.ui.movie.lines import WhyLine
from metarr_desktop.ui.movie.models import ChangeSetModel
from metarr_desktop.ui.movie.models import FieldsModel
from metarr_desktop.ui.movie.models import HistoryModel
from metarr_desktop.ui.movie.models import ProviderProgress
from metarr_desktop.ui.movie.presenter import IdentifyingRefreshProgress
from metarr_desktop.ui.movie.refresh_panel import RefreshPanel
from metarr_desktop.ui.players.sync_widget import MovieSyncWidget
from metarr_desktop.ui.preview.flow import show_movie_preview
from metarr_desktop.ui.publish.files_tab import FilesTab
from metarr_desktop.ui.undo.button import attach_undo

#: Relative times ("2 days ago") are re-rendered this often (milliseconds).
TICK_MS = 30_000


_NO_MOVIE = "<h3>No movie chosen</h3><p>Open a movie from the library.</p>"


class MovieDetailPage(PageView):
    """One movie in detail, with its fields, sources, locks, refresh and history.

    Attributes:
        movie_id: the movie shown (None before the first `load_movie`).
        detail: what was read for it (None when it does not exist).
        fields: the fields model; `history`, `changes`: the history and the last refresh's changes.
        progress: each provider's state during (and after) the last refresh, and its phase.
        last_result: the outcome of the last refresh that finished.

    Signals:
        loaded(): the page shows its final content.
        message(str): a status message for the window.
        backRequested(): the user pressed Back.
        identifyRequested(int): the user wants to (re-)identify this movie.
        assetsRequested(int): the user wants to browse its artwork.
        refreshFinished(object): a refresh ended (its `EnrichResult`, or None when cancelled/failed).
    """

    backRequested = Signal()
    identifyRequested = Signal(int)
    assetsRequested = Signal(int)
    refreshFinished = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("movie-page")
        self.movie_id: int | None = None
        self.detail: MovieDetail | None = None
        self.names: dict[str, str] = {}
        self.progress: IdentifyingRefreshProgress | None = None
        self._refresh_force = False
        self.last_result: EnrichResult | None = None
        self.job: Job | None = None
        self._job_movie: int | None = None
        self._notice_kind = "info"
        self._seen_identification: dict[int, IdentifyResult | None] = {}
        self._chosen_identification: dict[int, IdentifyResult] = {}  # the Identify dialog's, per movie
        self._identified_first: IdentifyResult | None = None  # what the last refresh followed
        self._pending_identification: IdentifyResult | None = None  # what the next one follows

        self._build_models()
        self._build_actions()
        self._build_lines()
        self._build_fields()
        self._build_tabs()
        self._build_stack(self._build_content())

        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.refresh_times)
        if ctx.images is not None:
            ctx.images.loaded.connect(self._on_image_loaded)
        self._set_enabled(False)
        self._apply_colours()
        # The field inspector (source badge, Ctrl+I) and "Undo this refresh" on the History tab.
        attach_inspector(self)
        self.undo_button = attach_undo(self)

    # -- building ----------------------------------------------------------------------------------

    def _build_models(self) -> None:
        self.fields = FieldsModel(self)
        self.fields.writer = self._write_field
        self.fields.locker = self._lock_field
        self.history = HistoryModel(self)
        self.changes = ChangeSetModel(self)

    def _build_lines(self) -> None:
        """The banner and the lines under it: last enriched, incomplete, the notice."""
        self.header = MovieHeader()
        self.artwork = BannerArtwork(self.header, self.ctx.images)
        self.info = any_width(wrapped_label("movie-enriched", Qt.TextFormat.RichText))
        self.incomplete = any_width(wrapped_label("movie-incomplete"))
        self.notice = any_width(wrapped_label("movie-notice"))
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()
        self.why_line = WhyLine()
        self.folder_line = FolderLine()
        self.folder_line.message.connect(self.message.emit)

    def _build_fields(self) -> None:
        self.table = FieldsView(self.fields)
        self.table.values.images = self.ctx.images
        self.table.values.validation.connect(self._on_validation)
        self.table.values.refused.connect(self._on_refused)
        self.table.values.closeEditor.connect(self._on_editor_closed)
        self.fields.edited.connect(self._on_edited)
        self.fields.lockChanged.connect(self._on_lock_changed)
        self.fields.failed.connect(lambda text: self.show_notice(text, "error"))
        QShortcut(QKeySequence("Ctrl+L"), self.table, self.toggle_current_lock)

    def _build_tabs(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setObjectName("movie-tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.table, "Fields")
        self.refresh_panel = RefreshPanel(self.changes)
        self.refresh_title = self.refresh_panel.title
        self.provider_chips = self.refresh_panel.provider_chips
        self.refresh_detail = self.refresh_panel.detail
        self.sync_label = self.refresh_panel.sync_label
        self.changes_view = self.refresh_panel.changes_view
        self.tabs.addTab(self.refresh_panel, "Last refresh")
        self.history_view = HistoryView(self.history)
        self.tabs.addTab(self.history_view, "History")
        self.files_tab = FilesTab(self.ctx)
        self.files_tab.message.connect(self.message.emit)
        self.tabs.addTab(self.files_tab, "Files")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.refreshFinished.connect(lambda _result: self.files_tab.invalidate())

    def _build_content(self) -> QWidget:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.header)
        self.player_sync = MovieSyncWidget(self.ctx.players)
        self.player_sync.message.connect(self.message)
        column.addWidget(self.player_sync)
        column.addWidget(self.why_line)
        column.addWidget(self.info)
        column.addWidget(self.folder_line)
        column.addWidget(self.incomplete)
        column.addWidget(self.notice)
        column.addWidget(self.tabs, 1)
        self.content = content
        return content

    def _build_stack(self, content: QWidget) -> None:
        """The movie, or the reason there is none (`missing`), under the action bar."""
        self.missing = QLabel()
        self.missing.setObjectName("movie-missing")
        self.missing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.missing.setWordWrap(True)
        self.missing.setTextFormat(Qt.TextFormat.RichText)
        self.missing.setMargin(40)
        self.stack = QStackedLayout()
        self.stack.addWidget(content)
        self.stack.addWidget(self.missing)
        layout = QVBoxLayout(self)
        layout.addLayout(self.action_bar)
        layout.addLayout(self.stack, 1)

    def _build_actions(self) -> None:
        bar = ActionBar()
        self.action_bar = bar
        self.back_button, self.refresh_button = bar.back_button, bar.refresh_button
        self.force_box, self.preview_box, self.cancel_button = (
            bar.force_box,
            bar.preview_box,
            bar.cancel_button,
        )
        self.identify_button, self.assets_button = bar.identify_button, bar.assets_button
        self.write_files_button, self.sources_button = bar.write_files_button, bar.sources_button
        self.back_button.clicked.connect(self.backRequested.emit)
        QShortcut(QKeySequence("Alt+Left"), self, self.backRequested.emit)
        self.refresh_button.clicked.connect(self._on_refresh_clicked)
        QShortcut(QKeySequence("Ctrl+R"), self, self._on_refresh_clicked)
        self.cancel_button.clicked.connect(self.cancel_refresh)
        self.identify_button.clicked.connect(self._emit_identify)
        self.assets_button.clicked.connect(self._emit_assets)
        self.write_files_button.clicked.connect(self._on_write_files)
        self.sources_button.toggled.connect(self.set_sources_visible)

    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.files_tab and self.files_tab.result is None:
            spawn(self.files_tab.preview())

    def _on_write_files(self) -> None:
        self.tabs.setCurrentWidget(self.files_tab)
        spawn(self.files_tab.write())

    # -- loading -----------------------------------------------------------------------------------

    async def load_movie(self, movie_id: int) -> None:
        """Show the movie `movie_id` (an unknown id shows a message on the page)."""
        if movie_id != self.movie_id:
            self._leave_movie()
        self.movie_id = movie_id
        self.player_sync.set_movie(movie_id)
        self.files_tab.set_movie(movie_id)
        await self.load()
        if self.tabs.currentWidget() is self.files_tab:
            await self.files_tab.preview()

    def forget(self, movie_ids: Iterable[int]) -> bool:
        """These movies were removed from the library: forget what the page remembers of them (the
        identifications it saw, the one a refresh follows) and, when it shows one, show none. True
        when it showed one."""
        gone = set(movie_ids)
        for movie_id in gone:
            self._seen_identification.pop(movie_id, None)
            self._chosen_identification.pop(movie_id, None)
        if self._pending_identification is not None and self._pending_identification.movie_id in gone:
            self._pending_identification = None
        if self._identified_first is not None and self._identified_first.movie_id in gone:
            self._identified_first = None
        if self.movie_id not in gone:
            return False
        self._leave_movie()
        self.movie_id = None
        self.player_sync.set_movie(None)
        self.files_tab.set_movie(None)
        self._show_missing(_NO_MOVIE)
        return True

    def _leave_movie(self) -> None:
        """Forget the shown movie's refresh, edit and notice (a refused value's reason belongs to it)."""
        self._reset_refresh()
        self.table.cancel_edit()
        self.table.values.forget_requests()
        self.show_notice("", "info")

    def _read_detail(self, movie_id: int | None) -> MovieDetail | str:
        """The movie's detail, or the page's text (HTML) saying why there is none."""
        library = self.ctx.library
        if movie_id is None:
            return _NO_MOVIE
        if library is None:
            return "<h3>The library is not available</h3><p>Movie details need the library service.</p>"
        try:
            return library.movie_detail(movie_id)
        except UnknownEntityError:
            return (
                f"<h3>There is no movie with id {movie_id}</h3>"
                "<p>It may have been removed from the library. Go back to choose another one.</p>"
            )
        except StoreError as exc:
            return f"<h3>The movie cannot be read</h3><p>{escape(exc.reason)}</p>"

    async def load(self) -> None:
        """Read the current movie again and show it."""
        movie_id = self.movie_id
        detail = self._read_detail(movie_id)
        if isinstance(detail, str) or movie_id is None:
            self._show_missing(detail if isinstance(detail, str) else _NO_MOVIE)
            self.loaded.emit()
            return
        self.names = self.ctx.provider_names()
        self.fields.preferred_language = self.ctx.language_policy().language
        self.show_detail(detail)
        await self.artwork.load(detail)
        self.timer.start()
        if self._identified_in_dialog(movie_id):
            # Identified in the Identify dialog: fetch its metadata now (the lookup's answers are in
            # the cache), so the page shows the film's fields and Last refresh says what happened.
            self._pending_identification = self.identification()
            spawn(self.refresh(preview=False))
        self.loaded.emit()

    def _show_missing(self, html: str) -> None:
        self.detail = None
        self.fields.set_detail(None)
        self.history.set_entries([], self.ctx.clock.now())
        self.missing.setText(html)
        self.stack.setCurrentWidget(self.missing)
        self._set_enabled(False)
        self.timer.stop()

    def show_detail(self, detail: MovieDetail) -> None:
        """Fill every part of the page from `detail` (no reading)."""
        self.detail = detail
        movie = detail.movie
        self.stack.setCurrentWidget(self.content)
        self._set_enabled(True)
        self.fields.set_detail(detail, self.names)
        self.history.set_entries(detail.history, self.ctx.clock.now(), self.names)
        self.tabs.setTabText(self.tabs.indexOf(self.history_view), f"History ({len(detail.history)})")
        self.changes.names = dict(self.names)

        header = self.header
        header.title.setText(presenter.title_text(movie))
        values = movie.fields
        header.facts.setText(presenter.facts_text(values))
        tagline = str(values.get("tagline") or "")
        header.tagline.setText(tagline)
        header.tagline.setVisible(bool(tagline))
        header.poster_text = "Loading…" if values.get("poster") and self.ctx.images else "No poster"
        self._show_status()
        self._show_ratings()
        self._show_why()
        self.folder_line.set_movie(movie)
        self.refresh_times()
        self.setAccessibleName(f"Movie: {header.title.text()}")

    def identification(self) -> IdentifyResult | None:
        """The last identification of this movie: this session's, else the one stored with it (None
        when it was never identified)."""
        suite = self.ctx.suite
        if suite is None or self.movie_id is None:
            return None
        return suite.identification.latest(self.movie_id)

    def follow_identification(self, movie_id: int) -> None:
        """The user just identified `movie_id` in the Identify dialog (call it as the dialog reports,
        before the page reloads): when the page next looks at that movie and finds this choice still
        its latest identification, it refreshes it. No other identification (a refresh's, Enrich
        all's, the schedule's, the CLI's) ever starts a refresh."""
        suite = self.ctx.suite
        latest = suite.identification.latest(movie_id) if suite is not None else None
        if latest is not None:
            self._chosen_identification[movie_id] = latest

    def _identified_in_dialog(self, movie_id: int) -> bool:
        """The movie shown was identified since the page last looked, by the user's choice in the
        Identify dialog (`follow_identification`; `IdentificationService.latest` returns the same
        object until another identification replaces it). The first look at a movie only remembers;
        a choice is followed once."""
        latest = self.identification()
        known = movie_id in self._seen_identification
        seen = self._seen_identification.get(movie_id)
        self._seen_identification[movie_id] = latest
        chosen = self._chosen_identification.pop(movie_id, None)
        running = self.job is not None and not self.job.state.finished
        return known and latest is not None and latest is chosen and latest is not seen and not running

    def _show_why(self) -> None:
        result = self.identification()
        self.why_line.set_why(
            presenter.why_summary(result), presenter.why_lines(result, self.names), presenter.why_tip(result)
        )

    def _show_status(self) -> None:
        if self.detail is not None:
            self.header.status.set_chips(chips_from(presenter.status_chips(self.detail), self.palette()))

    def _show_ratings(self) -> None:
        if self.detail is None:
            return
        specs = presenter.rating_chips(self.detail, self.names, self.sources_button.isChecked())
        self.header.ratings.set_chips(chips_from(specs, self.palette()))
        self.header.ratings.setVisible(bool(specs))

    def refresh_times(self) -> None:
        """Render the relative times again ("2 days ago", "in 45 min")."""
        detail = self.detail
        if detail is None:
            return
        movie = detail.movie
        now = self.ctx.clock.now()
        text, tip = presenter.enriched_text(movie, self.names, now)
        self.info.setText(text)
        self.info.setToolTip(tip)
        incomplete = presenter.incomplete_text(movie, self.names, now)
        self.incomplete.setText(incomplete)
        self.incomplete.setVisible(bool(incomplete))
        self.history.set_now(now)

    # -- images ------------------------------------------------------------------------------------

    def _on_image_loaded(self, url: str) -> None:
        if self.detail is not None and any(
            self.detail.fields[name].value == url for name in THUMBNAIL_FIELDS if name in self.detail.fields
        ):
            self.table.viewport().update()
        self.artwork.on_loaded(url)

    # -- editing and locking -----------------------------------------------------------------------

    def _write_field(self, name: str, text: str) -> FieldDetail:
        if self.ctx.library is None or self.movie_id is None:
            raise LibraryError("the library is not available")
        try:
            return self.ctx.library.edit_field(self.movie_id, name, text)
        except StoreError as exc:
            raise LibraryError(exc.reason) from exc

    def _lock_field(self, name: str, locked: bool) -> None:
        if self.ctx.library is None or self.movie_id is None:
            raise LibraryError("the library is not available")
        try:
            self.ctx.library.set_locked(self.movie_id, name, locked)
        except StoreError as exc:
            raise LibraryError(exc.reason) from exc

    def edit_field(self, name: str, text: str) -> bool:
        """Store `text` as the field's value (and lock it), as the editor does; False when refused."""
        index = self.table.value_index(name)
        try:
            normalise_value(name, text)
        except FieldValueError as exc:
            self._on_refused(name, str(exc))
            return False
        return self.fields.setData(index, text, Qt.ItemDataRole.EditRole)

    def set_locked(self, name: str, locked: bool) -> bool:
        """Lock or unlock a field, as its toggle does."""
        index = self.fields.index(self.fields.row_of(name), FieldsModel.LOCK)
        state = Qt.CheckState.Checked if locked else Qt.CheckState.Unchecked
        return self.fields.setData(index, state, Qt.ItemDataRole.CheckStateRole)

    def toggle_current_lock(self) -> None:
        index = self.table.currentIndex()
        if self.fields.field_at(index) is not None:
            toggle_lock(self.fields, index)

    def _after_field_change(self) -> None:
        if self.detail is None or self.movie_id is None or self.ctx.library is None:
            return
        try:
            self.detail = self.ctx.library.movie_detail(self.movie_id)
        except (UnknownEntityError, LibraryError):
            return
        except StoreError:
            return
        self.header.title.setText(presenter.title_text(self.detail.movie))
        self._show_status()
        self._show_ratings()

    def _on_edited(self, name: str) -> None:
        detail = self.fields.details.get(name)
        emptied = detail is not None and detail.value is None
        what = "cleared" if emptied else "edited"
        self._announce(f"{label(name)} {what} and locked: refreshes will not change it.")
        self._after_field_change()

    def _on_lock_changed(self, name: str, locked: bool) -> None:
        if locked:
            text = f"{label(name)} locked: refreshes will not change it."
        else:
            text = f"{label(name)} unlocked: the next refresh may change it."
        self._announce(text)
        self._after_field_change()

    def _on_validation(self, name: str, reason: str) -> None:
        if reason:
            self.show_notice(f"{reason}. Enter is refused until it is; Esc cancels.", "error")
        elif self._notice_kind == "error":
            self.show_notice("", "info")

    def _on_editor_closed(self, _editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """Esc in an editor: the edit is cancelled, and with it the reason a value was refused."""
        if hint is QAbstractItemDelegate.EndEditHint.RevertModelCache and self._notice_kind == "error":
            self.show_notice("", "info")

    def _on_refused(self, name: str, reason: str) -> None:
        self._announce(f"{label(name)} was not changed: {reason}.", "error")

    def _announce(self, text: str, kind: str = "info") -> None:
        """Say what just happened to a field above the fields and in the status bar."""
        self.show_notice(text, kind)
        self.message.emit(text)

    def show_notice(self, text: str, kind: str = "info") -> None:
        """A line above the fields saying what just happened (an edit, a lock, a refused value)."""
        self._notice_kind = kind
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self._apply_colours()

    # -- sources -----------------------------------------------------------------------------------

    def set_sources_visible(self, visible: bool) -> None:
        """Show or hide the source badges (the Source column and the ratings' sources)."""
        if self.sources_button.isChecked() != visible:
            self.sources_button.setChecked(visible)
            return
        self.table.setColumnHidden(FieldsModel.SOURCE, not visible)
        self.changes_view.setColumnHidden(ChangeSetModel.SOURCE, not visible)
        self._show_ratings()

    @property
    def sources_visible(self) -> bool:
        return not self.table.isColumnHidden(FieldsModel.SOURCE)

    # -- refreshing --------------------------------------------------------------------------------

    def target_providers(self) -> list[str]:
        """The enabled providers that can serve this movie (all movie providers while it is not
        identified: the identification may find the ids the others need)."""
        return presenter.target_providers(self.ctx.pool.enabled(), self.detail.movie if self.detail else None)

    def needs_identification(self) -> bool:
        """A refresh of this movie identifies it first (it is not identified, or has no ids)."""
        return presenter.needs_identification(self.detail.movie if self.detail else None)

    @async_slot()
    async def _on_refresh_clicked(self) -> None:
        await self.refresh()

    async def refresh(self, *, preview: bool | None = None) -> EnrichResult | None:
        """Refresh Metadata: enrich this movie as a job (manual mode; the Force box ignores the cache),
        with each provider's progress shown live, then the change set and the fields reloaded.
        `preview` (default: the "Preview changes first" box) shows the changes before writing them.

        Returns the result, or None when there was nothing to refresh, it was cancelled or it failed.
        """
        suite = self.ctx.suite
        movie_id = self.movie_id
        if self.detail is None or movie_id is None:
            return None
        if suite is None:
            self.show_notice("Refreshing needs the library services, which are not available.", "error")
            return None
        if self.job is not None and not self.job.state.finished:
            self.message.emit("A refresh of this movie is already running.")
            return None
        force = self.force_box.isChecked()
        preview = self.preview_box.isChecked() if preview is None else preview
        identified_before, self._pending_identification = self._pending_identification, None
        title = self.detail.movie.title
        progress = IdentifyingRefreshProgress(
            self.target_providers(), listener=self._on_provider_progress, on_phase=self._on_phase
        )
        self.progress = progress
        self._refresh_force = force
        self.last_result = None
        self.changes.set_changes([], self.names)
        self.changes_view.hide()
        self.sync_label.hide()
        self._show_phase(progress)
        self._show_progress()
        self.tabs.setCurrentWidget(self.refresh_panel)

        async def body(handle: JobHandle) -> EnrichResult:
            progress.forward = handle.progress
            progress.note = handle.note
            handle.note(
                "asking every provider again (cache ignored)" if force else "using fresh cached answers"
            )
            options = EnrichOptions(mode=Mode.MANUAL, force=force, preview=preview)
            result = await suite.enrichment.enrich(movie_id, options, progress=progress)
            handle.note(presenter.summary(result))
            return result

        job = self.ctx.jobs.start(f"Refresh metadata: {title}", body)
        self.job = job
        self._job_movie = movie_id
        self._set_running(True)
        self.message.emit(f"Refreshing {title}…")
        try:
            result = await self.ctx.jobs.wait(job)
        finally:
            self._set_running(False)
        # Its own identification (if it made one) is not news for the reload that follows.
        self._seen_identification[movie_id] = suite.identification.latest(movie_id)
        self._identified_first = identified_before
        same_movie = self.movie_id == movie_id
        if job.state in (JobState.CANCELLED, JobState.FAILED) or not isinstance(result, EnrichResult):
            if job.state is JobState.CANCELLED:
                text = f"Refresh of {title} cancelled: nothing was changed."
            else:
                text = f"Refresh of {title} failed: {job.error or 'unknown error'}. Nothing was changed."
            if same_movie or job.state is JobState.CANCELLED:
                progress.cancel()
            if same_movie:
                self.refresh_title.setText(text)
                self.refresh_detail.hide()
                self._show_progress()
            self.message.emit(text)
            self.refreshFinished.emit(None)
            return None
        progress.finish(result)
        self.last_result = result
        if result.preview and same_movie:
            await self.load()
            show_movie_preview(self, result)
            self.refreshFinished.emit(result)
            return result
        if same_movie:
            await self.load()
            self.show_result(result)
            self.tabs.setCurrentWidget(self.refresh_panel)
        self.message.emit(f"{title}: {presenter.summary(result)}")
        self.refreshFinished.emit(result)
        return result

    def cancel_refresh(self) -> bool:
        """Cancel the running refresh (the job's Cancel); True when there was one."""
        if self.job is None or self.job.state.finished:
            return False
        return self.ctx.jobs.cancel(self.job.id)

    def _set_running(self, running: bool) -> None:
        self.refresh_button.setEnabled(not running and self.detail is not None)
        self.force_box.setEnabled(not running)
        self.preview_box.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.refresh_button.setText("Refreshing…" if running else "Refresh Metadata")

    def _reset_refresh(self) -> None:
        """Another movie is shown: forget the last refresh's panel (a running job goes on)."""
        if self.job is not None and not self.job.state.finished:
            self._set_running(False)
        self.job = None
        self.progress = None
        self.last_result = None
        self.changes.set_changes([])
        self.refresh_panel.reset()

    def _on_provider_progress(self, _progress: ProviderProgress) -> None:
        if self._job_movie == self.movie_id:
            self._show_progress()

    def _on_phase(self) -> None:
        """The refresh moved on (identifying, a step of it, fetching): say so above the chips."""
        progress = self.progress
        if progress is None or self._job_movie != self.movie_id:
            return
        if self.job is not None and not self.job.state.finished:
            self._show_phase(progress)

    def _show_phase(self, progress: IdentifyingRefreshProgress) -> None:
        movie = self.detail.movie if self.detail else None
        needs = self.needs_identification()
        self.refresh_title.setText(
            presenter.phase_text(progress, movie, force=self._refresh_force, needs_identification=needs)
        )
        identifying = presenter.identifying(progress, needs)
        self.refresh_panel.show_detail(presenter.IDENTIFY_FIRST_DETAIL if identifying else "")

    def _show_progress(self) -> None:
        specs = presenter.provider_chips(self.progress, self.names)
        self.provider_chips.set_chips(chips_from(specs, self.palette()))

    def show_result(self, result: EnrichResult) -> None:
        """The change set of a finished refresh: what changed, and whether a player must resync."""
        changes = result.changes
        self.refresh_title.setText("Refresh finished: " + presenter.summary(result))
        self._show_progress()
        locked = sorted(self.fields.locked(), key=self.fields.row_of)
        before = self._identified_first if result.identification is None else None
        notes = presenter.result_notes(result, self.names, locked, identified_before=before)
        self.refresh_panel.show_detail(" ".join(notes))
        if result.status in (Status.ENRICHED, Status.UNCHANGED):
            self.changes.set_changes(changes.changed_fields, self.names)
            self.changes_view.setVisible(bool(changes.changed_fields))
            self.sync_label.setText(presenter.sync_text(result))
            self.sync_label.show()
        self._apply_colours()

    # -- navigation --------------------------------------------------------------------------------

    def _emit_identify(self) -> None:
        if self.movie_id is not None:
            self.identifyRequested.emit(self.movie_id)

    def _emit_assets(self) -> None:
        if self.movie_id is not None:
            self.assetsRequested.emit(self.movie_id)

    def _set_enabled(self, enabled: bool) -> None:
        running = self.job is not None and not self.job.state.finished
        self.refresh_button.setEnabled(enabled and not running)
        self.force_box.setEnabled(enabled)
        self.preview_box.setEnabled(enabled)
        self.identify_button.setEnabled(enabled)
        self.assets_button.setEnabled(enabled)
        self.write_files_button.setEnabled(enabled and self.ctx.suite is not None)
        self.sources_button.setEnabled(enabled)

    # -- colours -----------------------------------------------------------------------------------

    def _apply_colours(self) -> None:
        palette = self.palette()
        colours: list[tuple[QLabel, QColor | None]] = [
            (self.incomplete, warning_colour(palette)),
            (self.notice, error_colour(palette) if self._notice_kind == "error" else lock_colour(palette)),
            (self.info, None),
            (self.sync_label, warning_colour(palette) if self._sync_needed() else None),
        ]
        for widget, colour in colours:
            own = widget.palette()
            own.setColor(
                QPalette.ColorRole.WindowText, colour or palette.color(QPalette.ColorRole.WindowText)
            )
            widget.setPalette(own)
        self._show_status()
        self._show_progress()

    def _sync_needed(self) -> bool:
        return bool(self.last_result and self.last_result.changes.requires_player_sync)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc goes back to the library (an open editor takes its Esc first: it cancels the edit)."""
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.backRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_colours()
