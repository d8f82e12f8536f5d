"""What the movie page shows, worked out without widgets (tested without Qt).

The texts of the banner (title, facts, status and rating chips), of "Last enriched" and "Incomplete",
of the Last refresh panel (its phase while a refresh runs, the summary and notes once it finished),
which providers a refresh asks, and `IdentifyingRefreshProgress`: each provider's part of a refresh,
the identification it may start with included.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any

from metarr_desktop.core.changes import sync_reason_text
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.fields import label
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.engine.events import IdentifyStep
from metarr_desktop.engine.runtime import ProviderRuntime
from metarr_desktop.services import formatting
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.formatting import DisplayStatus
from metarr_desktop.services.identification import IdentifyResult
from metarr_desktop.services.movie_fields import USER_SOURCE
from metarr_desktop.services.movie_fields import MovieDetail
from metarr_desktop.services.progress import STEP_NAMES
from metarr_desktop.services.progress import Phase
from metarr_desktop.services.progress import ProviderBoard
from metarr_desktop.services.progress import ProviderProgress
from metarr_desktop.services.progress import ProviderState
from metarr_desktop.services.progress import chip_text
from metarr_desktop.services.progress import outcome_state
from metarr_desktop.ui.movie.values import RATING_NAMES
from metarr_desktop.ui.movie.values import RATING_SOURCE_FIELDS
from metarr_desktop.ui.movie.values import rating_scale
from metarr_desktop.ui.movie.values import rating_text

# --------------------------------------------------------------------------------------------------
# Small text helpers
# --------------------------------------------------------------------------------------------------

_ID_NAMES = {IdType.TMDB: "TMDB", IdType.IMDB: "IMDb", IdType.TVDB: "TheTVDB"}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape(text: object) -> str:
    """`text` for a place in the page's own rich text: HTML escaped, control characters visible."""
    return html.escape(_CONTROL_RE.sub("\ufffd", str(text)))


