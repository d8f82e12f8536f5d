"""Fixtures of the provider tests: hand-made answers, a recording mock transport, the sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.helpers.sandbox import sandbox, sandbox_factory

__all__ = ["Recorder", "fixture", "sandbox", "sandbox_factory"]

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class Recorder:
    """An `httpx.MockTransport` that records every request and answers through `handler`."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return handler(request)

        self.transport = httpx.MockTransport(record)

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]
