"""`metarr-desktop`: the composition root of the window.

Start-up, in order: parse the options, create the QApplication (quit on last window closed: off),
put a qasync event loop over it, open the application services (profile, database, providers), build
the window over them, show the first page. Shutdown, in order, from one coroutine before the loop
ends: remember the window's geometry, stop listening to the engine, cancel running jobs, close the
HTTP clients and the database.

``--page NAME --screenshot FILE.png`` opens that page, waits until its data is loaded, saves the window
as a PNG and exits 0 (or non-zero with a one-line message when the page cannot be shown).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import sys
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from typing import NoReturn

from metarr_desktop import __version__
from metarr_desktop.bundled import APP_ID
from metarr_desktop.cli.common import OneLineErrorParser
from metarr_desktop.cli.common import add_log_level_option
from metarr_desktop.cli.common import add_profile_options
from metarr_desktop.core.errors import DamagedDatabaseError
from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.settings import SettingValueError
from metarr_desktop.logsetup import configure_logging
from metarr_desktop.sandbox.demo import DemoSetup
from metarr_desktop.services.context import AppServices
from metarr_desktop.store.profile import Profile
from metarr_desktop.store.profile import ProfileError
from metarr_desktop.ui.page_names import Page

log = logging.getLogger("metarr_desktop.app")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

#: The pages ``--page`` opens by name (the window's page table).
PAGES = tuple(Page)
#: The library's views for ``--page library:VIEW`` (the values of ``ui.pages.library.ViewMode``).
LIBRARY_VIEWS = ("posters", "list")


def page_help() -> str:
    """``--page``'s help, from the page table (so it names every page)."""
    views = " or ".join(f"library:{view}" for view in LIBRARY_VIEWS)
    others = ", ".join(page for page in PAGES if page is not Page.LIBRARY)
    return f"the page to open: library ({views} for a view), {others} or movie:ID"


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(prog="metarr-desktop", description="The Metarr Desktop window.")
    add_profile_options(parser, "metarr-desktop")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="a temporary profile pointed at the built-in sandbox (simulated providers, no API keys needed)",
    )
    parser.add_argument(
        "--page",
        metavar="PAGE",
        help=page_help(),
    )
    parser.add_argument(
        "--screenshot", metavar="FILE.png", help="save the window as a PNG once the page is loaded, then exit"
    )
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="change a setting before the window opens (as `metarr settings set`), e.g. "
        "--set metadata.language=de-DE; repeatable",
    )
    parser.add_argument(
        "--theme", choices=["system", "light", "dark"], help="colour scheme (default: as last chosen)"
    )
    add_log_level_option(parser)
    return parser


class PageError(ValueError):
    """A page that cannot be shown (bad input for --page)."""


def check_page(page: str | None) -> str | None:
    """The page to open, or raise `PageError` with the reason."""
    if page is None:
        return None
    if page in PAGES:
        return page
    if page.startswith("movie:"):
        movie_id = page.partition(":")[2]
        if not movie_id.isdigit() or int(movie_id) <= 0:
            raise PageError(f"not a movie id: {movie_id!r}")
        return page
    if page.startswith("library:"):
        view = page.partition(":")[2]
        if view not in LIBRARY_VIEWS:
            raise PageError(f"unknown library view {view!r} (choose from {', '.join(LIBRARY_VIEWS)})")
        return page
    raise PageError(f"unknown page {page!r} (choose from {', '.join(PAGES)}, library:VIEW or movie:ID)")


def view_of(page: str | None) -> str | None:
    """The library view of a ``library:VIEW`` page ("posters" or "list"), else None."""
    return page.partition(":")[2] if page and page.startswith("library:") else None


def movie_of(page: str | None) -> int | None:
    """The movie id of a ``movie:ID`` page, else None."""
    return int(page.partition(":")[2]) if page and page.startswith("movie:") else None


