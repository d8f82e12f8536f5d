"""FetchOrchestrator: partial results, timeouts apart from failures, skips without requests,
retries with progress events, sequential mode, deadlines, metrics and cancellation."""

from __future__ import annotations

import asyncio

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.engine.budget import ActionBudget
from metarr_desktop.engine.events import RecordingProgress
from metarr_desktop.engine.fetch import ExecutionMode
from metarr_desktop.engine.health import HealthStatus
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.errors import ServerError
from tests.helpers.fakes import HANG
from tests.helpers.fakes import Build
from tests.helpers.fakes import capabilities

REQUEST = MetadataRequest(ExternalIds(tmdb=27205, imdb="tt1375666"))


def boom() -> ServerError:
    return ServerError("x", "server error (HTTP 500)", status_code=500)


async def test_partial_results_with_mixed_outcomes(build: Build) -> None:
    orchestrator, fakes = build(
        tmdb={},
        omdb={"outcomes": [NotFoundError("omdb", "not found")]},
        tvdb={"outcomes": [AuthenticationError("tvdb", "the API key was refused", status_code=401)]},
        fanart={"outcomes": [HANG]},
        slowpoke={"outcomes": [boom(), boom(), boom()]},
    )
    results = await orchestrator.fetch_all(REQUEST, priority=Priority.USER)
    assert results.completed == ["tmdb"]
    assert results.not_found == ["omdb"]
    assert [(f.provider, f.retryable) for f in results.failed] == [("tvdb", False), ("slowpoke", True)]
    assert results.timed_out == ["fanart"]
    assert results.rate_limited == []
    assert not results.all_failed
    assert results.providers["tmdb"] is not None and results.providers["tmdb"].fields["title"] == "from tmdb"
    assert results.providers["fanart"] is None
    assert fakes["slowpoke"].calls == 3  # first try + 2 user retries
    assert fakes["fanart"].cancelled == 1  # the hanging request was cancelled, not abandoned


async def test_all_failing_gives_all_failed(build: Build) -> None:
    orchestrator, _ = build(
        tmdb={"default": AuthenticationError("tmdb", "bad key")},
        omdb={"default": ServerError("omdb", "down", status_code=503)},
    )
    results = await orchestrator.fetch_all(REQUEST)
    assert results.all_failed
    assert not results.met_minimum
    assert orchestrator.metrics.executions == 1 and orchestrator.metrics.success_rate == 0


async def test_a_timeout_is_reported_apart_from_a_failure(build: Build, clock: VirtualClock) -> None:
    orchestrator, _ = build(tmdb={"outcomes": [HANG]}, omdb={"default": boom()})
    progress = RecordingProgress()
    results = await orchestrator.fetch_all(REQUEST, progress=progress)
    assert results.timed_out == ["tmdb"]
    assert [f.provider for f in results.failed] == ["omdb"]
    assert ("timeout", "tmdb") in progress.events
    assert ("timeout", "omdb") not in progress.events
    assert clock.monotonic() == pytest.approx(10.0)  # the user budget
    snapshot = orchestrator.pool.get("tmdb").health_snapshot()
    assert snapshot.last_error == "gave no answer within 10 s"


async def test_progress_events_for_a_retry(build: Build) -> None:
    orchestrator, _ = build(tmdb={"outcomes": [boom()]})
    progress = RecordingProgress()
    await orchestrator.fetch_all(REQUEST, progress=progress)
    assert progress.events == [("start", "tmdb"), ("retry", "tmdb", "1", "2"), ("complete", "tmdb", "true")]


async def test_exhausted_quota_is_skipped_without_a_request(build: Build) -> None:
    orchestrator, fakes = build(tmdb={}, omdb={"daily_quota": 2})
    for _ in range(2):
        await orchestrator.fetch_all(REQUEST)
    results = await orchestrator.fetch_all(REQUEST)
    assert fakes["omdb"].calls == 2
    assert results.rate_limited == ["omdb"]
    assert results.completed == ["tmdb"]
    assert orchestrator.pool.get("omdb").health_snapshot().status is HealthStatus.RATE_LIMITED


async def test_provider_reported_quota_exhaustion_skips_until_reset(
    build: Build, clock: VirtualClock
) -> None:
    orchestrator, fakes = build(
        omdb={"outcomes": [RateLimitedError("omdb", "Request limit reached!", quota_exhausted=True)]}
    )
    first = await orchestrator.fetch_all(REQUEST)
    second = await orchestrator.fetch_all(REQUEST)
    assert first.rate_limited == ["omdb"] and second.rate_limited == ["omdb"]
    assert fakes["omdb"].calls == 1
    clock.advance(24 * 3600)
    third = await orchestrator.fetch_all(REQUEST)
    assert third.completed == ["omdb"]


async def test_retry_after_within_budget_is_waited_out(build: Build, clock: VirtualClock) -> None:
    orchestrator, fakes = build(tmdb={"outcomes": [RateLimitedError("tmdb", retry_after=3)]})
    results = await orchestrator.fetch_all(REQUEST)
    assert results.completed == ["tmdb"]
    assert fakes["tmdb"].calls == 2
    assert clock.monotonic() >= 3


