"""Progress events of a fetch, as a plain callback object the window turns into Qt signals."""

from __future__ import annotations


class FetchProgress:
    """Receives per-provider progress; override what you need (every method does nothing here).

    Methods are called on the event loop's thread and must return quickly.
    """

    def on_provider_start(self, provider: str) -> None:
        """A provider's part of a fetch began."""

    def on_provider_complete(self, provider: str, success: bool) -> None:
        """A provider's part ended; `success` is False for failures, timeouts and rate limits."""

    def on_provider_retry(self, provider: str, attempt: int, max_retries: int) -> None:
        """Retry `attempt` of `max_retries` is about to be made after a wait."""

    def on_provider_timeout(self, provider: str) -> None:
        """A provider ran out of time; its requests were cancelled."""


class RecordingProgress(FetchProgress):
    """Keeps every event as a tuple; for the CLI's verbose mode, logs and tests."""

    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def on_provider_start(self, provider: str) -> None:
        self.events.append(("start", provider))

    def on_provider_complete(self, provider: str, success: bool) -> None:
        self.events.append(("complete", provider, str(success).lower()))

    def on_provider_retry(self, provider: str, attempt: int, max_retries: int) -> None:
        self.events.append(("retry", provider, str(attempt), str(max_retries)))

    def on_provider_timeout(self, provider: str) -> None:
        self.events.append(("timeout", provider))