# --------------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace, *, set_aside_damaged: bool = False) -> int:
    """Open the services and the window, run until closed (or the screenshot is taken), shut down.

    A database that cannot be used is left as it was: the start-up dialog says so and offers to set
    it aside and start a new library; only that choice runs again with `set_aside_damaged`."""
    from PySide6.QtWidgets import QApplication

    from metarr_desktop.ui.common.theme import Scheme
    from metarr_desktop.ui.common.theme import ThemeController
    from metarr_desktop.ui.context import UiContext
    from metarr_desktop.ui.library.page import ViewMode
    from metarr_desktop.ui.main_window import MainWindow
    from metarr_desktop.ui.main_window import Page
    from metarr_desktop.ui.main_window import window_settings

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        page = check_page(args.page)
    except PageError as exc:
        sys.stderr.write(f"metarr-desktop: {exc}\n")
        return EXIT_USAGE

    demo = DemoSetup() if args.demo else None
    try:
        if demo is not None:
            demo.start_server()
            services = demo.open_services()
            await demo.configure(services)
        else:
            services = AppServices.open(args.data_dir, set_aside_damaged=set_aside_damaged)
        for assignment in args.set:
            key, _, text = assignment.partition("=")
            services.user_settings.set_text(key.strip(), text)
    except (StoreError, ProfileError, OSError, SettingValueError) as exc:
        sys.stderr.write(f"metarr-desktop: {exc}\n")
        start_over = args.screenshot is None and await startup_error_dialog(exc)
        if demo is not None:
            demo.stop()
        return await run(args, set_aside_damaged=True) if start_over else EXIT_FAILED

    movie_id = movie_of(page)
    if movie_id is not None and services.movies.get(movie_id) is None:
        sys.stderr.write(f"metarr-desktop: there is no movie {movie_id} in this library\n")
        await services.aclose()
        if demo is not None:
            demo.stop()
        return EXIT_FAILED

    from metarr_desktop.ui.common.images import ImageLoader

    transport = demo.image_transport() if demo is not None else None
    images = ImageLoader(services.profile.image_cache_dir, transport=transport)
    settings = window_settings(services.profile.root)
    scheme = Scheme(args.theme or str(settings.value("theme", Scheme.SYSTEM.value)))
    theme = ThemeController(app, scheme)
    ctx = UiContext.from_services(
        services, messages=[demo.message] if demo and demo.message else None, images=images
    )
    jobs = ctx.jobs
    services.players.auto_retry = True  # syncs deferred while a Kodi plays are retried in a minute
    window = MainWindow(ctx, settings=settings, theme=theme)
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_close_requested() -> None:
        if not closed.done():
            closed.set_result(None)

    window.closeRequested.connect(on_close_requested)
    code = EXIT_OK
    try:
        window.show()
        view = view_of(page)
        if view is not None:
            window.library_page.set_view_mode(ViewMode(view), remember=False)  # not the user's choice
        library = movie_id is not None or view is not None
        first = Page.LIBRARY if library else Page(page) if page else window.initial_page()
        await window.load_page(first)
        window.show_page(first)
        if movie_id is not None:
            await window.open_movie(movie_id)
        # Everything built so far lives as long as the app: keep it out of the collector's
        # generations, so that full collections stay short while the engine is busy.
        gc.collect()
        gc.freeze()
        if demo is not None:
            # Something to watch: the key check runs against the sandbox, so the health cards and
            # the activity view fill in live; the demo library is enriched as the daily run would.
            job = window.start_key_check()
            if args.screenshot:
                await ctx.jobs.wait(job)
                if window.daily is not None:
                    await window.daily.schedule.run_now()
                await window.load_page(first)
                if movie_id is not None:
                    await window.open_movie(movie_id)
        if args.screenshot:
            code = await take_screenshot(window, Path(args.screenshot))
        else:
            if window.daily is not None:
                window.daily.start()  # catches up a missed run, then waits for the time of day
            await closed
    finally:
        await shutdown(window, jobs, services)
        await images.aclose()
        if demo is not None:
            demo.stop()
    return code


