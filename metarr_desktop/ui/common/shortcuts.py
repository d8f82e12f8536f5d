"""The window's keyboard shortcuts in one table: the pages and dialogs bind their keys from it, and F1
lists it, so the list cannot leave out a shortcut (`tests/ui/test_main_window.py` checks that every
key the window binds is in it).

The pages' own line (Ctrl+1 … Ctrl+6) is built by the main window from its page table. Keys that no
shortcut binds, because a view or an editor handles them itself (Enter in the library, Esc on a movie,
Ctrl+wheel over the posters), are listed here too, with the words F1 shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

Key = str | QKeySequence.StandardKey

#: F1's words for the standard keys (their usual binding; the platform may add its own).
_STANDARD_NAMES = {
    QKeySequence.StandardKey.Find: "Ctrl+F",
    QKeySequence.StandardKey.Save: "Ctrl+S",
    QKeySequence.StandardKey.Undo: "Ctrl+Z",
    QKeySequence.StandardKey.Delete: "Del",
}


@dataclass(frozen=True, slots=True)
class Shortcut:
    """One line of F1.

    Attributes:
        keys: the key sequences, as `QKeySequence` reads them ("Ctrl+I"), or a standard key (the
            platform's Find, Save, Undo, Delete).
        what: what they do, and where.
        shown: F1's words for the keys when they are not just `keys` ("Ctrl+wheel", "Enter").
    """

    keys: tuple[Key, ...]
    what: str
    shown: str | None = None

    def sequence(self, index: int = 0) -> QKeySequence:
        """The `index`-th key sequence, to bind."""
        return QKeySequence(self.keys[index])

    @property
    def text(self) -> str:
        """The keys as F1 shows them: "Alt+Up / Alt+Down" (read without Qt: F1's list is built at
        import, before there is an application to ask for the platform's names)."""
        if self.shown is not None:
            return self.shown
        return " / ".join(key if isinstance(key, str) else _STANDARD_NAMES[key] for key in self.keys)


FILTER_LIBRARY = Shortcut((QKeySequence.StandardKey.Find,), "Filter the library")
LIBRARY_VIEWS = Shortcut(("Ctrl+Shift+L", "Ctrl+Shift+P"), "Library as a list / as posters")
POSTER_SIZE = Shortcut((), "Poster size (in the poster grid)", shown="Ctrl+wheel")
OPEN_MOVIE = Shortcut((), "Open the selected movie (in the library)", shown="Enter")
REMOVE_MOVIES = Shortcut((QKeySequence.StandardKey.Delete,), "Remove the selected movies (in the library)")
BACK_TO_LIBRARY = Shortcut(("Alt+Left", "Esc"), "Back to the library (on a movie)")
REFRESH_MOVIE = Shortcut(("Ctrl+R",), "Refresh the movie's metadata (on a movie)")
LOCK_FIELD = Shortcut(("Ctrl+L",), "Lock or unlock the selected field (on a movie)")
INSPECT_FIELD = Shortcut(("Ctrl+I",), "Where the selected field's value comes from (on a movie)")
EDIT_FIELD = Shortcut((), "Save / cancel the edit of a field (on a movie)", shown="Ctrl+Enter / Esc")
SAVE_PROVIDERS = Shortcut((QKeySequence.StandardKey.Save,), "Save the provider configuration")
REVERT_PROVIDERS = Shortcut((QKeySequence.StandardKey.Undo,), "Revert unsaved provider changes")
MOVE_PROVIDER = Shortcut(("Alt+Up", "Alt+Down"), "Move the selected provider")
PROVIDER_SETTINGS = Shortcut(("Return",), "Settings of the selected provider (on Providers)", shown="Enter")
EDIT_OVERRIDE = Shortcut(
    ("F2", QKeySequence.StandardKey.Delete), "Edit / remove the selected field override (on Providers)"
)
TEST_KEY = Shortcut(("Ctrl+T",), "Test the API key (in provider settings)")
SELECT_ASSET = Shortcut(
    ("Return", "Enter"), "Use the selected picture (in the artwork browser)", shown="Enter"
)
REJECT_ASSET = Shortcut(
    (QKeySequence.StandardKey.Delete,), "Reject or restore the selected picture (in the artwork browser)"
)
SIMILAR_ASSETS = Shortcut(("Space",), "Show or hide the picture's similar copies (in the artwork browser)")
CANCEL_JOB = Shortcut(("Ctrl+.",), "Cancel the running job")
RELOAD_PAGE = Shortcut(("F5",), "Reload the current page")
SHOW_SHORTCUTS = Shortcut(("F1",), "This list of shortcuts")
QUIT = Shortcut(("Ctrl+Q",), "Quit")

#: F1's lines after the pages' one, in its order.
SHORTCUTS: tuple[Shortcut, ...] = (
    FILTER_LIBRARY,
    LIBRARY_VIEWS,
    POSTER_SIZE,
    OPEN_MOVIE,
    REMOVE_MOVIES,
    BACK_TO_LIBRARY,
    REFRESH_MOVIE,
    LOCK_FIELD,
    INSPECT_FIELD,
    EDIT_FIELD,
    SAVE_PROVIDERS,
    REVERT_PROVIDERS,
    MOVE_PROVIDER,
    PROVIDER_SETTINGS,
    EDIT_OVERRIDE,
    TEST_KEY,
    SELECT_ASSET,
    REJECT_ASSET,
    SIMILAR_ASSETS,
    CANCEL_JOB,
    RELOAD_PAGE,
    SHOW_SHORTCUTS,
    QUIT,
)