def join_names(names: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def ids_text(ids: ExternalIds) -> str:
    """``TMDB 27205, IMDb tt1375666 and TheTVDB 700003``."""
    return join_names([f"{_ID_NAMES[kind]} {value}" for kind, value in ids.known().items()])


@dataclass(frozen=True, slots=True)
class ChipSpec:
    """One chip as the presenter describes it (the page paints it; `status` gives the dot's colour)."""

    text: str
    secondary: str = ""
    status: DisplayStatus | None = None
    tooltip: str = ""
    key: str = ""


# --------------------------------------------------------------------------------------------------
# The banner and the lines under it
# --------------------------------------------------------------------------------------------------


def title_text(movie: MovieRecord) -> str:
    return f"{movie.title} ({movie.year})" if movie.year else movie.title


def facts_text(values: Mapping[str, Any]) -> str:
    """Release date · runtime · rating · genres · directors (or how to get them)."""
    facts = []
    if values.get("release_date"):
        facts.append(str(values["release_date"]))
    if values.get("runtime"):
        facts.append(f"{values['runtime']} min")
    if values.get("content_rating"):
        facts.append(str(values["content_rating"]))
    if values.get("genres"):
        facts.append(", ".join(str(g) for g in values["genres"]))
    if values.get("directors"):
        facts.append("Directed by " + join_names([str(d) for d in values["directors"]]))
    return "  ·  ".join(facts) or "No details yet: Refresh Metadata fetches them."


def status_chips(detail: MovieDetail) -> list[ChipSpec]:
    """The banner's status: identified or not, not monitored, how many fields are locked."""
    movie = detail.movie
    if movie.status is IdentificationStatus.IDENTIFIED:
        status = ChipSpec("Identified", status=DisplayStatus.HEALTHY, key="status")
    elif movie.status is IdentificationStatus.NEEDS_IDENTIFICATION:
        status = ChipSpec(
            "Needs identification",
            status=DisplayStatus.DEGRADED,
            tooltip="Several films (or none) match: choose one with Identify…",
            key="status",
        )
    else:
        status = ChipSpec(
            "Not identified yet",
            status=DisplayStatus.UNKNOWN,
            tooltip="Refresh Metadata identifies it first",
            key="status",
        )
    chips = [status]
    if not movie.monitored:
        chips.append(ChipSpec("Not monitored", tooltip="The daily refresh skips this movie", key="monitored"))
    locked = sorted(detail.locked, key=lambda n: list(detail.fields).index(n))
    if locked:
        chips.append(
            ChipSpec(
                f"{len(locked)} locked",
                tooltip="Locked fields (refreshes never change them): " + ", ".join(label(n) for n in locked),
                key="locked",
            )
        )
    return chips


def rating_chips(detail: MovieDetail, names: Mapping[str, str], show_sources: bool) -> list[ChipSpec]:
    """One chip per rating source, never blended (with the provider that supplied it)."""
    chips = []
    for rating in detail.ratings:
        source = str(rating["source"])
        field_detail = detail.fields.get(RATING_SOURCE_FIELDS.get(source, ""))
        provider = field_detail.source if field_detail else None
        provider_name = "edited" if provider == USER_SOURCE else names.get(provider or "", provider or "")
        votes = rating.get("votes")
        tip = f"{RATING_NAMES.get(source, source)}: {rating_text(rating)} {rating_scale(rating)}".strip()
        if votes:
            tip += f", {votes:,} votes"
        if provider_name:
            tip += f" (from {provider_name})"
        secondary = rating_scale(rating)
        if show_sources and provider_name:
            secondary = f"{secondary}  [{provider_name}]".strip()
        chips.append(
            ChipSpec(
                f"{RATING_NAMES.get(source, source)}  {rating_text(rating)}",
                secondary,
                tooltip=tip,
                key=source,
            )
        )
    return chips


def enriched_text(movie: MovieRecord, names: Mapping[str, str], now: datetime) -> tuple[str, str]:
    """The "Last enriched" line (rich text, provider names escaped) and its tooltip."""
    if movie.last_enriched_at is None:
        return "<b>Never enriched.</b> Refresh Metadata asks every provider.", ""
    used = [names.get(p, p) for p in movie.last_enriched_providers]
    when = formatting.relative_time(movie.last_enriched_at, now)
    providers = f" · from {escape(join_names(used))}" if used else ""
    tip = movie.last_enriched_at.strftime("Last enriched %Y-%m-%d %H:%M:%S UTC")
    return f"<b>Last enriched</b> {when}{providers}", tip


def incomplete_text(movie: MovieRecord, names: Mapping[str, str], now: datetime) -> str:
    """Which providers owe an answer and when they are asked again ("" when none)."""
    if not movie.incomplete_providers:
        return ""
    parts = []
    for provider, retry_at in sorted(movie.incomplete_providers.items(), key=lambda item: item[1]):
        name = names.get(provider, provider)
        due = "now" if retry_at <= now else formatting.relative_time(retry_at, now)
        parts.append(f"{name} (asked again {due}, {retry_at.strftime('%H:%M UTC')})")
    return "Incomplete: no answer yet from " + "; ".join(parts)


def _quoted(text: object) -> str:
    return f"“{text}”"


def _match_line(lead: str, match: Mapping[str, Any]) -> str:
    """``Best match “Inception” (2010): title “inception” against “inception” (exact), year same.``"""
    year = f" ({match['year']})" if match.get("year") else ""
    line = f"{lead} {_quoted(match.get('title', ''))}{year}"
    compared = match.get("compared")
    parts = []
    if isinstance(compared, list) and len(compared) == 2:
        parts.append(
            f"title {_quoted(compared[0])} against {_quoted(compared[1])} ({match.get('title_match', '')})"
        )
    if match.get("year_match"):
        parts.append(f"year {match['year_match']}")
    return line + (": " + ", ".join(parts) if parts else "")


def why_summary(result: IdentifyResult | None) -> str:
    """One line on the identification: its outcome and the rule that decided it ("" when unknown)."""
    if result is None or not result.why:
        return ""
    rule = str(result.why.get("rule") or "")
    if result.identified:
        lead = f"Identified as {ids_text(result.ids)}" if not result.ids.is_empty() else "Identified"
    elif result.reason == "ambiguous":
        lead = "Not identified: several films match"
    else:
        lead = "Not identified: no film found"
    return f"{lead} — why: {rule}." if rule else f"{lead}."


def why_tip(result: IdentifyResult | None) -> str:
    """When the identification was decided ("" when unknown): it may come from an earlier session,
    `metarr identify` or the schedule."""
    if result is None or result.decided_at is None:
        return ""
    return result.decided_at.strftime("Decided %Y-%m-%d %H:%M:%S UTC")


def why_lines(result: IdentifyResult | None, names: Mapping[str, str]) -> list[str]:
    """The identification's `why` in plain sentences: the titles compared (normalised), the year
    rule, the ids cross-checked, the runner-up and why it lost, the providers that answered."""
    if result is None or not result.why:
        return []
    why = result.why
    lines = []
    query = why.get("query")
    if isinstance(query, Mapping):
        year = f", year {query['year']}" if query.get("year") else ", no year"
        title, normalised = _quoted(query.get("title", "")), _quoted(query.get("normalised", ""))
        lines.append(f"Searched for {title} (normalised {normalised}{year}).")
    if why.get("year_rule"):
        lines.append(f"Year rule: {why['year_rule']}.")
    best = why.get("best")
    if isinstance(best, Mapping):
        lines.append(_match_line("Best match", best) + ".")
    runner_up = why.get("runner_up")
    if isinstance(runner_up, Mapping):
        line = _match_line("Runner-up", runner_up)
        lost = runner_up.get("lost_because")
        lines.append(f"{line}; it lost because {lost}." if lost else f"{line}.")
    looked_up = why.get("ids_looked_up")
    if looked_up:
        lines.append("Ids looked up: " + ", ".join(str(i) for i in looked_up) + ".")
    if "ids_cross_checked" in why:
        checked = why.get("ids_cross_checked") or []
        lines.append(
            "Ids cross-checked by two or more providers: " + ", ".join(str(i) for i in checked) + "."
            if checked
            else "No id was confirmed by two providers."
        )
    if why.get("candidates_merged"):
        lines.append(f"{why['candidates_merged']} search results turned out to be this one film.")
    providers = why.get("providers")
    if providers:
        lines.append("Answered by " + join_names([names.get(str(p), str(p)) for p in providers]) + ".")
    return lines


@dataclass(frozen=True, slots=True)
class FolderInfo:
    """The movie's folder as the page shows it.

    Attributes:
        path: the full path ("" when the movie has none); the label elides it, the tooltip has it.
        folder: what "Open folder" opens ("" when it cannot).
        reason: why "Open folder" is disabled ("" when it is enabled).
    """

    path: str
    folder: str
    reason: str

    @property
    def can_open(self) -> bool:
        return bool(self.folder)


def folder_info(
    movie: MovieRecord, *, is_dir: Callable[[str], bool], is_file: Callable[[str], bool]
) -> FolderInfo:
    """Where the movie lives and whether its folder can be opened (a file path opens its folder)."""
    path = movie.path or ""
    if not path:
        return FolderInfo("", "", "This movie has no folder: it was added by hand, not found by a scan.")
    if is_dir(path):
        return FolderInfo(path, path, "")
    if is_file(path):
        return FolderInfo(path, str(PurePath(path).parent), "")
    return FolderInfo(path, "", "The folder is missing: it was moved, renamed or its drive is not connected.")


# --------------------------------------------------------------------------------------------------
# Refreshing: who is asked, what the panel says
# --------------------------------------------------------------------------------------------------

NO_REFRESH_TEXT = "No refresh yet: Refresh Metadata asks the providers again."

IDENTIFY_FIRST_DETAIL = (
    "This movie has no confirmed ids yet, so it is identified first: the providers that can "
    "search are asked for its title and year, then the film found is looked up to learn its "
    "other ids. Its metadata is fetched once the film is certain."
)


def needs_identification(movie: MovieRecord | None) -> bool:
    """A refresh of this movie identifies it first (it is not identified, or has no ids)."""
    return movie is None or movie.status is not IdentificationStatus.IDENTIFIED or movie.ids.is_empty()


def target_providers(runtimes: Iterable[ProviderRuntime], movie: MovieRecord | None) -> list[str]:
    """The enabled providers (`runtimes`) that can serve this movie (all movie providers while it is
    not identified: the identification may find the ids the others need)."""
    identified = not needs_identification(movie)
    targets = []
    for runtime in runtimes:
        capabilities = runtime.provider.capabilities
        if EntityType.MOVIE not in capabilities.entity_types:
            continue
        if movie is not None and identified and not capabilities.accepts(movie.ids):
            continue
        targets.append(runtime.id)
    return targets


def summary(result: EnrichResult) -> str:
    """A refresh's outcome in a few words ("3 fields changed", "nothing changed")."""
    count = len(result.changes.changed_fields)
    if result.status is Status.ENRICHED:
        return f"{count} field{'s' if count != 1 else ''} changed"
    if result.status is Status.UNCHANGED:
        return "nothing changed"
    if result.status is Status.NEEDS_IDENTIFICATION:
        return "needs identification: choose the film with Identify…"
    if result.status is Status.SKIPPED:
        return "skipped"
    return f"failed: {result.error or 'no provider answered'}"


def result_notes(
    result: EnrichResult,
    names: Mapping[str, str],
    locked: Sequence[str],
    *,
    identified_before: IdentifyResult | None = None,
) -> list[str]:
    """The sentences under a finished refresh's title: the identification it started with (or the
    one made just before it, `identified_before`: the Identify dialog's), the locked fields left
    alone, the failure, the providers asked again later."""
    notes = []
    identification = result.identification
    if identification is not None and identification.identified:
        notes.append(f"Identified first, as {ids_text(identification.ids)}.")
    elif identified_before is not None and identified_before.identified:
        how = " (your choice)" if identified_before.why.get("rule") == "the user's choice" else ""
        notes.append(f"Identified as {ids_text(identified_before.ids)}{how}, then its metadata was fetched.")
    elif identification is not None:
        if identification.reason == "ambiguous":
            notes.append("Several films match its title and year.")
        elif identification.previous_ids.is_empty():
            notes.append("No provider found a film with its title and year.")
        else:
            notes.append("No provider knows its ids or found a film with its title and year.")
        for failure in identification.failed:
            notes.append(f"{names.get(failure.provider, failure.provider)} did not answer: {failure.error}.")
    settled = result.status in (Status.ENRICHED, Status.UNCHANGED)
    if locked and settled:
        notes.append("Locked fields were left as they are: " + ", ".join(label(n) for n in locked) + ".")
    if result.status is Status.FAILED and result.error:
        notes.append(f"Nothing was changed: {result.error}.")
    problems = [*result.rate_limited, *result.timed_out, *(f.provider for f in result.failed)]
    if problems and settled:
        who = join_names([names.get(p, p) for p in dict.fromkeys(problems)])
        notes.append(f"{who} will be asked again later; the movie is marked incomplete until then.")
    return notes


def sync_text(result: EnrichResult) -> str:
    """Whether a media player must resync the movie after a refresh."""
    changes = result.changes
    if changes.requires_player_sync:
        reason = sync_reason_text(changes.names()) or changes.sync_reason
        return f"A media player showing this movie must resync it. {reason}."
    if changes.changed_fields:
        return "No media player resync needed: no field a player shows changed."
    return "Nothing changed, so no media player resync is needed."


# --------------------------------------------------------------------------------------------------
# A refresh's progress, identification included
# --------------------------------------------------------------------------------------------------

#: The dot of a provider chip per state.
STATE_STATUS = {
    ProviderState.WAITING: DisplayStatus.DISABLED,
    ProviderState.RUNNING: DisplayStatus.UNKNOWN,
    ProviderState.RETRY: DisplayStatus.DEGRADED,
    ProviderState.DONE: DisplayStatus.HEALTHY,
    ProviderState.CACHED: DisplayStatus.HEALTHY,
    ProviderState.NOT_FOUND: DisplayStatus.DISABLED,
    ProviderState.FAILED: DisplayStatus.DOWN,
    ProviderState.TIMEOUT: DisplayStatus.DOWN,
    ProviderState.RATE_LIMITED: DisplayStatus.RATE_LIMITED,
    ProviderState.SKIPPED: DisplayStatus.DISABLED,
}


#: Where a refresh is (nothing asked yet, identifying, fetching).
RefreshPhase = Phase

#: Each provider's part of a refresh, the identification it may start with included: the one state
#: machine of `services.progress` (the name the page and its tests know).
IdentifyingRefreshProgress = ProviderBoard


def identify_text(step: IdentifyStep, progress: ProviderProgress) -> str:
    """What a chip says for a provider's part of an identification step ("3 results", "found")."""
    return chip_text(progress, step)


def identifying(progress: IdentifyingRefreshProgress, needs_identification: bool) -> bool:
    """The refresh is identifying the movie (or is about to: it starts with that)."""
    return progress.phase is RefreshPhase.IDENTIFYING or (
        progress.phase is RefreshPhase.STARTING and needs_identification
    )


def phase_text(
    progress: IdentifyingRefreshProgress,
    movie: MovieRecord | None,
    *,
    force: bool,
    needs_identification: bool,
) -> str:
    """The panel's title while a refresh runs: its phase, and within it what is happening."""
    if identifying(progress, needs_identification):
        if progress.step is IdentifyStep.SEARCH:
            year = f" ({movie.year})" if movie is not None and movie.year else ""
            name = f"“{movie.title}{year}”" if movie is not None and movie.title else "it"
            return f"Identifying… searching the providers for {name}"
        if progress.step is IdentifyStep.LOOKUP:
            return "Identifying… looking its ids up to find the others"
        return "Identifying… the movie has no confirmed ids yet"
    if progress.phase is RefreshPhase.FETCHING:
        lead = "Identified. Fetching…" if progress.identified else "Fetching…"
        return f"{lead} asking every provider again" if force else f"{lead} asking the providers"
    return "Refreshing metadata, every provider asked again…" if force else "Refreshing metadata…"


def provider_chips(progress: IdentifyingRefreshProgress | None, names: Mapping[str, str]) -> list[ChipSpec]:
    """One chip per provider asked: its name, what it is doing or how it ended, why in the tooltip."""
    if progress is None:
        return []
    chips = []
    for provider, state in progress.states.items():
        name = names.get(provider, provider)
        tip = progress.tooltip_of(provider, name)
        chips.append(
            ChipSpec(
                name, progress.text_of(provider), status=STATE_STATUS[state.state], tooltip=tip, key=provider
            )
        )
    return chips


__all__ = [
    "IDENTIFY_FIRST_DETAIL",
    "NO_REFRESH_TEXT",
    "STATE_STATUS",
    "STEP_NAMES",
    "ChipSpec",
    "FolderInfo",
    "IdentifyingRefreshProgress",
    "RefreshPhase",
    "enriched_text",
    "escape",
    "facts_text",
    "folder_info",
    "identify_text",
    "identifying",
    "ids_text",
    "incomplete_text",
    "join_names",
    "needs_identification",
    "outcome_state",
    "phase_text",
    "provider_chips",
    "rating_chips",
    "result_notes",
    "status_chips",
    "summary",
    "sync_text",
    "target_providers",
    "title_text",
    "why_lines",
    "why_summary",
    "why_tip",
]
