"""The main window: navigation between Library, Providers, Health, Activity, Players and Language,
menus, shortcuts (F1 lists them; the pages' line comes from the page table), the status bar with the
running job's progress, and geometry remembered between runs.

While a page has unsaved changes (`PageView.is_dirty`: Providers, Language) the title starts with
"* ", and leaving it, reloading it (F5) or quitting asks first: Save / Discard / Cancel.

Closing the window does not end the application by itself (``setQuitOnLastWindowClosed(False)``):
`closeRequested` is emitted and the composition root runs its shutdown coroutine (cancel jobs, close
HTTP clients and the database), then stops the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray
from PySide6.QtCore import QSettings
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtGui import QActionGroup
from PySide6.QtGui import QCloseEvent
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QMainWindow
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QProgressBar
from PySide6.QtWidgets import QStackedWidget
from PySide6.QtWidgets import QToolButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.services.config import ProviderError
from metarr_desktop.services.formatting import DisplayStatus
from metarr_desktop.services.jobs import EventKind
from metarr_desktop.services.jobs import Job
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.jobs import JobState
from metarr_desktop.ui.about import AboutDialog
from metarr_desktop.ui.activity.page import ActivityPage
from metarr_desktop.ui.assets.browser import AssetBrowserDialog
from metarr_desktop.ui.common import shortcuts
from metarr_desktop.ui.common.bridge import HealthBridge
from metarr_desktop.ui.common.bridge import JobBridge
from metarr_desktop.ui.common.bridge import async_slot
from metarr_desktop.ui.common.bridge import dialog_result
from metarr_desktop.ui.common.bridge import spawn
from metarr_desktop.ui.common.controls import ShortenedLabel
from metarr_desktop.ui.common.page import PageView
from metarr_desktop.ui.common.page import unsaved_question
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.safe_text import plain_tip
from metarr_desktop.ui.common.theme import Scheme
from metarr_desktop.ui.common.theme import ThemeController
from metarr_desktop.ui.common.theme import app_icon
from metarr_desktop.ui.common.theme import status_icon
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.health.page import HealthPage
from metarr_desktop.ui.identify.dialog import IdentifyDialog
from metarr_desktop.ui.language.page import LanguagePage
from metarr_desktop.ui.library.page import LibraryPage
from metarr_desktop.ui.movie.page import MovieDetailPage
from metarr_desktop.ui.page_names import Page
from metarr_desktop.ui.players.view import PlayersPage
from metarr_desktop.ui.providers.page import ProvidersPage
from metarr_desktop.ui.publish.first_run import first_run_bar
from metarr_desktop.ui.publish.settings_page import LibraryFilesDialog
from metarr_desktop.ui.schedule.dialog import ScheduleDialog
from metarr_desktop.ui.schedule.dialog import WindowSchedule

PAGE_TITLES = {
    Page.LIBRARY: "Library",
    Page.PROVIDERS: "Providers",
    Page.HEALTH: "Health",
    Page.ACTIVITY: "Activity",
    Page.PLAYERS: "Players",
    Page.LANGUAGE: "Language",
}

#: Each page's shortcut, in the navigation's order: Ctrl+1 for the first.
PAGE_SHORTCUTS = {page: f"Ctrl+{number}" for number, page in enumerate(Page, start=1)}


def page_shortcuts_help() -> tuple[str, str]:
    """F1's line for the pages' shortcuts, from the page table (so it lists every page)."""
    keys = list(PAGE_SHORTCUTS.values())
    span = f"{keys[0]} … {keys[-1]}" if len(keys) > 1 else keys[0]
    return span, ", ".join(PAGE_TITLES[page] for page in PAGE_SHORTCUTS)


#: F1's lines (keys, what they do): the pages' line, then the window's shortcut table.
SHORTCUTS_HELP = (
    page_shortcuts_help(),
    *((shortcut.text, shortcut.what) for shortcut in shortcuts.SHORTCUTS),
)


class MainWindow(QMainWindow):
    """The application window.

    Attributes:
        ctx: the services and engine objects the pages bind to.
        pages: the pages by name.
        health_bridge, job_bridge: engine callbacks as Qt signals.
        settings: where geometry and the theme are remembered (an INI file in the profile).
        close_prompt: the "unsaved changes" question while it is open.

    Signals:
        closeRequested(): the user closed the window or chose Quit (and settled the pages' unsaved
            changes); the app should shut down.
        pageLoaded(str): a page finished loading its data.
    """

    closeRequested = Signal()
    pageLoaded = Signal(str)

    def __init__(
        self,
        ctx: UiContext,
        *,
        settings: QSettings | None = None,
        theme: ThemeController | None = None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.settings = settings
        self.theme = theme
        self.close_prompt: QMessageBox | None = None
        #: The title without the unsaved-changes mark (`_set_title`).
        self._title = "Metarr Desktop"
        self.setWindowTitle(self._title)
        self.setWindowIcon(app_icon())
        self.setObjectName("main-window")

        self.health_bridge = HealthBridge(ctx.pool, self)
        #: The daily enrichment (started by the app, not by the window, so tests stay in control).
        self.daily = WindowSchedule(ctx.suite, ctx.jobs) if ctx.suite is not None else None
        self.job_bridge = JobBridge(ctx.jobs, self)

        self.library_page = LibraryPage(ctx, settings=settings)
        self._follow_sort_language(ctx)
        self.providers_page = ProvidersPage(ctx)
        self.health_page = HealthPage(ctx, self.health_bridge)
        self.activity_page = ActivityPage(self.job_bridge)
        self.players_page = PlayersPage(ctx)
        self.language_page = LanguagePage(ctx)
        #: The players' health (their own engine pool) on the Health page too.
        self.player_health_bridge = HealthBridge(ctx.players.pool, self) if ctx.players is not None else None
        if self.player_health_bridge is not None:
            self.player_health_bridge.healthChanged.connect(self.health_page.on_health)
        #: One movie in detail: a sub-page of the library (not in the navigation list).
        self.movie_page = MovieDetailPage(ctx)
        self.pages: dict[Page, PageView] = {
            Page.LIBRARY: self.library_page,
            Page.PROVIDERS: self.providers_page,
            Page.HEALTH: self.health_page,
            Page.ACTIVITY: self.activity_page,
            Page.PLAYERS: self.players_page,
            Page.LANGUAGE: self.language_page,
        }
        self._loaded: set[Page] = set()

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Pages")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(168)
        self.nav.setSpacing(2)
        self.stack = QStackedWidget()
        icons = {
            Page.LIBRARY: self.style().standardIcon(self.style().StandardPixmap.SP_DirIcon),
            Page.PROVIDERS: self.style().standardIcon(self.style().StandardPixmap.SP_FileDialogDetailedView),
            Page.HEALTH: status_icon(DisplayStatus.HEALTHY),
            Page.ACTIVITY: self.style().standardIcon(self.style().StandardPixmap.SP_BrowserReload),
            Page.PLAYERS: self.style().standardIcon(self.style().StandardPixmap.SP_MediaPlay),
            Page.LANGUAGE: self.style().standardIcon(self.style().StandardPixmap.SP_FileDialogInfoView),
        }
        for page, widget in self.pages.items():
            item = QListWidgetItem(icons[page], PAGE_TITLES[page])
            item.setData(Role.PAGE, page.value)
            item.setSizeHint(QSize(150, 36))
            self.nav.addItem(item)
            self.stack.addWidget(widget)
        self.stack.addWidget(self.movie_page)
        self.nav.currentRowChanged.connect(self._on_nav_row)
        self.nav.itemClicked.connect(self._on_nav_clicked)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.nav)
        pages_column = QVBoxLayout()
        pages_column.setContentsMargins(0, 0, 0, 0)
        #: "Write NFO and artwork next to my movies: Kodi / Jellyfin / Both / No" until answered.
        self.first_run_bar = first_run_bar(ctx)
        if self.first_run_bar is not None:
            self.first_run_bar.answered.connect(self.show_message)
            pages_column.addWidget(self.first_run_bar)
        pages_column.addWidget(self.stack, 1)
        layout.addLayout(pages_column, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._build_status_bar()

        self.providers_page.message.connect(self.show_message)
        self.health_page.message.connect(self.show_message)
        self.activity_page.message.connect(self.show_message)
        self.players_page.message.connect(self.show_message)
        self.language_page.message.connect(self.show_message)
        self.library_page.message.connect(self.show_message)
        self.library_page.movieActivated.connect(self.show_movie)
        self.library_page.identifyRequested.connect(self.show_identify)
        self.library_page.moviesRemoved.connect(self._on_movies_removed)
        self.movie_page.message.connect(self.show_message)
        self.movie_page.backRequested.connect(lambda: self.show_page(Page.LIBRARY, force=True))
        self.movie_page.identifyRequested.connect(self.show_identify)
        self.movie_page.assetsRequested.connect(self.show_assets)
        self.movie_page.refreshFinished.connect(self._on_movie_refreshed)
        self.movie_page.loaded.connect(lambda: self.pageLoaded.emit(f"movie:{self.movie_page.movie_id}"))
        self.job_timer = QTimer(self)
        self.job_timer.setSingleShot(True)
        self.job_timer.setInterval(100)
        self.job_timer.timeout.connect(self._update_job_status)
        self.job_bridge.jobAdded.connect(self._schedule_job_status)
        self.job_bridge.jobUpdated.connect(self._schedule_job_status)
        self.job_bridge.jobUpdated.connect(self.health_page.on_job_updated)
        for page in Page:
            widget = self.pages[page]
            widget.loaded.connect(lambda p=page: self._on_page_loaded(p))
            widget.dirtyChanged.connect(self._on_dirty_changed)

        self.resize(1180, 760)
        self.restore_state()
        for message in ctx.messages:
            self.show_message(message, 0)

    # -- building ----------------------------------------------------------------------------------

    def _follow_sort_language(self, ctx: UiContext) -> None:
        """The library's title sort skips the leading articles of the metadata language (and
        English ones), and re-sorts when that language changes."""
        model = self.library_page.model
        model.sort_language = ctx.language_policy().language
        self._unfollow: list[Callable[[], None]] = []
        if ctx.suite is None:
            return

        def follow(key: str, value: object) -> None:
            if key == "metadata.language" and isinstance(value, str) and value != model.sort_language:
                try:
                    model.sort_language = value
                    model.set_rows(model.rows)
                except RuntimeError:  # the window is gone
                    stop()

        stop = ctx.suite.user_settings.subscribe(follow)
        self._unfollow.append(stop)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.job_label = ShortenedLabel()  # a job's title may hold a movie's: never widens the window
        self.job_progress = QProgressBar()
        self.job_progress.setMaximumWidth(200)
        self.job_progress.setMaximumHeight(16)
        self.job_progress.setTextVisible(False)
        self.job_cancel = QToolButton()
        self.job_cancel.setText("Cancel")
        self.job_cancel.setToolTip("Cancel the running job (Ctrl+.)")
        self.job_cancel.clicked.connect(self.cancel_running_job)
        bar.addPermanentWidget(self.job_label)
        bar.addPermanentWidget(self.job_progress)
        bar.addPermanentWidget(self.job_cancel)
        self._update_job_status()

    def _action(
        self,
        text: str,
        shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None,
        slot: Callable[..., object] | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if slot is not None:
            action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        self.quit_action = self._action("&Quit", shortcuts.QUIT.sequence(), self.close)
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        file_menu.addAction(self.quit_action)

        view_menu = menus.addMenu("&View")
        self.page_actions: dict[Page, QAction] = {}
        for page, shortcut in PAGE_SHORTCUTS.items():
            action = self._action(
                # force: Ctrl+1 on a movie goes back to the library (Library is highlighted there).
                PAGE_TITLES[page],
                shortcut,
                lambda _=False, p=page: self.show_page(p, force=True),
            )
            view_menu.addAction(action)
            self.page_actions[page] = action
        view_menu.addSeparator()
        self.reload_action = self._action(
            "&Reload page", shortcuts.RELOAD_PAGE.sequence(), lambda _=False: spawn(self.reload())
        )
        view_menu.addAction(self.reload_action)
        theme_menu = view_menu.addMenu("&Theme")
        group = QActionGroup(self)
        self.theme_actions: dict[Scheme, QAction] = {}
        for scheme, label in (
            (Scheme.SYSTEM, "Follow the system"),
            (Scheme.LIGHT, "Light"),
            (Scheme.DARK, "Dark"),
        ):
            action = QAction(label, self, checkable=True)
            action.triggered.connect(lambda _=False, s=scheme: self.set_scheme(s))
            group.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[scheme] = action
        current = self.theme.scheme if self.theme else Scheme.SYSTEM
        self.theme_actions[current].setChecked(True)

        providers_menu = menus.addMenu("&Providers")
        self.save_action = self._action(
            "&Save configuration", shortcuts.SAVE_PROVIDERS.sequence(), self._on_save
        )
        self.revert_action = self._action(
            "&Revert changes", shortcuts.REVERT_PROVIDERS.sequence(), self._on_revert
        )
        self.test_all_action = self._action("&Test all API keys", None, self._on_test_all)
        providers_menu.addAction(self.save_action)
        providers_menu.addAction(self.revert_action)
        providers_menu.addSeparator()
        providers_menu.addAction(self.test_all_action)
        self._on_dirty_changed()

        jobs_menu = menus.addMenu("&Jobs")
        self.cancel_action = self._action(
            "&Cancel running job", shortcuts.CANCEL_JOB.sequence(), self.cancel_running_job
        )
        jobs_menu.addAction(self.cancel_action)
        jobs_menu.addSeparator()
        self.schedule_action = self._action("&Daily enrichment…", None, self.show_schedule)
        self.schedule_action.setEnabled(self.daily is not None)
        jobs_menu.addAction(self.schedule_action)

        settings_menu = menus.addMenu("&Settings")
        self.library_files_action = self._action("&Library files…", None, self.show_library_files)
        self.library_files_action.setEnabled(self.ctx.suite is not None)
        settings_menu.addAction(self.library_files_action)

        help_menu = menus.addMenu("&Help")
        help_menu.addAction(
            self._action("&Keyboard shortcuts", shortcuts.SHOW_SHORTCUTS.sequence(), self.show_shortcuts)
        )
        help_menu.addAction(self._action("&About Metarr Desktop", None, self.show_about))

    # -- pages -------------------------------------------------------------------------------------

    def current_page(self) -> Page:
        return Page(self.nav.currentItem().data(Role.PAGE)) if self.nav.currentItem() else Page.LIBRARY

    def show_page(self, page: Page | str, *, force: bool = False) -> None:
        """Show a page of the navigation; `force` also leaves the movie page for its library."""
        page = Page(page)
        row = list(Page).index(page)
        if force and self.nav.currentRow() == row:
            self._on_nav_row(row)
        else:
            self.nav.setCurrentRow(row)

    def _on_nav_clicked(self, item: QListWidgetItem) -> None:
        # Library is highlighted while a movie is shown; clicking it goes back to the list.
        if self.stack.currentWidget() is self.movie_page:
            self.show_page(Page(item.data(Role.PAGE)), force=True)

    def showing_movie(self) -> bool:
        return self.stack.currentWidget() is self.movie_page

    def show_movie(self, movie_id: int) -> None:
        spawn(self.open_movie(movie_id))

    async def open_movie(self, movie_id: int) -> None:
        """Show one movie's detail page (under Library in the navigation) and load it."""
        self._highlight(Page.LIBRARY)
        self.stack.setCurrentWidget(self.movie_page)
        await self.movie_page.load_movie(movie_id)
        detail = self.movie_page.detail
        name = detail.movie.title if detail is not None else f"Movie {movie_id}"
        self._set_title(f"{name} – Metarr Desktop")

    def show_identify(self, movie_id: int) -> None:
        spawn(self.identify(movie_id))

    async def identify(self, movie_id: int) -> IdentifyDialog | None:
        """The Identify dialog for one movie (window-modal); the views follow what it committed."""
        if self.ctx.suite is None:
            self.show_message("Identifying needs the library services, which are not available.")
            return None
        try:
            dialog = IdentifyDialog(self.ctx, movie_id, self)
        except (KeyError, ValueError) as exc:
            self.show_message(f"Cannot identify movie {movie_id}: {exc}")
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.identified.connect(self._on_movie_identified)
        await dialog_result(dialog)
        return dialog

    def show_assets(self, movie_id: int) -> None:
        spawn(self.browse_assets(movie_id))

    async def browse_assets(self, movie_id: int) -> AssetBrowserDialog:
        """The cached artwork of one movie (no provider request)."""
        dialog = AssetBrowserDialog(self.ctx, movie_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.message.connect(self.show_message)
        dialog.assetsChanged.connect(self._on_movie_changed)
        result = dialog_result(dialog)
        await dialog.load()
        await result
        return dialog

    def _on_movie_refreshed(self, _result: object) -> None:
        """The movie page refreshed its movie (and reloaded itself): update its library row."""
        if self.movie_page.movie_id is not None and Page.LIBRARY in self._loaded:
            spawn(self.library_page.reload_movies([self.movie_page.movie_id]))

    def _on_movie_identified(self, movie_id: int) -> None:
        """The user identified a movie in the Identify dialog: the movie page fetches the chosen
        film's metadata when it shows that movie (the only identification that starts a refresh)."""
        self.movie_page.follow_identification(movie_id)
        self._on_movie_changed(movie_id)

    def _on_movie_changed(self, movie_id: int) -> None:
        """A movie was identified or its artwork chosen: update the views showing it."""
        if Page.LIBRARY in self._loaded:
            spawn(self.library_page.reload_movies([movie_id]))
        if self.movie_page.movie_id == movie_id:
            spawn(self.movie_page.load())

    def _on_movies_removed(self, movie_ids: list[int]) -> None:
        """Movies were removed from the library: the movie page forgets them, and when it shows one
        the window goes back to the library and says why."""
        shown = self.movie_page.movie_id
        detail = self.movie_page.detail
        title = detail.movie.title if detail is not None and detail.movie.id == shown else None
        if not self.movie_page.forget(movie_ids) or not self.showing_movie():
            return  # the library is in front: its own message says what was removed
        self.show_page(Page.LIBRARY, force=True)
        name = f"“{title}”" if title else f"Movie {shown}"
        self.show_message(f"{name} was removed from the library; its page was closed.")

    def _on_nav_row(self, row: int) -> None:
        if row < 0:
            return
        page = list(Page)[row]
        leaving = self._page_shown()
        if leaving is not None and leaving is not page and self.pages[leaving].is_dirty():
            self._highlight(leaving)  # stay until the question about its changes is answered
            spawn(self.leave_page(leaving, page))
            return
        self.stack.setCurrentWidget(self.pages[page])
        self._set_title(f"{PAGE_TITLES[page]} – Metarr Desktop")
        if page not in self._loaded:
            spawn(self.load_page(page))

    def _page_shown(self) -> Page | None:
        """The navigation page in front (None while a movie is shown)."""
        shown = self.stack.currentWidget()
        return next((page for page, widget in self.pages.items() if widget is shown), None)

    def _highlight(self, page: Page) -> None:
        """Select `page` in the navigation without showing it (it is shown already)."""
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(list(Page).index(page))
        self.nav.blockSignals(False)

    async def leave_page(self, leaving: Page, target: Page) -> bool:
        """Leave a page with unsaved changes for `target`, once the user said what becomes of them:
        Save stores them, Discard reloads the page; False when the user stayed (Cancel, or the
        save failed and the page shows why)."""
        if not await self.ask_unsaved([leaving], "Save them before leaving the page?"):
            return False
        if self.pages[leaving].is_dirty():  # discarded
            await self.pages[leaving].load()
        self.show_page(target, force=True)
        return True

    async def load_page(self, page: Page | str) -> None:
        """Load (or reload) one page's data from the services."""
        page = Page(page)
        widget = self.pages[page]
        await widget.load()
        self._loaded.add(page)

    def _on_page_loaded(self, page: Page) -> None:
        self.pageLoaded.emit(page.value)

    async def reload(self) -> bool:
        """Reload the page shown (F5), asking first about its unsaved changes; False: left as it is."""
        if self.showing_movie():
            await self.movie_page.load()
            return True
        page = self.current_page()
        if self.pages[page].is_dirty() and not await self.ask_unsaved(
            [page], "Save them before reloading the page?"
        ):
            return False
        await self.load_page(page)
        return True

    # -- unsaved changes ----------------------------------------------------------------------------

    def dirty_pages(self) -> list[Page]:
        """The pages with unsaved changes, in the navigation's order."""
        return [page for page, widget in self.pages.items() if widget.is_dirty()]

    def _set_title(self, title: str) -> None:
        self._title = title
        self._show_title()

    def _show_title(self) -> None:
        """The title, after "* " while any page has unsaved changes."""
        self.setWindowTitle(f"* {self._title}" if self.dirty_pages() else self._title)

    def _on_dirty_changed(self, *_args: object) -> None:
        providers_dirty = self.providers_page.is_dirty()
        self.save_action.setEnabled(providers_dirty)
        self.revert_action.setEnabled(providers_dirty)
        self._show_title()

    # -- providers menu ------------------------------------------------------------------------------

    @async_slot()
    async def _on_save(self) -> None:
        await self.providers_page.save()

    @async_slot()
    async def _on_revert(self) -> None:
        await self.providers_page.load()

    def _on_test_all(self) -> None:
        self.start_key_check()

    def start_key_check(self) -> Job:
        """Start a job that tests every enabled provider's key, one provider after another."""
        ctx = self.ctx

        async def body(handle: JobHandle) -> dict[str, bool | None]:
            views = [v for v in ctx.providers.all() if v.config.enabled]
            handle.set_total(len(views))
            outcome: dict[str, bool | None] = {}
            for view in views:
                ctx.jobs.record(handle.job, EventKind.START, view.id)
                try:
                    check = await ctx.providers.test_key(view.id)
                except ProviderError as exc:
                    handle.note(f"{view.id}: {exc.message}")
                    ctx.jobs.record(handle.job, EventKind.FAILED, view.id)
                    outcome[view.id] = None
                else:
                    handle.note(f"{view.spec.name}: {check.message}")
                    kind = EventKind.COMPLETE if check.valid else EventKind.FAILED
                    ctx.jobs.record(handle.job, kind, view.id)
                    outcome[view.id] = check.valid
                handle.advance()
            verdicts = list(outcome.values())
            self.show_message(
                f"API keys: {verdicts.count(True)} valid, {verdicts.count(False)} refused, "
                f"{verdicts.count(None)} not checked."
            )
            return outcome

        job = ctx.jobs.start("Test API keys", body)
        self.show_message("Testing the API keys of the enabled providers…")
        return job

    # -- jobs in the status bar -----------------------------------------------------------------------

    def _schedule_job_status(self, *_args: object) -> None:
        """Job progress reaches the status bar at most ten times a second."""
        if not self.job_timer.isActive():
            self.job_timer.start()

    def _update_job_status(self, *_args: object) -> None:
        running = self.ctx.jobs.running
        if not running:
            self.job_label.setText("No job running")
            self.job_label.setToolTip("")
            self.job_progress.hide()
            self.job_cancel.hide()
            self.cancel_action.setEnabled(False)
            return
        job = running[-1]
        more = f" (+{len(running) - 1} more)" if len(running) > 1 else ""
        self.job_label.setText(f"{job.title}: {job.status_text}{more}")
        self.job_label.setToolTip(plain_tip(self.job_label.text()))
        fraction = job.fraction
        if fraction is None:
            self.job_progress.setRange(0, 0)
        else:
            self.job_progress.setRange(0, 1000)
            self.job_progress.setValue(int(fraction * 1000))
        self.job_progress.show()
        self.job_cancel.show()
        self.cancel_action.setEnabled(True)

    def cancel_running_job(self) -> bool:
        running = self.ctx.jobs.running
        if not running:
            return False
        job = running[-1]
        self.show_message(f"Cancelling {job.title}…")
        return self.ctx.jobs.cancel(job.id)

    def show_schedule(self) -> ScheduleDialog | None:
        """The daily enrichment's settings (window-modal, opened without a nested loop)."""
        if self.daily is None:
            return None
        dialog = ScheduleDialog(self.daily.schedule, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.show_message("Daily enrichment saved."))
        dialog.runNowRequested.connect(self.run_daily_now)
        dialog.open()
        return dialog

    def run_daily_now(self) -> None:
        if self.daily is not None:
            spawn(self.daily.schedule.run_now())
            self.show_message("Daily enrichment started; it shows in Activity.")

    # -- messages and help --------------------------------------------------------------------------

    def show_library_files(self) -> LibraryFilesDialog | None:
        """The "Library files" settings (opened without blocking)."""
        if self.ctx.suite is None:
            return None
        dialog = LibraryFilesDialog(self.ctx.suite.user_settings, self)
        dialog.page.saved.connect(lambda: self.show_message("Library files settings saved."))
        dialog.page.saved.connect(lambda: self.first_run_bar.hide() if self.first_run_bar else None)
        dialog.open()
        return dialog

    def show_message(self, text: str, timeout_ms: int = 6000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>" for keys, what in SHORTCUTS_HELP
        )
        box = QMessageBox(
            QMessageBox.Icon.NoIcon, "Keyboard shortcuts", f"<table>{rows}</table>", parent=self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def show_about(self) -> AboutDialog:
        """Help › About: version, icon, and the providers' credits with links."""
        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def set_scheme(self, scheme: Scheme) -> None:
        if self.theme is not None:
            self.theme.set_scheme(scheme)
        if self.settings is not None:
            self.settings.setValue("theme", scheme.value)
        self.theme_actions[scheme].setChecked(True)
        # Repaint the health cards' status colours for the new palette.
        for card in self.health_page.cards.values():
            if card.health is not None:
                card.set_health(card.health, self.ctx.clock.now())

    # -- state ----------------------------------------------------------------------------------------

    def restore_state(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))
        page = self.settings.value("window/page", Page.PROVIDERS.value)
        self._initial_page = Page(page) if page in {p.value for p in Page} else Page.PROVIDERS

    def initial_page(self) -> Page:
        return getattr(self, "_initial_page", Page.PROVIDERS)

    def save_state(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/page", self.current_page().value)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop (teardown after the app's shutdown): nothing can be asked
            event.accept()
            return
        event.ignore()
        if self.close_prompt is not None:
            return  # already asking
        if self.dirty_pages():
            spawn(self.request_close())  # a question needs the event loop: ask it in a task
            return
        self.save_state()
        self.closeRequested.emit()

    async def request_close(self) -> bool:
        """Offer to save the pages' unsaved changes (Save / Discard / Cancel), then ask the app to
        shut down; False when the user chose to stay (or a save failed: its page is shown, with its
        problems)."""
        dirty = self.dirty_pages()
        if dirty and not await self.ask_unsaved(dirty, "Save them before quitting?"):
            return False
        self.save_state()
        self.closeRequested.emit()
        return True

    async def ask_unsaved(self, pages: list[Page], question: str) -> bool:
        """Ask about the unsaved changes of `pages` (Save / Discard / Cancel); Save stores them.
        False when the user chose to stay, or a save failed (its page is shown, with its problems)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved changes",
            unsaved_question([self.pages[page].unsaved_changes for page in pages]),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(question)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        self.close_prompt = box
        await dialog_result(box)
        self.close_prompt = None
        choice = box.standardButton(box.clickedButton())
        if choice in (QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.NoButton):
            return False
        if choice == QMessageBox.StandardButton.Save:
            for page in pages:
                if not await self.pages[page].save():
                    self.show_page(page)
                    return False
        return True

    def flush_pending(self) -> None:
        """Show every coalesced update now (before a screenshot)."""
        self.health_page.flush_pending()
        self.activity_page.flush_pending()
        self._update_job_status()

    def dispose(self) -> None:
        """Stop listening to the engine (called by the shutdown coroutine)."""
        self.health_page.timer.stop()
        self.health_page.repaint_timer.stop()
        self.activity_page.flush_timer.stop()
        self.job_timer.stop()
        self.health_bridge.close()
        self.job_bridge.close()
        if self.player_health_bridge is not None:
            self.player_health_bridge.close()
        self.players_page.dispose()
        for stop in self._unfollow:
            stop()


def window_settings(profile_root: Path) -> QSettings:
    """Window geometry and theme, in an INI file of the profile folder."""
    return QSettings(str(profile_root / "window.ini"), QSettings.Format.IniFormat)


__all__ = ["JobState", "MainWindow", "Page", "window_settings"]
