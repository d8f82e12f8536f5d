"""What the Identify dialog says, without widgets: the request its inputs make, each candidate's
line of facts, the `why` of the automatic decision, and the status and note texts.

Everything here is plain text (provider text is data: the widgets show it as plain text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from metarr_desktop.core.ids import IdType
from metarr_desktop.core.ids import InvalidIdError
from metarr_desktop.core.ids import parse_imdb_id
from metarr_desktop.core.matching import Candidate
from metarr_desktop.core.matching import decide
from metarr_desktop.core.matching import normalise_title
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.engine.events import IdentifyStep
from metarr_desktop.engine.identify import LookupResult
from metarr_desktop.services.formatting import DisplayStatus
from metarr_desktop.services.identification import SelectionError
from metarr_desktop.services.identification import parse_selection

#: Milliseconds of quiet typing before a search starts.
DEBOUNCE_MS = 300
MIN_YEAR, MAX_YEAR = 1870, 2100
ID_FORMS = "tt0116191, tmdb:9870, a themoviedb.org address or tvdb:700046"
#: At most this many characters of a failure's reason on its chip (the whole error is in the tooltip);
#: fewer when the row would not fit the dialog.
REASON_CHARS = 28

_TMDB_URL = re.compile(r"themoviedb\.org/(?:[a-z]{2}(?:-[a-z]{2})?/)?movie/(\d+)")
_TMDB_ORIGINAL = "image.tmdb.org/t/p/original/"


# --------------------------------------------------------------------------------------------------
# Reading the inputs
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """Search the providers for a title (and a year)."""

    title: str
    year: int | None


@dataclass(frozen=True, slots=True)
class LookupRequest:
    """Look one id up (``"tmdb:9870"``)."""

    choice: str


Request = SearchRequest | LookupRequest


def read_request(id_text: str, title_text: str, year_text: str) -> tuple[Request | None, str]:
    """What the inputs ask for, and the error to show under them ("" when none): an id wins over
    the title; nothing is asked for while the title is empty or an input is wrong."""
    try:
        choice = parse_id_input(id_text)
    except (InvalidIdError, SelectionError) as exc:
        return None, f"{exc} — or clear the id to search by title."
    if choice is not None:
        return LookupRequest(choice), ""
    year_text = year_text.strip()
    year = int(year_text) if year_text.isdigit() else None
    title = title_text.strip()
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return None, f"The year must be between {MIN_YEAR} and {MAX_YEAR}, or left empty."
    return (SearchRequest(title, year) if title else None), ""


def step_of(request: Request) -> IdentifyStep:
    return IdentifyStep.LOOKUP if isinstance(request, LookupRequest) else IdentifyStep.SEARCH


def doing_text(request: Request) -> str:
    """The status line while `request` runs."""
    if isinstance(request, LookupRequest):
        return f"Looking up {request.choice}…"
    return f"Searching for “{title_with_year(request.title, request.year)}”…"


def parse_id_input(text: str) -> str | None:
    """The choice (``"imdb:tt0116191"``, ``"tmdb:9870"``, ``"tvdb:700046"``) that the id box's text
    names, or None when it is empty. Raises `InvalidIdError` or `SelectionError` with a message for
    the user.

    Accepted: an IMDb id or IMDb address, ``imdb:``/``tmdb:``/``tvdb:`` followed by the id, a
    themoviedb.org movie address. A bare number is refused: it could be a TMDB or a TVDB id.
    """
    text = text.strip()
    if not text:
        return None
    lower = text.lower()
    if "themoviedb.org" in lower:
        match = _TMDB_URL.search(lower)
        if match is None:
            raise InvalidIdError(
                f"not a TMDB movie address: {text} (expected …themoviedb.org/movie/9870-emma)"
            )
        return f"tmdb:{int(match.group(1))}"
    if "imdb.com" in lower or lower.startswith("tt"):
        return f"imdb:{parse_imdb_id(text)}"
    if text.isdigit():
        raise SelectionError(f"{text} could be a TMDB or a TVDB id: type tmdb:{text} or tvdb:{text}")
    if ":" not in text:
        raise SelectionError(f"not an id: {text!r} (expected {ID_FORMS})")
    kind, value = next(iter(parse_selection(text).known().items()))
    return f"{kind.value}:{value}"


def best_choice(candidate: Candidate) -> str | None:
    """The id to identify a candidate by: TMDB, else IMDb, else TVDB (``"tmdb:9870"``)."""
    for kind in (IdType.TMDB, IdType.IMDB, IdType.TVDB):
        value = candidate.external_ids.get(kind)
        if value is not None:
            return f"{kind.value}:{value}"
    return None


def thumbnail_url(url: str) -> str:
    """A small rendition of a poster where the provider offers one (TMDB's ``w185`` instead of the
    multi-megabyte original); other URLs are returned unchanged."""
    return url.replace(_TMDB_ORIGINAL, "image.tmdb.org/t/p/w185/", 1)


def candidate_from_lookup(lookup: LookupResult, order: Sequence[str]) -> Candidate:
    """The film a lookup found, as a list entry: fields from the first provider (in `order`) that
    has each one; confidence 100 (an id is an exact answer)."""
    answers = [lookup.answers[p] for p in order if p in lookup.answers]
    answers += [a for p, a in lookup.answers.items() if p not in order]

    def first(*names: str) -> Any:
        for answer in answers:
            for name in names:
                value = answer.fields.get(name)
                if value:
                    return value
        return None

    year = first("year")
    poster = first("poster")
    return Candidate(
        providers=tuple(a.provider for a in answers),
        external_ids=lookup.ids,
        title=str(first("title") or best_label(lookup)),
        original_title=first("original_title"),
        year=int(year) if isinstance(year, int | str) and str(year).isdigit() else None,
        release_date=first("release_date"),
        overview=first("plot", "outline"),
        poster_url=str(poster) if poster else None,
        confidence=100.0,
    )


def best_label(lookup: LookupResult) -> str:
    known = lookup.ids.known()
    return ", ".join(f"{kind.value} {value}" for kind, value in known.items()) or "unknown film"


def describe_failures(failures: Sequence[FailedProvider], names: dict[str, str]) -> str:
    return "; ".join(f"{names.get(f.provider, f.provider)}: {f.error}" for f in failures)


def friendly_date(text: str) -> str:
    """``1996-08-02`` as ``2 Aug 1996``; anything else unchanged."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day:%b %Y}"


