"""The library page's presenter, without widgets: counts, sorts, the scan report, the enrichment
summary and the removal texts."""

from __future__ import annotations

from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.library import ScanReport
from metarr_desktop.ui.library import presenter
from metarr_desktop.ui.library.presenter import GRID_SORTS
from metarr_desktop.ui.library.presenter import WARNINGS_SHOWN
from metarr_desktop.ui.library.presenter import Column
from metarr_desktop.ui.library.presenter import ViewMode
from metarr_desktop.ui.library.presenter import count_text
from metarr_desktop.ui.library.presenter import enrich_summary
from metarr_desktop.ui.library.presenter import enrich_title
from metarr_desktop.ui.library.presenter import grid_sort_index
from metarr_desktop.ui.library.presenter import movies_text
from metarr_desktop.ui.library.presenter import remove_action_text
from metarr_desktop.ui.library.presenter import remove_question
from metarr_desktop.ui.library.presenter import removed_message
from metarr_desktop.ui.library.presenter import scan_details
from metarr_desktop.ui.library.presenter import scan_report_text
from metarr_desktop.ui.library.presenter import scan_summary
from metarr_desktop.ui.library.presenter import stored_view
from tests.helpers.imports import qt_free_imports


def test_the_presenter_imports_no_qt() -> None:
    assert qt_free_imports(presenter) == []


def test_counts() -> None:
    assert movies_text(1) == "1 movie"
    assert movies_text(100_000) == "100,000 movies"
    assert count_text(100_000, 12, True) == "12 of 100,000 movies"
    assert count_text(3, 3, False) == "3 movies"


def test_every_grid_sort_is_found_again_and_a_stored_view_is_checked() -> None:
    for number, sort in enumerate(GRID_SORTS):
        assert grid_sort_index(sort.column, sort.descending) == number
    assert grid_sort_index(Column.TITLE, False) == 0
    assert stored_view("posters") is ViewMode.POSTERS
    assert stored_view("nonsense") is ViewMode.LIST
    assert stored_view(None) is ViewMode.LIST


def test_the_scan_report_counts_everything_the_scan_did() -> None:
    report = ScanReport(
        added=[1, 2, 3],
        existing=[4, 5],
        moved=[5],
        missing=[6],
        found_again=[],
        tv=["/films/Show", "/films/Other Show"],
        warnings=[f"/films/x{n}: no title or id; skipped" for n in range(WARNINGS_SHOWN + 2)],
    )
    assert scan_summary(report) == "3 movies added, 2 already in the library, 7 warnings"
    lines = scan_report_text("/films", report).splitlines()
    assert lines[0] == "Scan of /films: 3 movies added, 2 already in the library, 7 warnings."
    assert lines[1] == (
        "1 moved (kept, at their new place), 1 missing (kept, marked missing), 0 found again, "
        "2 TV folders set aside."
    )
    assert lines[2] == "• /films/x0: no title or id; skipped"
    assert len([line for line in lines if line.startswith("• ")]) == WARNINGS_SHOWN
    assert lines[-1] == "…and 2 more (listed on the Activity page)."
    # Folder names are text as they are (the report's label shows plain text).
    assert scan_report_text("/films/<b>", ScanReport()).startswith("Scan of /films/<b>: 0 movies added")


def test_the_scan_report_counts_the_extras_skipped_when_there_were_any() -> None:
    report = ScanReport(added=[1], tv=["/films/Show"], extras=["/films/Heat/Trailers", "/films/x-sample.mkv"])
    assert scan_report_text("/films", report).splitlines()[1] == (
        "0 moved (kept, at their new place), 0 missing (kept, marked missing), 0 found again, "
        "1 TV folder set aside, 2 extras skipped (trailers, samples…)."
    )
    one = ScanReport(extras=["/films/Heat/Extras"])
    assert scan_details(one).endswith("0 TV folders set aside, 1 extra skipped (trailers, samples…).")
    assert scan_details(ScanReport()).endswith("0 TV folders set aside.")


def test_enrich_titles() -> None:
    assert enrich_title(None, str) == "Enrich all movies"
    assert enrich_title([7], lambda movie_id: f"Heat #{movie_id}") == "Enrich Heat #7"
    assert enrich_title([1, 2], str) == "Enrich 2 movies"


def test_the_enrichment_summary_counts_in_words() -> None:
    report = EnrichReport(
        results=[EnrichResult(1, Status.ENRICHED), EnrichResult(2, Status.NEEDS_IDENTIFICATION)]
    )
    assert enrich_summary(report) == "1 enriched, 0 unchanged, 1 needs identification"
    report.results.append(EnrichResult(3, Status.NEEDS_IDENTIFICATION))
    assert enrich_summary(report) == "1 enriched, 0 unchanged, 2 need identification"


def test_removing_says_the_files_stay() -> None:
    assert remove_action_text(1) == "Remove from library…"
    assert remove_action_text(3) == "Remove 3 movies from library…"
    one = remove_question(["Heat (1995)"], 1)
    assert one.startswith("Remove Heat (1995) from the library?")
    assert "The files on disk are not touched" in one
    many = remove_question([f"Film {n}" for n in range(6)], 40)
    assert many.startswith("Remove 40 movies from the library?\n• Film 0")
    assert "• Film 4" in many and "• Film 5" not in many and "…and 35 more." in many
    assert "The files on disk are not touched" in many
    assert removed_message(["Heat (1995)"], []) == (
        "Removed Heat (1995) from the library (its files were not touched)."
    )
    assert removed_message(["A", "B"], ["C (no longer in the library)"]) == (
        "Removed 2 movies from the library (their files were not touched). "
        "Not removed: C (no longer in the library)."
    )
