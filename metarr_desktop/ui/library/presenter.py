"""What the library page says and keeps, without widgets: the view and sort choices, the counts,
the scan report, the enrichment summary, and the questions and answers of removing movies.

The scan report, the messages and the removal texts are plain text (folder names, titles and
warnings are file and provider text: the widgets show them as plain text).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from enum import StrEnum

from metarr_desktop.core.providers import Priority
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import Mode
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.library import ScanReport

#: Options of the two enrichment buttons: what a person asked for now, and the whole library the way
#: ``metarr enrich --all`` and the daily schedule do it (unmonitored movies skipped).
ENRICH_SELECTED = EnrichOptions(mode=Mode.MANUAL, priority=Priority.USER)
ENRICH_ALL = EnrichOptions(mode=Mode.AUTO, priority=Priority.BACKGROUND)

#: Finished movies are re-read together, at most this often (milliseconds).
RELOAD_INTERVAL_MS = 250
#: Warnings of a scan listed on the page (all of them go to the job's events).
WARNINGS_SHOWN = 5
WARNINGS_NOTED = 200


class Column(IntEnum):
    """The library list's columns."""

    TITLE = 0
    YEAR = 1
    STATUS = 2
    ENRICHED = 3


class ViewMode(StrEnum):
    """How the page shows the movies."""

    LIST = "list"
    POSTERS = "posters"


#: Where the view and the poster size are kept (the window's settings file, ``window.ini``).
VIEW_SETTING = "library/view"
POSTER_WIDTH_SETTING = "library/poster_width"
DEFAULT_VIEW = ViewMode.LIST


def stored_view(value: object) -> ViewMode:
    """The view kept in the settings, or the default one for anything else."""
    text = str(value)
    return ViewMode(text) if text in {mode.value for mode in ViewMode} else DEFAULT_VIEW


@dataclass(frozen=True, slots=True)
class GridSort:
    """One entry of the grid's Sort box: its label and the column order it stands for."""

    label: str
    column: Column
    descending: bool


#: The grid's Sort box (the table sorts by its header; both set the same order).
GRID_SORTS = (
    GridSort("Title A–Z", Column.TITLE, False),
    GridSort("Title Z–A", Column.TITLE, True),
    GridSort("Year, newest first", Column.YEAR, True),
    GridSort("Year, oldest first", Column.YEAR, False),
    GridSort("Needing attention first", Column.STATUS, False),
    GridSort("Enriched first", Column.STATUS, True),
    GridSort("Recently enriched first", Column.ENRICHED, True),
    GridSort("Longest unenriched first", Column.ENRICHED, False),
)


def grid_sort_index(column: int, descending: bool) -> int | None:
    """The Sort box entry of this column order, or None (no entry says it)."""
    for number, sort in enumerate(GRID_SORTS):
        if sort.column == column and sort.descending == descending:
            return number
    return None


# --------------------------------------------------------------------------------------------------
# Counts
# --------------------------------------------------------------------------------------------------


def movies_text(count: int) -> str:
    return f"{count:,} movie" if count == 1 else f"{count:,} movies"


def count_text(total: int, shown: int, filtered: bool) -> str:
    """ "12 of 100,000 movies" while a filter is on, else "100,000 movies"."""
    return f"{shown:,} of {movies_text(total)}" if filtered else movies_text(total)


