"""The keys of the CLI's JSON documents that CONTRACT.md promises, written out here (never
taken from the code under test), for the tests that check a command's output keeps them."""

from __future__ import annotations

#: Every row of ``metarr providers list --json``.
PROVIDER_KEYS = {
    "id",
    "name",
    "enabled",
    "priority",
    "base_url",
    "has_api_key",
    "rate_limit",
    "daily_quota",
    "capabilities",
}
#: Every row of ``metarr providers health --json``.
HEALTH_KEYS = {
    "id",
    "enabled",
    "status",
    "auto_disabled",
    "uptime_percent",
    "avg_latency_ms",
    "consecutive_failures",
    "last_request_at",
    "last_error",
    "rate_limited_until",
    "requests_today",
    "daily_quota",
}
#: Every row of ``metarr assets ID --json``.
ASSET_KEYS = {
    "id",
    "type",
    "url",
    "width",
    "height",
    "language",
    "provider",
    "votes",
    "score",
    "is_selected",
    "fetched_at",
}
