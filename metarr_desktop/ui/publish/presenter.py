"""What the library-files screens show, without Qt: the Files tab's rows, the settings page's
values, the first-run choice, and the summary of a publish job. Tested without widgets.

Text from files and providers is data: the widgets show it as plain text only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path

from metarr_desktop.core.settings import SettingValueError
from metarr_desktop.services.publish import MovieResult
from metarr_desktop.services.publish import PublishReport
from metarr_desktop.services.publish.files import Action
from metarr_desktop.services.publish.layout import ARTWORK_FILES
from metarr_desktop.services.publish.layout import Flavour
from metarr_desktop.services.publish.layout import NfoName
from metarr_desktop.services.publish.options import PublishSettings
from metarr_desktop.services.publish.service import nfo_diff
from metarr_desktop.services.settings import SettingsService

#: How each action reads on the Files tab.
ACTION_LABELS: dict[Action, str] = {
    Action.CREATED: "Written (new)",
    Action.UPDATED: "Written (updated)",
    Action.UNCHANGED: "Up to date",
    Action.KEPT: "Left alone",
    Action.WOULD_CREATE: "Will be written (new)",
    Action.WOULD_UPDATE: "Will be updated",
}
KIND_LABELS: dict[str, str] = {
    "nfo": "NFO",
    "poster": "Poster",
    "fanart": "Fanart",
    "clearlogo": "Clear logo",
    "clearart": "Clear art",
    "discart": "Disc art",
    "banner": "Banner",
    "landscape": "Landscape",
    "keyart": "Key art",
    "extrafanart": "Extra fanart",
}


@dataclass(frozen=True, slots=True)
class FileRow:
    """One row of the Files tab."""

    name: str
    kind: str
    kind_label: str
    action: Action
    action_label: str
    note: str
    path: str
    is_nfo: bool
    old: bytes | None
    new: bytes | None

    @property
    def will_change(self) -> bool:
        return self.action in (Action.WOULD_CREATE, Action.WOULD_UPDATE, Action.CREATED, Action.UPDATED)


def file_rows(result: MovieResult) -> list[FileRow]:
    rows = []
    folder = result.folder or ""
    for file in result.files:
        name = os.path.relpath(file.path, folder) if folder and file.path.startswith(folder) else file.path
        rows.append(
            FileRow(
                name=name,
                kind=file.kind,
                kind_label=KIND_LABELS.get(file.kind, file.kind),
                action=file.action,
                action_label=ACTION_LABELS[file.action],
                note=file.reason or "",
                path=file.path,
                is_nfo=file.kind == "nfo",
                old=file.old,
                new=file.new,
            )
        )
    return rows


def preview_summary(result: MovieResult) -> str:
    """One line above the Files tab's list."""
    if result.error and not result.files:
        return result.error
    rows = file_rows(result)
    written = sum(1 for row in rows if row.action in (Action.CREATED, Action.UPDATED))
    changing = sum(1 for row in rows if row.action in (Action.WOULD_CREATE, Action.WOULD_UPDATE))
    kept = sum(1 for f in result.files if f.action is Action.KEPT)
    if written:
        first = f"{written} of {len(rows)} files written"
    elif changing:
        first = f"{changing} of {len(rows)} files to write"
    else:
        first = "Every file is up to date"
    parts = [first]
    if kept:
        parts.append(f"{kept} left alone")
    if result.folder:
        parts.append(f"in {result.folder}")
    text = ", ".join(parts) + "."
    if result.error:
        text += f" Problems: {result.error}"
    return text


def nfo_diff_text(row: FileRow) -> str:
    """The diff the Files tab shows for an NFO row (or the whole file when nothing changes)."""
    if row.new is None:
        return row.note or "Nothing to show."
    if row.old == row.new:
        return row.new.decode("utf-8", errors="replace")
    return nfo_diff(row.old, row.new, Path(row.name).name)


def report_summary(report: PublishReport) -> str:
    counts = report.summary()
    parts = [f"{counts['written']} written", f"{counts['unchanged']} up to date"]
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} without a folder")
    if counts["failed"]:
        parts.append(f"{counts['failed']} failed")
    megabytes = counts["bytes_downloaded"] / 1_000_000
    if megabytes:
        parts.append(f"{megabytes:.1f} MB downloaded")
    return ", ".join(parts)


# -- the settings page -----------------------------------------------------------------------------

ARTWORK_CHOICES: tuple[str, ...] = tuple(ARTWORK_FILES)
FLAVOUR_LABELS: dict[str, str] = {"kodi": "Kodi", "jellyfin": "Jellyfin", "both": "Kodi and Jellyfin"}
NFO_NAME_LABELS: dict[str, str] = {
    "video": "<video file name>.nfo (Kodi's default)",
    "movie": "movie.nfo (one movie per folder)",
    "both": "Both",
}


@dataclass(slots=True)
class LibraryFilesValues:
    """The "Library files" settings page's values (Picard's load / save)."""

    enabled: bool
    after_enrichment: bool
    flavour: str
    nfo_name: str
    artwork: list[str]
    extrafanart: int

    @classmethod
    def load(cls, settings: SettingsService) -> LibraryFilesValues:
        chosen = PublishSettings.read(settings)
        return cls(
            enabled=chosen.enabled,
            after_enrichment=chosen.after_enrichment,
            flavour=chosen.flavour.value,
            nfo_name=chosen.nfo_name.value,
            artwork=list(chosen.artwork),
            extrafanart=chosen.extrafanart,
        )

    def problems(self) -> list[str]:
        out = []
        if self.flavour not in {f.value for f in Flavour}:
            out.append("Choose the players the files are for.")
        if self.nfo_name not in {n.value for n in NfoName}:
            out.append("Choose the NFO's name.")
        if not 0 <= self.extrafanart <= 20:
            out.append("Extra fanart must be between 0 and 20.")
        return out

    def save(self, settings: SettingsService) -> None:
        """Store the values; the settings the page does not show stay. Raises `SettingValueError`
        (nothing stored) while `problems` has any."""
        problems = self.problems()
        if problems:
            raise SettingValueError(" ".join(problems))
        chosen = replace(
            PublishSettings.read(settings),
            enabled=self.enabled,
            after_enrichment=self.after_enrichment,
            flavour=Flavour(self.flavour),
            nfo_name=NfoName(self.nfo_name),
            artwork=tuple(k for k in ARTWORK_CHOICES if k in self.artwork),
            extrafanart=self.extrafanart,
        )
        chosen.write(settings)


# -- the first-run choice --------------------------------------------------------------------------

FIRST_RUN_QUESTION = "Write NFO and artwork next to my movies:"
#: The choices of the first-run question: (button text, flavour or None for "no").
FIRST_RUN_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("Kodi", "kodi"),
    ("Jellyfin", "jellyfin"),
    ("Both", "both"),
    ("No", None),
)


def needs_first_run_choice(stored_keys: set[str]) -> bool:
    """Whether the user has not answered yet (``publish.enabled`` was never stored)."""
    return "publish.enabled" not in stored_keys


def apply_first_run_choice(settings: SettingsService, flavour: str | None) -> str:
    """Store the user's answer; returns the message for the status bar."""
    if flavour is None:
        settings.set("publish.enabled", False)
        return "Metarr keeps everything in its own library; turn on Library files in Settings any time."
    settings.set("publish.flavour", flavour)
    settings.set("publish.enabled", True)
    return (
        f"Metarr writes NFO and artwork for {FLAVOUR_LABELS[flavour]} next to each movie after it"
        " changes; Write Files does it now."
    )