def title_with_year(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title


# --------------------------------------------------------------------------------------------------
# The scan report
# --------------------------------------------------------------------------------------------------


def scan_summary(report: ScanReport) -> str:
    """ "3 movies added, 1 already in the library, 1 warning"."""
    warnings = len(report.warnings)
    return (
        f"{movies_text(len(report.added))} added, {len(report.existing):,} already in the library, "
        f"{warnings:,} warning{'' if warnings == 1 else 's'}"
    )


def scan_details(report: ScanReport) -> str:
    """Everything else the scan counted: moved (kept), missing (kept), found again, TV set aside,
    and the extras skipped (never movies) when there were any."""
    extras = len(report.extras)
    skipped = f", {extras:,} extra{'' if extras == 1 else 's'} skipped (trailers, samples…)" if extras else ""
    return (
        f"{len(report.moved):,} moved (kept, at their new place), "
        f"{len(report.missing):,} missing (kept, marked missing), "
        f"{len(report.found_again):,} found again, "
        f"{len(report.tv):,} TV folder{'' if len(report.tv) == 1 else 's'} set aside{skipped}."
    )


def scan_report_text(folder: str, report: ScanReport) -> str:
    """The report shown on the page after a scan (plain text): the counts, then the first warnings."""
    lines = [f"Scan of {folder}: {scan_summary(report)}.", scan_details(report)]
    lines.extend(f"• {warning}" for warning in report.warnings[:WARNINGS_SHOWN])
    more = len(report.warnings) - WARNINGS_SHOWN
    if more > 0:
        lines.append(f"…and {more:,} more (listed on the Activity page).")
    return "\n".join(lines)


def scan_failed_text(folder: str, error: str) -> str:
    return f"The scan of {folder} failed: {error}"


# --------------------------------------------------------------------------------------------------
# Enrichment
# --------------------------------------------------------------------------------------------------


def enrich_title(ids: Sequence[int] | None, name_of: Callable[[int], str]) -> str:
    """The job's title: "Enrich all movies", "Enrich Heat", "Enrich 12 movies"."""
    if ids is None:
        return "Enrich all movies"
    if len(ids) == 1:
        return f"Enrich {name_of(ids[0])}"
    return f"Enrich {len(ids):,} movies"


#: The outcomes an enrichment's summary always counts; the others only when some movie had them.
ALWAYS_COUNTED = (Status.ENRICHED, Status.UNCHANGED)


def enrich_summary(report: EnrichReport) -> str:
    """E.g. "10 enriched, 0 unchanged, 1 needs identification"."""
    counts = {status: report.count(status) for status in Status}
    return ", ".join(
        status.counted(count) for status, count in counts.items() if count or status in ALWAYS_COUNTED
    )


# --------------------------------------------------------------------------------------------------
# Removing movies
# --------------------------------------------------------------------------------------------------

#: At most this many titles are named in the confirmation.
TITLES_NAMED = 5


def remove_action_text(count: int) -> str:
    return "Remove from library…" if count <= 1 else f"Remove {count:,} movies from library…"


def remove_question(names: Sequence[str], count: int) -> str:
    """The confirmation's text: which movies, and that the files on disk are not touched."""
    if count == 1 and names:
        what = f"Remove {names[0]} from the library?"
    else:
        listed = "\n".join(f"• {name}" for name in names[:TITLES_NAMED])
        more = count - min(len(names), TITLES_NAMED)
        tail = f"\n…and {more:,} more." if more > 0 else ""
        what = f"Remove {movies_text(count)} from the library?\n{listed}{tail}"
    if count == 1:
        kept = "Its metadata, locks and history in Metarr are removed. The files on disk are not touched"
        files = "the movie folder, video, NFO file and artwork stay where they are"
        again = "a later scan of its folder adds it again"
    else:
        kept = "Their metadata, locks and history in Metarr are removed. The files on disk are not touched"
        files = "the movie folders, videos, NFO files and artwork stay where they are"
        again = "a later scan of their folders adds them again"
    return f"{what}\n\n{kept}: {files}; {again}."


def removed_message(removed: Sequence[str], failed: Sequence[str]) -> str:
    """The status line after a removal."""
    if len(removed) == 1:
        text = f"Removed {removed[0]} from the library (its files were not touched)."
    else:
        text = f"Removed {movies_text(len(removed))} from the library (their files were not touched)."
    if failed:
        text += f" Not removed: {'; '.join(failed)}."
    return text


# --------------------------------------------------------------------------------------------------
# Empty states (rich text: headings; only the filter the user typed is inserted, escaped)
# --------------------------------------------------------------------------------------------------

NO_LIBRARY_HTML = (
    "<h3>The library is not available</h3>"
    "<p>This window was opened without a library, so there is no list of movies to show. "
    "The <tt>metarr</tt> command manages the library meanwhile "
    "(<tt>metarr library scan DIR</tt>, <tt>metarr library list</tt>, "
    "<tt>metarr enrich --all</tt>), and the Providers, Health and Activity pages work.</p>"
)
EMPTY_LIBRARY_HTML = (
    "<h3>Your library is empty</h3>"
    "<p>Add a folder of movies: each movie folder or video file in it becomes a movie, "
    "named from its NFO file or its name. Or add one movie by its title.</p>"
)


def no_match_html(filter_text: str) -> str:
    return (
        f"<h3>No movie matches “{escape_html(filter_text)}”</h3>"
        "<p>The filter finds movies whose title or year contains every word typed, "
        "whatever the case and accents.</p>"
    )


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