def title_with_year(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title


def confidence_status(confidence: float) -> DisplayStatus:
    """The colour of a confidence bar: green for a strong match, amber for a fair one."""
    if confidence >= 80:
        return DisplayStatus.HEALTHY
    if confidence >= 60:
        return DisplayStatus.DEGRADED
    return DisplayStatus.UNKNOWN


# --------------------------------------------------------------------------------------------------
# Each provider's part (the chips' texts)
# --------------------------------------------------------------------------------------------------


def short_reason(detail: str, limit: int = REASON_CHARS) -> str:
    """The gist of a provider's error for its chip: the text before its parenthesised details, cut
    at a word to at most `limit` characters ("the API key was refused (Invalid API key…)" is "the
    API key was refused"); empty when `limit` is 0."""
    gist = detail.split(" (", 1)[0].strip().rstrip(".:;,")
    if limit <= 0:
        return ""
    if len(gist) <= limit:
        return gist
    cut = gist[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


# --------------------------------------------------------------------------------------------------
# A candidate's facts
# --------------------------------------------------------------------------------------------------


def candidate_facts(candidate: Candidate) -> list[str]:
    """What tells look-alikes apart, where the candidate carries it: a TV film mark (first, so that
    it is never cut off), runtime, director, original title."""
    facts: list[str] = ["TV film"] if candidate.tv_film else []
    if candidate.runtime:
        facts.append(f"{candidate.runtime} min")
    if candidate.director:
        facts.append(f"directed by {candidate.director}")
    if candidate.original_title and candidate.original_title != candidate.title:
        facts.append(f"original title {candidate.original_title}")
    return facts


def candidate_details(candidate: Candidate) -> str:
    """The line under a candidate's title: release date, its facts, then its ids."""
    parts: list[str] = []
    if candidate.release_date:
        parts.append(f"released {friendly_date(candidate.release_date)}")
    parts.extend(candidate_facts(candidate))
    parts.extend(f"{kind.value} {value}" for kind, value in candidate.external_ids.known().items())
    return "  ·  ".join(parts)


def accessible_text(candidate: Candidate, exact: bool, providers: Iterable[str]) -> str:
    match = "found by its id" if exact else f"{candidate.confidence:.0f} percent match"
    facts = "".join(f", {fact}" for fact in candidate_facts(candidate))
    names = ", ".join(providers)
    return f"{title_with_year(candidate.title, candidate.year)}{facts}, {match}, found by {names}"


# --------------------------------------------------------------------------------------------------
# Why: the automatic decision, in words
# --------------------------------------------------------------------------------------------------


def search_why(candidates: Sequence[Candidate], title: str, year: int | None) -> dict[str, Any]:
    """The `why` of the automatic decision over these candidates for this title and year (as
    `metarr identify --json` prints it), by the engine's rule (`core.matching.decide`) run again
    here: what the dialog shows only when the engine's own `why` (`engine_why`) answers nothing."""
    return decide(list(candidates), title, year).why


def engine_why(why: Mapping[str, Any], request: Request) -> dict[str, Any]:
    """The engine's own `why` of the movie's last identification (`IdentifyResult.why`) when it
    answers what `request` asks, else {}: a search of the title (as normalised) and year the engine
    compared, or a lookup of an id the engine looked up. It says what the engine decided, which the
    candidates alone may not (it probes look-alikes and can settle an ambiguity)."""
    if not why:
        return {}
    if isinstance(request, SearchRequest):
        query = why.get("query")
        if not isinstance(query, Mapping) or query.get("year") != request.year:
            return {}
        return dict(why) if query.get("normalised") == normalise_title(request.title) else {}
    looked_up = why.get("ids_looked_up")
    if not isinstance(looked_up, list):
        return {}
    try:
        asked = parse_selection(request.choice).known()
    except (SelectionError, InvalidIdError):
        return {}
    return dict(why) if any(f"{kind.value} {value}" in looked_up for kind, value in asked.items()) else {}


def _match_words(match: Mapping[str, Any]) -> str:
    """ "“emma” against “emma”: exact title, same year, ids cross-checked: imdb tt0116191"."""
    parts: list[str] = []
    compared = match.get("compared")
    if isinstance(compared, list) and len(compared) == 2:
        parts.append(f"“{compared[0]}” against “{compared[1]}”")
    if match.get("title_match"):
        parts.append(f"{match['title_match']} title")
    year_match = match.get("year_match")
    if year_match:
        parts.append(
            {"same": "same year", "close": "year one off", "different": "another year"}.get(
                str(year_match), "no year to compare"
            )
        )
    checked = match.get("ids_cross_checked")
    if isinstance(checked, list) and checked:
        parts.append("ids cross-checked: " + ", ".join(str(c) for c in checked))
    if match.get("tv_film"):
        parts.append("a TV film")
    return ", ".join(parts)


def why_text(why: Mapping[str, Any]) -> str:
    """The `why` of an identification decision as plain lines: the rule, the titles compared (as
    normalised), the year rule, the ids cross-checked, and why the runner-up lost. Empty for an
    empty `why`."""
    if not why:
        return ""
    lines: list[str] = []
    outcome = why.get("outcome")
    rule = why.get("rule")
    heading = {
        "identified": "Automatic match",
        "ambiguous": "No automatic match",
        "not_found": "No automatic match",
    }.get(str(outcome), "Decision")
    lines.append(f"{heading}: {rule}." if rule else f"{heading}.")
    query = why.get("query")
    if isinstance(query, Mapping) and query.get("normalised") is not None:
        year = query.get("year")
        lines.append(
            f"Compared as “{query['normalised']}”" + (f", year {year}" if year else ", no year") + "."
        )
    best = why.get("best")
    if isinstance(best, Mapping):
        label = title_with_year(str(best.get("title", "")), best.get("year"))
        lines.append(f"Best: {label}: {_match_words(best)}.")
    runner_up = why.get("runner_up")
    if isinstance(runner_up, Mapping):
        label = title_with_year(str(runner_up.get("title", "")), runner_up.get("year"))
        lost = runner_up.get("lost_because")
        lines.append(f"Runner-up: {label}: {_match_words(runner_up)}" + (f"; lost: {lost}." if lost else "."))
    checked = why.get("ids_cross_checked")
    if isinstance(checked, list) and checked:
        lines.append("Ids cross-checked: " + ", ".join(str(c) for c in checked) + ".")
    if why.get("year_rule"):
        lines.append(f"Year rule: {why['year_rule']}.")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Status lines and notes
# --------------------------------------------------------------------------------------------------


def describe_movie(movie: MovieRecord) -> str:
    """The line under the dialog's heading: how the movie stands, and its folder."""
    if movie.status is IdentificationStatus.IDENTIFIED:
        known = ", ".join(f"{k.value} {v}" for k, v in movie.ids.known().items())
        state = f"Identified now as {known}; choosing another film replaces these ids."
    elif movie.status is IdentificationStatus.NEEDS_IDENTIFICATION:
        state = "Needs identification: the automatic match found no film or more than one."
    else:
        state = "Not identified yet."
    return f"{state}  Folder: {movie.path}" if movie.path else state


def found_status(count: int, title: str, year: int | None) -> tuple[str, bool]:
    """The status line after a search that answered, and whether it is an error."""
    query = title_with_year(title, year)
    if count:
        films = "One film" if count == 1 else f"{count} films"
        return f"{films} found for “{query}”, best match first.", False
    hint = " Try without the year," if year is not None else " Try"
    return f"No results for “{query}”.{hint} another spelling, or paste an id.", True


def failure_note(
    failures: Sequence[FailedProvider], what: str, names: Mapping[str, str], ended: Mapping[str, str]
) -> str:
    """What the providers that failed mean for the list ("shown without TheTVDB"). A provider's
    reason is said by its chip (and its tooltip); the note repeats only how its part ended
    (`ended`: provider -> "failed", "timed out", …), and gives the reason of a provider that has no
    chip."""
    if not failures:
        return ""
    parts = []
    for failure in failures:
        name = names.get(failure.provider, failure.provider)
        parts.append(f"{name}: {ended.get(failure.provider) or failure.error}")
    providers = ", ".join(names.get(f.provider, f.provider) for f in failures)
    return f"Not every provider could {what} ({'; '.join(parts)}); shown without {providers}."
