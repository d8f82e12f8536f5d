from __future__ import annotations

import random
from typing import Any

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.engine.runtime import ProviderSettings
from tests.helpers.fakes import Build
from tests.helpers.fakes import FakeProvider


@pytest.fixture
def build(clock: VirtualClock) -> Build:
    """build(tmdb={...FakeProvider kwargs...}, omdb={...}) -> (orchestrator, fakes by id)."""

    def _build(**specs: dict[str, Any]) -> tuple[FetchOrchestrator, dict[str, FakeProvider]]:
        pool = ProviderPool(clock)
        fakes: dict[str, FakeProvider] = {}
        for priority, (pid, spec) in enumerate(specs.items(), start=1):
            spec = dict(spec)
            settings = ProviderSettings(
                enabled=spec.pop("enabled", True),
                priority=priority,
                rate_limit=spec.pop("rate_limit", None),
                daily_quota=spec.pop("daily_quota", None),
                user_timeout_s=spec.pop("user_timeout_s", None),
            )
            fake = FakeProvider(pid, clock, **spec)
            pool.add(fake, settings)
            fakes[pid] = fake
        return FetchOrchestrator(pool, clock=clock, rng=random.Random(7)), fakes

    return _build


__all__ = ["Build", "RateLimit"]
