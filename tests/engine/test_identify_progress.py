"""Identification reports its progress per provider: each step (the search, each round of lookups)
with the providers it asks, and for each provider its start, retries, timeout, outcome (answered,
not found, failed, timed out, rate limited, skipped) and completion, as it happens. A failing
provider reports its failure and the others go on; a provider that may not be asked now reports
that without a request. The identification service frames it with begin/end, and the enrichment
of an unidentified movie passes its listener through.

Set-ups: the real services and HTTP clients over fake providers behind an `httpx.MockTransport`
with simulated time (retries and timeouts cost no real time), in-memory catalog providers for the
rounds of a lookup, and the sandbox on loopback (real clients, a real film of the demo catalog).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.events import IdentifyStep
from metarr_desktop.engine.events import ProviderOutcome
from metarr_desktop.engine.events import RecordingProgress
from metarr_desktop.engine.identify import IdentificationError
from metarr_desktop.engine.identify import Identifier
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.library_suite import LibrarySuite
from tests.helpers.catalog_identifier import COMPLETE
from tests.helpers.catalog_identifier import catalog_identifier
from tests.helpers.fake_services import FakeServices
from tests.helpers.fake_services import services_on_fakes
from tests.helpers.sandbox import open_on_sandbox
from tests.helpers.sandbox import sandbox_factory  # noqa: F401 - a fixture

SEARCHERS = {"omdb", "tmdb", "tvdb"}  # the fake providers that can search (fanart cannot)
EVERY = {"omdb", "tmdb", "tvdb", "fanart"}
Events = list[tuple[str, ...]]


# --------------------------------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------------------------------


@pytest.fixture
async def app(
    tmp_path: Path, clock: VirtualClock, fake_providers: FakeServices
) -> AsyncIterator[AppServices]:
    async with services_on_fakes(tmp_path / "profile", fake_providers, clock) as services:
        yield services


@pytest.fixture
def identifier(app: AppServices) -> Identifier:
    return Identifier(app.orchestrator)


@pytest.fixture
def suite(app: AppServices) -> LibrarySuite:
    return LibrarySuite.create(app)


def of(events: Events, provider: str) -> Events:
    """The events about one provider, in order."""
    return [e for e in events if e[0] not in ("step", "identify_begin", "identify_end") and e[1] == provider]


def steps(events: Events) -> list[tuple[str, set[str]]]:
    return [(e[1], set(e[2:])) for e in events if e[0] == "step"]


def assert_well_formed(events: Events) -> None:
    """Every start is followed by exactly one outcome and one completion, which agree."""
    open_: dict[str, int] = {}
    for index, event in enumerate(events):
        if event[0] == "start":
            assert event[1] not in open_, f"{event[1]} started twice at once"
            open_[event[1]] = index
        elif event[0] == "complete":
            provider = event[1]
            assert provider in open_, f"{provider} completed without a start"
            outcome = events[index - 1]
            assert outcome[:2] == ("outcome", provider), "the outcome comes just before the completion"
            assert event[2] == str(ProviderOutcome(outcome[3]).success).lower()
            del open_[provider]
    assert not open_, f"never completed: {open_}"


# --------------------------------------------------------------------------------------------------
# Search mode
# --------------------------------------------------------------------------------------------------


async def test_search_reports_each_provider_as_it_goes(identifier: Identifier) -> None:
    progress = RecordingProgress()
    outcome = await identifier.search("Inception", 2010, progress=progress)
    events = progress.events
    assert steps(events) == [("search", SEARCHERS)]
    assert events[0][:2] == ("step", "search")  # announced before anybody is asked
    for provider in SEARCHERS:
        assert of(events, provider) == [
            ("start", provider),
            ("outcome", provider, "search", "answered", "1 result"),
            ("complete", provider, "true"),
        ]
    assert of(events, "fanart") == []  # it cannot search: not part of this step
    assert_well_formed(events)
    assert set(outcome.answered) == SEARCHERS


async def test_a_search_that_finds_nothing_is_an_answer(
    identifier: Identifier, fake_providers: FakeServices
) -> None:
    fake_providers.status["tmdb"] = 404
    progress = RecordingProgress()
    await identifier.search("Inception", 2010, progress=progress)
    tmdb = of(progress.events, "tmdb")
    assert tmdb[1][:4] == ("outcome", "tmdb", "search", "not_found")
    assert tmdb[2] == ("complete", "tmdb", "true")


async def test_a_failing_provider_reports_its_failure_and_the_others_go_on(
    identifier: Identifier, fake_providers: FakeServices
) -> None:
    fake_providers.status["omdb"] = 401  # refused key: no retry
    fake_providers.status["tvdb"] = 503  # retried twice, then failed
    progress = RecordingProgress()
    outcome = await identifier.search("Inception", 2010, progress=progress)
    events = progress.events
    omdb = of(events, "omdb")
    assert omdb[0] == ("start", "omdb") and omdb[-1] == ("complete", "omdb", "false")
    assert omdb[1][:4] == ("outcome", "omdb", "search", "failed") and "API key" in omdb[1][4]
    tvdb = of(events, "tvdb")
    assert tvdb[1:3] == [("retry", "tvdb", "1", "2"), ("retry", "tvdb", "2", "2")]
    assert tvdb[3][:4] == ("outcome", "tvdb", "search", "failed")
    assert of(events, "tmdb")[1] == ("outcome", "tmdb", "search", "answered", "1 result")
    assert_well_formed(events)
    assert outcome.answered == ["tmdb"]
    assert {f.provider for f in outcome.failures} == {"omdb", "tvdb"}


async def test_a_provider_that_never_answers_times_out(
    identifier: Identifier, fake_providers: FakeServices
) -> None:
    fake_providers.hold = asyncio.Event()  # never set: every request waits until its budget runs out
    progress = RecordingProgress()
    outcome = await identifier.search("Inception", 2010, progress=progress)
    for provider in SEARCHERS:
        events = of(progress.events, provider)
        assert ("timeout", provider) in events
        assert events[-2][:4] == ("outcome", provider, "search", "timed_out")
    assert outcome.answered == [] and {f.provider for f in outcome.failures} == SEARCHERS


async def test_a_rate_limited_provider_is_reported_without_a_request(
    identifier: Identifier, app: AppServices, fake_providers: FakeServices, clock: VirtualClock
) -> None:
    app.pool.get("omdb").gate.note_rate_limited(
        RateLimitedError("omdb", "daily quota used up", reset_at=clock.now() + timedelta(hours=2))
    )
    breaker = app.pool.get("tvdb").breaker
    for _ in range(breaker.threshold):
        breaker.record_failure()
    progress = RecordingProgress()
    outcome = await identifier.search("Inception", 2010, progress=progress)
    omdb = of(progress.events, "omdb")
    assert len(omdb) == 1 and omdb[0][:4] == ("outcome", "omdb", "search", "rate_limited")
    assert "rate limited until" in omdb[0][4]
    tvdb = of(progress.events, "tvdb")
    assert tvdb == [("outcome", "tvdb", "search", "skipped", "circuit open after repeated failures")]
    assert fake_providers.count("omdb") == 0 and fake_providers.count("tvdb") == 0
    assert outcome.answered == ["tmdb"]
    assert_well_formed(progress.events)


async def test_a_rate_limit_answer_is_reported_as_such(
    identifier: Identifier, fake_providers: FakeServices
) -> None:
    fake_providers.status["tmdb"] = 429
    fake_providers.headers["tmdb"] = {"Retry-After": "3600"}
    progress = RecordingProgress()
    await identifier.search("Inception", 2010, progress=progress)
    outcome = next(e for e in progress.events if e[:2] == ("outcome", "tmdb"))
    assert outcome[3] == "rate_limited"
    assert ("complete", "tmdb", "false") in progress.events


# --------------------------------------------------------------------------------------------------
# Lookup mode
# --------------------------------------------------------------------------------------------------


async def test_lookup_reports_each_provider_asked(
    identifier: Identifier, fake_providers: FakeServices
) -> None:
    fake_providers.not_found.add(("fanart", "603"))
    progress = RecordingProgress()
    result = await identifier.lookup(ExternalIds(tmdb=603), progress=progress)
    assert steps(progress.events) == [("lookup", EVERY)]
    for provider in ("omdb", "tmdb", "tvdb"):
        assert of(progress.events, provider) == [
            ("start", provider),
            ("outcome", provider, "lookup", "answered", "tmdb 603"),
            ("complete", provider, "true"),
        ]
    fanart = of(progress.events, "fanart")
    assert fanart[1][:4] == ("outcome", "fanart", "lookup", "not_found")
    assert fanart[2] == ("complete", "fanart", "true")  # "no such movie" is an answer
    assert_well_formed(progress.events)
    assert result.not_found == ["fanart"]


async def test_lookup_announces_each_round() -> None:
    identifier, _fakes = catalog_identifier(
        VirtualClock(), tvdb={"provides": frozenset({IdType.TVDB, IdType.IMDB})}
    )
    progress = RecordingProgress()
    result = await identifier.lookup(
        ExternalIds(tvdb=611), providers=["tvdb", "omdb", "fanart"], progress=progress
    )
    assert result.ids == COMPLETE
    assert steps(progress.events) == [("lookup", {"tvdb"}), ("lookup", {"omdb", "fanart"})]
    first_round_done = progress.events.index(("complete", "tvdb", "true"))
    second_round = progress.events.index(("step", "lookup", "omdb", "fanart"))
    assert first_round_done < second_round  # a round begins once the ids of the last one are known
    assert ("outcome", "tvdb", "lookup", "answered", "imdb tt1375666, tvdb 611") in progress.events
    assert_well_formed(progress.events)


async def test_the_progress_is_optional_and_changes_nothing(identifier: Identifier) -> None:
    quiet = await identifier.identify(title="Inception", year=2010, ids=ExternalIds())
    progress = RecordingProgress()
    loud = await identifier.identify(title="Inception", year=2010, ids=ExternalIds(), progress=progress)
    assert (quiet.status, quiet.ids, quiet.failures) == (loud.status, loud.ids, loud.failures)
    assert progress.events  # and a plain FetchProgress takes every event without complaint
    await identifier.identify(title="Inception", year=2010, ids=ExternalIds(), progress=FetchProgress())


# --------------------------------------------------------------------------------------------------
# The identification service, and the enrichment that starts with it
# --------------------------------------------------------------------------------------------------


async def test_identify_is_framed_and_goes_search_then_lookup(suite: LibrarySuite) -> None:
    movie = suite.library.add("Inception", year=2010)
    progress = RecordingProgress()
    result = await suite.identification.identify(movie.id, progress=progress)
    events = progress.events
    assert result.identified
    assert events[0] == ("identify_begin",) and events[-1] == ("identify_end", "identified")
    assert steps(events) == [("search", SEARCHERS), ("lookup", EVERY)]
    assert_well_formed(events)


async def test_identify_without_any_answer_ends_with_an_error(
    suite: LibrarySuite, fake_providers: FakeServices
) -> None:
    for provider in EVERY:
        fake_providers.status[provider] = 401
    movie = suite.library.add("Inception", year=2010)
    progress = RecordingProgress()
    with pytest.raises(IdentificationError):
        await suite.identification.identify(movie.id, progress=progress)
    assert progress.events[-1] == ("identify_end", "error")
    outcomes = {e[1]: e[3] for e in progress.events if e[0] == "outcome"}
    assert outcomes == dict.fromkeys(SEARCHERS, "failed")  # each said so; nobody stopped the others


async def test_the_user_s_choice_and_the_search_report_too(suite: LibrarySuite) -> None:
    progress = RecordingProgress()
    await suite.identification.look_up("tmdb:603", progress=progress)
    assert steps(progress.events) == [("lookup", EVERY)]
    progress = RecordingProgress()
    await suite.identification.search("Inception", 2010, progress=progress)
    assert steps(progress.events) == [("search", SEARCHERS)]


async def test_enrichment_of_an_unidentified_movie_passes_the_listener_on(
    suite: LibrarySuite, fake_providers: FakeServices
) -> None:
    fake_providers.status["fanart"] = 401  # fails in the lookup: one chance per action, not asked again
    movie = suite.library.add("Inception", year=2010)
    progress = RecordingProgress()
    result = await suite.enrichment.enrich(movie.id, progress=progress)
    assert result.status is Status.ENRICHED
    events = progress.events
    end = events.index(("identify_end", "identified"))
    assert events[0] == ("identify_begin",)
    assert steps(events[:end]) == [("search", SEARCHERS), ("lookup", EVERY)]
    # After the identification nothing is fetched: the lookup answers are reused, and fanart,
    # which failed in the lookup, is reported failed for this refresh without a second request.
    assert events[end + 1 :] == []
    assert [f.provider for f in result.failed] == ["fanart"] and fake_providers.count("fanart") == 1


# --------------------------------------------------------------------------------------------------
# Against the sandbox (real clients, the demo catalog)
# --------------------------------------------------------------------------------------------------


@pytest.fixture
async def sandbox_suite(
    tmp_path: Path,
    sandbox_factory: Callable[..., SandboxServer],  # noqa: F811
) -> AsyncIterator[LibrarySuite]:
    server = sandbox_factory(faults="omdb:html")  # OMDb answers an HTML error page: not retried
    services = await open_on_sandbox(tmp_path / "profile", server)
    try:
        yield LibrarySuite.create(services)
    finally:
        await services.aclose()


async def test_a_demo_film_from_its_title_with_one_provider_broken(sandbox_suite: LibrarySuite) -> None:
    movie = sandbox_suite.library.add("Inception", year=2010)
    progress = RecordingProgress()
    result = await sandbox_suite.identification.identify(movie.id, progress=progress)
    assert result.identified and result.ids.imdb == "tt1375666"
    events = progress.events
    searchers = {r.id for r in sandbox_suite.app.pool.enabled() if r.provider.capabilities.can_search}
    assert "omdb" in searchers and steps(events)[0] == ("search", searchers)
    search_outcomes = {e[1]: e[3] for e in events if e[0] == "outcome" and e[2] == IdentifyStep.SEARCH}
    assert search_outcomes.pop("omdb") == "failed"
    assert set(search_outcomes.values()) == {"answered"}
    lookups = {e[1]: e[3] for e in events if e[0] == "outcome" and e[2] == IdentifyStep.LOOKUP}
    assert lookups.get("omdb") == "failed" and lookups.get("tmdb") == "answered"
    assert_well_formed(events)
    assert events[-1] == ("identify_end", "identified")
