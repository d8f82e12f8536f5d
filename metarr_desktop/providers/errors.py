"""The one exception hierarchy for provider answers.

Every failure of a provider call is one of these, raised from `providers.base.map_response` or
`providers.base.map_transport_error` and nowhere else. Each error knows whether a retry may help.
These are environment errors (the provider, the network, the user's key): they reach the user as a
readable message, never as a traceback.
"""

from __future__ import annotations

import math
from datetime import datetime

from metarr_desktop.logsetup import redact

#: The longest wait a provider can impose with Retry-After (seconds): a day. Longer asks are capped,
#: so a typo or a hostile header (1e8 s, a date in 2099) never blocks a provider for years.
MAX_RETRY_AFTER_S = 24 * 3600.0


def usable_retry_after(seconds: float | None) -> float | None:
    """`seconds` as a wait we honour: None for NaN, infinities and negative values, else at most
    `MAX_RETRY_AFTER_S`. Every `RateLimitedError.retry_after` passes through here."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return None
    return min(float(seconds), MAX_RETRY_AFTER_S)


class ProviderError(Exception):
    """Base of every provider failure.

    Attributes:
        provider: id of the provider that failed.
        message: a sentence a user can read (never contains an API key).
        status_code: the HTTP status when there was one.
    """

    #: A retry may help (class default; some errors decide per instance).
    transient: bool = False
    #: Counts against the provider's health (and its circuit breaker).
    health_failure: bool = True

    def __init__(self, provider: str, message: str, *, status_code: int | None = None) -> None:
        message = redact(message)  # a provider may echo the key back in its error text
        super().__init__(f"{provider}: {message}")
        self.provider = provider
        self.message = message
        self.status_code = status_code

    @property
    def retryable(self) -> bool:
        return self.transient


class RateLimitedError(ProviderError):
    """The provider refuses more requests for now (HTTP 429, an exhausted daily quota).

    Attributes:
        retry_after: seconds to wait before the next request, when the provider said.
        reset_at: when an exhausted quota resets (UTC), when known.
        quota_exhausted: True for a daily quota, which no short wait will cure.
    """

    health_failure = False

    def __init__(
        self,
        provider: str,
        message: str = "rate limited",
        *,
        retry_after: float | None = None,
        reset_at: datetime | None = None,
        quota_exhausted: bool = False,
        status_code: int | None = 429,
    ) -> None:
        super().__init__(provider, message, status_code=status_code)
        self.retry_after = usable_retry_after(retry_after)
        self.reset_at = reset_at
        self.quota_exhausted = quota_exhausted

    @property
    def retryable(self) -> bool:
        return not self.quota_exhausted


class ServerError(ProviderError):
    """5xx, or another answer that says "try again" (408, 409, 425)."""

    transient = True


class NetworkError(ProviderError):
    """The request never got an answer: DNS, refused or reset connection, TLS."""

    transient = True


class ProviderTimeoutError(ProviderError):
    """No (complete) answer in time."""

    transient = True


class DeadlineExceededError(ProviderTimeoutError):
    """The engine's time budget for this provider ran out; its requests were cancelled."""


class NotFoundError(ProviderError):
    """The provider has no such entity: a valid answer, not a health failure."""

    health_failure = False


class AuthenticationError(ProviderError):
    """The API key is missing, wrong or revoked: a configuration problem the user must fix."""


class BadResponseError(ProviderError):
    """An answer we cannot use: malformed JSON, an HTML page, a truncated or oversized body.

    Retryable only when the provider also said it was in trouble (5xx).
    """

    def __init__(self, provider: str, message: str, *, status_code: int | None = None) -> None:
        super().__init__(provider, message, status_code=status_code)

    @property
    def retryable(self) -> bool:
        return self.status_code is not None and self.status_code >= 500


class ProviderUnavailableError(ProviderError):
    """Not asked: the provider is disabled, its circuit is open or it is rate limited."""

    health_failure = False