async def test_retry_after_beyond_budget_reports_rate_limited(build: Build) -> None:
    orchestrator, fakes = build(tmdb={"outcomes": [RateLimitedError("tmdb", retry_after=600)]}, omdb={})
    results = await orchestrator.fetch_all(REQUEST)
    assert results.rate_limited == ["tmdb"] and results.completed == ["omdb"]
    again = await orchestrator.fetch_all(REQUEST)
    assert again.rate_limited == ["tmdb"]
    assert fakes["tmdb"].calls == 1  # skipped without a request while it asked us to wait


async def test_open_circuit_is_skipped_then_probed(build: Build, clock: VirtualClock) -> None:
    orchestrator, fakes = build(tvdb={"outcomes": [boom() for _ in range(15)]})
    runtime = orchestrator.pool.get("tvdb")
    for execution in range(5):  # five failed executions of 1 + 2 attempts each open the circuit
        assert not runtime.health_snapshot().auto_disabled, execution
        failed = await orchestrator.fetch_all(REQUEST)
        assert [f.provider for f in failed.failed] == ["tvdb"]
    assert fakes["tvdb"].calls == 15
    assert runtime.health_snapshot().auto_disabled
    skipped = await orchestrator.fetch_all(REQUEST)
    assert skipped.rate_limited == ["tvdb"] and fakes["tvdb"].calls == 15
    assert [(u.provider, u.reason.value) for u in skipped.unavailable] == [("tvdb", "circuit_open")]
    clock.advance(60)
    fakes["tvdb"].outcomes = []
    probed = await orchestrator.fetch_all(REQUEST)
    assert probed.completed == ["tvdb"]
    assert not runtime.health_snapshot().auto_disabled  # re-enabled by the successful probe


async def test_a_background_fetch_that_fails_five_times_then_succeeds_gets_its_answer(
    build: Build,
) -> None:
    """The breaker counts executions (a fetch with its retries is one), not attempts: the 1 + 5
    attempts of a background fetch all happen, and the circuit stays closed."""
    orchestrator, fakes = build(tvdb={"outcomes": [boom() for _ in range(5)]})
    results = await orchestrator.fetch_all(REQUEST, priority=Priority.BACKGROUND)
    runtime = orchestrator.pool.get("tvdb")
    assert results.completed == ["tvdb"] and fakes["tvdb"].calls == 6
    assert runtime.breaker.is_closed and runtime.breaker.consecutive_failures == 0
    assert not runtime.health_snapshot().auto_disabled
    assert runtime.health.uptime_percent == pytest.approx(100 / 6)  # uptime counts attempts


async def test_providers_that_cannot_serve_are_skipped(build: Build) -> None:
    orchestrator, fakes = build(
        tmdb={}, omdb={"caps": capabilities(frozenset({IdType.IMDB}))}, off={"enabled": False}
    )
    results = await orchestrator.fetch_all(MetadataRequest(ExternalIds(tmdb=27205)))
    assert results.completed == ["tmdb"]
    assert results.skipped == ["omdb"]
    assert "off" not in results.providers
    music = await orchestrator.fetch_all(MetadataRequest(ExternalIds(tmdb=1), entity_type=EntityType.MUSIC))
    assert music.skipped == ["tmdb", "omdb"] and music.all_failed
    assert fakes["omdb"].calls == 0


async def test_subset_of_providers(build: Build) -> None:
    orchestrator, fakes = build(tmdb={}, omdb={}, fanart={})
    results = await orchestrator.fetch_all(REQUEST, providers=["omdb", "fanart"])
    assert results.completed == ["omdb", "fanart"]
    assert fakes["tmdb"].calls == 0


async def test_sequential_mode_stops_at_min_successful(build: Build) -> None:
    orchestrator, fakes = build(
        tmdb={"default": AuthenticationError("tmdb", "bad key")}, omdb={}, tvdb={}, fanart={}
    )
    results = await orchestrator.fetch_all(REQUEST, mode=ExecutionMode.SEQUENTIAL, min_successful=2)
    assert results.completed == ["omdb", "tvdb"]
    assert results.skipped == ["fanart"]
    assert results.met_minimum
    assert fakes["fanart"].calls == 0


async def test_parallel_is_as_fast_as_the_slowest_provider(build: Build, clock: VirtualClock) -> None:
    orchestrator, _ = build(a={"latency": 0.3}, b={"latency": 0.3}, c={"latency": 0.5})
    await orchestrator.fetch_all(REQUEST)
    assert clock.monotonic() == pytest.approx(0.5)
    sequential, _ = build(a={"latency": 0.3}, b={"latency": 0.3}, c={"latency": 0.5})
    start = clock.monotonic()
    await sequential.fetch_all(REQUEST, mode=ExecutionMode.SEQUENTIAL, min_successful=3)
    assert clock.monotonic() - start == pytest.approx(1.1)