async def startup_error_dialog(error: Exception) -> bool:
    """Tell the user why the window cannot start. For a database that cannot be used, offer to set
    it aside and start a new library: True when the user chose that (Close is the default)."""
    from PySide6.QtWidgets import QMessageBox

    from metarr_desktop.ui.common.bridge import dialog_result

    text = str(error)
    sentence = f"{text[:1].upper()}{text[1:]}{'' if text.endswith('.') else '.'}"  # a line of the CLI's
    box = QMessageBox(QMessageBox.Icon.Critical, "Metarr Desktop cannot start", sentence)
    start_over = None
    if isinstance(error, DamagedDatabaseError):
        role = QMessageBox.ButtonRole.DestructiveRole
        start_over = box.addButton("Set it aside and start a new library", role)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Close))
    await dialog_result(box)
    return start_over is not None and box.clickedButton() is start_over


async def take_screenshot(window: Any, path: Path, *, images_timeout_s: float = 10.0) -> int:
    """Let the layout settle and the visible images load, then save the window as a PNG.

    Only awaits (never `processEvents` inside this coroutine: qasync would run other tasks' steps
    re-entrantly); Qt lays out and paints while the loop turns.
    """
    window.flush_pending()
    await asyncio.sleep(0.1)  # painted once: the visible rows have asked for their images
    if window.ctx.images is not None:
        await window.ctx.images.wait_idle(images_timeout_s)
    window.flush_pending()
    await asyncio.sleep(0.1)  # painted again, with the images
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        sys.stderr.write(f"metarr-desktop: cannot write {path}: {exc.strerror or exc}\n")
        return EXIT_FAILED
    if not window.grab().save(str(path), "PNG"):
        sys.stderr.write(f"metarr-desktop: cannot write the screenshot {path}\n")
        return EXIT_FAILED
    return EXIT_OK


async def shutdown(window: Any, jobs: Any, services: AppServices) -> None:
    """Stop in order: remember the window, stop listening, cancel jobs, close clients and database."""
    window.save_state()
    window.dispose()
    window.hide()
    if window.daily is not None:
        await window.daily.stop()
    await jobs.cancel_all()
    await services.aclose()
    window.deleteLater()


def _log_file(args: argparse.Namespace) -> Path | None:
    """The window's log file in the profile (API keys are masked in it); none in demo mode."""
    if args.demo:
        return None
    try:
        return Profile.open(args.data_dir).logs_dir / "metarr-desktop.log"
    except ProfileError:
        return None  # reported when the profile is opened for real


def missing_display(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why no window can open here (a Linux session without X11 or Wayland, and no other Qt platform
    chosen), or None. Qt itself would abort with a core dump and a hint about xcb libraries."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "there is no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset): start it "
        "from a desktop session, or save a page with QT_QPA_PLATFORM=offscreen and --screenshot"
    )


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``metarr-desktop`` gui-script."""
    args = build_parser().parse_args(argv)
    configure_logging(args.log_level, _log_file(args))
    reason = missing_display(os.environ)
    if reason is not None:
        sys.stderr.write(f"metarr-desktop: {reason}\n")
        raise SystemExit(EXIT_FAILED)
    try:
        import qasync
        from PySide6.QtWidgets import QApplication

        from metarr_desktop.ui.common.theme import app_icon
    except ImportError as exc:  # Qt's system libraries are missing
        sys.stderr.write(f"metarr-desktop: Qt cannot be loaded: {exc}\n")
        raise SystemExit(EXIT_FAILED) from None

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "metarr-desktop"])
    assert isinstance(app, QApplication)
    app.setApplicationName("Metarr Desktop")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # the desktop file: the window is grouped under its icon
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    code = EXIT_FAILED
    try:
        with loop:
            code = loop.run_until_complete(run(args))
    except KeyboardInterrupt:
        code = 130
    finally:
        with contextlib.suppress(Exception):
            asyncio.set_event_loop(None)
    raise SystemExit(code)
