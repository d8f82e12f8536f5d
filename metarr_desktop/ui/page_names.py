"""The window's pages by name: the one list the navigation, its shortcuts and ``metarr-desktop --page``
are built from. Qt-free, so the command line can read it without loading Qt."""

from __future__ import annotations

from enum import StrEnum


class Page(StrEnum):
    LIBRARY = "library"
    PROVIDERS = "providers"
    HEALTH = "health"
    ACTIVITY = "activity"
    PLAYERS = "players"
    LANGUAGE = "language"