async def test_global_deadline_times_out_the_rest(build: Build, clock: VirtualClock) -> None:
    orchestrator, _ = build(fast={"latency": 1}, slow={"latency": 30})
    results = await orchestrator.fetch_all(REQUEST, priority=Priority.BACKGROUND, deadline_s=5)
    assert results.completed == ["fast"]
    assert results.timed_out == ["slow"]
    assert clock.monotonic() == pytest.approx(5)


async def test_a_bug_in_one_client_does_not_sink_the_fetch(build: Build) -> None:
    orchestrator, _ = build(tmdb={"outcomes": [KeyError("results")]}, omdb={})
    results = await orchestrator.fetch_all(REQUEST)
    assert results.completed == ["omdb"]
    assert results.failed[0].provider == "tmdb"
    assert "could not read the answer" in results.failed[0].error


async def test_pacing_applies_across_concurrent_fetches(build: Build, clock: VirtualClock) -> None:
    orchestrator, fakes = build(tvdb={"rate_limit": RateLimit(3, 1.0), "latency": 0.0})
    await asyncio.gather(*(orchestrator.fetch_all(REQUEST, priority=Priority.BACKGROUND) for _ in range(9)))
    assert fakes["tvdb"].calls == 9
    assert clock.monotonic() == pytest.approx(2.0)


async def test_cancelling_the_fetch_cancels_every_provider(build: Build) -> None:
    orchestrator, fakes = build(tmdb={"outcomes": [HANG]}, omdb={"outcomes": [HANG]})
    task = asyncio.ensure_future(orchestrator.fetch_all(REQUEST))
    for _ in range(5):
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fakes["tmdb"].cancelled == 1 and fakes["omdb"].cancelled == 1


async def test_metrics_per_provider(build: Build) -> None:
    orchestrator, _ = build(tmdb={}, omdb={"default": AuthenticationError("omdb", "bad key")})
    for _ in range(3):
        await orchestrator.fetch_all(REQUEST)
    metrics = orchestrator.metrics.to_json()
    assert metrics["executions"] == 3 and metrics["success_rate"] == 1.0
    assert metrics["providers"]["tmdb"]["success_rate"] == 1.0
    assert metrics["providers"]["omdb"]["success_rate"] == 0.0


async def test_the_fetches_of_one_action_are_one_execution(build: Build, clock: VirtualClock) -> None:
    orchestrator, _ = build(tmdb={}, omdb={"default": AuthenticationError("omdb", "bad key")})
    budget = ActionBudget(clock)
    await orchestrator.fetch_all(REQUEST, providers=["omdb"], budget=budget)  # nobody answered
    assert orchestrator.metrics.executions == 1 and orchestrator.metrics.success_rate == 0
    await orchestrator.fetch_all(REQUEST, providers=["tmdb"], budget=budget)  # the same action
    assert orchestrator.metrics.executions == 1 and orchestrator.metrics.success_rate == 1.0
    assert budget.fetches == 2 and budget.answered
    await orchestrator.fetch_all(REQUEST, providers=["tmdb"])  # another action
    assert orchestrator.metrics.executions == 2 and orchestrator.metrics.success_rate == 1.0


async def test_waiting_in_our_own_pacer_is_not_the_providers_failure(
    build: Build, clock: VirtualClock
) -> None:
    """A user fetch whose budget runs out in Metarr's own rate limiter sent no request: it is
    reported as waiting for the rate limit, never as a timeout, and health and breaker are untouched."""
    orchestrator, fakes = build(tmdb={"rate_limit": RateLimit(1, 30.0), "latency": 0.2})
    first = await orchestrator.fetch_all(REQUEST)
    assert first.completed == ["tmdb"]
    runtime = orchestrator.pool.get("tmdb")
    waited = await orchestrator.fetch_all(REQUEST)  # the next slot is 30 s away: past the 10 s budget
    assert fakes["tmdb"].calls == 1
    assert waited.rate_limited == ["tmdb"] and not waited.timed_out and not waited.failed
    (skip,) = waited.unavailable
    assert skip.reason.value == "rate_limited" and "waiting for the rate limit" in skip.detail
    assert skip.until is not None
    assert runtime.health.uptime_percent == 100.0 and runtime.health.consecutive_failures == 0
    assert runtime.breaker.consecutive_failures == 0
    assert runtime.health_snapshot().status is HealthStatus.HEALTHY


async def test_latency_is_measured_from_the_request_leaving(build: Build, clock: VirtualClock) -> None:
    orchestrator, _ = build(tmdb={"rate_limit": RateLimit(1, 3.0), "latency": 0.1})
    await asyncio.gather(orchestrator.fetch_all(REQUEST), orchestrator.fetch_all(REQUEST))
    runtime = orchestrator.pool.get("tmdb")
    # the second waited ~3 s in our pacer; the provider answered both in 100 ms
    assert runtime.health.avg_latency_ms == pytest.approx(100.0, abs=1.0)
