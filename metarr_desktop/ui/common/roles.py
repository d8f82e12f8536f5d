"""The custom item roles of the window's models, declared once.

Every model, delegate and view asks for a custom role through `Role`; a fact two models answer (the
field's name, the movie's id) is one member, answered with the same meaning by each. `unique` keeps
the numbers apart: two roles with one number would let a view read one model's fact as another's.
"""

from __future__ import annotations

from enum import IntEnum
from enum import unique

from PySide6.QtCore import Qt

_USER = int(Qt.ItemDataRole.UserRole)


@unique
class Role(IntEnum):
    """Custom item roles of the window's models, grouped by the feature that answers them."""

    # -- the navigation (main window) ------------------------------------------------------------------

    #: A navigation item's page (`Page` value).
    PAGE = _USER

    # -- providers (the providers' order, the health table, the activity's events) ---------------------

    #: The provider's id.
    PROVIDER_ID = _USER + 1
    #: Whether the provider is enabled.
    ENABLED = _USER + 2
    #: The provider's place in the order (1 first).
    PRIORITY = _USER + 3
    #: The short note shown under the provider's name ("no API key"), or "".
    HINT = _USER + 4

    # -- the providers' authority (per-field overrides) ------------------------------------------------

    #: The field's providers, in the order asked (a list of provider ids).
    PROVIDERS = _USER + 11
    #: Whether only the field's providers may give it.
    EXCLUSIVE = _USER + 12

    # -- health ----------------------------------------------------------------------------------------

    #: The provider's health record.
    HEALTH = _USER + 20
    #: The provider's display status (`DisplayStatus` value).
    DISPLAY_STATUS = _USER + 21

    # -- activity (jobs and their events) --------------------------------------------------------------

    #: The job's id.
    JOB_ID = _USER + 30
    #: The job's state (`JobState` value).
    JOB_STATE = _USER + 31
    #: The job's fraction done (-1.0 when not known).
    PROGRESS = _USER + 32
    #: The event's kind (`EventKind` value).
    EVENT_KIND = _USER + 33

    # -- the library (also the bulk preview's movies) --------------------------------------------------

    #: The movie's id.
    MOVIE_ID = _USER + 40
    #: What the Status column says of the movie (`RowState` value).
    ROW_STATE = _USER + 41
    #: The movie's poster address (None without one).
    POSTER_URL = _USER + 42

    # -- identify (the candidates of a search or an id lookup) -----------------------------------------

    #: The candidate (`Candidate`).
    CANDIDATE = _USER + 50
    #: The candidate's confidence.
    CONFIDENCE = _USER + 51
    #: The display names of the providers that found the candidate.
    PROVIDER_NAMES = _USER + 52
    #: The id to identify the candidate by (``"tmdb:9870"``), None without one.
    CHOICE = _USER + 53
    #: Whether the candidates come from an id lookup rather than a search.
    EXACT = _USER + 54
    #: The line under the candidate's title (release date, runtime, director, ...).
    DETAILS = _USER + 55

    # -- the asset browser (one card per candidate image) ----------------------------------------------

    #: The card's candidate (`CachedAsset`).
    ASSET = _USER + 60
    #: The candidate's id.
    ASSET_ID = _USER + 61
    #: The candidate's image address.
    ASSET_URL = _USER + 62
    #: Whether the candidate is selected.
    SELECTED = _USER + 63
    #: Whether the candidate is rejected.
    REJECTED = _USER + 64
    #: Whether the selection rule proposes the candidate.
    SUGGESTED = _USER + 65
    #: The card's thumbnail (None until it arrives).
    THUMBNAIL = _USER + 66
    #: On a group's lead: how many similar copies it stands for (0 elsewhere).
    SIMILAR = _USER + 67
    #: On a group's lead: whether its copies are listed after it.
    EXPANDED = _USER + 68
    #: On a listed copy: its group's lead (None elsewhere).
    LEAD_ID = _USER + 69
    #: The group's key (None for a candidate without copies).
    GROUP = _USER + 70

    # -- players ---------------------------------------------------------------------------------------

    #: The player's id on every cell.
    PLAYER_ID = _USER + 80

    # -- publish ---------------------------------------------------------------------------------------

    #: The file's row (`FileRow`).
    FILE_ROW = _USER + 90

    # -- a movie's fields (the movie page, the authority, the inspector, the previews) -----------------

    #: The field's canonical name.
    FIELD = _USER + 100
    #: The id of the value's source (a provider, or the user).
    SOURCE = _USER + 101
    #: The display name of the value's source.
    SOURCE_NAME = _USER + 102
    #: Whether the field is locked.
    LOCKED = _USER + 103
    #: Whether the row is a group's heading rather than a field.
    GROUP_HEADING = _USER + 104
    #: Whether the field has no value.
    EMPTY = _USER + 105
    #: Whether the field's value can be edited here.
    EDITABLE = _USER + 106


__all__ = ["Role"]
